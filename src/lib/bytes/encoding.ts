import { fail, type Result } from '../errors';

const HEX_DIGITS = '0123456789abcdef';
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Byte value of each hex digit's char code, -1 when the char is not a hex digit. */
const HEX_VALUES = buildTable('0123456789abcdefABCDEF', (i) => (i < 16 ? i : i - 6));
/** Six-bit value of each base64 char code; accepts both the standard and the url-safe alphabet. */
const BASE64_VALUES = buildTable(`${BASE64_ALPHABET}-_`, (i) => (i < 64 ? i : i - 2));
const BASE64_CODES = Uint8Array.from(BASE64_ALPHABET, (c) => c.charCodeAt(0));

const lenientDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

function buildTable(chars: string, value: (index: number) => number): Int8Array {
	const table = new Int8Array(128).fill(-1);
	for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = value(i);
	return table;
}

function lookup(table: Int8Array, code: number): number {
	return code < 128 ? (table[code] ?? -1) : -1;
}

/** Lowercase hex, two digits per byte, no separators. */
export function toHex(bytes: Uint8Array): string {
	const out = new Uint8Array(bytes.length * 2);
	for (let i = 0; i < bytes.length; i++) {
		const b = bytes[i] ?? 0;
		out[i * 2] = HEX_DIGITS.charCodeAt(b >> 4);
		out[i * 2 + 1] = HEX_DIGITS.charCodeAt(b & 15);
	}
	return lenientDecoder.decode(out);
}

/** Parses hex text; whitespace between digits is ignored and each group may start with `0x`. */
export function fromHex(text: string): Result<{ bytes: Uint8Array }> {
	const digits: number[] = [];
	for (const group of text.matchAll(/\S+/g)) {
		const start = /^0x/i.test(group[0]) ? 2 : 0;
		for (let i = start; i < group[0].length; i++) {
			const value = lookup(HEX_VALUES, group[0].charCodeAt(i));
			if (value < 0) {
				const at = group.index + i;
				return fail(
					'load',
					`The hex text has a non-hex character ${quoteChar(text, at)} at position ${at + 1}.`,
					'Use only the digits 0-9 and a-f, optionally separated by spaces or newlines.'
				);
			}
			digits.push(value);
		}
	}
	if (digits.length % 2 !== 0) {
		return fail(
			'load',
			`The hex text has an odd number of digits (${digits.length}); every byte needs two.`,
			'Add the missing digit (for example write 0f rather than f).'
		);
	}
	const bytes = new Uint8Array(digits.length / 2);
	for (let i = 0; i < bytes.length; i++) {
		bytes[i] = ((digits[i * 2] ?? 0) << 4) | (digits[i * 2 + 1] ?? 0);
	}
	return { ok: true, bytes };
}

function quoteChar(text: string, at: number): string {
	const code = text.codePointAt(at) ?? 0;
	const char = String.fromCodePoint(code);
	return code < 0x20 || code === 0x7f ? `U+${code.toString(16).padStart(4, '0')}` : `"${char}"`;
}

/** Standard base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
	// Writing char codes into a byte array and decoding once avoids both string concatenation in a
	// loop and `String.fromCharCode(...bytes)`, which overflows the call stack on large inputs.
	const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
	let o = 0;
	let i = 0;
	for (; i + 2 < bytes.length; i += 3) {
		const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
		out[o++] = BASE64_CODES[n >> 18] ?? 0;
		out[o++] = BASE64_CODES[(n >> 12) & 63] ?? 0;
		out[o++] = BASE64_CODES[(n >> 6) & 63] ?? 0;
		out[o++] = BASE64_CODES[n & 63] ?? 0;
	}
	const rest = bytes.length - i;
	if (rest > 0) {
		const n = ((bytes[i] ?? 0) << 16) | (rest === 2 ? (bytes[i + 1] ?? 0) << 8 : 0);
		out[o] = BASE64_CODES[n >> 18] ?? 0;
		out[o + 1] = BASE64_CODES[(n >> 12) & 63] ?? 0;
		out[o + 2] = rest === 2 ? (BASE64_CODES[(n >> 6) & 63] ?? 0) : 0x3d;
		out[o + 3] = 0x3d;
	}
	return lenientDecoder.decode(out);
}

/** Parses base64 in the standard or url-safe alphabet; padding is optional, whitespace ignored. */
export function fromBase64(text: string): Result<{ bytes: Uint8Array }> {
	const values = new Uint8Array(text.length);
	let count = 0;
	let padding = 0;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) continue;
		if (code === 0x3d) {
			padding++;
			continue;
		}
		const value = lookup(BASE64_VALUES, code);
		if (value < 0 || padding > 0) {
			const problem =
				value < 0
					? `a character that is not base64, ${quoteChar(text, i)},`
					: `the character ${quoteChar(text, i)} after "=" padding`;
			return fail(
				'load',
				`The base64 text has ${problem} at position ${i + 1}.`,
				'Paste standard (A-Z a-z 0-9 + /) or url-safe (- _) base64, with "=" only at the end.'
			);
		}
		values[count++] = value;
	}
	if (count % 4 === 1 || padding > 2 || (padding > 0 && (count + padding) % 4 !== 0)) {
		return fail(
			'load',
			`The base64 text is ${count} characters long${padding > 0 ? ` with ${padding} "="` : ''}, which no byte sequence encodes to; it is probably cut short.`,
			'Copy the whole base64 text again.'
		);
	}
	const bytes = new Uint8Array(Math.floor((count * 3) / 4));
	let o = 0;
	let i = 0;
	for (; i + 3 < count; i += 4) {
		const n =
			((values[i] ?? 0) << 18) |
			((values[i + 1] ?? 0) << 12) |
			((values[i + 2] ?? 0) << 6) |
			(values[i + 3] ?? 0);
		bytes[o++] = n >> 16;
		bytes[o++] = (n >> 8) & 255;
		bytes[o++] = n & 255;
	}
	const rest = count - i;
	if (rest >= 2) {
		const n = ((values[i] ?? 0) << 18) | ((values[i + 1] ?? 0) << 12) | ((values[i + 2] ?? 0) << 6);
		bytes[o] = n >> 16;
		if (rest === 3) bytes[o + 1] = (n >> 8) & 255;
	}
	return { ok: true, bytes };
}

/** UTF-8 bytes of a string. */
export function utf8Encode(text: string): Uint8Array {
	return encoder.encode(text);
}

/** Decodes UTF-8, replacing invalid sequences with U+FFFD instead of failing. */
export function utf8Decode(bytes: Uint8Array): string {
	return lenientDecoder.decode(bytes);
}

/** True when the bytes are valid UTF-8 with no control characters other than tab, LF and CR. */
export function isProbablyText(bytes: Uint8Array): boolean {
	let text: string;
	try {
		text = strictDecoder.decode(bytes);
	} catch {
		return false;
	}
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		// C0 controls other than tab, LF and CR; DEL; and the C1 controls.
		if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f)) {
			return false;
		}
	}
	return true;
}

/**
 * A classic hex dump: offset, 16 hex bytes split in two groups of 8, and the printable ASCII.
 * With `maxRows`, later rows are replaced by one line saying how many bytes were left out.
 */
export function hexDump(bytes: Uint8Array, maxRows = Infinity): string {
	const rows = Math.ceil(bytes.length / 16);
	const shown = Math.min(rows, Math.max(0, Math.floor(maxRows)));
	const lines: string[] = [];
	for (let row = 0; row < shown; row++) {
		const offset = row * 16;
		const chunk = bytes.subarray(offset, offset + 16);
		let hex = '';
		let ascii = '';
		for (let i = 0; i < 16; i++) {
			const b = chunk[i];
			hex += (i === 8 ? '  ' : i > 0 ? ' ' : '') + (b === undefined ? '  ' : hexByte(b));
			if (b !== undefined) ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
		}
		lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex}  |${ascii}|`);
	}
	if (shown < rows) {
		const left = bytes.length - shown * 16;
		lines.push(`… ${left} more byte${left === 1 ? '' : 's'} (${formatBytes(bytes.length)} in all)`);
	}
	return lines.join('\n');
}

function hexByte(b: number): string {
	return (HEX_DIGITS[b >> 4] ?? '') + (HEX_DIGITS[b & 15] ?? '');
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** A byte count for people: `512 B`, `3.2 KiB`, `16 MiB` (one decimal below 10, none above). */
export function formatBytes(n: number): string {
	if (!Number.isFinite(n)) return `${n} B`;
	const sign = n < 0 ? '-' : '';
	let value = Math.abs(n);
	let unit = 0;
	while (value >= 1024 && unit < UNITS.length - 1) {
		value /= 1024;
		unit++;
	}
	if (unit === 0) return `${sign}${Math.round(value)} B`;
	let rounded = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
	// 1023.96 KiB rounds to 1024 KiB; show it as 1 MiB instead.
	if (rounded >= 1024 && unit < UNITS.length - 1) {
		rounded = 1;
		unit++;
	}
	return `${sign}${rounded} ${UNITS[unit]}`;
}
