import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sha256Fallback, sha256Hex } from '../../src/lib/bytes/hash';

const node = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('sha256 without WebCrypto', () => {
	afterEach(() => vi.unstubAllGlobals());

	it('gives the known digests', async () => {
		expect(await sha256Fallback(new Uint8Array(0))).toBe(
			'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
		);
		expect(await sha256Fallback(new TextEncoder().encode('abc'))).toBe(
			'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
		);
	});

	it('agrees with WebCrypto on any bytes', async () => {
		await fc.assert(
			fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
				const expected = node(bytes);
				expect(await sha256Fallback(bytes)).toBe(expected);
				expect(await sha256Hex(bytes)).toBe(expected);
			}),
			{ numRuns: 60 }
		);
	});

	it('is used when crypto.subtle is missing, as on a plain-http LAN address', async () => {
		vi.stubGlobal('crypto', { getRandomValues: crypto.getRandomValues.bind(crypto) });
		expect(globalThis.crypto.subtle).toBeUndefined();
		const bytes = new TextEncoder().encode('plugin bytes');
		expect(await sha256Hex(bytes)).toBe(node(bytes));
	});
});
