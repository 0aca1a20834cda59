// Bub state kept by the host: load_state reads "bub-state:<session_id>" with kv_read (an object Bub
// merges into the turn state), save_state counts the turn and stores the last output with kv_write.
// Bub makes a fresh instance per call, so nothing survives in the plugin itself between calls.
import { answer, field, kvPut, kvText, orText, readRequest, skip, text } from '../_shared/bub';
import { jsonString } from '../_shared/util';

function stateKey(args: string): string {
	return 'bub-state:' + orText(text(field(args, 'session_id')), 'default');
}

export function load_state(): i32 {
	const request = readRequest();
	if (request.hook != 'load_state') return skip();
	const stored = kvText(stateKey(request.args));
	return answer(stored.length > 0 ? stored : '{"turns": 0}');
}

export function save_state(): i32 {
	const request = readRequest();
	if (request.hook != 'save_state') return skip();
	const turns = I32.parseInt(orText(field(field(request.args, 'state'), 'turns'), '0'));
	const output = orText(text(field(request.args, 'model_output')), '');
	const saved =
		'{"turns": ' + (turns + 1).toString() + ', "last_output": ' + jsonString(output) + '}';
	kvPut(stateKey(request.args), saved);
	// Bub ignores save_state's answer; the saved state is returned only to show it.
	return answer(saved);
}
