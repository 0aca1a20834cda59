import { formatBytes } from '../bytes/encoding';
import { fail, type Result } from '../errors';
import { PAGE_SIZE } from '../wasm/types';

/**
 * Max memory all plugins of a tab may reserve together: 4 GiB, so the 16 plugins a share link may open
 * (`SHARE_LIMITS.plugins`) all start at the default Max memory (256 MiB). Reservations are ceilings, not use:
 * this bounds the worst case, where every plugin fills its cap, at what a typical 8–16 GB laptop can give
 * one tab beside the OS and the rest of the browser (20 plugins at the cap reached 5.3 GB before), and at a
 * sixth of the 24 GiB that the 2-core test machine shares between its six browsers.
 */
export const TAB_MEMORY_BUDGET = 4 * 1024 ** 3;

/** One plugin's share of the tab budget. */
export interface Reservation {
	/** The plugin session's id. */
	id: string;
	/** Its display name, for the message that names who holds the budget. */
	name: string;
	bytes: number;
}

/** What a plugin may hold under `maxPages` (null: no Max memory, so it may take the whole tab budget). */
export function capBytes(maxPages: number | null, budget = TAB_MEMORY_BUDGET): number {
	return maxPages === null ? budget : Math.min(maxPages * PAGE_SIZE, budget);
}

/**
 * What a plugin may come to hold under `maxPages` when its modules' memories start at `initialPages` in
 * all: Max memory bounds growth from instantiation on, as `memory.max_pages` does in native Extism, so the
 * initial memory comes on top of it (null: no Max memory, the whole tab budget).
 */
export function reservedBytes(
	maxPages: number | null,
	initialPages: number,
	budget = TAB_MEMORY_BUDGET
): number {
	return maxPages === null ? budget : Math.min((maxPages + initialPages) * PAGE_SIZE, budget);
}

/**
 * Whether `wanted` fits in `budget` beside the other holders (a reservation with the same id is replaced,
 * not added to). Refuses with a `limit` error naming the budget, the holders and the ways out.
 */
export function admit(
	held: readonly Reservation[],
	wanted: Reservation,
	budget = TAB_MEMORY_BUDGET
): Result<object> {
	const others = held.filter((r) => r.id !== wanted.id);
	const used = others.reduce((sum, r) => sum + r.bytes, 0);
	if (used + wanted.bytes <= budget) return { ok: true };
	const names = others
		.map((r) => `"${r.name}" ${formatBytes(r.bytes)}`)
		.slice(0, 5)
		.join(', ');
	const more = others.length > 5 ? `, and ${others.length - 5} more` : '';
	const n = others.length;
	return fail(
		'limit',
		`The tab-wide memory budget (${formatBytes(budget)}) is in use by ${n} other plugin${n === 1 ? '' : 's'} (${names}${more}): "${wanted.name}" needs ${formatBytes(wanted.bytes)} for its Max memory but only ${formatBytes(Math.max(0, budget - used))} is left.`,
		'Close one of the other plugins, or lower their Max memory (or this one’s) in Host settings, then reload this plugin.'
	);
}
