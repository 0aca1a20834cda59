import { describe, expect, it } from 'vitest';
import {
	applyWrites,
	entryValues,
	foldSegments,
	isSegment,
	liveWrites,
	packSegment,
	SEGMENT_VERSION,
	segmentWeight,
	type KvLatest,
	type KvTimedWrite
} from '../../src/lib/kv/segment';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
/** Folded writes as plain `{ key: [value, at] }`; a delete's value is null. */
const plain = (latest: KvLatest) =>
	Object.fromEntries(
		[...latest].map(([k, { value, at }]) => [k, [value === null ? null : text(value), at]])
	);

const first: KvTimedWrite[] = [
	{ key: 'a', value: bytes('one'), at: 1 },
	{ key: 'é✓', value: bytes('ünï'), at: 2 },
	{ key: 'empty', value: new Uint8Array(0), at: 3 },
	{ key: 'gone', value: bytes('soon'), at: 4 }
];
const second: KvTimedWrite[] = [
	{ key: 'a', value: bytes('two'), at: 5 },
	{ key: 'gone', value: null, at: 6 },
	{ key: 'never', value: null, at: 7 },
	{ key: 'b', value: bytes('bee'), at: 8 }
];

describe('KV segments', () => {
	it('packs a batch into flat arrays: keys, sizes (-1 for a delete), times and the values end to end', () => {
		const segment = packSegment(second);
		expect(segment.v).toBe(SEGMENT_VERSION);
		expect(segment.keys).toEqual(['a', 'gone', 'never', 'b']);
		expect([...segment.sizes]).toEqual([3, -1, -1, 3]);
		expect([...segment.at]).toEqual([5, 6, 7, 8]);
		expect(text(segment.bytes)).toBe('twobee');
		expect(isSegment(segment)).toBe(true);
	});

	it('folds segments in order: later writes replace earlier ones, a delete stays as a delete', () => {
		const folded = foldSegments([packSegment(first), packSegment(second)]);
		expect(plain(folded)).toEqual({
			a: ['two', 5],
			'é✓': ['ünï', 2],
			empty: ['', 3],
			gone: [null, 6],
			never: [null, 7],
			b: ['bee', 8]
		});
		// Values read back are the values, deletes are gone.
		expect(Object.fromEntries([...entryValues(folded)].map(([k, v]) => [k, text(v)]))).toEqual({
			a: 'two',
			'é✓': 'ünï',
			empty: '',
			b: 'bee'
		});
		// The other order gives the other state: order is what decides, not the times.
		expect(plain(foldSegments([packSegment(second), packSegment(first)]))).toEqual({
			a: ['one', 1],
			'é✓': ['ünï', 2],
			empty: ['', 3],
			gone: ['soon', 4],
			never: [null, 7],
			b: ['bee', 8]
		});
	});

	it('skips records that are not whole segments instead of reading past their bytes', () => {
		const torn = { ...packSegment(first), bytes: new Uint8Array(2) };
		const short = { ...packSegment(first), keys: ['a'] };
		expect(isSegment(torn)).toBe(false);
		expect(isSegment(short)).toBe(false);
		expect(isSegment({ v: 1, value: bytes('x'), updatedAt: 1 })).toBe(false);
		expect(isSegment(null)).toBe(false);
		const folded = foldSegments([torn, short, null, packSegment(second)]);
		expect(plain(folded)).toEqual({
			a: ['two', 5],
			gone: [null, 6],
			never: [null, 7],
			b: ['bee', 8]
		});
	});

	it('folds a whole namespace into live writes only, and newer segments with their deletes kept', () => {
		const base = packSegment(first);
		const whole = packSegment(liveWrites(applyWrites(foldSegments([base]), second)));
		expect([...whole.keys].sort()).toEqual(['a', 'b', 'empty', 'é✓']);
		expect([...whole.sizes].every((size) => size >= 0)).toBe(true);
		const both = entryValues(foldSegments([base, packSegment(second)]));
		expect(entryValues(foldSegments([whole]))).toEqual(both);
		// Folding only the newer part keeps its delete of "gone", which the base still holds.
		const newer = packSegment([...foldSegments([packSegment(second)]).values()]);
		expect(entryValues(foldSegments([base, newer]))).toEqual(both);
	});

	it('weighs a segment by its values and keys', () => {
		const light = packSegment([{ key: 'k', value: bytes('v'), at: 0 }]);
		const heavy = packSegment([{ key: 'k', value: new Uint8Array(10_000), at: 0 }]);
		expect(segmentWeight(heavy)).toBeGreaterThan(10_000);
		expect(segmentWeight(light)).toBeLessThan(100);
	});

	it('hands out copies of the values, not views of a whole segment', () => {
		const segment = packSegment(first);
		const values = entryValues(foldSegments([segment]));
		const a = values.get('a');
		expect(a && text(a)).toBe('one');
		expect(a?.buffer.byteLength).toBe(3);
		segment.bytes.fill(0);
		expect(a && text(a)).toBe('one');
	});

	it('packs 10,000 writes as one record of a few arrays', () => {
		const many = Array.from({ length: 10_000 }, (_, i) => ({
			key: `key-${i}`,
			value: bytes('0123456789abcdef'),
			at: i
		}));
		const segment = packSegment(many);
		expect(segment.bytes.byteLength).toBe(160_000);
		const folded = foldSegments([segment]);
		expect(folded.size).toBe(10_000);
		expect(text(folded.get('key-9999')!.value!)).toBe('0123456789abcdef');
	});
});
