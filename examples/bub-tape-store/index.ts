// A Bub tape store kept by the host. provide_tape_store names the four exports Bub then calls as
// tape_store.list_tapes / fetch_all / append / reset. Tapes are JSON lists under "tape:<name>" and
// their names a JSON list under "tapes". fetch_all returns the whole tape: a real store would also
// apply the query's kinds, anchors, dates and limit.
import { answer, field, kvAppend, kvPut, kvText, orText, readRequest, skip, text } from '../_shared/bub';
import { jsonString } from '../_shared/util';

function listOrEmpty(json: string): string {
	return json.length > 0 ? json : '[]';
}

export function provide_tape_store(): i32 {
	const request = readRequest();
	if (request.hook != 'provide_tape_store') return skip();
	return answer(
		'{"functions": {"list_tapes": "tape_list_tapes", "fetch_all": "tape_fetch_all", "append": "tape_append", "reset": "tape_reset"}}'
	);
}

export function tape_list_tapes(): i32 {
	const request = readRequest();
	if (request.hook != 'tape_store.list_tapes') return skip();
	return answer(listOrEmpty(kvText('tapes')));
}

export function tape_fetch_all(): i32 {
	const request = readRequest();
	if (request.hook != 'tape_store.fetch_all') return skip();
	const tape = orText(text(field(field(request.args, 'query'), 'tape')), '');
	return answer(listOrEmpty(kvText('tape:' + tape)));
}

export function tape_append(): i32 {
	const request = readRequest();
	if (request.hook != 'tape_store.append') return skip();
	const tape = orText(text(field(request.args, 'tape')), '');
	const entry = field(request.args, 'entry');
	if (entry === null) return skip();
	kvAppend('tape:' + tape, entry);
	const names = kvText('tapes');
	const quoted = jsonString(tape);
	// Names are stored as a JSON list: `["main", "cli:local"]`.
	const listed = names.includes('[' + quoted + ',') || names.includes(' ' + quoted + ',') ||
		names.includes('[' + quoted + ']') || names.includes(' ' + quoted + ']');
	if (!listed) kvAppend('tapes', quoted);
	// Bub ignores the answer of append and reset.
	return skip();
}

export function tape_reset(): i32 {
	const request = readRequest();
	if (request.hook != 'tape_store.reset') return skip();
	kvPut('tape:' + orText(text(field(request.args, 'tape')), ''), '[]');
	return skip();
}
