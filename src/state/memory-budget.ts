/**
 * The tab-wide memory budget: every plugin session holds a reservation of its Max memory from before its
 * worker starts until it is closed, so all plugins together stay within `TAB_MEMORY_BUDGET`.
 */
import type { Result } from '../lib/errors';
import { admit, TAB_MEMORY_BUDGET, type Reservation } from '../lib/host/memory-budget';

/** Reservations against one budget; the rules are in `lib/host/memory-budget.ts`. */
export class MemoryBudget {
	#held = new Map<string, Reservation>();

	/** @param total Bytes all reservations may add up to. */
	constructor(readonly total = TAB_MEMORY_BUDGET) {}

	/**
	 * Reserves (or re-sizes) the reservation of `wanted.id`. A refusal leaves that id holding nothing: the
	 * plugin does not start.
	 */
	reserve(wanted: Reservation): Result<object> {
		const admitted = admit([...this.#held.values()], wanted, this.total);
		if (admitted.ok) this.#held.set(wanted.id, wanted);
		else this.#held.delete(wanted.id);
		return admitted;
	}

	/** Gives a plugin's reservation back (it was closed, or it failed to start). */
	release(id: string): void {
		this.#held.delete(id);
	}
}

/** The one budget of this tab, shared by the workspace's plugins. */
export const tabMemoryBudget = new MemoryBudget();
