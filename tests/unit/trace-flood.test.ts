import { describe, expect, it } from 'vitest';
import { payload, startEvent } from '../../src/lib/trace/build';
import {
	STREAM_MAX_BYTES,
	STREAM_MAX_EVENTS,
	StreamBudget,
	eventBytes
} from '../../src/lib/trace/flood';
import { PREVIEW_LIMIT, type HostEvent, type TraceEvent } from '../../src/lib/trace/types';

const write = (value: Uint8Array): HostEvent => ({
	type: 'host',
	t: 1,
	ns: 'extism:host/user',
	name: 'kv_write',
	args: { key: 'k', value: payload(value) },
	dur: 0
});

describe('StreamBudget', () => {
	it('sizes an event by its previews and text', () => {
		expect(eventBytes(write(new Uint8Array(100)))).toBe(101);
		expect(eventBytes({ type: 'log', t: 0, level: 'info', source: 'host', text: 'hello' })).toBe(5);
	});

	it('streams the first events of a flood, then counts the rest by kind', () => {
		const budget = new StreamBudget();
		const small = write(new Uint8Array(1));
		let passed = 0;
		for (let i = 0; i < STREAM_MAX_EVENTS + 500; i++) if (budget.admit(small)) passed++;
		for (let i = 0; i < 7; i++)
			budget.admit({ type: 'log', t: 2, level: 'info', source: 'host', text: 'x' });
		expect(passed).toBe(STREAM_MAX_EVENTS);
		expect([...budget.dropped]).toEqual([
			['kv_write', 500],
			['log info', 7]
		]);
		expect(budget.warning(7)?.text).toMatch(
			/^Trace flood: this call streamed 5,000 events \(.+\), the most one call may send to the page; later events are dropped/
		);
		expect(budget.warning(8)).toBeNull();
		const notice = budget.notice(42);
		expect(notice).toMatchObject({ type: 'log', t: 42, level: 'warn', source: 'sdk' });
		expect(notice?.text).toMatch(
			/^Trace flood: 507 events dropped \(kv_write 500, log info 7\) after the first 5,000 /
		);
	});

	it('stops at the byte bound too, and has nothing to say when nothing was dropped', () => {
		const budget = new StreamBudget();
		expect(budget.notice(0)).toBeNull();
		expect(budget.warning(0)).toBeNull();
		const big = write(new Uint8Array(64 * 1024));
		let passed = 0;
		for (let i = 0; i < 1000; i++) if (budget.admit(big)) passed++;
		expect(passed).toBe(Math.floor(STREAM_MAX_BYTES / eventBytes(big)));
	});

	it('counts the start event the page writes like one it admits', () => {
		const input = new Uint8Array(PREVIEW_LIMIT + 100);
		const admitted = new StreamBudget();
		expect(admitted.admit(startEvent('run', input))).toBe(true);
		const counted = new StreamBudget();
		counted.countStart(Math.min(input.byteLength, PREVIEW_LIMIT));
		// Both have the same allowance left: the same flood passes the same number of events.
		const big = write(new Uint8Array(64 * 1024));
		let a = 0;
		let b = 0;
		for (let i = 0; i < 1000; i++) {
			if (admitted.admit(big)) a++;
			if (counted.admit(big)) b++;
		}
		expect(b).toBe(a);
		expect(a).toBeLessThan(Math.floor(STREAM_MAX_BYTES / eventBytes(big)));
	});

	it('always streams the start, the instantiation and failed host calls', () => {
		const budget = new StreamBudget();
		for (let i = 0; i < STREAM_MAX_EVENTS; i++) budget.admit(write(new Uint8Array(1)));
		const vital: TraceEvent[] = [
			{ type: 'start', t: 0, export: 'run', input: payload(new Uint8Array(0)) },
			{ type: 'instantiate', t: 0, dur: 1, ran: [] },
			{ ...write(new Uint8Array(1)), error: 'refused' }
		];
		expect(vital.map((e) => budget.admit(e))).toEqual([true, true, true]);
		expect(budget.admit(write(new Uint8Array(1)))).toBe(false);
	});
});
