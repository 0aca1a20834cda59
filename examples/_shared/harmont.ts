// Helpers for Harmont (Extism era) plugins: its hm_* host functions and PluginError. Every argument and
// result is an Extism block: JSON text, UTF-8 text or raw bytes; an integer result is little-endian.
import { Memory } from '@extism/as-pdk';
import { error_set } from '@extism/as-pdk/lib/env';
import { blockBytes, jsonString, outputText, textBlock } from './util';

@external('extism:host/user', 'hm_log')
declare function hm_log(level: u64, message: u64): void;

@external('extism:host/user', 'hm_kv_get')
declare function hm_kv_get(scope: u64, key: u64): u64;

@external('extism:host/user', 'hm_kv_set')
declare function hm_kv_set(scope: u64, key: u64, value: u64): void;

@external('extism:host/user', 'hm_should_cancel')
declare function hm_should_cancel(): u64;

@external('extism:host/user', 'hm_write_stdout')
declare function hm_write_stdout(bytes: u64): void;

// Logs `message` at `level` ("trace", "debug", "info", "warn" or "error").
export function log(level: string, message: string): void {
	hm_log(textBlock(jsonString(level)), textBlock(message));
}

// The value under (scope, key) as the JSON Harmont answers: `null` or a list of byte numbers.
export function kvGetJson(scope: string, key: string): string {
	const bytes = blockBytes(hm_kv_get(textBlock(jsonString(scope)), textBlock(key)));
	return String.UTF8.decodeUnsafe(bytes.dataStart, bytes.length);
}

export function kvSet(scope: string, key: string, value: string): void {
	hm_kv_set(textBlock(jsonString(scope)), textBlock(key), textBlock(value));
}

// Whether the host asks the plugin to stop (a u32 in a 4-byte block).
export function shouldCancel(): bool {
	const bytes = blockBytes(hm_should_cancel());
	return bytes.length > 0 && bytes[0] != 0;
}

export function writeStdout(text: string): void {
	hm_write_stdout(textBlock(text));
}

// The bytes of a JSON list of byte numbers ("[49,50]") as text; "" for null or anything else.
export function byteListText(json: string): string {
	if (json.length < 2 || json.charCodeAt(0) != 0x5b) return '';
	let out = '';
	let n = 0;
	let digits = false;
	for (let i = 1; i < json.length; i++) {
		const c = json.charCodeAt(i);
		if (c >= 0x30 && c <= 0x39) {
			n = n * 10 + (c - 0x30);
			digits = true;
		} else if (digits) {
			out += String.fromCharCode(n);
			n = 0;
			digits = false;
		}
	}
	return out;
}

// Fails the call the way Harmont's SDK did: a PluginError as JSON through error_set, and return code 1.
export function pluginError(code: string, message: string): i32 {
	const json =
		'{"code": ' + jsonString(code) + ', "message": ' + jsonString(message) + ', "doc_url": null}';
	error_set(Memory.allocateString(json).offset);
	return 1;
}

// Answers `hm_manifest` with the given JSON text.
export function manifest(json: string): i32 {
	outputText(json);
	return 0;
}
