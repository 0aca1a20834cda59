// Helpers for Bub (bub.extism.v1) plugins: read the envelope Bub sends, answer in its formats.
// The JSON handling is deliberately minimal: enough to pick fields out of Bub's envelope.
import { Host } from '@extism/as-pdk';
import { kv_read, kv_write } from './host';
import { blockBytes, outputText, textBlock } from './util';

// Bub's request: `{"abi_version": "bub.extism.v1", "hook": "...", "args": {...}}`.
export class BubRequest {
	constructor(
		public hook: string,
		// The raw JSON text of `args`.
		public args: string
	) {}
}

export function readRequest(): BubRequest {
	const input = Host.inputString();
	return new BubRequest(orText(text(field(input, 'hook')), ''), orText(field(input, 'args'), '{}'));
}

// `{"skip": true}`: Bub moves on to the next plugin. Every export answers this to hooks it does not handle.
export function skip(): i32 {
	outputText('{"skip": true}');
	return 0;
}

// `{"value": <json>}`: the hook's result; `json` must already be JSON text.
export function answer(json: string): i32 {
	outputText('{"value": ' + json + '}');
	return 0;
}

export function orText(value: string | null, fallback: string): string {
	return value === null ? fallback : value;
}

function isSpace(c: i32): bool {
	return c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d;
}

function skipSpace(s: string, i: i32): i32 {
	while (i < s.length && isSpace(s.charCodeAt(i))) i++;
	return i;
}

// The index just past the JSON value that starts at `i`.
function valueEnd(s: string, i: i32): i32 {
	const c = s.charCodeAt(i);
	if (c == 0x22) {
		for (i++; i < s.length; i++) {
			const d = s.charCodeAt(i);
			if (d == 0x5c) i++;
			else if (d == 0x22) return i + 1;
		}
		return s.length;
	}
	if (c == 0x7b || c == 0x5b) {
		let depth = 0;
		while (i < s.length) {
			const d = s.charCodeAt(i);
			if (d == 0x22) {
				i = valueEnd(s, i);
				continue;
			}
			if (d == 0x7b || d == 0x5b) depth++;
			else if (d == 0x7d || d == 0x5d) {
				depth--;
				if (depth == 0) return i + 1;
			}
			i++;
		}
		return s.length;
	}
	while (i < s.length) {
		const d = s.charCodeAt(i);
		if (d == 0x2c || d == 0x7d || d == 0x5d || isSpace(d)) break;
		i++;
	}
	return i;
}

// The raw JSON text of `key` in the JSON object `json` (top level only), or null.
export function field(json: string | null, key: string): string | null {
	if (json === null) return null;
	const s = json;
	let i = skipSpace(s, 0);
	if (i >= s.length || s.charCodeAt(i) != 0x7b) return null;
	i = skipSpace(s, i + 1);
	while (i < s.length && s.charCodeAt(i) == 0x22) {
		const keyEnd = valueEnd(s, i);
		const name = text(s.substring(i, keyEnd));
		i = skipSpace(s, keyEnd);
		if (i >= s.length || s.charCodeAt(i) != 0x3a) return null;
		i = skipSpace(s, i + 1);
		const end = valueEnd(s, i);
		if (name == key) return s.substring(i, end);
		i = skipSpace(s, end);
		if (i >= s.length || s.charCodeAt(i) != 0x2c) return null;
		i = skipSpace(s, i + 1);
	}
	return null;
}

// The text of a JSON string literal, or null when `raw` is not one.
export function text(raw: string | null): string | null {
	if (raw === null) return null;
	const s = raw;
	if (s.length < 2 || s.charCodeAt(0) != 0x22) return null;
	let out = '';
	let start = 1;
	for (let i = 1; i < s.length - 1; i++) {
		if (s.charCodeAt(i) != 0x5c) continue;
		out += s.substring(start, i);
		const e = s.charCodeAt(++i);
		if (e == 0x6e) out += '\n';
		else if (e == 0x74) out += '\t';
		else if (e == 0x72) out += '\r';
		else if (e == 0x62) out += '\b';
		else if (e == 0x66) out += '\f';
		else if (e == 0x75) {
			out += String.fromCharCode(I32.parseInt(s.substr(i + 1, 4), 16));
			i += 4;
		} else out += String.fromCharCode(e);
		start = i + 1;
	}
	return out + s.substring(start, s.length - 1);
}

// The host's value for `key` as text ("" when missing). Bub itself passes no host functions: plugins
// using these run in the playground, or under a host that provides `extism:host/user` kv_read/kv_write.
export function kvText(key: string): string {
	const bytes = blockBytes(kv_read(textBlock(key)));
	return String.UTF8.decodeUnsafe(bytes.dataStart, bytes.length);
}

export function kvPut(key: string, value: string): void {
	kv_write(textBlock(key), textBlock(value));
}

// Appends JSON `item` to the JSON list stored under `key` ("[]" when missing).
export function kvAppend(key: string, item: string): void {
	const list = kvText(key);
	kvPut(key, list.length <= 2 ? '[' + item + ']' : list.substring(0, list.length - 1) + ', ' + item + ']');
}
