// A Bub prompt plugin. build_prompt answers "[bub-prompt:<session_id>] <message.content>" as
// {"value": ...}, like bub-extism's Go example; system_prompt answers plain text, which Bub accepts as is.
import { answer, field, orText, readRequest, skip, text } from '../_shared/bub';
import { jsonString, outputText } from '../_shared/util';

export function build_prompt(): i32 {
	const request = readRequest();
	if (request.hook != 'build_prompt') return skip();
	const session = orText(text(field(request.args, 'session_id')), '');
	const content = orText(text(field(field(request.args, 'message'), 'content')), '');
	return answer(jsonString('[bub-prompt:' + session + '] ' + content));
}

export function system_prompt(): i32 {
	const request = readRequest();
	if (request.hook != 'system_prompt') return skip();
	outputText('You are Bub, a concise assistant. Answer in plain text.');
	return 0;
}
