import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Encode } from '../../src/lib/bytes/encoding';
import { sameBytes } from '../../src/lib/kv/codec';
import { editableKvValue, encodeKvValue, showKvValue } from '../../src/lib/kv/value';

describe('showKvValue', () => {
	it('shows text as text, JSON pretty, and hex as spaced pairs', () => {
		const json = utf8Encode('{"a":[1,2]}');
		expect(showKvValue(json, 'text')).toEqual({ text: '{"a":[1,2]}', note: null });
		expect(showKvValue(json, 'json')).toEqual({
			text: '{\n  "a": [\n    1,\n    2\n  ]\n}',
			note: null
		});
		expect(showKvValue(utf8Encode('41'), 'hex')).toEqual({ text: '34 31', note: null });
	});

	it('says when it cannot show a value as asked', () => {
		expect(showKvValue(new Uint8Array(0), 'text')).toEqual({ text: '', note: 'empty' });
		expect(showKvValue(utf8Encode('plain'), 'json')).toEqual({ text: 'plain', note: 'not JSON' });
		expect(showKvValue(Uint8Array.from([0, 255]), 'text')).toEqual({
			text: '00 ff',
			note: 'binary, shown as hex'
		});
	});

	it('shows only the start of a long value', () => {
		const long = utf8Encode('x'.repeat(5000));
		const cell = showKvValue(long, 'text', 100);
		expect(cell.text).toHaveLength(100);
		expect(cell.note).toBe('first 100 B of 4.9 KiB');
		expect(showKvValue(long, 'hex', 4).text).toBe('78 78 78 78');
	});
});

describe('editing a value', () => {
	it('starts in the mode that fits the bytes', () => {
		expect(editableKvValue(utf8Encode('{"a":1}'))).toEqual({ mode: 'json', text: '{"a":1}' });
		expect(editableKvValue(utf8Encode('41'))).toEqual({ mode: 'text', text: '41' });
		expect(editableKvValue(Uint8Array.from([1, 2]))).toEqual({ mode: 'hex', text: '01 02' });
	});

	it('gives back the same bytes it started from', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
				const { mode, text } = editableKvValue(bytes);
				const encoded = encodeKvValue(text, mode);
				expect(encoded.ok && sameBytes(encoded.bytes, bytes)).toBe(true);
			})
		);
	});

	it('refuses JSON that does not parse and hex that is not whole bytes', () => {
		const json = encodeKvValue('{"a":', 'json');
		expect(!json.ok && json.error.message).toMatch(/^The value is not valid JSON: .*line 1/);
		expect(encodeKvValue('abc', 'hex').ok).toBe(false);
		expect(encodeKvValue('{"a":', 'text').ok).toBe(true);
	});
});
