/**
 * The raw transport's packed return value (Bifrost's): a u64 whose upper 32 bits are a pointer into the plugin's memory and whose
 * lower 32 bits are a length, `(ptr << 32) | len`; 0 means "nothing" (or a failed allocation). JavaScript
 * sees an i64 result as a signed BigInt, so a pointer at or above 2^31 arrives as a negative number: every
 * function here works on the unsigned value.
 */

const U32_MAX = 0xffff_ffff;
const LOW_32 = 0xffff_ffffn;

/** A packed value split into its halves. */
export interface Unpacked {
	ptr: number;
	len: number;
}

/** Whether `n` is an integer that fits in 32 unsigned bits. */
export function isU32(n: number): boolean {
	return Number.isInteger(n) && n >= 0 && n <= U32_MAX;
}

/** The unsigned 64-bit value of an i64 (JavaScript hands i64 results over as signed BigInts). */
export function toU64(value: bigint): bigint {
	return BigInt.asUintN(64, value);
}

/** Packs a pointer and a length the way a Bifrost plugin does; both must be u32. */
export function pack(ptr: number, len: number): bigint {
	if (!isU32(ptr) || !isU32(len)) {
		throw new RangeError(`pack(${ptr}, ${len}): pointer and length must be integers in 0..2^32-1`);
	}
	return (BigInt(ptr) << 32n) | BigInt(len);
}

/** Splits a packed value (signed or unsigned) into pointer and length. */
export function unpack(value: bigint): Unpacked {
	const u = toU64(value);
	return { ptr: Number(u >> 32n), len: Number(u & LOW_32) };
}

/** True for the packed value 0: "nothing", or an allocation that failed. */
export function isNothing(value: bigint): boolean {
	return toU64(value) === 0n;
}

/** `0x` and lowercase hex, zero-padded to `digits` (8 for a u32, 16 for a u64). */
export function hex(n: number | bigint, digits = 8): string {
	const value = typeof n === 'bigint' ? toU64(n) : n;
	return `0x${value.toString(16).padStart(digits, '0')}`;
}

/** A number in hex and decimal, `0x00010400 (66560)`: how the trace and the messages show values. */
export function hexDec(n: number | bigint, digits = 8): string {
	const value = typeof n === 'bigint' ? toU64(n) : n;
	return `${hex(value, digits)} (${value.toString(10)})`;
}

/** A packed value as both halves: `0x0001040000000020 → ptr 0x00010400 (66560), len 0x00000020 (32)`. */
export function describePacked(value: bigint): string {
	const { ptr, len } = unpack(value);
	if (isNothing(value)) return `${hex(value, 16)} → 0: nothing`;
	return `${hex(value, 16)} → ptr ${hexDec(ptr)}, len ${hexDec(len)}`;
}

/** The unsigned decimal string kept in a `RawResult` (a u64 does not fit a JSON number). */
export function packedString(value: bigint): string {
	return toU64(value).toString(10);
}

/** Reads back a decimal `packedString`; null when the text is not a u64. */
export function parsePacked(text: string): bigint | null {
	if (!/^\d{1,20}$/.test(text)) return null;
	const value = BigInt(text);
	return value === toU64(value) ? value : null;
}
