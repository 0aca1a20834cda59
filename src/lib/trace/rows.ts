/**
 * Layout of the Trace panel's virtualised list: rows of one fixed height, except that open rows are taller
 * by a fixed extra height for their details. Fixed heights let the list place any row with arithmetic, so
 * only the rows in view are rendered however long the trace is. Several rows may be open: opening one
 * only adds height below it, so the rows above it never move.
 */

/** Row geometry: the row height, an open row's extra height, and the open rows' positions, ascending. */
export interface RowLayout {
	row: number;
	detail: number;
	expanded: readonly number[];
}

/** How many open rows sit before position `pos`. */
function openBefore(expanded: readonly number[], pos: number): number {
	let lo = 0;
	let hi = expanded.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if ((expanded[mid] ?? 0) < pos) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/** Whether the row at `pos` is open. */
export function isOpen(layout: RowLayout, pos: number): boolean {
	return indexOfSorted(layout.expanded, pos) >= 0;
}

/** The top of the row at `pos`, px. */
export function rowTop(layout: RowLayout, pos: number): number {
	return pos * layout.row + openBefore(layout.expanded, pos) * layout.detail;
}

/** The height of all `count` rows, px. */
export function totalHeight(layout: RowLayout, count: number): number {
	return rowTop(layout, count);
}

/** The row under the vertical offset `y`, px (not clamped to the row count). */
export function rowAt(layout: RowLayout, y: number): number {
	const { row, detail, expanded } = layout;
	if (y < 0) return 0;
	let offset = 0;
	for (const open of expanded) {
		const top = open * row + offset;
		if (y < top + row) return Math.floor((y - offset) / row);
		if (y < top + row + detail) return open;
		offset += detail;
	}
	return Math.floor((y - offset) / row);
}

/** The rows to render for a viewport, `[first, last)`, with `overscan` extra rows on each side. */
export function visibleRows(
	layout: RowLayout,
	count: number,
	scrollTop: number,
	viewport: number,
	overscan: number
): { first: number; last: number } {
	const first = Math.max(0, rowAt(layout, scrollTop) - overscan);
	const last = Math.min(count, rowAt(layout, scrollTop + viewport) + 1 + overscan);
	return { first, last: Math.max(first, last) };
}

/** The scroll offset that brings row `pos` fully into view, or null when it already is. */
export function scrollToShow(
	layout: RowLayout,
	pos: number,
	scrollTop: number,
	viewport: number
): number | null {
	const top = rowTop(layout, pos);
	const bottom = top + layout.row + (isOpen(layout, pos) ? layout.detail : 0);
	if (top < scrollTop) return top;
	if (bottom > scrollTop + viewport) return Math.max(0, Math.min(top, bottom - viewport));
	return null;
}

/** Position of `value` in a sorted array, or -1: maps an event index to its row in a filtered list. */
export function indexOfSorted(sorted: readonly number[], value: number): number {
	let lo = 0;
	let hi = sorted.length - 1;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		const v = sorted[mid] ?? 0;
		if (v === value) return mid;
		if (v < value) lo = mid + 1;
		else hi = mid - 1;
	}
	return -1;
}
