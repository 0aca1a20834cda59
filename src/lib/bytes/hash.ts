import { toHex } from './encoding';

/**
 * The SHA-256 of the bytes as 64 lowercase hex digits. `crypto.subtle` exists only in secure contexts
 * (https, localhost); a playground served over plain http on a LAN address has none, so there the audited
 * `@noble/hashes` implementation, loaded only then, computes the same digest.
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
	const subtle = globalThis.crypto?.subtle;
	if (!subtle) return sha256Fallback(bytes);
	// `digest` rejects views over a SharedArrayBuffer; copy those into an ordinary buffer first.
	const input =
		bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
	return toHex(new Uint8Array(await subtle.digest('SHA-256', input)));
}

/** SHA-256 without WebCrypto, for non-secure contexts. */
export async function sha256Fallback(bytes: Uint8Array): Promise<string> {
	const { sha256 } = await import('@noble/hashes/sha2.js');
	return toHex(sha256(bytes));
}
