// Deliberately wrong: provide_tape_store gives its functions as a list, which Bub rejects with
// "Extism tape store descriptor must include a functions object"; tape_fetch_all answers an entry
// that is not an object ("Extism tape entry must be an object").
import { answer, readRequest, skip } from '../_shared/bub';

export function provide_tape_store(): i32 {
	const request = readRequest();
	if (request.hook != 'provide_tape_store') return skip();
	return answer('{"functions": ["fetch_all"]}');
}

export function tape_fetch_all(): i32 {
	const request = readRequest();
	if (request.hook != 'tape_store.fetch_all') return skip();
	return answer('["bad-entry"]');
}
