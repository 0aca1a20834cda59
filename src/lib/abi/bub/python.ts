/**
 * The few pieces of Python that decide bub-extism's bytes and values: `json.dumps(..., ensure_ascii=False)`,
 * `json.loads`, `str()`, truthiness and strict UTF-8. Bub is Python, so the playground reproduces these
 * instead of using JavaScript's JSON, which differs on floats, separators, NaN and error messages.
 */

/** A JSON object as Python's `json` module produces it. */
export type JsonObject = Record<string, unknown>;

/** True for a plain object (what Python's json turns into a dict), not an array or a class instance. */
export function isJsonObject(value: unknown): value is JsonObject {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
	const proto: unknown = Object.getPrototypeOf(value);
	return proto === Object.prototype || proto === null;
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

/**
 * A number as Python writes it. JavaScript cannot tell `1` from `1.0`, so safe integers are written as
 * Python ints (what `json.loads` makes of `1`) and everything else as Python floats.
 */
function numberText(n: number, json: boolean): string {
	if (Number.isNaN(n)) return json ? 'NaN' : 'nan';
	if (n === Infinity) return json ? 'Infinity' : 'inf';
	if (n === -Infinity) return json ? '-Infinity' : '-inf';
	if (Number.isSafeInteger(n)) return String(n);
	return floatRepr(n);
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

/**
 * `json.dumps(value, ensure_ascii=False)`: separators `", "` and `": "`, keys in insertion order,
 * non-ASCII text as is, and `NaN`/`Infinity` for non-finite floats (Python's default `allow_nan=True`).
 * The value must already be JSON-able (envelope.ts drops the rest); bigints are Python ints.
 */
export function pyDumps(value: unknown): string {
	if (value === null) return 'null';
	switch (typeof value) {
		case 'string':
			return jsonString(value);
		case 'number':
			return numberText(value, true);
		case 'bigint':
			return value.toString();
		case 'boolean':
			return value ? 'true' : 'false';
	}
	if (Array.isArray(value)) return `[${value.map(pyDumps).join(', ')}]`;
	const entries = Object.entries(value as JsonObject);
	return `{${entries.map(([k, v]) => `${jsonString(k)}: ${pyDumps(v)}`).join(', ')}}`;
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

function repr(value: unknown): string {
	return typeof value === 'string' ? strRepr(value) : pyStr(value);
}

/** Python's `str()` of a JSON value: `None`, `True`, `['a', 1]`, `{'k': 'v'}`; text stays as is. */
export function pyStr(value: unknown): string {
	if (value === null || value === undefined) return 'None';
	switch (typeof value) {
		case 'string':
			return value;
		case 'boolean':
			return value ? 'True' : 'False';
		case 'number':
			return numberText(value, false);
		case 'bigint':
			return value.toString();
	}
	if (Array.isArray(value)) return `[${value.map(repr).join(', ')}]`;
	if (typeof value === 'object') {
		const entries = Object.entries(value as JsonObject);
		return `{${entries.map(([k, v]) => `${strRepr(k)}: ${repr(v)}`).join(', ')}}`;
	}
	return String(value);
}

/** Python truthiness: `None`, `False`, `0`, `""`, `[]` and `{}` are false; NaN is true. */
export function pyTruthy(value: unknown): boolean {
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
	if (Array.isArray(value)) return value.length > 0;
	if (typeof value === 'object') return Object.keys(value).length > 0;
	return true;
}

/** A lone UTF-16 surrogate: with the `u` flag, a valid pair is one code point and does not match. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * `str.encode('utf-8')`, which the Extism Python SDK applies to the envelope: it fails on lone
 * surrogates (JavaScript's TextEncoder would silently write U+FFFD instead).
 */
export function pyEncodeError(text: string): string | null {
	const match = LONE_SURROGATE.exec(text);
	if (match === null) return null;
	const position = [...text.slice(0, match.index)].length;
	return `'utf-8' codec can't encode character ${strRepr(match[0])} in position ${position}: surrogates not allowed`;
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

/** Python's C scanner gives up past its recursion limit (about 1000 nested containers). */
class JsonRecursionError extends Error {}

const MAX_DEPTH = 1000;

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
			if (++this.depth > MAX_DEPTH) {
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
		const number = Number(match[0]);
		// Python's int has no negative zero: `-0` is 0, while the float `-0.0` keeps its sign.
		return match[2] === undefined && match[3] === undefined ? number || 0 : number;
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
		const out: JsonObject = {};
		this.pos++;
		this.skip();
		if (this.text[this.pos] === '}') {
			this.pos++;
			return out;
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
			// defineProperty keeps a `__proto__` key as data instead of changing the prototype.
			Object.defineProperty(out, key, {
				value: this.value(),
				enumerable: true,
				writable: true,
				configurable: true
			});
			this.skip();
			if (this.text[this.pos] === '}') {
				this.pos++;
				return out;
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

/** What `json.loads` did: a value, a `JSONDecodeError`, or a `RecursionError` (which is not one). */
export type PyLoadsResult =
	| { ok: true; value: unknown }
	| { ok: false; error: 'JSONDecodeError' | 'RecursionError'; message: string };

/**
 * `json.loads(text)`: standard JSON plus `NaN`, `Infinity` and `-Infinity`; a failure carries CPython's
 * message (`Expecting value: line 1 column 1 (char 0)`). Integers beyond 2^53 lose precision here.
 */
export function pyLoads(text: string): PyLoadsResult {
	try {
		return { ok: true, value: new PyJsonReader(text).read() };
	} catch (e) {
		if (e instanceof JsonRecursionError) {
			return { ok: false, error: 'RecursionError', message: e.message };
		}
		if (!(e instanceof JsonDecodeError)) throw e;
		return { ok: false, error: 'JSONDecodeError', message: `${e.reason}: ${position(text, e.at)}` };
	}
}
