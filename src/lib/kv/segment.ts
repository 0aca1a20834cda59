/**
 * KV namespaces as IndexedDB holds them since storage version 2: a namespace is a short run of segments,
 * each one batch of writes packed into a few flat arrays, so that 10,000 writes are one record to clone
 * and one put, not 10,000 (one put costs IndexedDB as much as cloning thousands of small values). Reading
 * folds a namespace's segments in order; a namespace with many segments is folded into one. Pure: no
 * IndexedDB.
 */

/** Version stamped on every segment. */
export const SEGMENT_VERSION = 2;

/** One write of a batch: `value: null` deletes the key; `at` is when it was made (ms since the epoch). */
export interface KvTimedWrite {
	key: string;
	value: Uint8Array | null;
	at: number;
}

/** A batch of writes as stored: keys, values end to end, each value's size (-1: deleted), times. */
export interface KvSegment {
	v: number;
	keys: string[];
	sizes: Int32Array;
	at: Float64Array;
	bytes: Uint8Array;
}

/** A key's value and when it was written, after folding. */
export interface KvEntry {
	value: Uint8Array;
	at: number;
}

/** Packs a batch of writes, in order, into one segment. */
export function packSegment(writes: readonly KvTimedWrite[]): KvSegment {
	const sizes = new Int32Array(writes.length);
	const at = new Float64Array(writes.length);
	let total = 0;
	writes.forEach((write, i) => {
		sizes[i] = write.value === null ? -1 : write.value.byteLength;
		at[i] = write.at;
		total += write.value?.byteLength ?? 0;
	});
	const bytes = new Uint8Array(total);
	let offset = 0;
	for (const { value } of writes) {
		if (value === null) continue;
		bytes.set(value, offset);
		offset += value.byteLength;
	}
	return { v: SEGMENT_VERSION, keys: writes.map((w) => w.key), sizes, at, bytes };
}

/** Whether a stored record is a whole segment: its arrays agree with each other and with its bytes. */
export function isSegment(record: unknown): record is KvSegment {
	if (typeof record !== 'object' || record === null) return false;
	const s = record as Partial<KvSegment>;
	if (!Array.isArray(s.keys) || !(s.sizes instanceof Int32Array)) return false;
	if (!(s.at instanceof Float64Array) || !(s.bytes instanceof Uint8Array)) return false;
	if (s.sizes.length !== s.keys.length || s.at.length !== s.keys.length) return false;
	return s.sizes.reduce((sum, size) => sum + Math.max(size, 0), 0) === s.bytes.byteLength;
}

/**
 * Applies segments, oldest first, to `into` (empty by default): a later write of a key replaces an earlier
 * one, a delete removes it. Values are views into the segments' bytes. Records that are not whole segments
 * are skipped.
 */
export function foldSegments(
	segments: readonly unknown[],
	into: Map<string, KvEntry> = new Map()
): Map<string, KvEntry> {
	for (const segment of segments) {
		if (!isSegment(segment)) continue;
		let offset = 0;
		segment.keys.forEach((key, i) => {
			const size = segment.sizes[i];
			if (size < 0) {
				into.delete(key);
				return;
			}
			into.set(key, { value: segment.bytes.subarray(offset, offset + size), at: segment.at[i] });
			offset += size;
		});
	}
	return into;
}

/** Applies timed writes, in order, to folded entries. */
export function applyWrites(
	entries: Map<string, KvEntry>,
	writes: readonly KvTimedWrite[]
): Map<string, KvEntry> {
	for (const { key, value, at } of writes) {
		if (value === null) entries.delete(key);
		else entries.set(key, { value, at });
	}
	return entries;
}

/** Folded entries as the writes of one segment that holds them all (what a compaction stores). */
export function entriesAsWrites(entries: ReadonlyMap<string, KvEntry>): KvTimedWrite[] {
	return [...entries].map(([key, { value, at }]) => ({ key, value, at }));
}

/** Each key's value, copied out of the segments so no value holds a whole segment's bytes. */
export function entryValues(entries: ReadonlyMap<string, KvEntry>): Map<string, Uint8Array> {
	return new Map([...entries].map(([key, { value }]) => [key, value.slice()]));
}
