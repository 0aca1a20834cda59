import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	formatBytes,
	fromBase64,
	fromHex,
	hexDump,
	isProbablyText,
	toBase64,
	toHex,
	utf8Decode,
	utf8Encode
} from '../../src/lib/bytes/encoding';
import { sha256Hex } from '../../src/lib/bytes/hash';

function bytesOf(r: ReturnType<typeof fromHex>): number[] {
	if (!r.ok) throw new Error(r.error.message);
	return [...r.bytes];
}

/** The platform's own base64, as an independent oracle for small inputs. */
function platformBase64(bytes: Uint8Array): string {
	let binary = '';
	for (const b of bytes) binary += String.fromCharCode(b);
	return btoa(binary);
}

describe('hex', () => {
	it('writes lowercase pairs', () => {
		expect(toHex(Uint8Array.from([0, 1, 0xab, 0xff]))).toBe('0001abff');
		expect(toHex(new Uint8Array())).toBe('');
	});

	it('reads digits with spaces, newlines, upper case and 0x prefixes', () => {
		expect(bytesOf(fromHex('00 61\n73\t6D'))).toEqual([0x00, 0x61, 0x73, 0x6d]);
		expect(bytesOf(fromHex('0xDEADbeef'))).toEqual([0xde, 0xad, 0xbe, 0xef]);
		expect(bytesOf(fromHex('0x01 0x02 0X03'))).toEqual([1, 2, 3]);
		expect(bytesOf(fromHex('  '))).toEqual([]);
	});

	it('rejects an odd number of digits', () => {
		const r = fromHex('abc');
		expect(r.ok).toBe(false);
		if (!r.ok) {
			expect(r.error.message).toBe(
				'The hex text has an odd number of digits (3); every byte needs two.'
			);
			expect(r.error.hint).toMatch(/0f/);
		}
	});

	it('names a non-hex character and its position', () => {
		const r = fromHex('00 6g');
		expect(r.ok).toBe(false);
		if (!r.ok)
			expect(r.error.message).toBe('The hex text has a non-hex character "g" at position 5.');
		const ctl = fromHex('00\u000161');
		if (!ctl.ok) expect(ctl.error.message).toContain('U+0001 at position 3');
		else throw new Error('expected an error');
	});

	it('round-trips any bytes', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
				expect(bytesOf(fromHex(toHex(bytes)))).toEqual([...bytes]);
			})
		);
	});
});

describe('base64', () => {
	it('matches the RFC 4648 test vectors', () => {
		const vectors: [string, string][] = [
			['', ''],
			['f', 'Zg=='],
			['fo', 'Zm8='],
			['foo', 'Zm9v'],
			['foob', 'Zm9vYg=='],
			['fooba', 'Zm9vYmE='],
			['foobar', 'Zm9vYmFy']
		];
		for (const [text, encoded] of vectors) {
			expect(toBase64(utf8Encode(text))).toBe(encoded);
			expect(bytesOf(fromBase64(encoded))).toEqual([...utf8Encode(text)]);
		}
	});

	it('agrees with btoa on arbitrary bytes and round-trips them', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
				const encoded = toBase64(bytes);
				expect(encoded).toBe(platformBase64(bytes));
				expect(bytesOf(fromBase64(encoded))).toEqual([...bytes]);
			})
		);
	});

	it('reads the url-safe alphabet without padding', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
				const urlSafe = toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
				expect(bytesOf(fromBase64(urlSafe))).toEqual([...bytes]);
			})
		);
		expect(bytesOf(fromBase64('-_8'))).toEqual([0xfb, 0xff]);
	});

	it('ignores whitespace, as in wrapped base64', () => {
		expect(bytesOf(fromBase64('Zm9v\nYmFy\r\n'))).toEqual([...utf8Encode('foobar')]);
	});

	it('rejects a character outside both alphabets, with its position', () => {
		const r = fromBase64('Zm9v!mFy');
		expect(r.ok).toBe(false);
		if (!r.ok) {
			expect(r.error.message).toBe(
				'The base64 text has a character that is not base64, "!", at position 5.'
			);
		}
	});

	it('rejects data after padding', () => {
		const r = fromBase64('Zg==Zm9v');
		expect(r.ok).toBe(false);
		if (!r.ok)
			expect(r.error.message).toContain('the character "Z" after "=" padding at position 5');
	});

	it('rejects lengths no byte sequence encodes to', () => {
		for (const bad of ['Z', 'Zm9vY', 'Zg=', 'Zg===', 'Zm9v=']) {
			const r = fromBase64(bad);
			expect(r.ok, bad).toBe(false);
			if (!r.ok) expect(r.error.message).toMatch(/probably cut short/);
		}
	});

	it('encodes 16 MiB without exhausting the stack', () => {
		const big = new Uint8Array(16 * 1024 * 1024);
		for (let i = 0; i < big.length; i += 4096) big[i] = i & 0xff;
		const encoded = toBase64(big);
		// 16 MiB is 5592405 groups of three bytes plus one byte, which ends in "==".
		expect(encoded.length).toBe(22369624);
		expect(encoded.endsWith('AA==')).toBe(true);
		expect(encoded.slice(0, 8192)).toBe(platformBase64(big.subarray(0, 6144)));
		const back = fromBase64(encoded);
		if (!back.ok) throw new Error(back.error.message);
		expect(back.bytes.length).toBe(big.length);
		expect(back.bytes[4096]).toBe(0);
		expect(back.bytes[4096 * 3]).toBe((4096 * 3) & 0xff);
		expect(toHex(back.bytes.subarray(0, 1 << 20))).toBe(toHex(big.subarray(0, 1 << 20)));
	});
});

describe('utf8', () => {
	it('encodes and decodes multi-byte text', () => {
		expect([...utf8Encode('é😀')]).toEqual([0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80]);
		expect(utf8Decode(Uint8Array.from([0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80]))).toBe('é😀');
	});

	it('replaces invalid sequences instead of throwing', () => {
		expect(utf8Decode(Uint8Array.from([0x61, 0xff, 0x62]))).toBe('a\ufffdb');
	});

	it('keeps a leading byte-order mark', () => {
		expect(utf8Decode(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61]))).toBe('\ufeffa');
	});
});

describe('isProbablyText', () => {
	it('accepts text with tabs and newlines, and empty input', () => {
		expect(isProbablyText(utf8Encode('line 1\n\tline 2\r\nünïcödé 😀'))).toBe(true);
		expect(isProbablyText(new Uint8Array())).toBe(true);
	});

	it('rejects invalid UTF-8', () => {
		expect(isProbablyText(Uint8Array.from([0x61, 0xc3]))).toBe(false);
		expect(isProbablyText(Uint8Array.from([0xff]))).toBe(false);
	});

	it('rejects control characters', () => {
		expect(isProbablyText(Uint8Array.from([0x61, 0x00, 0x62]))).toBe(false);
		expect(isProbablyText(utf8Encode('a\u001bb'))).toBe(false);
		expect(isProbablyText(utf8Encode('a\u007fb'))).toBe(false);
		expect(isProbablyText(utf8Encode('a\u0085b'))).toBe(false);
	});

	it('rejects a wasm module', () => {
		expect(isProbablyText(Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))).toBe(false);
	});
});

describe('hexDump', () => {
	it('prints offset, two groups of eight bytes and the ASCII column', () => {
		const bytes = utf8Encode('Hello, WebAssembly!\n');
		expect(hexDump(bytes)).toBe(
			[
				'00000000  48 65 6c 6c 6f 2c 20 57  65 62 41 73 73 65 6d 62  |Hello, WebAssemb|',
				'00000010  6c 79 21 0a                                       |ly!.|'
			].join('\n')
		);
	});

	it('keeps columns aligned for a short last row', () => {
		const lines = hexDump(new Uint8Array(21)).split('\n');
		expect(lines[1]?.indexOf('|')).toBe(lines[0]?.indexOf('|'));
	});

	it('stops after maxRows and says how much was left out', () => {
		const dump = hexDump(new Uint8Array(100), 2).split('\n');
		expect(dump).toHaveLength(3);
		expect(dump[1]?.startsWith('00000010')).toBe(true);
		expect(dump[2]).toBe('… 68 more bytes (100 B in all)');
	});

	it('prints nothing for no bytes', () => {
		expect(hexDump(new Uint8Array())).toBe('');
	});
});

describe('formatBytes', () => {
	it.each([
		[0, '0 B'],
		[512, '512 B'],
		[1023, '1023 B'],
		[1024, '1 KiB'],
		[1536, '1.5 KiB'],
		[3277, '3.2 KiB'],
		[10 * 1024, '10 KiB'],
		[1024 * 1024 - 1, '1 MiB'],
		[16 * 1024 * 1024, '16 MiB'],
		[65536 * 65536, '4 GiB']
	])('%d bytes is %s', (n, text) => {
		expect(formatBytes(n)).toBe(text);
	});
});

describe('sha256Hex', () => {
	it('matches the FIPS 180-2 test vectors', async () => {
		expect(await sha256Hex(utf8Encode('abc'))).toBe(
			'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
		);
		expect(await sha256Hex(new Uint8Array())).toBe(
			'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
		);
	});

	it('hashes only the view, not the whole underlying buffer', async () => {
		const buffer = utf8Encode('xxabcxx');
		expect(await sha256Hex(buffer.subarray(2, 5))).toBe(await sha256Hex(utf8Encode('abc')));
	});
});
