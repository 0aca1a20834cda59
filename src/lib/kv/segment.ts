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

/** The last write of each key, deletes included: a delete must still hide what an older segment holds. */
export type KvLatest = Map<string, KvTimedWrite>;

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

/** What a segment costs to read and write again, roughly in bytes: its values, keys and per-entry fields. */
export function segmentWeight(segment: KvSegment): number {
	return segment.keys.reduce((sum, key) => sum + 2 * key.length + 12, segment.bytes.byteLength);
}

/**
 * Applies segments, oldest first, to `into` (empty by default): the last write of a key, a delete too,
 * replaces the earlier ones. Values are views into the segments' bytes. Records that are not whole segments
 * are skipped.
 */
export function foldSegments(segments: readonly unknown[], into: KvLatest = new Map()): KvLatest {
	for (const segment of segments) {
		if (!isSegment(segment)) continue;
		let offset = 0;
		segment.keys.forEach((key, i) => {
			const size = segment.sizes[i];
			const value = size < 0 ? null : segment.bytes.subarray(offset, offset + size);
			into.set(key, { key, value, at: segment.at[i] });
			offset += Math.max(size, 0);
		});
	}
	return into;
}

/** Applies timed writes, in order, to folded ones. */
export function applyWrites(latest: KvLatest, writes: readonly KvTimedWrite[]): KvLatest {
	for (const write of writes) latest.set(write.key, write);
	return latest;
}

/** The writes that leave a value: what one segment holding a whole namespace needs, deletes dropped. */
export function liveWrites(latest: KvLatest): KvTimedWrite[] {
	return [...latest.values()].filter((write) => write.value !== null);
}

/** Each key's value, copied out of the segments so no value holds a whole segment's bytes. */
export function entryValues(latest: KvLatest): Map<string, Uint8Array> {
	const values = new Map<string, Uint8Array>();
	for (const { key, value } of latest.values()) if (value !== null) values.set(key, value.slice());
	return values;
}
