/**
 * Layout of the Trace panel's virtualised list: rows of one fixed height, except that one row may be
 * expanded by a fixed extra height for its details. Fixed heights let the list place any row with
 * arithmetic, so only the rows in view are rendered however long the trace is.
 */

/** Row geometry: the row height, the expanded row's extra height, and which row is expanded (-1: none). */
export interface RowLayout {
	row: number;
	detail: number;
	expanded: number;
}

/** The top of the row at `pos`, px. */
export function rowTop(layout: RowLayout, pos: number): number {
	const { row, detail, expanded } = layout;
	return pos * row + (expanded >= 0 && pos > expanded ? detail : 0);
}

/** The height of all `count` rows, px. */
export function totalHeight(layout: RowLayout, count: number): number {
	return count * layout.row + (layout.expanded >= 0 && layout.expanded < count ? layout.detail : 0);
}

/** The row under the vertical offset `y`, px (not clamped to the row count). */
export function rowAt(layout: RowLayout, y: number): number {
	const { row, detail, expanded } = layout;
	if (y < 0) return 0;
	if (expanded < 0 || y < (expanded + 1) * row) return Math.floor(y / row);
	if (y < (expanded + 1) * row + detail) return expanded;
	return Math.floor((y - detail) / row);
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
	const bottom = top + layout.row + (pos === layout.expanded ? layout.detail : 0);
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
