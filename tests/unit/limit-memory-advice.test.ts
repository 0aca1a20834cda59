import { describe, expect, it } from 'vitest';
import { limitMemory, MAX_WASM32_PAGES } from '../../src/lib/wasm/limit-memory';

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

function uleb(n: number): number[] {
	const out: number[] = [];
	do {
		const low = n % 128;
		n = Math.floor(n / 128);
		out.push(n > 0 ? low | 0x80 : low);
	} while (n > 0);
	return out;
}

/** A module whose only section is a memory section with these entries (flags byte, minimum pages). */
function withMemories(...entries: [flags: number, min: number][]): Uint8Array {
	const content = [
		...uleb(entries.length),
		...entries.flatMap(([flags, min]) => [flags, ...uleb(min)])
	];
	return Uint8Array.from([...HEADER, 0x05, ...uleb(content.length), ...content]);
}

function refused(bytes: Uint8Array, limit: number) {
	const r = limitMemory(bytes, limit);
	if (r.ok) throw new Error('expected the module to be refused');
	return r.error;
}

describe('advice when a module starts with more memory than the limit', () => {
	it('asks for a limit within range', () => {
		const error = refused(withMemories([0x00, 65536]), 4096);
		expect(error.hint).toBe(
			'Raise the memory limit in Host settings to at least 65536 pages, or rebuild the plugin with a smaller initial memory.'
		);
	});

	it('never asks for a limit past the 65,536 pages a 32-bit memory can have', () => {
		const error = refused(withMemories([0x00, MAX_WASM32_PAGES + 1]), MAX_WASM32_PAGES);
		expect(error.message).toContain('at least 65537 pages');
		expect(error.hint).not.toMatch(/Raise the memory limit/);
		expect(error.hint).toBe(
			'The memory limit in Host settings goes up to 65536 pages (4 GiB), the most a 32-bit memory can have, so it cannot be raised that far. A 32-bit memory that starts larger is invalid: no WebAssembly engine instantiates it. Rebuild the plugin to start with at most 65536 pages of memory in all.'
		);
	});

	it('says what applies to a 64-bit memory that starts past 4 GiB', () => {
		const error = refused(withMemories([0x04, MAX_WASM32_PAGES + 1]), MAX_WASM32_PAGES);
		expect(error.hint).not.toMatch(/Raise the memory limit|invalid/);
		expect(error.hint).toContain(
			'A 64-bit memory (memory64) may grow past 4 GiB, but not under the playground’s limit.'
		);
	});

	it('tells valid 32-bit memories that add up past the limit apart from an invalid one', () => {
		const error = refused(withMemories([0x00, 40000], [0x00, 40000]), MAX_WASM32_PAGES);
		expect(error.hint).toContain('cannot be raised that far');
		expect(error.hint).not.toMatch(/invalid|memory64/);
	});
});
