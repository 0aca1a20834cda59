/**
 * Whether the answer a raw export packed as `(ptr << 32) | len` can be read from its memory. The worker and
 * every raw profile's decoder ask the same question, so a bad answer gets the same named error everywhere.
 */
import type { RawResult } from '../profile';
import { describePacked, hex, hexDec, parsePacked } from './packing';

/** What to do about an answer outside memory. */
export const OUT_OF_RANGE_HINT =
	'The plugin returned memory it does not own: pack (ptr << 32) | len from the allocation that holds the answer, and keep it alive until the host has read it (the host frees it).';

/** What to do about a null pointer with a length. */
export const NULL_POINTER_HINT =
	'Pack the pointer of the allocation that holds the answer; to answer nothing, return 0 (pointer and length both 0).';

/** Whether a packed answer has pointer 0 but a length: a null pointer, never a read from address 0. */
export function isNullPointer(ptr: number, len: number): boolean {
	return ptr === 0 && len !== 0;
}

/** Why the bytes a packed answer points at cannot be read, with what to do; null when they can (or it was 0). */
export function unreadableAnswer(
	exportName: string,
	result: RawResult
): { message: string; hint: string } | null {
	if (result.packed === '0' || result.code !== undefined) return null;
	const { ptr, len } = result;
	const packed = parsePacked(result.packed);
	const shown = packed === null ? result.packed : describePacked(packed);
	if (isNullPointer(ptr, len)) {
		return {
			message: `Null pointer: export "${exportName}" returned pointer 0 with length ${hexDec(len)} (packed ${shown}); address 0 holds no answer, so the host reads nothing.`,
			hint: NULL_POINTER_HINT
		};
	}
	if (result.bytes !== null) return null;
	const memory = result.memoryBytes;
	const size =
		memory === undefined
			? 'the module’s memory'
			: `the end of memory at ${hex(memory)} (${memory} bytes, ${memory / 65536} pages)`;
	const message =
		memory === undefined || ptr >= memory
			? `Export "${exportName}" returned pointer ${hexDec(ptr)}, past ${size} (packed ${shown}).`
			: `Export "${exportName}" returned length ${hexDec(len)} at pointer ${hexDec(ptr)}: the answer would end at byte ${hexDec(ptr + len)}, past ${size} (packed ${shown}).`;
	return { message, hint: OUT_OF_RANGE_HINT };
}
