import { describe, expect, it } from 'vitest';
import { admit, capBytes, TAB_MEMORY_BUDGET } from '../../src/lib/host/memory-budget';
import { MemoryBudget } from '../../src/state/memory-budget';

const MiB = 1024 * 1024;

describe('tab memory budget', () => {
	it('counts a plugin by its Max memory, and one without a cap as the whole budget', () => {
		expect(capBytes(4096)).toBe(256 * MiB);
		expect(capBytes(null)).toBe(TAB_MEMORY_BUDGET);
		expect(capBytes(65536)).toBe(TAB_MEMORY_BUDGET);
		expect(capBytes(null, 100)).toBe(100);
	});

	it('admits reservations while they fit, exactly up to the budget', () => {
		const held = [
			{ id: 'a', name: 'A', bytes: 600 },
			{ id: 'b', name: 'B', bytes: 300 }
		];
		expect(admit(held, { id: 'c', name: 'C', bytes: 100 }, 1000).ok).toBe(true);
		expect(admit(held, { id: 'c', name: 'C', bytes: 101 }, 1000).ok).toBe(false);
	});

	it('replaces a plugin’s own reservation instead of adding to it', () => {
		const held = [{ id: 'a', name: 'A', bytes: 900 }];
		expect(admit(held, { id: 'a', name: 'A', bytes: 1000 }, 1000).ok).toBe(true);
	});

	it('names the budget, the other holders and the ways out when it refuses', () => {
		const held = [
			{ id: 'a', name: 'big', bytes: 3584 * MiB },
			{ id: 'b', name: 'small', bytes: 256 * MiB }
		];
		const r = admit(held, { id: 'c', name: 'next', bytes: 512 * MiB });
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.error.kind).toBe('limit');
		expect(r.error.message).toBe(
			'The tab-wide memory budget (4 GiB) is in use by 2 other plugins ("big" 3.5 GiB, "small" 256 MiB): "next" needs 512 MiB for its Max memory but only 256 MiB is left.'
		);
		expect(r.error.hint).toMatch(/Close one of the other plugins, or lower their Max memory/);
	});

	it('MemoryBudget holds reservations until released, and a refused plugin holds nothing', () => {
		const budget = new MemoryBudget(1000);
		expect(budget.reserve({ id: 'a', name: 'A', bytes: 700 }).ok).toBe(true);
		expect(budget.reserve({ id: 'b', name: 'B', bytes: 400 }).ok).toBe(false);
		// B was refused: it holds nothing, so a smaller A plus C still fit.
		expect(budget.reserve({ id: 'c', name: 'C', bytes: 300 }).ok).toBe(true);
		expect(budget.reserve({ id: 'b', name: 'B', bytes: 1 }).ok).toBe(false);
		budget.release('a');
		expect(budget.reserve({ id: 'b', name: 'B', bytes: 400 }).ok).toBe(true);
		// Re-sizing to something that does not fit drops the old reservation too.
		expect(budget.reserve({ id: 'c', name: 'C', bytes: 700 }).ok).toBe(false);
		expect(budget.reserve({ id: 'd', name: 'D', bytes: 600 }).ok).toBe(true);
	});
});
