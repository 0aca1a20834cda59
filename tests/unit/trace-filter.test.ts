import { describe, expect, it } from 'vitest';
import { utf8Encode } from '../../src/lib/bytes/encoding';
import { payload } from '../../src/lib/trace/build';
import {
	showAll,
	filterEvents,
	filterKey,
	groupOf,
	matcher,
	showsAll,
	type TraceFilter
} from '../../src/lib/trace/filter';
import type { LogEvent, TraceEvent } from '../../src/lib/trace/types';

const log = (t: number, level: LogEvent['level'], text: string): LogEvent => ({
	type: 'log',
	t,
	level,
	source: 'extism',
	text
});

const EVENTS: TraceEvent[] = [
	{ type: 'start', t: 0, export: 'count', input: payload(utf8Encode('Hello')) },
	{ type: 'host', t: 1, ns: 'extism:host/user', name: 'kv_read', args: { key: 'count' }, dur: 0.1 },
	log(2, 'trace', 'trace: hello'),
	log(3, 'error', 'error: Disk FULL'),
	{
		type: 'host',
		t: 4,
		ns: 'extism:host/user',
		name: 'kv_write',
		args: { key: 'count', value: payload(utf8Encode('1')) },
		dur: 0.2
	},
	{ type: 'end', t: 5, status: 'ok', duration: 5, inputSize: 5, outputSize: 0, memoryPages: 1 }
];

function only(filter: Partial<TraceFilter>): number[] {
	return filterEvents(EVENTS, { ...showAll(), ...filter }).indices;
}

describe('filterEvents', () => {
	it('shows everything by default', () => {
		expect(showsAll(showAll())).toBe(true);
		expect(only({})).toEqual([0, 1, 2, 3, 4, 5]);
	});
	it('filters by group', () => {
		expect(EVENTS.map(groupOf)).toEqual(['call', 'host', 'log', 'log', 'host', 'call']);
		expect(only({ groups: { call: false, host: true, log: false } })).toEqual([1, 4]);
		expect(only({ groups: { call: true, host: false, log: false } })).toEqual([0, 5]);
	});
	it('filters logs by level and leaves other events alone', () => {
		const levels = { trace: false, debug: false, info: false, warn: false, error: true };
		expect(only({ levels })).toEqual([0, 1, 3, 4, 5]);
		expect(only({ levels, groups: { call: false, host: false, log: true } })).toEqual([3]);
	});
	it('searches the description, case-insensitively', () => {
		expect(only({ query: 'kv_' })).toEqual([1, 4]);
		expect(only({ query: '  disk full ' })).toEqual([3]);
		expect(only({ query: 'key=count' })).toEqual([1, 4]);
		expect(only({ query: 'count("hello")' })).toEqual([0]);
		expect(only({ query: 'nothing like this' })).toEqual([]);
	});
	it('agrees with matcher event by event', () => {
		const filter = { ...showAll(), query: 'e' };
		const test = matcher(filter);
		expect(only(filter)).toEqual(EVENTS.flatMap((e, i) => (test(e) ? [i] : [])));
	});
	it('extends a previous result when the trace grew under the same filter', () => {
		const events = EVENTS.slice(0, 3);
		const filter = { ...showAll(), query: 'kv' };
		const first = filterEvents(events, filter);
		expect(first.indices).toEqual([1]);
		events.push(...EVENTS.slice(3));
		const next = filterEvents(events, filter, first);
		expect(next.indices).toEqual([1, 4]);
		expect(next.scanned).toBe(6);
		// A different filter starts over.
		expect(filterEvents(events, { ...filter, query: 'hello' }, next).indices).toEqual([0, 2]);
		// So does a different events array.
		expect(filterEvents(EVENTS.slice(), filter, next).indices).toEqual([1, 4]);
	});
	it('keys filters by what they let through', () => {
		expect(filterKey({ ...showAll(), query: ' A ' })).toBe(filterKey({ ...showAll(), query: 'a' }));
		expect(filterKey(showAll())).not.toBe(
			filterKey({ ...showAll(), groups: { ...showAll().groups, log: false } })
		);
	});
	it('filters 50,000 events quickly, and faster once descriptions are known', () => {
		const events: TraceEvent[] = Array.from({ length: 50_000 }, (_, i) =>
			i % 10 === 0
				? {
						type: 'host',
						t: i,
						ns: 'extism:host/user',
						name: 'kv_read',
						args: { key: `k${i}` },
						dur: 0.01
					}
				: log(i, i % 7 === 0 ? 'error' : 'info', `line ${i}`)
		);
		const filter = { ...showAll(), query: 'line 4999' };
		let t = performance.now();
		const cold = filterEvents(events, filter);
		const coldMs = performance.now() - t;
		t = performance.now();
		const warm = filterEvents(events, { ...filter, query: 'line 49999' });
		const warmMs = performance.now() - t;
		// 4999 and 49991…49999; 49990 is a host call.
		expect(cold.indices.length).toBe(10);
		expect(warm.indices).toEqual([49_999]);
		expect(coldMs).toBeLessThan(1500);
		expect(warmMs).toBeLessThan(100);
		t = performance.now();
		const errors = filterEvents(events, {
			...showAll(),
			levels: { trace: false, debug: false, info: false, warn: false, error: true }
		});
		expect(performance.now() - t).toBeLessThan(100);
		expect(errors.indices.length).toBeGreaterThan(5000);
	});
});
