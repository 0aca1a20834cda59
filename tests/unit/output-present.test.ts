import { describe, expect, it } from 'vitest';
import { fromHex, utf8Encode } from '../../src/lib/bytes/encoding';
import { clipboardText, outputFile, safeFileName, textPreview } from '../../src/lib/output/present';

describe('textPreview', () => {
	it('keeps short text whole', () => {
		expect(textPreview(utf8Encode('héllo'))).toEqual({ text: 'héllo', truncated: false });
	});
	it('cuts long text on a character boundary', () => {
		// "é" is two bytes; a limit of 2 would split it.
		expect(textPreview(utf8Encode('aé'), 2)).toEqual({ text: 'a', truncated: true });
		expect(textPreview(utf8Encode('a🌍b'), 4)).toEqual({ text: 'a', truncated: true });
		expect(textPreview(utf8Encode('a🌍b'), 5)).toEqual({ text: 'a🌍', truncated: true });
	});
});

describe('clipboardText', () => {
	it('copies text as text and binary as hex', () => {
		expect(clipboardText(utf8Encode('{"a":1}'), 'json')).toBe('{"a":1}');
		expect(clipboardText(utf8Encode('hi'), 'text')).toBe('hi');
		expect(clipboardText(utf8Encode('hi'), 'hex')).toBe('68 69');
		expect(clipboardText(Uint8Array.from([0x89, 0x50]), 'image')).toBe('89 50');
		// Binary copied as hex pastes back into the Input's hex mode as the same bytes.
		const bytes = Uint8Array.from({ length: 20 }, (_, i) => i * 13);
		const back = fromHex(clipboardText(bytes, 'image'));
		expect(back.ok && [...back.bytes]).toEqual([...bytes]);
	});
});

describe('outputFile', () => {
	it('names the file after the export and what the bytes are', () => {
		expect(outputFile(utf8Encode('{"a":1}'), 'count_vowels')).toEqual({
			name: 'count_vowels-output.json',
			type: 'application/json'
		});
		expect(outputFile(utf8Encode('hi'), 'greet').name).toBe('greet-output.txt');
		expect(outputFile(utf8Encode('<svg/>'), 'draw')).toEqual({
			name: 'draw-output.svg',
			type: 'image/svg+xml'
		});
		expect(outputFile(Uint8Array.from([0, 1]), 'x').name).toBe('x-output.bin');
		expect(outputFile(Uint8Array.from([0, 1]), '').name).toBe('plugin-output.bin');
	});
	it('keeps names safe for every file system', () => {
		expect(safeFileName('../a b/c:d')).toBe('a-b-c-d');
		expect(safeFileName('héllo.wasm')).toBe('h-llo.wasm');
	});
});
