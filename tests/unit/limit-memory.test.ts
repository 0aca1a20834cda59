import { beforeAll, describe, expect, it } from 'vitest';
import { inspectModule } from '../../src/lib/wasm/inspect';
import { limitMemory } from '../../src/lib/wasm/limit-memory';
import type { MemoryInfo } from '../../src/lib/wasm/types';

type Wabt = Awaited<ReturnType<typeof import('wabt')>>;
let wabt: Wabt;

beforeAll(async () => {
	wabt = await (await import('wabt')).default();
});

function wat(text: string): Uint8Array {
	const mod = wabt.parseWat('fixture.wat', text, { threads: true, memory64: true });
	try {
		return mod.toBinary({}).buffer;
	} finally {
		mod.destroy();
	}
}

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

function uleb(n: number): number[] {
	const out: number[] = [];
	do {
		const low = n & 0x7f;
		n >>>= 7;
		out.push(n > 0 ? low | 0x80 : low);
	} while (n > 0);
	return out;
}

function section(id: number, content: number[]): number[] {
	return [id, ...uleb(content.length), ...content];
}

function memories(bytes: Uint8Array): MemoryInfo[] {
	const r = inspectModule(bytes);
	if (!r.ok) throw new Error(r.error.message);
	return r.info.memories;
}

function limited(bytes: Uint8Array, maxPages: number) {
	const r = limitMemory(bytes, maxPages);
	if (!r.ok) throw new Error(r.error.message);
	return r;
}

async function instantiate(bytes: Uint8Array): Promise<WebAssembly.Instance> {
	const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
	return new WebAssembly.Instance(module, {});
}

const GROWER = `(module
	(memory (export "memory") 1)
	(func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
	(func (export "size") (result i32) memory.size))`;

describe('limitMemory', () => {
	it('adds a maximum to a memory that has none, and the engine enforces it', async () => {
		const original = wat(GROWER);
		// The memory starts at 1 page and may grow by the cap: at most 1 + 2 = 3 pages.
		const r = limited(original, 2);
		expect(r.changed).toBe(true);
		expect(r.before).toEqual({
			minPages: 1,
			maxPages: null,
			imported: false,
			shared: false,
			memory64: false
		});
		expect(memories(r.bytes)[0]).toMatchObject({ minPages: 1, maxPages: 3 });

		const instance = await instantiate(r.bytes);
		const memory = instance.exports.memory as WebAssembly.Memory;
		const grow = instance.exports.grow as (n: number) => number;
		expect(grow(1)).toBe(1);
		expect(grow(1)).toBe(2);
		expect(grow(1)).toBe(-1);
		expect(() => memory.grow(1)).toThrow(RangeError);
		expect(memory.buffer.byteLength).toBe(3 * 65536);
	});

	it('leaves the unlimited original free to grow past the cap', async () => {
		const instance = await instantiate(wat(GROWER));
		const grow = instance.exports.grow as (n: number) => number;
		expect(grow(5)).toBe(1);
	});

	it('lowers a larger maximum', () => {
		const r = limited(wat('(module (memory 2 100))'), 10);
		expect(r.changed).toBe(true);
		expect(r.before?.maxPages).toBe(100);
		// Growth is what the cap bounds, as natively: 2 initial pages + 10.
		expect(memories(r.bytes)).toEqual([
			{ minPages: 2, maxPages: 12, imported: false, shared: false, memory64: false }
		]);
	});

	it('keeps the module unchanged when its maximum is already tighter or equal', () => {
		for (const max of [5, 11]) {
			const original = wat(`(module (memory 1 ${max}))`);
			const r = limited(original, 10);
			expect(r.changed).toBe(false);
			expect(r.bytes).toBe(original);
			expect(r.before?.maxPages).toBe(max);
		}
	});

	it('keeps a module without memory unchanged, with no "before"', () => {
		const original = wat('(module (func (export "f")))');
		const r = limited(original, 1);
		expect(r).toEqual({ ok: true, bytes: original, changed: false, before: null });
	});

	it('leaves an imported memory untouched', () => {
		const original = wat('(module (import "env" "memory" (memory 1)) (func (export "f")))');
		const r = limited(original, 1);
		expect(r.changed).toBe(false);
		expect(r.bytes).toBe(original);
		expect(r.before).toMatchObject({ imported: true, maxPages: null });
	});

	it('caps a 64-bit memory with u64 limits, with or without a maximum', () => {
		for (const [text, flags] of [
			['(module (memory i64 8))', 0x04],
			['(module (memory i64 8 40000))', 0x05]
		] as const) {
			const r = limited(wat(text), 8);
			expect(r.changed).toBe(true);
			expect(r.before).toMatchObject({ memory64: true, minPages: 8 });
			expect(memories(r.bytes)).toEqual([
				{ minPages: 8, maxPages: 16, imported: false, shared: false, memory64: true }
			]);
			// Memory section: id 5, size 4, one memory, flags with has-max set, min 8, max 16.
			const at = r.bytes.indexOf(0x05, 8);
			expect([...r.bytes.subarray(at, at + 6)]).toEqual([0x05, 0x04, 0x01, flags | 0x01, 8, 16]);
		}
	});

	it('reads and writes u64 limits past 2^32 pages', () => {
		// memory64, has max: min 1, max 2^33 pages as a u64 LEB128 (four 0x80 bytes, then 0x20).
		const max = [0x80, 0x80, 0x80, 0x80, 0x20];
		const content = [0x01, 0x05, 0x01, ...max];
		const original = Uint8Array.from([...HEADER, ...section(5, content)]);
		expect(memories(original)[0]).toMatchObject({ memory64: true, maxPages: 2 ** 33 });
		const r = limited(original, 4095);
		expect([...r.bytes.subarray(8)]).toEqual([0x05, 0x05, 0x01, 0x05, 0x01, 0x80, 0x20]);
		expect(memories(r.bytes)[0]).toMatchObject({ memory64: true, minPages: 1, maxPages: 4096 });
	});

	it('lowers the maximum of a shared memory and keeps it shared', () => {
		const r = limited(wat('(module (memory 2 16 shared))'), 8);
		expect(memories(r.bytes)).toEqual([
			{ minPages: 2, maxPages: 10, imported: false, shared: true, memory64: false }
		]);
	});

	it('fails with kind limit when a 64-bit memory starts above the limit', () => {
		const r = limitMemory(wat('(module (memory i64 8))'), 4);
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.error.kind).toBe('limit');
	});

	it('shares the cap among several memories so that together they grow by at most the cap', () => {
		const r = limited(wat('(module (memory 1) (memory i64 2) (memory 1 3))'), 100);
		const after = memories(r.bytes);
		// The bounded one keeps its maximum of 3 (2 pages of growth); the unbounded ones split the other 98.
		expect(after.map((m) => m.maxPages)).toEqual([50, 51, 3]);
		// Initial 4 pages, then at most 100 more.
		expect(after.reduce((sum, m) => sum + (m.maxPages ?? 0), 0)).toBeLessThanOrEqual(104);
		expect(after.map((m) => m.memory64)).toEqual([false, true, false]);
	});

	it('refuses memories whose minimums together exceed the limit', () => {
		const r = limitMemory(wat('(module (memory 3) (memory 3))'), 5);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.error.kind).toBe('limit');
		expect(r.error.message).toBe(
			"The module's 2 memories ask for at least 6 pages (384 KiB) of memory but the limit is 5 pages (320 KiB)."
		);
	});

	it('refuses a memory with a custom page size, which a cap in 64 KiB pages cannot bound', () => {
		// flags 0x08 (custom page size), min 1, page size log2 0 (one-byte pages).
		const original = Uint8Array.from([...HEADER, ...section(5, [0x01, 0x08, 0x01, 0x00])]);
		const r = limitMemory(original, 16);
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.error.message).toContain('custom page size');
	});

	it('fails with kind limit when the minimum exceeds the limit', () => {
		const r = limitMemory(wat('(module (memory 32))'), 16);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.error.kind).toBe('limit');
		expect(r.error.message).toBe(
			'The module asks for at least 32 pages (2 MiB) of memory but the limit is 16 pages (1 MiB).'
		);
		expect(r.error.hint).toBe(
			'Raise the memory limit in Host settings to at least 32 pages, or rebuild the plugin with a smaller initial memory.'
		);
	});

	it('accepts a minimum equal to the limit, which may then grow by the limit (native Extism)', () => {
		const r = limited(wat('(module (memory 4))'), 4);
		expect(memories(r.bytes)[0]).toMatchObject({ minPages: 4, maxPages: 8 });
	});

	it('never lets a 32-bit memory grow past 4 GiB', () => {
		const r = limited(wat('(module (memory 40000))'), 65536);
		expect(memories(r.bytes)[0]).toMatchObject({ minPages: 40000, maxPages: 65536 });
	});

	it('rejects a limit that is not a whole number of pages', () => {
		for (const bad of [-1, 1.5, Number.NaN, 70000]) {
			const r = limitMemory(wat('(module (memory 1))'), bad);
			expect(r.ok).toBe(false);
			if (!r.ok) {
				expect(r.error.kind).toBe('limit');
				expect(r.error.message).toContain(`it is ${bad}`);
			}
		}
	});

	it('passes on load errors for bytes that are not a module', () => {
		const r = limitMemory(new TextEncoder().encode('<!DOCTYPE html>'), 4);
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.error.kind).toBe('load');
	});

	it('keeps the sections around the memory section intact', async () => {
		const original = wat(`(module
			(type (func (param i32) (result i32)))
			(memory (export "mem") 1)
			(data (i32.const 0) "kept")
			(func (export "load") (param i32) (result i32) local.get 0 i32.load8_u))`);
		const r = limited(original, 299);
		// The flags byte stays one byte and max 300 (1 + 299) adds a two-byte LEB128.
		expect(r.bytes.length).toBe(original.length + 2);
		const instance = await instantiate(r.bytes);
		const load = instance.exports.load as (at: number) => number;
		expect(String.fromCharCode(load(0), load(1), load(2), load(3))).toBe('kept');
		expect((instance.exports.mem as WebAssembly.Memory).grow(299)).toBe(1);
		expect(() => (instance.exports.mem as WebAssembly.Memory).grow(1)).toThrow(RangeError);
	});

	it('re-encodes a section size whose LEB128 grows from one byte to two', () => {
		// 63 memories of `flags 0, min 0` make a 127-byte section; a maximum (1 page each) makes 190.
		const count = 63;
		const content = [count, ...Array.from({ length: count }, () => [0x00, 0x00]).flat()];
		expect(content.length).toBe(127);
		const custom = section(0, [4, ...new TextEncoder().encode('tail'), 0xaa, 0xbb]);
		const original = Uint8Array.from([...HEADER, ...section(5, content), ...custom]);
		const r = limited(original, count);
		expect(r.changed).toBe(true);
		expect([...r.bytes.subarray(8, 11)]).toEqual([0x05, 0xbe, 0x01]);
		expect(r.bytes.length).toBe(original.length + 63 + 1);
		expect([...r.bytes.subarray(r.bytes.length - custom.length)]).toEqual(custom);

		const after = inspectModule(r.bytes);
		if (!after.ok) throw new Error(after.error.message);
		expect(after.info.memories).toHaveLength(count);
		expect(after.info.memories.every((m) => m.minPages === 0 && m.maxPages === 1)).toBe(true);
		expect(after.info.customSections).toEqual(['tail']);
	});

	it('re-encodes a padded section size to its shortest form', async () => {
		// Memory section with its size written as a five-byte LEB128: 0x83 0x80 0x80 0x80 0x00 = 3.
		const original = Uint8Array.from([
			...HEADER,
			...[0x05, 0x83, 0x80, 0x80, 0x80, 0x00, 0x01, 0x00, 0x01]
		]);
		expect(memories(original)[0]?.maxPages).toBeNull();
		const r = limited(original, 255);
		expect([...r.bytes.subarray(8)]).toEqual([0x05, 0x05, 0x01, 0x01, 0x01, 0x80, 0x02]);
		await expect(WebAssembly.compile(r.bytes as Uint8Array<ArrayBuffer>)).resolves.toBeInstanceOf(
			WebAssembly.Module
		);
	});

	it('does not modify its input', () => {
		const original = wat('(module (memory 1))');
		const copy = original.slice();
		limited(original, 2);
		expect(original).toEqual(copy);
	});
});
