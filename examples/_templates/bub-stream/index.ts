// A Bub run_model_stream hook: answers {"value": {"events": [...], "usage": {...}}}, one text event per
// word of its reply, then a final event with the whole text.
import { answer, field, orText, readRequest, skip, text } from '../_shared/bub';
import { jsonString } from '../_shared/util';

export function run_model_stream(): i32 {
	const request = readRequest();
	if (request.hook != 'run_model_stream') return skip();
	const prompt = orText(text(field(request.args, 'prompt')), '');
	const reply = 'You said: ' + prompt;
	const words = reply.split(' ');
	let events = '';
	for (let i = 0; i < words.length; i++) {
		const delta = i < words.length - 1 ? words[i] + ' ' : words[i];
		events += '{"kind": "text", "data": {"delta": ' + jsonString(delta) + '}}, ';
	}
	events += '{"kind": "final", "data": {"text": ' + jsonString(reply) + '}}';
	return answer('{"events": [' + events + '], "usage": {"output_tokens": ' + words.length.toString() + '}}');
}
