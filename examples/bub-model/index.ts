// A Bub model plugin that echoes instead of calling a model, like bub-extism's Rust example:
// "[bub-model:<session_id>] <prompt>" (a prompt that is not a string is written as its JSON).
// run_model answers the text; run_model_stream answers one text event per word, a final event and usage.
import { answer, BubRequest, field, orText, readRequest, skip, text } from '../_shared/bub';
import { jsonString } from '../_shared/util';

function reply(request: BubRequest): string {
	const session = orText(text(field(request.args, 'session_id')), '');
	const raw = field(request.args, 'prompt');
	return '[bub-model:' + session + '] ' + orText(text(raw), orText(raw, ''));
}

export function run_model(): i32 {
	const request = readRequest();
	if (request.hook != 'run_model') return skip();
	return answer(jsonString(reply(request)));
}

export function run_model_stream(): i32 {
	const request = readRequest();
	if (request.hook != 'run_model_stream') return skip();
	const full = reply(request);
	const words = full.split(' ');
	let events = '';
	for (let i = 0; i < words.length; i++) {
		const delta = i < words.length - 1 ? words[i] + ' ' : words[i];
		events += '{"kind": "text", "data": {"delta": ' + jsonString(delta) + '}}, ';
	}
	events += '{"kind": "final", "data": {"text": ' + jsonString(full) + '}}';
	const usage = '{"output_tokens": ' + words.length.toString() + '}';
	return answer('{"events": [' + events + '], "usage": ' + usage + '}');
}
