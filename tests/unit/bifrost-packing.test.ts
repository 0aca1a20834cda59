import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	describePacked,
	hex,
	hexDec,
	isNothing,
	pack,
	packedString,
	parsePacked,
	toU64,
	unpack
} from '../../src/lib/abi/raw/packing';

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });

describe('Bifrost packing: (ptr << 32) | len', () => {
	it('packs and unpacks small values', () => {
		expect(pack(0x0001_0400, 42)).toBe(0x0001_0400_0000_002an);
		expect(unpack(0x0001_0400_0000_002an)).toEqual({ ptr: 0x0001_0400, len: 42 });
	});

	it('round-trips every pair of u32s', () => {
		fc.assert(
			fc.property(u32, u32, (ptr, len) => {
				expect(unpack(pack(ptr, len))).toEqual({ ptr, len });
			})
		);
	});

	it('keeps pointers at and above 2^31, which JavaScript receives as negative i64s', () => {
		const ptr = 0x8000_0000;
		const packed = pack(ptr, 16);
		expect(packed).toBe(0x8000_0000_0000_0010n);
		// What a wasm i64 result looks like in JavaScript: the same bits, read as signed.
		const signed = BigInt.asIntN(64, packed);
		expect(signed < 0n).toBe(true);
		expect(unpack(signed)).toEqual({ ptr, len: 16 });
		expect(toU64(signed)).toBe(packed);
		expect(unpack(BigInt.asIntN(64, pack(0xffff_ffff, 0xffff_ffff)))).toEqual({
			ptr: 0xffff_ffff,
			len: 0xffff_ffff
		});
	});

	it('unpacks any signed i64 to the halves of its unsigned bits', () => {
		fc.assert(
			fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
				const { ptr, len } = unpack(v);
				expect(pack(ptr, len)).toBe(BigInt.asUintN(64, v));
			})
		);
	});

	it('treats 0 as nothing, and only 0', () => {
		expect(isNothing(0n)).toBe(true);
		expect(isNothing(pack(0, 0))).toBe(true);
		expect(isNothing(pack(0, 1))).toBe(false);
		expect(isNothing(pack(1, 0))).toBe(false);
		expect(describePacked(0n)).toBe('0x0000000000000000 → 0: nothing');
	});

	it('refuses halves that are not u32', () => {
		expect(() => pack(-1, 0)).toThrow(RangeError);
		expect(() => pack(0, 2 ** 32)).toThrow(RangeError);
		expect(() => pack(1.5, 0)).toThrow(RangeError);
	});

	it('formats values in hex and decimal for teaching', () => {
		expect(hex(66560)).toBe('0x00010400');
		expect(hexDec(66560)).toBe('0x00010400 (66560)');
		expect(hexDec(-1n, 16)).toBe('0xffffffffffffffff (18446744073709551615)');
		expect(describePacked(BigInt.asIntN(64, pack(0xffff_0000, 16)))).toBe(
			'0xffff000000000010 → ptr 0xffff0000 (4294901760), len 0x00000010 (16)'
		);
	});

	it('keeps the packed value as an unsigned decimal string', () => {
		const signed = BigInt.asIntN(64, pack(0x9000_0000, 5));
		expect(packedString(signed)).toBe('10376293541461622789');
		expect(parsePacked('10376293541461622789')).toBe(pack(0x9000_0000, 5));
		expect(parsePacked('18446744073709551616')).toBeNull();
		expect(parsePacked('-1')).toBeNull();
		expect(parsePacked('0x10')).toBeNull();
	});
});
