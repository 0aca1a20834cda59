// A Bub build_prompt hook: Bub sends {"abi_version", "hook", "args"} and takes {"value": <prompt>} back.
// Change what it returns and Run: the envelope, the decoded result and the trace follow.
import { answer, field, orText, readRequest, skip, text } from '../_shared/bub';
import { jsonString } from '../_shared/util';

export function build_prompt(): i32 {
	const request = readRequest();
	if (request.hook != 'build_prompt') return skip();
	const content = orText(text(field(field(request.args, 'message'), 'content')), '');
	return answer(jsonString('Please answer briefly: ' + content));
}
