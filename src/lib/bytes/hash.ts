import { toHex } from './encoding';

/** The SHA-256 of the bytes as 64 lowercase hex digits. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
	// `digest` rejects views over a SharedArrayBuffer; copy those into an ordinary buffer first.
	const input =
		bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
	return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', input)));
}
