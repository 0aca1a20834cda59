// A Bifrost plugin (revision 3) in AssemblyScript without Extism: Bifrost calls raw WebAssembly, writing
// JSON with the plugin's own malloc and reading each answer from a packed (ptr << 32) | len.
// pre_hook gets {"context": {...}, "request": {...}} and answers the request unchanged, with a context
// key added. Change the answer, press Run, and pick another hook in the Hook ABI panel to try it.
import { field } from '../_shared/bub';
import { packText, readText } from '../_shared/raw';

export { malloc, free } from '../_shared/raw';

/** The plugin's name, as Bifrost lists it. */
export function get_name(): u64 {
	return packText('my-bifrost-plugin');
}

/** Called once with the plugin's config (JSON); 0 means ready. */
export function init(ptr: u32, len: u32): i32 {
	return 0;
}

/** Before the request goes to the provider: pass it on, and say so in the context. */
export function pre_hook(ptr: u32, len: u32): u64 {
	const input = readText(ptr, len);
	const request = field(input, 'request');
	return packText(
		'{"context": ' +
			withKey(field(input, 'context'), '"template": "seen"') +
			', "request": ' +
			(request === null ? 'null' : request) +
			', "short_circuit": null, "has_short_circuit": false, "error": ""}'
	);
}

/** A JSON object's text with one more `"key": value` entry first. */
function withKey(object: string | null, entry: string): string {
	if (object === null || !object.startsWith('{')) return '{' + entry + '}';
	const rest = object.substring(1).trimStart();
	return '{' + entry + (rest.startsWith('}') ? '' : ', ') + rest;
}

/** Called when Bifrost shuts the plugin down; 0 means done. */
export function cleanup(): i32 {
	return 0;
}
