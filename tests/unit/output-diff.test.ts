import { describe, expect, it } from 'vitest';
import { diffOutputs, foldUnchanged } from '../../src/lib/output/diff';

describe('diffOutputs', () => {
	it('marks added and removed lines', async () => {
		const diff = await diffOutputs('a\nb\nc\n', 'a\nB\nc\n');
		expect(diff).toEqual({
			lines: [
				{ kind: 'same', text: 'a' },
				{ kind: 'removed', text: 'b' },
				{ kind: 'added', text: 'B' },
				{ kind: 'same', text: 'c' }
			],
			added: 1,
			removed: 1
		});
	});
	it('handles text without a final newline and empty text', async () => {
		const diff = await diffOutputs('', 'Hello, A!');
		expect(diff?.lines).toEqual([{ kind: 'added', text: 'Hello, A!' }]);
		expect((await diffOutputs('x', 'x'))?.added).toBe(0);
	});
});

describe('foldUnchanged', () => {
	const same = (n: number, from = 0) =>
		Array.from({ length: n }, (_, i) => ({ kind: 'same' as const, text: `s${from + i}` }));
	const change = { kind: 'added' as const, text: 'new' };

	it('keeps three lines of context around a change and folds the rest', () => {
		const lines = foldUnchanged([...same(10), change, ...same(10, 10)]);
		expect(lines).toEqual([
			{ kind: 'fold', count: 7 },
			...same(3, 7),
			change,
			...same(3, 10),
			{ kind: 'fold', count: 7 }
		]);
	});
	it('does not fold short runs between changes', () => {
		const lines = foldUnchanged([change, ...same(6), change]);
		expect(lines).toHaveLength(8);
	});
	it('shows the opening lines of identical outputs', () => {
		expect(foldUnchanged(same(20))).toEqual([...same(6), { kind: 'fold', count: 14 }]);
		expect(foldUnchanged(same(2))).toEqual(same(2));
	});
});
