import { describe, expect, it } from 'vitest';
import {
	chunkRanges,
	entriesOf,
	isContainer,
	jsonKind,
	literal,
	summary
} from '../../src/lib/output/json-tree';

describe('json values', () => {
	it('names kinds and summarises containers', () => {
		expect([{}, [], 'a', 1, true, null].map(jsonKind)).toEqual([
			'object',
			'array',
			'string',
			'number',
			'boolean',
			'null'
		]);
		expect(summary([1, 2, 3])).toBe('[…] 3 items');
		expect(summary({ a: 1 })).toBe('{…} 1 key');
		expect(isContainer(null)).toBe(false);
		expect(isContainer([])).toBe(true);
	});
	it('shows primitives as JSON, escaping strings', () => {
		expect(literal('a"<b>')).toBe('"a\\"<b>"');
		expect(literal(1.5)).toBe('1.5');
		expect(literal(null)).toBe('null');
	});
	it('lists array entries by index and object entries by key', () => {
		expect(entriesOf(['x', 'y'])).toEqual([
			['0', 'x'],
			['1', 'y']
		]);
		expect(entriesOf({ b: 1, a: 2 })).toEqual([
			['b', 1],
			['a', 2]
		]);
	});
});

describe('chunkRanges', () => {
	it('leaves short lists alone', () => {
		expect(chunkRanges(0, 100)).toBeNull();
		expect(chunkRanges(5, 10, 10)).toBeNull();
	});
	it('splits long lists into ranges of a power of the chunk size', () => {
		expect(chunkRanges(0, 250)).toEqual([
			{ start: 0, end: 100 },
			{ start: 100, end: 200 },
			{ start: 200, end: 250 }
		]);
		const million = chunkRanges(0, 1_000_000);
		expect(million).toHaveLength(100);
		expect(million?.[0]).toEqual({ start: 0, end: 10_000 });
		expect(chunkRanges(10_000, 20_000)).toHaveLength(100);
	});
	it('covers every entry exactly once, with no level wider than the chunk size', () => {
		for (const n of [101, 999, 10_001, 123_456]) {
			const seen: number[] = [];
			const walk = (start: number, end: number) => {
				const ranges = chunkRanges(start, end);
				if (!ranges) {
					for (let i = start; i < end; i++) seen.push(i);
					return;
				}
				expect(ranges.length).toBeLessThanOrEqual(100);
				for (const r of ranges) walk(r.start, r.end);
			};
			walk(0, n);
			expect(seen).toEqual(Array.from({ length: n }, (_, i) => i));
		}
	});
});
