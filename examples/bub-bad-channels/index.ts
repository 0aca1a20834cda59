// Deliberately wrong: provide_channels wraps something that is not a list, which Bub rejects with
// "Extism provide_channels must return a list of channel descriptors".
import { answer, readRequest, skip } from '../_shared/bub';

export function provide_channels(): i32 {
	const request = readRequest();
	if (request.hook != 'provide_channels') return skip();
	return answer('{"channels": "bad"}');
}
