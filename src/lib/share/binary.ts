/**
 * Byte-level building blocks of the share format: raw deflate through the platform's CompressionStream,
 * CRC-32, unsigned LEB128 varints and unpadded base64url. No DOM; Node 20 and every browser have these.
 */
import { fromBase64, toBase64 } from '../bytes/encoding';

/** Streams `input` through a (de)compressor; null when the output would pass `limit` bytes. */
async function pipe(
	stream: CompressionStream | DecompressionStream,
	input: Uint8Array,
	limit: number
): Promise<Uint8Array | null> {
	const writer = stream.writable.getWriter();
	// Rejections surface through the reader below; these catches only keep them from going unhandled.
	// Streams reject views over a SharedArrayBuffer; copy those into an ordinary buffer first.
	const chunk =
		input.buffer instanceof ArrayBuffer ? (input as Uint8Array<ArrayBuffer>) : input.slice();
	writer.write(chunk).catch(() => {});
	writer.close().catch(() => {});
	const reader = stream.readable.getReader();
	const chunks: Uint8Array[] = [];
	let total = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		total += value.byteLength;
		if (total > limit) {
			await reader.cancel().catch(() => {});
			return null;
		}
		chunks.push(value);
	}
	return concat(chunks, total);
}

/** Raw deflate (no zlib or gzip header) at the platform's default level. */
export async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
	return (await pipe(new CompressionStream('deflate-raw'), bytes, Infinity)) as Uint8Array;
}

/**
 * The raw-deflate size of `bytes`, or null as soon as it passes `limit`, without finishing the work: a
 * 50 MB module is not compressed in full just to learn that it is too big for a link.
 */
export async function deflatedSize(bytes: Uint8Array, limit: number): Promise<number | null> {
	const out = await pipe(new CompressionStream('deflate-raw'), bytes, limit);
	return out?.byteLength ?? null;
}

/** Inflates raw deflate; null when the output passes `limit`. Rejects when the stream is damaged. */
export function inflate(bytes: Uint8Array, limit: number): Promise<Uint8Array | null> {
	return pipe(new DecompressionStream('deflate-raw'), bytes, limit);
}

/** The chunks joined into one array of `total` bytes. */
export function concat(chunks: readonly Uint8Array[], total?: number): Uint8Array {
	const out = new Uint8Array(total ?? chunks.reduce((n, c) => n + c.byteLength, 0));
	let at = 0;
	for (const chunk of chunks) {
		out.set(chunk, at);
		at += chunk.byteLength;
	}
	return out;
}

const CRC_TABLE = (() => {
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c >>> 0;
	}
	return table;
})();

/** CRC-32 (IEEE 802.3, the one gzip, zip and PNG use) as an unsigned 32-bit number. */
export function crc32(bytes: Uint8Array): number {
	let crc = 0xffffffff;
	for (let i = 0; i < bytes.length; i++) {
		crc = (CRC_TABLE[(crc ^ (bytes[i] ?? 0)) & 0xff] ?? 0) ^ (crc >>> 8);
	}
	return (crc ^ 0xffffffff) >>> 0;
}

/** The largest value a varint here may hold; anything bigger is damage, not a real length. */
const VARINT_MAX = 2 ** 32 - 1;

/** Unsigned LEB128: seven bits a byte, low bits first, high bit set on every byte but the last. */
export function varint(value: number): Uint8Array {
	const out: number[] = [];
	let rest = value;
	while (rest >= 0x80) {
		out.push((rest % 0x80) | 0x80);
		rest = Math.floor(rest / 0x80);
	}
	out.push(rest);
	return Uint8Array.from(out);
}

/** Reads a varint at `at`: its value and where the next field starts, or null when it is cut or too big. */
export function readVarint(bytes: Uint8Array, at: number): { value: number; next: number } | null {
	let value = 0;
	let scale = 1;
	for (let i = at; i < bytes.length && i < at + 5; i++) {
		const b = bytes[i] ?? 0;
		value += (b & 0x7f) * scale;
		if (value > VARINT_MAX) return null;
		if (b < 0x80) return { value, next: i + 1 };
		scale *= 0x80;
	}
	return null;
}

/** base64url without padding (RFC 4648 §5): safe in a URL fragment as it is. */
export function toBase64Url(bytes: Uint8Array): string {
	return toBase64(bytes).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

/** Characters of unpadded base64url for `n` bytes. */
export function base64UrlLength(n: number): number {
	return Math.ceil((n * 4) / 3);
}

/** Decodes base64url that the caller has already checked character by character; null when its length is impossible. */
export function fromBase64Url(text: string): Uint8Array | null {
	const decoded = fromBase64(text);
	return decoded.ok ? decoded.bytes : null;
}
