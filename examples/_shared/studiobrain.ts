// Helpers for StudioBrain plugins: HTTP bodies as lists of byte numbers (serde's Vec<u8>), and the host
// reached through Extism vars (setting:<key>, host_call:<name> / host_result:<name>).
import { Var } from '@extism/as-pdk';
import { outputText } from './util';

// `text` as UTF-8 byte numbers: "{}" becomes "[123,125]".
export function byteList(text: string): string {
	const bytes = Uint8Array.wrap(String.UTF8.encode(text));
	let out = '[';
	for (let i = 0; i < bytes.length; i++) {
		if (i > 0) out += ',';
		out += bytes[i].toString();
	}
	return out + ']';
}

// Answers handle_request with `status` and a JSON body.
export function respond(status: i32, json: string): i32 {
	outputText(
		'{"status": ' +
			status.toString() +
			', "headers": [{"key": "content-type", "value": "application/json"}], "body": ' +
			byteList(json) +
			'}'
	);
	return 0;
}

// A plugin setting the host set before the call, or `fallback`.
export function setting(key: string, fallback: string): string {
	const value = Var.getString('setting:' + key);
	return value === null ? fallback : value;
}

// Asks the host: sets host_call:<name> to the JSON request, reads host_result:<name> ("" if none).
export function hostCall(name: string, request: string): string {
	Var.set('host_call:' + name, Uint8Array.wrap(String.UTF8.encode(request)));
	const result = Var.getString('host_result:' + name);
	return result === null ? '' : result;
}
