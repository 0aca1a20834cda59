import { describe, expect, it } from 'vitest';
import { appendEvents, newTrace } from '../../src/lib/trace/build';
import { summarizeCall } from '../../src/lib/trace/call-summary';
import { callTimings, formatMs, summaryTimings, timingFigures } from '../../src/lib/trace/timings';
import type { CallTrace, TraceEvent } from '../../src/lib/trace/types';

const payload = { size: 0, head: new Uint8Array(0) };

function trace(events: TraceEvent[], roundTrip?: number): CallTrace {
	const t = appendEvents(newTrace(1, { id: 'p', name: 'p' }, 'run', 0), events);
	if (roundTrip !== undefined) t.roundTrip = roundTrip;
	return t;
}

const start: TraceEvent = { type: 'start', t: 0, export: 'run', input: payload };
const end = (duration: number): TraceEvent => ({
	type: 'end',
	t: duration,
	status: 'ok',
	duration,
	inputSize: 0,
	outputSize: 0,
	memoryPages: 1
});
const host = (t: number, dur: number): TraceEvent => ({
	type: 'host',
	t,
	ns: 'extism:host/user',
	name: 'kv_read',
	args: {},
	dur
});

describe('call timings', () => {
	it('split the call into instantiation, host calls and the plugin', () => {
		const t = trace(
			[
				start,
				{ type: 'instantiate', t: 0.1, dur: 4, ran: [] },
				host(5, 1.5),
				host(7, 0.5),
				end(10)
			],
			12.5
		);
		expect(callTimings(t)).toEqual({
			roundTrip: 12.5,
			call: 10,
			instantiate: 4,
			host: 2,
			plugin: 4
		});
	});

	it('leave instantiation out when the call reused an instance, and are null while it runs', () => {
		expect(callTimings(trace([start, host(1, 1), end(3)]))).toMatchObject({
			roundTrip: null,
			instantiate: null,
			plugin: 2
		});
		expect(callTimings(trace([start, host(1, 1)]))).toBeNull();
	});

	it('never give the plugin a negative share', () => {
		expect(callTimings(trace([start, host(0, 5), end(4)]))?.plugin).toBe(0);
	});

	it('are stored in History summaries, and older summaries still show their duration', () => {
		const t = trace([start, { type: 'instantiate', t: 0, dur: 1, ran: [] }, end(3)], 9);
		const summary = summarizeCall(t);
		expect(summaryTimings(summary)).toEqual(callTimings(t));
		const old = { ...summary, end: { ...summary.end!, timings: undefined } };
		delete old.end.timings;
		expect(summaryTimings(old)).toEqual({
			roundTrip: null,
			call: 3,
			instantiate: null,
			host: 0,
			plugin: 3
		});
	});

	it('label every figure, in one order, leaving out the unknown ones', () => {
		const all = timingFigures({ roundTrip: 80, call: 3, instantiate: 1, host: 0.5, plugin: 1.5 });
		expect(all.map((f) => `${f.label} ${f.value}`)).toEqual([
			'round trip 80.0 ms',
			'plugin 1.50 ms',
			'host calls 0.50 ms',
			'instantiation 1.00 ms'
		]);
		const some = timingFigures({ roundTrip: null, call: 3, instantiate: null, host: 0, plugin: 3 });
		expect(some.map((f) => f.label)).toEqual(['plugin', 'host calls']);
	});

	it('format milliseconds the same way everywhere', () => {
		expect(formatMs(0)).toBe('0.00 ms');
		expect(formatMs(2)).toBe('2.00 ms');
		expect(formatMs(78.54)).toBe('78.5 ms');
		expect(formatMs(1500)).toBe('1.50 s');
		expect(formatMs(Number.NaN)).toBe('—');
	});
});
