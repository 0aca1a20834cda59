/**
 * Long lists shown a page at a time: a hostile module can export 100,000 functions or import 50,000, and a
 * plugin can write 20,000 KV keys. Rendering every row freezes the page, so views filter and show a bounded
 * prefix, with a count of what is left.
 */

/** Rows a list shows at first and adds on each "Show more". */
export const PAGE_ROWS = 100;

/** A bounded slice of a filtered list. */
export interface ListPage<T> {
	/** The matching items shown, at most the limit asked for, in list order. */
	items: T[];
	/** How many items match the filter. */
	matched: number;
	/** How many items the list has. */
	total: number;
}

/** A count as people read it: 50,000. */
export function formatCount(n: number): string {
	return n.toLocaleString('en-US');
}

/**
 * The first `limit` items whose text contains `query` (case-insensitive; an empty query matches all), and how
 * many match in all. One pass, no copies of the list: cheap enough to run on every keystroke for 100,000 items.
 */
export function filterPage<T>(
	items: readonly T[],
	query: string,
	text: (item: T) => string,
	limit: number
): ListPage<T> {
	const needle = query.trim().toLowerCase();
	if (needle === '') {
		return { items: items.slice(0, limit), matched: items.length, total: items.length };
	}
	const shown: T[] = [];
	let matched = 0;
	for (const item of items) {
		if (!text(item).toLowerCase().includes(needle)) continue;
		matched++;
		if (shown.length < limit) shown.push(item);
	}
	return { items: shown, matched, total: items.length };
}

/**
 * What a bounded list says under its rows: "Showing the first 100 of 50,000 imports.", "3 of 50,000 imports
 * match.", or nothing when every item is shown unfiltered.
 */
export function pageStatus(page: ListPage<unknown>, noun: string): string {
	const { items, matched, total } = page;
	const filtered = matched !== total;
	if (items.length === matched) {
		return filtered ? `${formatCount(matched)} of ${formatCount(total)} ${noun} match.` : '';
	}
	const of = filtered
		? `${formatCount(matched)} matching ${noun} (of ${formatCount(total)})`
		: `${formatCount(total)} ${noun}`;
	return `Showing the first ${formatCount(items.length)} of ${of}.`;
}
