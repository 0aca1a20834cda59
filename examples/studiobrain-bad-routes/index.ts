// Deliberately wrong StudioBrain plugin: list_routes wraps its routes in an object, and handle_request
// answers a status as text and a body as a string, where StudioBrain expects a list of byte numbers.
import { outputText } from '../_shared/util';

export function get_info(): i32 {
	outputText(
		'{"id": "studiobrain-bad-routes", "name": "StudioBrain bad routes", "version": "0.1.0",' +
			' "description": "Answers in the wrong shapes.", "author": "Plugin Playground"}'
	);
	return 0;
}

export function list_routes(): i32 {
	outputText('{"routes": [{"method": "GET", "path": "/hello", "description": "A greeting"}]}');
	return 0;
}

export function handle_request(): i32 {
	outputText('{"status": "200", "headers": [], "body": "hello"}');
	return 0;
}
