// Small helpers shared by the AssemblyScript examples.
import { Host, Memory } from '@extism/as-pdk';
import { length } from '@extism/as-pdk/lib/env';

// Makes `text` (as UTF-8) the plugin's output. `Host.outputString` miscounts non-ASCII text.
export function outputText(text: string): void {
	Host.output(Uint8Array.wrap(String.UTF8.encode(text)));
}

// Copies `text` as UTF-8 into a new Extism block and returns the block's offset.
export function textBlock(text: string): u64 {
	return Memory.allocateString(text).offset;
}

// Reads the block at `offset` (0 means "no block") as bytes.
export function blockBytes(offset: u64): Uint8Array {
	if (offset == 0) return new Uint8Array(0);
	return new Memory(offset, length(offset)).toUint8Array();
}

// Parses leading decimal digits (e.g. a stored counter); empty or non-numeric text is 0.
export function parseCount(bytes: Uint8Array | null): u64 {
	let value: u64 = 0;
	if (bytes === null) return value;
	for (let i = 0; i < bytes.length; i++) {
		const digit = u32(bytes[i]) - 0x30;
		if (digit > 9) break;
		value = value * 10 + digit;
	}
	return value;
}

// Quotes `text` as a JSON string literal.
export function jsonString(text: string): string {
	let out = '"';
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code == 0x22) out += '\\"';
		else if (code == 0x5c) out += '\\\\';
		else if (code == 0x0a) out += '\\n';
		else if (code == 0x0d) out += '\\r';
		else if (code == 0x09) out += '\\t';
		else if (code < 0x20) out += '\\u00' + (code < 0x10 ? '0' : '') + code.toString(16);
		else out += String.fromCharCode(code);
	}
	return out + '"';
}
