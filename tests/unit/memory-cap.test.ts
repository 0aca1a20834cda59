import { describe, expect, it } from 'vitest';
import { BLOCK_OVERHEAD, MemoryLedger, SLOT_BYTES } from '../../src/lib/host/memory-cap';

const KiB = 1024;

/** A stand-in for the SDK's block table: index to byte length, 0 once freed. */
function table() {
	const lengths = new Map<number, number>();
	return { lengths, lengthOf: (i: number) => lengths.get(i) ?? 0 };
}

describe('MemoryLedger', () => {
	it('admits blocks while linear memory growth + blocks + vars fit the cap, then refuses by name', () => {
		const ledger = new MemoryLedger();
		const { lengths, lengthOf } = table();
		const cap = 100 * KiB;
		for (let i = 1; i <= 4; i++) {
			expect(ledger.admit({ bytes: 10 * KiB, what: 'alloc' }, 50 * KiB, cap, lengthOf)).toBeNull();
			ledger.track(i, 10 * KiB);
			lengths.set(i, 10 * KiB);
		}
		const refused = ledger.admit(
			{ bytes: 10 * KiB, what: 'alloc of 10 KiB' },
			50 * KiB,
			cap,
			lengthOf
		);
		expect(refused?.message).toMatch(
			/^Max memory \(100 KiB\) reached: alloc of 10 KiB would bring the plugin to 101 KiB \(linear memory grown by 50 KiB since it started, Extism blocks 41 KiB in 4 live blocks, vars 0 B\)\.$/
		);
		expect(refused?.hint).toMatch(/Raise "Max memory" in Host settings/);
	});

	it('charges each block its overhead and each slot of the call, so tiny blocks add up', () => {
		const ledger = new MemoryLedger();
		ledger.track(1, 1);
		ledger.track(2, 1);
		expect(ledger.held.blocks).toBe(2 * (1 + BLOCK_OVERHEAD) + 3 * SLOT_BYTES);
	});

	it('finds blocks freed behind its back once the count nears the cap', () => {
		const ledger = new MemoryLedger();
		const { lengths, lengthOf } = table();
		const cap = 64 * KiB;
		for (let i = 1; i <= 5; i++) {
			expect(ledger.admit({ bytes: 10 * KiB, what: 'alloc' }, 0, cap, lengthOf)).toBeNull();
			ledger.track(i, 10 * KiB);
			// The plugin frees each block right away (the SDK frees log blocks itself).
			lengths.delete(i);
		}
		expect(ledger.held.blocks).toBeGreaterThan(50 * KiB);
		expect(ledger.admit({ bytes: 20 * KiB, what: 'alloc' }, 0, cap, lengthOf)).toBeNull();
		expect(ledger.held.blocks).toBe(6 * SLOT_BYTES);
	});

	it('counts a block at a reused index (a new call) in place of the old one', () => {
		const ledger = new MemoryLedger();
		const { lengths, lengthOf } = table();
		ledger.track(1, 30 * KiB);
		ledger.track(1, 5 * KiB);
		lengths.set(1, 5 * KiB);
		expect(ledger.held.blocks).toBe(5 * KiB + BLOCK_OVERHEAD + 2 * SLOT_BYTES);
		expect(ledger.admit({ bytes: 1, what: 'alloc' }, 0, 5 * KiB, lengthOf)).not.toBeNull();
	});

	it('keeps vars across calls and counts a replaced or deleted var once', () => {
		const ledger = new MemoryLedger();
		const { lengthOf } = table();
		ledger.setVar('a', 40 * KiB);
		expect(ledger.varDelta('a', 50 * KiB)).toBe(10 * KiB);
		ledger.setVar('a', 50 * KiB);
		expect(ledger.held.vars).toBe(50 * KiB);
		expect(
			ledger.admit({ bytes: 20 * KiB, what: 'setting var "b"' }, 0, 64 * KiB, lengthOf)?.message
		).toContain('vars 50 KiB');
		ledger.setVar('a', null);
		expect(ledger.held.vars).toBe(0);
		expect(
			ledger.admit({ bytes: 20 * KiB, what: 'setting var "b"' }, 0, 64 * KiB, lengthOf)
		).toBeNull();
	});
});
