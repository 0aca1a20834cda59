/**
 * The pure side of the JSON tree view: what kind a value is, a one-line summary of a collapsed container,
 * and how a long list of entries is split into nested chunks so that no level renders more than
 * `CHUNK_SIZE` rows.
 */

/** The most children one level of the tree shows before grouping them into ranges. */
export const CHUNK_SIZE = 100;

/** A parsed JSON value's kind. */
export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

/** The kind of a value that came from `JSON.parse`. */
export function jsonKind(value: unknown): JsonKind {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	switch (typeof value) {
		case 'object':
			return 'object';
		case 'string':
			return 'string';
		case 'number':
			return 'number';
		default:
			return 'boolean';
	}
}

/** True for objects and arrays, the values that can be expanded. */
export function isContainer(value: unknown): value is object {
	return typeof value === 'object' && value !== null;
}

/** A container's children as [key, value] pairs; array keys are their indices. */
export function entriesOf(value: object): [string, unknown][] {
	return Array.isArray(value)
		? value.map((v, i): [string, unknown] => [String(i), v])
		: Object.entries(value);
}

/** How a collapsed container reads: `[…] 3 items`, `{…} 1 key`. */
export function summary(value: object): string {
	const n = Array.isArray(value) ? value.length : Object.keys(value).length;
	return Array.isArray(value)
		? `[…] ${n} item${n === 1 ? '' : 's'}`
		: `{…} ${n} key${n === 1 ? '' : 's'}`;
}

/** A primitive as JSON shows it: strings quoted and escaped, numbers, booleans and null as written. */
export function literal(value: unknown): string {
	return JSON.stringify(value) ?? String(value);
}

/** A half-open range of entry positions, `[start, end)`. */
export interface Range {
	start: number;
	end: number;
}

/**
 * Splits `[start, end)` into at most `size` ranges of equal power-of-`size` length (the last may be
 * shorter), or returns null when the range is small enough to list entry by entry. A million entries
 * become 100 ranges of 10,000, each of which splits into 100 of 100.
 */
export function chunkRanges(start: number, end: number, size = CHUNK_SIZE): Range[] | null {
	const count = end - start;
	if (count <= size) return null;
	let step = size;
	while (count / step > size) step *= size;
	const ranges: Range[] = [];
	for (let s = start; s < end; s += step) ranges.push({ start: s, end: Math.min(end, s + step) });
	return ranges;
}

/** A slice `[start, end)` of an object's or array's entries, as the tree's child lists render it. */
export interface EntrySlice {
	entries: [string, unknown][];
	start: number;
	end: number;
	depth: number;
	array: boolean;
}
