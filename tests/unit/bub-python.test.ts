// The Python semantics bub-extism's bytes depend on; every expected string was printed by CPython.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	pyDumps,
	pyEntries,
	PyFloat,
	pyLoads,
	pyStr,
	pyTruthy
} from '../../src/lib/abi/bub/python';

/** What JavaScript's JSON makes of a model value: big ints rounded, floats bare, dicts in JS order. */
function plain(value: unknown): unknown {
	if (typeof value === 'bigint') return Number(value);
	if (value instanceof PyFloat) return value.value;
	if (Array.isArray(value)) return value.map(plain);
	if (typeof value === 'object' && value !== null) {
		return Object.fromEntries(
			pyEntries(value as Record<string, unknown>).map(([k, v]) => [k, plain(v)])
		);
	}
	return value;
}

describe('pyLoads', () => {
	it("reports CPython's json.JSONDecodeError messages and positions", () => {
		const cases: Array<[string, string]> = [
			['', 'Expecting value: line 1 column 1 (char 0)'],
			[' ', 'Expecting value: line 1 column 2 (char 1)'],
			['{"a":1,}', 'Expecting property name enclosed in double quotes: line 1 column 8 (char 7)'],
			['[1,]', 'Expecting value: line 1 column 4 (char 3)'],
			['{"a" 1}', "Expecting ':' delimiter: line 1 column 6 (char 5)"],
			['{a:1}', 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'],
			['"abc', 'Unterminated string starting at: line 1 column 1 (char 0)'],
			['"a\\x"', 'Invalid \\escape: line 1 column 3 (char 2)'],
			['"\\u12"', 'Invalid \\uXXXX escape: line 1 column 3 (char 2)'],
			['[1 2]', "Expecting ',' delimiter: line 1 column 4 (char 3)"],
			['1 2', 'Extra data: line 1 column 3 (char 2)'],
			['"a\nb"', 'Invalid control character at: line 1 column 3 (char 2)'],
			['\ufeff1', 'Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)'],
			['01', 'Extra data: line 1 column 2 (char 1)'],
			['{"a":1 "b":2}', "Expecting ',' delimiter: line 1 column 8 (char 7)"],
			['\n\n  x', 'Expecting value: line 3 column 3 (char 4)'],
			['-', 'Expecting value: line 1 column 1 (char 0)'],
			['{', 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'],
			['{"a":', 'Expecting value: line 1 column 6 (char 5)'],
			['🌍 x', 'Expecting value: line 1 column 1 (char 0)'],
			['["🌍" x]', "Expecting ',' delimiter: line 1 column 6 (char 5)"]
		];
		for (const [text, message] of cases) {
			expect(pyLoads(text), JSON.stringify(text)).toEqual({
				ok: false,
				error: 'JSONDecodeError',
				message
			});
		}
	});

	it("accepts Python's NaN and Infinity, and reads -0 as the int 0", () => {
		expect(pyLoads('[NaN, Infinity, -Infinity, -0, -0.0, 1E400]')).toEqual({
			ok: true,
			value: [NaN, Infinity, -Infinity, 0, -0, Infinity]
		});
	});

	it('parses whatever JSON.parse parses, to the same value once the model is made plain', () => {
		fc.assert(
			fc.property(fc.jsonValue(), (value) => {
				const text = JSON.stringify(value);
				const parsed = pyLoads(text);
				expect(parsed.ok && plain(parsed.value)).toEqual(JSON.parse(text));
			})
		);
	});

	it('keeps a __proto__ key as data, and the last of duplicate keys', () => {
		const result = pyLoads('{"__proto__": 1, "a": 1, "a": 2}');
		expect(result.ok && Object.getPrototypeOf(result.value)).toBe(Object.prototype);
		expect(result.ok && Object.entries(result.value as object)).toEqual([
			['__proto__', 1],
			['a', 2]
		]);
	});
});

describe('pyDumps', () => {
	it('round-trips through pyLoads', () => {
		fc.assert(
			fc.property(fc.jsonValue(), (value) => {
				const parsed = pyLoads(pyDumps(value));
				// Unlike JSON.stringify, Python writes -0 (a float) as -0.0, so it comes back as -0.
				expect(parsed.ok && plain(parsed.value)).toEqual(value);
			})
		);
	});
});

describe('pyStr and pyTruthy', () => {
	it("prints values as Python's str() does", () => {
		expect(pyStr({ a: [1, 2.5, null, true, "it's", 'x\n\u00e9\u0007\u200b'] })).toBe(
			"{'a': [1, 2.5, None, True, \"it's\", 'x\\né\\x07\\u200b']}"
		);
		expect(pyStr(['a"b', 'a\'b"', '\\', '\u007f\u00a0\u00ad', '😀'])).toBe(
			"['a\"b', 'a\\'b\"', '\\\\', '\\x7f\\xa0\\xad', '😀']"
		);
		expect([NaN, Infinity, -Infinity, 1e16, -0, 0.5].map(pyStr)).toEqual([
			'nan',
			'inf',
			'-inf',
			'1e+16',
			'-0.0',
			'0.5'
		]);
		expect(pyStr('plain')).toBe('plain');
		expect(pyStr(null)).toBe('None');
	});

	it('follows Python truthiness', () => {
		expect([null, false, 0, '', [], {}].map(pyTruthy)).toEqual([
			false,
			false,
			false,
			false,
			false,
			false
		]);
		expect([NaN, ' ', [0], { a: null }, -1, true].map(pyTruthy)).toEqual([
			true,
			true,
			true,
			true,
			true,
			true
		]);
	});
});
