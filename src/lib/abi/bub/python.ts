/**
 * The few pieces of Python that decide bub-extism's bytes and values: `json.dumps(..., ensure_ascii=False)`,
 * `json.loads`, `str()`, truthiness and strict UTF-8. Bub is Python, so the playground reproduces these
 * instead of using JavaScript's JSON, which differs on floats, separators, NaN and error messages.
 */

/**
 * The value model: JSON-shaped JavaScript values, with a mark only where JavaScript would lose what Python
 * keeps. `None` is null, `bool` a boolean, `str` a string, `list` an array, and:
 * - an `int` is a safe-integer number (never -0) or, beyond 2^53, a bigint;
 * - a `float` is any other number (a fraction, -0 for `-0.0`, NaN, ±Infinity, a whole number beyond 2^53),
 *   or a `PyFloat` for a whole number below 2^53 (`1.0`, `1e15`), which a bare number would make an int;
 * - a `dict` is a plain object; when its Python order differs from JavaScript's (which puts integer-like
 *   keys such as "2" first), the order is kept beside it: read keys with `pyKeys`/`pyEntries`, build with
 *   `pyDict` and add with `pySet`.
 */
export type PyValue = unknown;

/** A JSON object as Python's `json` module produces it (a dict); iterate it with `pyEntries`. */
export type JsonObject = Record<string, unknown>;

/** A Python float with a whole value below 2^53: `1.0`, `-3.0`, `1e15`, which a JS number would make an int. */
export class PyFloat {
	constructor(readonly value: number) {}

	/** JavaScript's JSON (and other JS consumers) see the number. */
	toJSON(): number {
		return this.value;
	}
}

/** A float as the model holds it: a bare number when that is unambiguous, else a `PyFloat`. */
export function pyFloat(n: number): number | PyFloat {
	return Number.isSafeInteger(n) && !Object.is(n, -0) ? new PyFloat(n) : n;
}

/** An int as the model holds it: a number when exact, else a bigint. */
export function pyInt(n: bigint): number | bigint {
	const small = Number(n);
	return Number.isSafeInteger(small) ? small : n;
}

/** Whether a value is a Python float in the model (a `PyFloat`, or a number that is not a safe int). */
export function isPyFloat(value: unknown): value is number | PyFloat {
	if (value instanceof PyFloat) return true;
	return typeof value === 'number' && (!Number.isSafeInteger(value) || Object.is(value, -0));
}

/** The number a Python int or float stands for (a bigint beyond 2^53 is rounded). */
export function pyNumber(value: number | bigint | PyFloat): number {
	return value instanceof PyFloat ? value.value : Number(value);
}

/** True for a plain object (what Python's json turns into a dict), not an array or a class instance. */
export function isJsonObject(value: unknown): value is JsonObject {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
	const proto: unknown = Object.getPrototypeOf(value);
	return proto === Object.prototype || proto === null;
}

/** Python key order of the dicts where it differs from JavaScript's own. */
const KEY_ORDER = new WeakMap<object, readonly string[]>();

/** A dict's keys in Python's order: insertion order, integer-like keys included. */
export function pyKeys(obj: JsonObject): string[] {
	const own = Object.keys(obj);
	const order = KEY_ORDER.get(obj);
	if (order === undefined) return own;
	// Keys added or removed since the order was recorded: keep the recorded ones, new ones last.
	const present = new Set(own);
	const kept = order.filter((key) => present.has(key));
	const known = new Set(kept);
	return [...kept, ...own.filter((key) => !known.has(key))];
}

/** A dict's items in Python's order. */
export function pyEntries(obj: JsonObject): Array<[string, unknown]> {
	return pyKeys(obj).map((key) => [key, obj[key]]);
}

/** `d[key] = value`: a new key goes last, an existing one keeps its place; `__proto__` stays data. */
export function pySet(obj: JsonObject, key: string, value: unknown): void {
	const order = pyKeys(obj);
	Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
	if (!order.includes(key)) order.push(key);
	remember(obj, order);
}

function remember(obj: JsonObject, order: readonly string[]): void {
	const own = Object.keys(obj);
	if (own.every((key, i) => key === order[i])) KEY_ORDER.delete(obj);
	else KEY_ORDER.set(obj, order);
}

/** `dict(pairs)`: each key at its first position with its last value, as CPython's dict keeps them. */
export function pyDict(entries: Iterable<readonly [string, unknown]>): JsonObject {
	const out: JsonObject = {};
	const order: string[] = [];
	for (const [key, value] of entries) {
		if (!Object.hasOwn(out, key)) order.push(key);
		Object.defineProperty(out, key, {
			value,
			enumerable: true,
			writable: true,
			configurable: true
		});
	}
	remember(out, order);
	return out;
}

/**
 * Python's `repr()` of a float, which `json.dumps` uses: the shortest round-trip digits (as JavaScript's),
 * but with `.0` on whole numbers and exponent notation (`1e-05`, `1e+16`) outside 1e-4 ≤ |x| < 1e16.
 */
function floatRepr(n: number): string {
	if (Object.is(n, -0)) return '-0.0';
	if (n === 0) return '0.0';
	const [mantissa = '', exponent = '0'] = n.toExponential().split('e');
	const sign = mantissa.startsWith('-') ? '-' : '';
	const digits = mantissa.replace('-', '').replace('.', '');
	// Position of the decimal point relative to the first digit, as CPython's float_repr calls it.
	const point = Number(exponent) + 1;
	if (point > -4 && point <= 16) {
		if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
		if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
		return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
	}
	const e = point - 1;
	const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
	return `${sign}${digits[0]}${fraction}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** A float as Python writes it: `json.dumps` spells the non-finite ones NaN/Infinity, `str()` nan/inf. */
function floatText(n: number, json: boolean): string {
	if (Number.isNaN(n)) return json ? 'NaN' : 'nan';
	if (n === Infinity) return json ? 'Infinity' : 'inf';
	if (n === -Infinity) return json ? '-Infinity' : '-inf';
	return floatRepr(n);
}

/** A number of the model as Python writes it (see `PyValue`: safe integers are ints). */
function numberText(value: number | bigint | PyFloat, json: boolean): string {
	if (value instanceof PyFloat) return floatText(value.value, json);
	if (typeof value === 'bigint') return value.toString();
	return isPyFloat(value) ? floatText(value, json) : String(value);
}

const JSON_ESCAPES: Record<string, string> = {
	'"': '\\"',
	'\\': '\\\\',
	'\b': '\\b',
	'\f': '\\f',
	'\n': '\\n',
	'\r': '\\r',
	'\t': '\\t'
};

/**
 * A JSON string as Python's `ensure_ascii=False` writes it: `"`, `\\` and control characters escaped
 * (`\u0007` in lowercase hex), everything else raw, lone surrogates included (JSON.stringify would escape
 * those, but Python leaves them for the UTF-8 encoder to reject).
 */
function jsonString(text: string): string {
	let out = '"';
	for (const char of text) {
		const escape = JSON_ESCAPES[char];
		if (escape !== undefined) out += escape;
		else if (char < ' ') out += `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
		else out += char;
	}
	return `${out}"`;
}

function dumpsAt(value: PyValue, indent: number | null, level: number): string {
	if (value === null || value === undefined) return 'null';
	switch (typeof value) {
		case 'string':
			return jsonString(value);
		case 'number':
		case 'bigint':
			return numberText(value, true);
		case 'boolean':
			return value ? 'true' : 'false';
	}
	if (value instanceof PyFloat) return numberText(value, true);
	const items = Array.isArray(value)
		? value.map((item: unknown) => dumpsAt(item, indent, level + 1))
		: pyEntries(value as JsonObject).map(
				([k, v]) => `${jsonString(k)}: ${dumpsAt(v, indent, level + 1)}`
			);
	const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
	if (items.length === 0) return open + close;
	if (indent === null) return `${open}${items.join(', ')}${close}`;
	const inner = `\n${' '.repeat(indent * (level + 1))}`;
	return `${open}${inner}${items.join(`,${inner}`)}\n${' '.repeat(indent * level)}${close}`;
}

/**
 * `json.dumps(value, ensure_ascii=False)`: separators `", "` and `": "`, keys in the dict's order,
 * non-ASCII text as is, ints and floats as Python writes them (`1`, `1.0`, `-0.0`, `1e+16`, all digits of
 * a big int) and `NaN`/`Infinity` for non-finite floats (Python's default `allow_nan=True`). With `indent`,
 * `json.dumps(value, indent=indent, ensure_ascii=False)`: one item a line, `","` and `": "`. The value must
 * already be JSON-able (envelope.ts drops the rest).
 */
export function pyDumps(value: PyValue, indent?: number): string {
	return dumpsAt(value, indent ?? null, 0);
}

/** Characters `str.isprintable()` rejects: controls, format, surrogates, private use, unassigned, separators but space. */
const NOT_PRINTABLE = /[\p{C}\p{Z}]/u;

/** Python's `repr()` of a str: single quotes unless the text has ' and no ", escapes for the unprintable. */
function strRepr(text: string): string {
	const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
	let out = quote;
	for (const char of text) {
		const code = char.codePointAt(0) ?? 0;
		if (char === quote || char === '\\') out += `\\${char}`;
		else if (char === '\n') out += '\\n';
		else if (char === '\r') out += '\\r';
		else if (char === '\t') out += '\\t';
		else if (char === ' ' || !NOT_PRINTABLE.test(char)) out += char;
		else if (code < 0x100) out += `\\x${code.toString(16).padStart(2, '0')}`;
		else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
		else out += `\\U${code.toString(16).padStart(8, '0')}`;
	}
	return out + quote;
}

/** Python's `repr()` of a value: strings quoted, everything else as `str()` prints it. */
export function pyRepr(value: PyValue): string {
	return typeof value === 'string' ? strRepr(value) : pyStr(value);
}

/**
 * Python's `str()` of a value: `None`, `True`, `1.0`, `-0.0`, `nan`, `inf`, `['a', 1]`, `{'k': 'v'}` (dicts
 * in their order); text stays as is. An int of more than 4,300 digits is printed in full, where Python
 * would raise ValueError (`sys.set_int_max_str_digits`).
 */
export function pyStr(value: PyValue): string {
	if (value === null || value === undefined) return 'None';
	switch (typeof value) {
		case 'string':
			return value;
		case 'boolean':
			return value ? 'True' : 'False';
		case 'number':
		case 'bigint':
			return numberText(value, false);
	}
	if (value instanceof PyFloat) return numberText(value, false);
	if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
	if (typeof value === 'object') {
		const entries = pyEntries(value as JsonObject);
		return `{${entries.map(([k, v]) => `${strRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
	}
	return String(value);
}

/** Python truthiness: `None`, `False`, `0`, `0.0`, `""`, `[]` and `{}` are false; NaN is true. */
export function pyTruthy(value: PyValue): boolean {
	if (value === null || value === undefined) return false;
	switch (typeof value) {
		case 'boolean':
			return value;
		case 'number':
			return value !== 0;
		case 'bigint':
			return value !== 0n;
		case 'string':
			return value.length > 0;
	}
	if (value instanceof PyFloat) return value.value !== 0;
	if (Array.isArray(value)) return value.length > 0;
	if (typeof value === 'object') return Object.keys(value).length > 0;
	return true;
}

/** A run of lone UTF-16 surrogates: with the `u` flag, a valid pair is one code point and does not match. */
const LONE_SURROGATES = /[\uD800-\uDFFF]+/u;

/**
 * `str.encode('utf-8')`, which the Extism Python SDK applies to the envelope: it fails on lone
 * surrogates (JavaScript's TextEncoder would silently write U+FFFD instead), naming the first run of them
 * as Python does: one character, or a range of positions.
 */
export function pyEncodeError(text: string): string | null {
	const match = LONE_SURROGATES.exec(text);
	if (match === null) return null;
	const start = [...text.slice(0, match.index)].length;
	const run = match[0];
	const where =
		run.length === 1
			? `character ${strRepr(run)} in position ${start}`
			: `characters in position ${start}-${start + run.length - 1}`;
	return `'utf-8' codec can't encode ${where}: surrogates not allowed`;
}

/** For a UTF-8 lead byte: how many continuation bytes follow, and the range the first one must be in. */
function utf8Lead(byte: number): { need: number; low: number; high: number } | null {
	if (byte >= 0xc2 && byte <= 0xdf) return { need: 1, low: 0x80, high: 0xbf };
	if (byte === 0xe0) return { need: 2, low: 0xa0, high: 0xbf };
	if (byte === 0xed) return { need: 2, low: 0x80, high: 0x9f };
	if (byte >= 0xe1 && byte <= 0xef) return { need: 2, low: 0x80, high: 0xbf };
	if (byte === 0xf0) return { need: 3, low: 0x90, high: 0xbf };
	if (byte >= 0xf1 && byte <= 0xf3) return { need: 3, low: 0x80, high: 0xbf };
	if (byte === 0xf4) return { need: 3, low: 0x80, high: 0x8f };
	return null;
}

function decodeFailure(bytes: Uint8Array, start: number, end: number, reason: string): string {
	const where =
		end - start <= 1
			? `byte 0x${(bytes[start] ?? 0).toString(16).padStart(2, '0')} in position ${start}`
			: `bytes in position ${start}-${end - 1}`;
	return `'utf-8' codec can't decode ${where}: ${reason}`;
}

/** Why `bytes.decode('utf-8')` fails, in Python's words, or null when the bytes are valid UTF-8. */
function utf8Problem(bytes: Uint8Array): string | null {
	for (let i = 0; i < bytes.length;) {
		const byte = bytes[i] ?? 0;
		if (byte < 0x80) {
			i++;
			continue;
		}
		const lead = utf8Lead(byte);
		if (lead === null) return decodeFailure(bytes, i, i + 1, 'invalid start byte');
		for (let k = 1; k <= lead.need; k++) {
			if (i + k >= bytes.length) {
				return decodeFailure(bytes, i, bytes.length, 'unexpected end of data');
			}
			const next = bytes[i + k] ?? 0;
			const [low, high] = k === 1 ? [lead.low, lead.high] : [0x80, 0xbf];
			if (next < low || next > high) {
				return decodeFailure(bytes, i, i + k, 'invalid continuation byte');
			}
		}
		i += lead.need + 1;
	}
	return null;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** `bytes.decode('utf-8')`: strict, and a leading BOM is kept as U+FEFF (Python's "utf-8" keeps it). */
export function pyDecodeUtf8(
	bytes: Uint8Array
): { ok: true; text: string } | { ok: false; message: string } {
	try {
		return { ok: true, text: strictUtf8.decode(bytes) };
	} catch {
		return { ok: false, message: utf8Problem(bytes) ?? "'utf-8' codec can't decode the output" };
	}
}

/** Thrown by the parser with Python's message; never leaves this module. */
class JsonDecodeError extends Error {
	constructor(
		readonly reason: string,
		readonly at: number
	) {
		super(reason);
	}
}

/** Python's C scanner gives up past CPython's C recursion limit. */
class JsonRecursionError extends Error {}

/** `int('1' * 4301)` and so `json.loads` of such a number: CPython's limit on int digits. */
class JsonValueError extends Error {}

/**
 * The deepest nesting `json.loads` reads in Bub: CPython 3.12 counts nested containers against its C
 * recursion limit (1,500), less the C calls already on the stack. bub-extism decodes in the worker thread
 * of `asyncio.to_thread`, where 1,494 levels parse and 1,495 raise RecursionError (measured with 3.12.1 by
 * scripts/python-vectors.py; hooks Bub calls synchronously sit a few C calls deeper, so a few levels less).
 */
export const PY_MAX_DEPTH = 1494;

/** CPython's default `sys.get_int_max_str_digits()`. */
const MAX_INT_DIGITS = 4300;

const WHITESPACE = /[ \t\n\r]*/y;
const NUMBER = /(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?/y;
const SIMPLE_ESCAPES: Record<string, string> = {
	'"': '"',
	'\\': '\\',
	'/': '/',
	b: '\b',
	f: '\f',
	n: '\n',
	r: '\r',
	t: '\t'
};

/** A recursive-descent reader with the grammar and the error messages of CPython's `json` scanner. */
class PyJsonReader {
	private pos = 0;
	private depth = 0;

	constructor(private readonly text: string) {}

	read(): unknown {
		if (this.text.startsWith('\ufeff')) {
			throw new JsonDecodeError('Unexpected UTF-8 BOM (decode using utf-8-sig)', 0);
		}
		this.skip();
		const value = this.value();
		this.skip();
		if (this.pos !== this.text.length) throw new JsonDecodeError('Extra data', this.pos);
		return value;
	}

	private skip(): void {
		WHITESPACE.lastIndex = this.pos;
		WHITESPACE.exec(this.text);
		this.pos = WHITESPACE.lastIndex;
	}

	private startsWith(word: string): boolean {
		return this.text.startsWith(word, this.pos);
	}

	private value(): unknown {
		const char = this.text[this.pos];
		if (char === '"') return this.string();
		if (char === '{' || char === '[') {
			if (++this.depth > PY_MAX_DEPTH) {
				const what = char === '{' ? 'object' : 'array';
				throw new JsonRecursionError(
					`maximum recursion depth exceeded while decoding a JSON ${what} from a unicode string`
				);
			}
			const container = char === '{' ? this.object() : this.array();
			this.depth--;
			return container;
		}
		const words: Array<[string, unknown]> = [
			['null', null],
			['true', true],
			['false', false],
			['NaN', NaN],
			['Infinity', Infinity],
			['-Infinity', -Infinity]
		];
		for (const [word, value] of words) {
			if (this.startsWith(word)) {
				this.pos += word.length;
				return value;
			}
		}
		NUMBER.lastIndex = this.pos;
		const match = NUMBER.exec(this.text);
		if (match === null) throw new JsonDecodeError('Expecting value', this.pos);
		this.pos = NUMBER.lastIndex;
		if (match[2] !== undefined || match[3] !== undefined) return pyFloat(Number(match[0]));
		const digits = match[1]?.replace('-', '').length ?? 0;
		if (digits > MAX_INT_DIGITS) {
			throw new JsonValueError(
				`Exceeds the limit (${MAX_INT_DIGITS} digits) for integer string conversion: value has ${digits} digits; use sys.set_int_max_str_digits() to increase the limit`
			);
		}
		// Python's int has no negative zero: `-0` is 0, while the float `-0.0` keeps its sign.
		return pyInt(BigInt(match[0]));
	}

	private string(): string {
		const begin = this.pos;
		this.pos++;
		let out = '';
		for (;;) {
			const char = this.text[this.pos];
			if (char === undefined) throw new JsonDecodeError('Unterminated string starting at', begin);
			if (char === '"') {
				this.pos++;
				return out;
			}
			if (char < ' ') throw new JsonDecodeError('Invalid control character at', this.pos);
			if (char !== '\\') {
				out += char;
				this.pos++;
				continue;
			}
			const escape = this.text[this.pos + 1];
			if (escape === undefined) throw new JsonDecodeError('Unterminated string starting at', begin);
			if (escape === 'u') {
				const hex = this.text.slice(this.pos + 2, this.pos + 6);
				if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
					throw new JsonDecodeError('Invalid \\uXXXX escape', this.pos + 1);
				}
				// UTF-16 code units: a high and a low surrogate escape combine by themselves.
				out += String.fromCharCode(parseInt(hex, 16));
				this.pos += 6;
				continue;
			}
			const simple = SIMPLE_ESCAPES[escape];
			if (simple === undefined) throw new JsonDecodeError('Invalid \\escape', this.pos);
			out += simple;
			this.pos += 2;
		}
	}

	private object(): JsonObject {
		const pairs: Array<[string, unknown]> = [];
		this.pos++;
		this.skip();
		if (this.text[this.pos] === '}') {
			this.pos++;
			return {};
		}
		for (;;) {
			if (this.text[this.pos] !== '"') {
				throw new JsonDecodeError('Expecting property name enclosed in double quotes', this.pos);
			}
			const key = this.string();
			this.skip();
			if (this.text[this.pos] !== ':')
				throw new JsonDecodeError("Expecting ':' delimiter", this.pos);
			this.pos++;
			this.skip();
			pairs.push([key, this.value()]);
			this.skip();
			if (this.text[this.pos] === '}') {
				this.pos++;
				return pyDict(pairs);
			}
			if (this.text[this.pos] !== ',')
				throw new JsonDecodeError("Expecting ',' delimiter", this.pos);
			this.pos++;
			this.skip();
		}
	}

	private array(): unknown[] {
		const out: unknown[] = [];
		this.pos++;
		this.skip();
		if (this.text[this.pos] === ']') {
			this.pos++;
			return out;
		}
		for (;;) {
			out.push(this.value());
			this.skip();
			if (this.text[this.pos] === ']') {
				this.pos++;
				return out;
			}
			if (this.text[this.pos] !== ',')
				throw new JsonDecodeError("Expecting ',' delimiter", this.pos);
			this.pos++;
			this.skip();
		}
	}
}

/** Python's position suffix: `line 1 column 5 (char 4)`, counted in code points as Python's str is. */
function position(text: string, at: number): string {
	const before = [...text.slice(0, at)];
	const char = before.length;
	const lastNewline = before.lastIndexOf('\n');
	const line = before.filter((c) => c === '\n').length + 1;
	return `line ${line} column ${char - lastNewline} (char ${char})`;
}

/** What `json.loads` did: a value, a `JSONDecodeError`, or an error that is not one (Bub lets it propagate). */
export type PyLoadsResult =
	| { ok: true; value: PyValue }
	| { ok: false; error: 'JSONDecodeError' | 'RecursionError' | 'ValueError'; message: string };

/**
 * `json.loads(text)` in CPython 3.12: standard JSON plus `NaN`, `Infinity` and `-Infinity`, into the
 * lossless model (`PyValue`: dict order, int versus float, big ints); a failure carries CPython's message
 * (`Expecting value: line 1 column 1 (char 0)`).
 */
export function pyLoads(text: string): PyLoadsResult {
	try {
		return { ok: true, value: new PyJsonReader(text).read() };
	} catch (e) {
		if (e instanceof JsonRecursionError) {
			return { ok: false, error: 'RecursionError', message: e.message };
		}
		if (e instanceof JsonValueError) return { ok: false, error: 'ValueError', message: e.message };
		if (!(e instanceof JsonDecodeError)) throw e;
		return { ok: false, error: 'JSONDecodeError', message: `${e.reason}: ${position(text, e.at)}` };
	}
}
