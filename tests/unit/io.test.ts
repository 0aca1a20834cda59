import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	convertInput,
	detectView,
	encodeInput,
	exportCallWarning,
	fileToInput,
	findJsonError,
	formatSignature,
	hexText,
	INPUT_FILE_LIMIT
} from '../../src/lib/workspace/io';
import { fromHex, utf8Encode } from '../../src/lib/bytes/encoding';
import { defaultNamespace, sourceName } from '../../src/lib/workspace/types';

describe('encodeInput', () => {
	it('text is UTF-8', () => {
		const r = encodeInput('é', 'text');
		expect(r.ok && [...r.bytes]).toEqual([0xc3, 0xa9]);
	});
	it('JSON must parse, and says where it does not', () => {
		const bad = encodeInput('{"a":', 'json');
		expect(bad.ok).toBe(false);
		expect(!bad.ok && bad.error.message).toBe(
			'The input is not valid JSON: expected a value at line 1, column 6, found the end of the input.'
		);
		expect(encodeInput('{"a":1}', 'json').ok).toBe(true);
		expect(encodeInput('', 'json').ok).toBe(true);
	});
	it('hex accepts spaced bytes and rejects junk', () => {
		const r = encodeInput('48 69', 'hex');
		expect(r.ok && [...r.bytes]).toEqual([0x48, 0x69]);
		expect(encodeInput('4', 'hex').ok).toBe(false);
	});
});

describe('convertInput', () => {
	it('keeps the bytes when switching between text and hex', () => {
		const hex = convertInput('Hi', 'text', 'hex');
		expect(hex.replace(/\s/g, '')).toBe('4869');
		expect(convertInput(hex, 'hex', 'text')).toBe('Hi');
	});
	it('shows hex as spaced bytes, 16 to a line', () => {
		expect(convertInput('Hi', 'text', 'hex')).toBe('48 69');
		expect(convertInput('{"a":1}', 'json', 'hex')).toBe('7b 22 61 22 3a 31 7d');
		expect(convertInput('7b 7d', 'hex', 'json')).toBe('{}');
	});
	it('keeps non-ASCII and line breaks through a round trip', () => {
		const text = 'Wörld 🌍\r\nnext';
		expect(convertInput(convertInput(text, 'text', 'hex'), 'hex', 'text')).toBe(text);
	});
	it('leaves text alone when it cannot convert', () => {
		expect(convertInput('zz', 'hex', 'text')).toBe('zz');
	});
});

describe('detectView', () => {
	it('picks JSON, text or hex', () => {
		expect(detectView(utf8Encode('{"a":1}'))).toBe('json');
		expect(detectView(utf8Encode('[1,2]'))).toBe('json');
		expect(detectView(utf8Encode('{not json'))).toBe('text');
		expect(detectView(utf8Encode('123'))).toBe('text');
		expect(detectView(new Uint8Array([0, 1, 2, 255]))).toBe('hex');
		expect(detectView(new Uint8Array(0))).toBe('text');
	});
});

describe('workspace sources', () => {
	it('derive a namespace per source, stable across reloads', () => {
		expect(defaultNamespace({ kind: 'example', name: 'greet' })).toBe('example:greet');
		expect(defaultNamespace({ kind: 'url', url: 'https://x.dev/a.wasm' })).toBe(
			'url:https://x.dev/a.wasm'
		);
		expect(defaultNamespace({ kind: 'file', name: 'a.wasm' })).toBe('file:a.wasm');
	});
	it('name URL plugins after their file', () => {
		expect(sourceName({ kind: 'url', url: 'https://x.dev/p/my%20plugin.wasm?v=1' })).toBe(
			'my plugin.wasm'
		);
		expect(sourceName({ kind: 'url', url: 'https://x.dev/' })).toBe('https://x.dev/');
	});
});

describe('hexText', () => {
	it('spaces bytes and breaks lines after 16', () => {
		expect(hexText(new Uint8Array(0))).toBe('');
		expect(hexText(Uint8Array.of(0, 0xab, 0xff))).toBe('00 ab ff');
		const lines = hexText(Uint8Array.from({ length: 33 }, (_, i) => i)).split('\n');
		expect(lines).toEqual([
			'00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f',
			'10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f',
			'20'
		]);
	});
	it('reads back as the same bytes', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
				const back = fromHex(hexText(bytes));
				expect(back.ok && [...back.bytes]).toEqual([...bytes]);
			})
		);
	});
});

describe('findJsonError', () => {
	it('accepts what JSON.parse accepts', () => {
		for (const ok of [
			'0',
			'-0.5e+3',
			'"a\\u00e9\\n"',
			' [1, {"a": [true, false, null]}] ',
			'{}',
			'[]'
		]) {
			expect(findJsonError(ok)).toBeNull();
		}
	});
	it('names what was expected, where, and what was found', () => {
		expect(findJsonError('{"a": }')).toEqual({
			offset: 6,
			message: 'expected a value at line 1, column 7, found "}"'
		});
		expect(findJsonError('[1,\n 2,]')?.message).toBe(
			'expected a value at line 2, column 4, found "]"'
		);
		expect(findJsonError('{"a" 1}')?.message).toBe(
			`expected ':' after the property name at line 1, column 6, found "1"`
		);
		expect(findJsonError("{'a': 1}")?.message).toBe(
			`expected a property name in double quotes at line 1, column 2, found "'"`
		);
		expect(findJsonError('[1 2]')?.message).toBe(
			`expected ',' or ']' at line 1, column 4, found "2"`
		);
		expect(findJsonError('{} x')?.message).toBe(
			'expected the end of the JSON at line 1, column 4, found "x"'
		);
		expect(findJsonError('tru')?.message).toBe('expected true at line 1, column 1, found "t"');
		expect(findJsonError('01')?.offset).toBe(1);
		expect(findJsonError('1.')?.message).toBe(
			'expected a digit at line 1, column 3, found the end of the input'
		);
	});
	it('explains strings that are broken', () => {
		expect(findJsonError('  "abc')).toEqual({
			offset: 6,
			message: `the string that starts at line 1, column 3 is not closed with '"'`
		});
		expect(findJsonError('"a\nb"')?.message).toMatch(
			/^found U\+000A inside a string at line 1, column 3/
		);
		expect(findJsonError('"\\x"')?.offset).toBe(2);
		expect(findJsonError('"\\u12g4"')?.offset).toBe(5);
	});
	it('copes with deep nesting without recursion', () => {
		const deep = '['.repeat(100_000) + ']'.repeat(100_000);
		expect(findJsonError(deep)).toBeNull();
		expect(findJsonError(deep.slice(0, -1))?.offset).toBe(deep.length - 1);
	});
	it('agrees with JSON.parse on valid JSON and on JSON with one character changed', () => {
		const parses = (text: string) => {
			try {
				JSON.parse(text);
				return true;
			} catch {
				return false;
			}
		};
		const mutated = fc
			.tuple(
				fc.json(),
				fc.nat(),
				fc.constantFrom('', ',', '"', '}', ']', '\\', '0', 'e', '-', ' ', '\n', '.')
			)
			.map(([json, at, insert]) => {
				const i = at % (json.length + 1);
				return json.slice(0, i) + insert + json.slice(i + (at % 2));
			});
		fc.assert(
			fc.property(fc.oneof(fc.json(), mutated), (text) => {
				expect(findJsonError(text) === null).toBe(parses(text));
			}),
			{ numRuns: 2000 }
		);
	});
});

describe('fileToInput', () => {
	it('reads JSON files as JSON and other text as text, byte for byte', () => {
		expect(fileToInput(utf8Encode('{"a": 1}\n'), 'a.json')).toEqual({
			ok: true,
			text: '{"a": 1}\n',
			mode: 'json'
		});
		const text = '\ufeffWörld\r\n';
		const read = fileToInput(utf8Encode(text), 'a.txt');
		expect(read).toEqual({ ok: true, text, mode: 'text' });
		const back = read.ok && encodeInput(read.text, read.mode);
		expect(back && back.ok && [...back.bytes]).toEqual([...utf8Encode(text)]);
		expect(fileToInput(new Uint8Array(0), 'empty')).toEqual({ ok: true, text: '', mode: 'text' });
	});
	it('reads binary and invalid UTF-8 as hex', () => {
		expect(fileToInput(Uint8Array.of(0, 1, 0xff), 'a.bin')).toEqual({
			ok: true,
			text: '00 01 ff',
			mode: 'hex'
		});
		expect(fileToInput(Uint8Array.of(0xc3, 0x28), 'bad.txt')).toMatchObject({ mode: 'hex' });
	});
	it('refuses files too big for the editor', () => {
		const big = fileToInput(new Uint8Array(INPUT_FILE_LIMIT + 1), 'huge.bin');
		expect(big.ok).toBe(false);
		expect(!big.ok && big.error).toMatchObject({ kind: 'limit' });
		expect(!big.ok && big.error.message).toMatch(
			/^"huge.bin" is 8 MiB; an input file can be at most 8 MiB/
		);
	});
});

describe('export signatures', () => {
	it('format like the Module panel shows them', () => {
		expect(formatSignature({ params: [], results: ['i32'] })).toBe('() -> i32');
		expect(formatSignature({ params: ['i64', 'i64'], results: [] })).toBe('(i64, i64)');
	});
	it('warn only when the export is not () -> i32', () => {
		expect(exportCallWarning('greet', { params: [], results: ['i32'] })).toBeNull();
		expect(exportCallWarning('add', { params: ['i32', 'i32'], results: ['i32'] })).toMatch(
			/^"add" takes 2 parameters \(i32, i32\) that the call cannot pass\. Extism calls an export with no arguments/
		);
		expect(exportCallWarning('init', { params: [], results: [] })).toMatch(
			/^"init" returns nothing instead of one i32 exit code\./
		);
		expect(exportCallWarning('f', { params: ['i64'], results: ['i64'] })).toMatch(
			/^"f" takes 1 parameter \(i64\) that the call cannot pass and returns i64 instead of one i32 exit code\./
		);
	});
});
