import {
	formatBytes,
	fromHex,
	isProbablyText,
	toHex,
	utf8Decode,
	utf8Encode
} from '../bytes/encoding';
import { fail, type Result } from '../errors';
import type { FuncSig } from '../wasm/types';
import type { InputMode } from './types';

/** Turns the input editor's text into the bytes sent to the plugin, by mode. */
export function encodeInput(text: string, mode: InputMode): Result<{ bytes: Uint8Array }> {
	if (mode === 'hex') return fromHex(text);
	if (mode === 'json' && text.trim() !== '') {
		const problem = findJsonError(text);
		if (problem) {
			return fail(
				'call',
				`The input is not valid JSON: ${problem.message}.`,
				'Fix the JSON, or switch the input mode to Text to send it as it is.'
			);
		}
	}
	return { ok: true, bytes: utf8Encode(text) };
}

/** Re-expresses input text when the user switches modes, so the bytes stay the same where possible. */
export function convertInput(text: string, from: InputMode, to: InputMode): string {
	if (from === to) return text;
	if (to === 'hex') {
		const encoded = encodeInput(text, from);
		return encoded.ok ? hexText(encoded.bytes) : text;
	}
	if (from === 'hex') {
		const decoded = fromHex(text);
		return decoded.ok ? utf8Decode(decoded.bytes) : text;
	}
	return text;
}

/** The ways output can be shown. */
export type OutputView = 'text' | 'json' | 'hex';

/** Picks how to show output: JSON when it parses as an object or array, text when printable, else hex. */
export function detectView(bytes: Uint8Array): OutputView {
	if (bytes.byteLength === 0) return 'text';
	if (!isProbablyText(bytes)) return 'hex';
	const text = utf8Decode(bytes).trim();
	if ((text.startsWith('{') || text.startsWith('[')) && parseJson(text) !== undefined)
		return 'json';
	return 'text';
}

/** Parses JSON, or returns undefined. */
export function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

/** Bytes per line in hex input text, as in a hex dump. */
const HEX_BYTES_PER_LINE = 16;

/** Hex for the input editor: bytes separated by spaces, 16 to a line (`48 69`). `fromHex` reads it back. */
export function hexText(bytes: Uint8Array): string {
	const hex = toHex(bytes);
	const lines: string[] = [];
	for (let at = 0; at < hex.length; at += HEX_BYTES_PER_LINE * 2) {
		lines.push(hex.slice(at, at + HEX_BYTES_PER_LINE * 2).replace(/..(?!$)/g, '$& '));
	}
	return lines.join('\n');
}

/** Where and why JSON text does not parse. */
export interface JsonProblem {
	/** Offset (UTF-16 code units) of the first wrong character, or the text's length when it ends early. */
	offset: number;
	/** What is wrong and where, for people: `expected ',' or '}' at line 2, column 5, found "]"`. */
	message: string;
}

/**
 * Finds the first syntax error in JSON text, with its line and column; null when `JSON.parse` accepts it.
 * `JSON.parse` says where it failed only in some browsers and in each one's own words, so this scans itself.
 */
export function findJsonError(text: string): JsonProblem | null {
	let i = 0;
	/** The closing bracket of each open object or array, innermost last; a loop instead of recursion. */
	const open: ('}' | ']')[] = [];
	const expected = (what: string, at = i): JsonProblem => ({
		offset: at,
		message: `expected ${what} at ${position(text, at)}, found ${describeAt(text, at)}`
	});
	const skipSpace = () => {
		while (i < text.length && JSON_SPACE.includes(text.charAt(i))) i++;
	};
	const digits = (): JsonProblem | null => {
		if (!isDigit(text.charAt(i))) return expected('a digit');
		while (isDigit(text.charAt(i))) i++;
		return null;
	};
	const string = (): JsonProblem | null => {
		const start = i++;
		for (;;) {
			const c = text.charAt(i);
			if (c === '') {
				return {
					offset: i,
					message: `the string that starts at ${position(text, start)} is not closed with '"'`
				};
			}
			if (c === '"') break;
			if (c.charCodeAt(0) < 0x20) {
				return {
					offset: i,
					message: `found ${describeAt(text, i)} inside a string at ${position(text, i)}; write control characters as escapes such as \\n or \\t`
				};
			}
			if (c === '\\') {
				const e = text.charAt(i + 1);
				if (e === 'u') {
					for (let k = 2; k < 6; k++) {
						if (!/^[0-9a-fA-F]$/.test(text.charAt(i + k))) return expected('a hex digit', i + k);
					}
					i += 6;
					continue;
				}
				if (e === '' || !'"\\/bfnrt'.includes(e)) {
					return expected('an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)', i + 1);
				}
				i += 2;
				continue;
			}
			i++;
		}
		i++;
		return null;
	};
	const key = (): JsonProblem | null => {
		if (text.charAt(i) !== '"') return expected('a property name in double quotes');
		const bad = string();
		if (bad) return bad;
		skipSpace();
		if (text.charAt(i) !== ':') return expected("':' after the property name");
		i++;
		return null;
	};
	const scalar = (): JsonProblem | null => {
		const c = text.charAt(i);
		if (c === '"') return string();
		if (c === '-' || isDigit(c)) {
			if (c === '-') i++;
			if (text.charAt(i) === '0') i++;
			else {
				const bad = digits();
				if (bad) return bad;
			}
			if (text.charAt(i) === '.') {
				i++;
				const bad = digits();
				if (bad) return bad;
			}
			if (text.charAt(i) === 'e' || text.charAt(i) === 'E') {
				i++;
				if (text.charAt(i) === '+' || text.charAt(i) === '-') i++;
				const bad = digits();
				if (bad) return bad;
			}
			return null;
		}
		for (const word of ['true', 'false', 'null']) {
			if (c === word[0]) {
				if (!text.startsWith(word, i)) return expected(word);
				i += word.length;
				return null;
			}
		}
		return expected('a value');
	};

	for (;;) {
		// A value is expected here: the whole text, an array item, or a property's value.
		skipSpace();
		const c = text.charAt(i);
		if (c === '{' || c === '[') {
			const close = c === '{' ? '}' : ']';
			i++;
			skipSpace();
			if (text.charAt(i) === close) i++;
			else {
				open.push(close);
				const bad = close === '}' ? key() : null;
				if (bad) return bad;
				continue;
			}
		} else {
			const bad = scalar();
			if (bad) return bad;
		}
		// After a value: close what ends here, then either stop or go on to the next item.
		for (;;) {
			skipSpace();
			const close = open.at(-1);
			if (close === undefined) return i < text.length ? expected('the end of the JSON') : null;
			if (text.charAt(i) === close) {
				open.pop();
				i++;
				continue;
			}
			if (text.charAt(i) !== ',') return expected(`',' or '${close}'`);
			i++;
			if (close === '}') {
				skipSpace();
				const bad = key();
				if (bad) return bad;
			}
			break;
		}
	}
}

/** The only whitespace JSON allows between tokens. */
const JSON_SPACE = ' \t\n\r';

function isDigit(c: string): boolean {
	return c.length === 1 && c >= '0' && c <= '9';
}

/** `line 2, column 5` for an offset; both count from 1. */
function position(text: string, offset: number): string {
	let line = 1;
	let lineStart = 0;
	for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
		line++;
		lineStart = at + 1;
	}
	return `line ${line}, column ${offset - lineStart + 1}`;
}

/** The character at an offset as a message shows it: `"}"`, `U+000A`, or the end of the input. */
function describeAt(text: string, offset: number): string {
	const code = text.codePointAt(offset);
	if (code === undefined) return 'the end of the input';
	if (code < 0x20 || code === 0x7f) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
	const char = String.fromCodePoint(code);
	return char === '"' ? "'\"'" : `"${char}"`;
}

/** The largest file "Input from file" loads: its text lives in the editor, and as hex it triples. */
export const INPUT_FILE_LIMIT = 8 * 1024 * 1024;

/** Turns a file's bytes into editor text: UTF-8 text as Text (JSON when it parses), anything else as hex. */
export function fileToInput(
	bytes: Uint8Array,
	name: string
): Result<{ text: string; mode: InputMode }> {
	if (bytes.byteLength > INPUT_FILE_LIMIT) {
		return fail(
			'limit',
			`"${name}" is ${formatBytes(bytes.byteLength)}; an input file can be at most ${formatBytes(INPUT_FILE_LIMIT)}.`,
			'Pick a smaller file, or cut the input down to the part the plugin needs.'
		);
	}
	if (!isProbablyText(bytes)) return { ok: true, text: hexText(bytes), mode: 'hex' };
	const text = utf8Decode(bytes);
	const json = text.trim() !== '' && findJsonError(text) === null;
	return { ok: true, text, mode: json ? 'json' : 'text' };
}

/** A function signature as the Module panel and the call hint show it: `(i64, i64) -> i32`. */
export function formatSignature(sig: FuncSig): string {
	const results = sig.results.length === 0 ? '' : ` -> ${sig.results.join(', ')}`;
	return `(${sig.params.join(', ')})${results}`;
}

/**
 * Why calling an export the Extism way is likely to go wrong, or null when it has the PDK's `() -> i32` shape:
 * the SDK passes no arguments and reads one i32 result as the exit code.
 */
export function exportCallWarning(name: string, sig: FuncSig): string | null {
	const problems: string[] = [];
	if (sig.params.length > 0) {
		const n = sig.params.length;
		problems.push(
			`takes ${n} parameter${n === 1 ? '' : 's'} (${sig.params.join(', ')}) that the call cannot pass`
		);
	}
	if (sig.results.length !== 1 || sig.results[0] !== 'i32') {
		const returns =
			sig.results.length === 0 ? 'returns nothing' : `returns ${sig.results.join(', ')}`;
		problems.push(`${returns} instead of one i32 exit code`);
	}
	if (problems.length === 0) return null;
	return `"${name}" ${problems.join(' and ')}. Extism calls an export with no arguments and reads its i32 result as the exit code (0 means success), so expect an error or a meaningless result; Extism plugin functions are () -> i32.`;
}
