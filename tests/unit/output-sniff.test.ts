import { describe, expect, it } from 'vitest';
import { utf8Encode } from '../../src/lib/bytes/encoding';
import { detectOutput, sniffImage } from '../../src/lib/output/sniff';

const bytes = (...b: number[]) => Uint8Array.from(b);
const PNG = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13);

describe('sniffImage', () => {
	it('recognises PNG, JPEG, GIF and WebP by their signatures', () => {
		expect(sniffImage(PNG)?.mime).toBe('image/png');
		expect(sniffImage(bytes(0xff, 0xd8, 0xff, 0xe0))?.mime).toBe('image/jpeg');
		expect(sniffImage(utf8Encode('GIF89a\x01\x00'))?.mime).toBe('image/gif');
		expect(sniffImage(utf8Encode('GIF87a'))?.ext).toBe('gif');
		expect(sniffImage(utf8Encode('RIFF\x10\x00\x00\x00WEBPVP8 '))?.mime).toBe('image/webp');
	});

	it('does not take a cut signature or another RIFF file for an image', () => {
		expect(sniffImage(PNG.subarray(0, 7))).toBeNull();
		expect(sniffImage(bytes(0xff, 0xd8))).toBeNull();
		expect(sniffImage(utf8Encode('RIFF\x10\x00\x00\x00WAVEfmt '))).toBeNull();
		expect(sniffImage(new Uint8Array(0))).toBeNull();
	});

	it('finds an <svg> root after a BOM, an XML declaration, comments and a doctype', () => {
		expect(sniffImage(utf8Encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))?.mime).toBe(
			'image/svg+xml'
		);
		const prolog =
			'\uFEFF <?xml version="1.0"?>\n<!-- made by hand -->\n' +
			'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n' +
			'<svg width="1" height="1"></svg>';
		expect(sniffImage(utf8Encode(prolog))?.ext).toBe('svg');
		expect(sniffImage(utf8Encode('<svg>'))?.ext).toBe('svg');
	});

	it('does not take other markup or text that mentions svg for an image', () => {
		expect(sniffImage(utf8Encode('<svgfoo/>'))).toBeNull();
		expect(sniffImage(utf8Encode('<html><svg></svg></html>'))).toBeNull();
		expect(sniffImage(utf8Encode('draw an <svg> here'))).toBeNull();
		expect(sniffImage(utf8Encode('<!-- unclosed comment <svg>'))).toBeNull();
	});
});

describe('detectOutput', () => {
	it('puts images first, then JSON, text and hex', () => {
		expect(detectOutput(PNG)).toBe('image');
		expect(detectOutput(utf8Encode('<svg/>'))).toBe('image');
		expect(detectOutput(utf8Encode('{"a":1}'))).toBe('json');
		expect(detectOutput(utf8Encode('hello'))).toBe('text');
		expect(detectOutput(bytes(0, 1, 2))).toBe('hex');
		expect(detectOutput(new Uint8Array(0))).toBe('text');
	});
});
