// Deliberately wrong: run_model_stream answers a usage that is not an object, which Bub rejects with
// "Extism run_model_stream usage must be a JSON object".
import { answer, readRequest, skip } from '../_shared/bub';

export function run_model_stream(): i32 {
	const request = readRequest();
	if (request.hook != 'run_model_stream') return skip();
	return answer('{"events": [{"kind": "text", "data": {"delta": "hello"}}], "usage": "invalid"}');
}
