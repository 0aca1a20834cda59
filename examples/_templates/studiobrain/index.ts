// A StudioBrain plugin: get_info says who it is, list_routes which HTTP routes it serves, and
// handle_request answers them. Requests and responses are JSON; bodies are lists of byte numbers.
// Edit the greeting, press Run (handle_request with a GET /hello), or pick a hook in the Hook ABI panel.
import { Host } from '@extism/as-pdk';
import { field, orText, text } from '../_shared/bub';
import { respond } from '../_shared/studiobrain';
import { jsonString, outputText } from '../_shared/util';

export function get_info(): i32 {
	outputText(
		'{"id": "my-studiobrain-plugin", "name": "My StudioBrain plugin", "version": "0.1.0",' +
			' "description": "Says hello on /hello.", "author": "me"}'
	);
	return 0;
}

export function list_routes(): i32 {
	outputText('[{"method": "GET", "path": "/hello", "description": "A greeting"}]');
	return 0;
}

export function handle_request(): i32 {
	const path = orText(text(field(Host.inputString(), 'path')), '');
	if (path == '/hello') return respond(200, '{"message": ' + jsonString('Hello, world') + '}');
	return respond(404, '{"error": ' + jsonString('no route ' + path) + '}');
}
