/**
 * When to transfer bytes across threads instead of copying them: transferring a buffer costs tens of
 * microseconds in Chromium (about as much as copying 64 KiB), which a small call's round trip feels.
 */

/** Buffers at least this large are transferred; smaller ones are copied by the structured clone. */
export const TRANSFER_MIN_BYTES = 64 * 1024;

/** The transfer list for `bytes`: its buffer when it is large enough to be worth transferring, else none. */
export function transferList(bytes: Uint8Array | null | undefined): ArrayBuffer[] {
	return bytes && bytes.buffer.byteLength >= TRANSFER_MIN_BYTES
		? [bytes.buffer as ArrayBuffer]
		: [];
}
