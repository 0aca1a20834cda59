import { describe, expect, it } from 'vitest';
import type { PlaygroundError } from '../../src/lib/errors';
import {
	appendEvents,
	endAbandoned,
	endOf,
	isComplete,
	newTrace,
	payload,
	summarize
} from '../../src/lib/trace/build';
import {
	MAX_TRACE_EVENTS,
	PREVIEW_LIMIT,
	type EndEvent,
	type LogEvent,
	type TraceEvent
} from '../../src/lib/trace/types';

const PLUGIN = { id: 'p1', name: 'greet.wasm' };
const TIMEOUT: PlaygroundError = { kind: 'timeout', message: 'took too long', hint: 'raise it' };

function log(t: number, level: LogEvent['level'] = 'info'): LogEvent {
	return { type: 'log', t, level, source: 'extism', text: `line ${t}` };
}

function end(t: number): EndEvent {
	return {
		type: 'end',
		t,
		status: 'ok',
		duration: t,
		inputSize: 0,
		outputSize: 0,
		memoryPages: 1
	};
}

function started(inputSize: number) {
	const trace = newTrace(7, PLUGIN, 'greet', 1_700_000_000_000);
	return appendEvents(trace, [
		{ type: 'start', t: 0, export: 'greet', input: payload(new Uint8Array(inputSize)) }
	]);
}

describe('payload', () => {
	it('keeps small payloads whole', () => {
		const p = payload(Uint8Array.from([1, 2, 3]));
		expect(p.size).toBe(3);
		expect([...p.head]).toEqual([1, 2, 3]);
		expect(isComplete(p)).toBe(true);
	});

	it('keeps the size and only PREVIEW_LIMIT leading bytes of large payloads', () => {
		const bytes = new Uint8Array(PREVIEW_LIMIT + 10).map((_, i) => i & 0xff);
		const p = payload(bytes);
		expect(p.size).toBe(PREVIEW_LIMIT + 10);
		expect(p.head.byteLength).toBe(PREVIEW_LIMIT);
		expect(p.head[PREVIEW_LIMIT - 1]).toBe((PREVIEW_LIMIT - 1) & 0xff);
		expect(isComplete(p)).toBe(false);
	});

	it('keeps exactly PREVIEW_LIMIT bytes complete', () => {
		expect(isComplete(payload(new Uint8Array(PREVIEW_LIMIT)))).toBe(true);
	});

	it('honours a custom limit', () => {
		const p = payload(new Uint8Array(10), 4);
		expect(p).toMatchObject({ size: 10 });
		expect(p.head.byteLength).toBe(4);
	});

	it('copies the bytes, so later writes to the source do not change the trace', () => {
		const bytes = Uint8Array.from([1, 2, 3]);
		const p = payload(bytes);
		bytes[0] = 9;
		expect(p.head[0]).toBe(1);
		expect(p.head.buffer).not.toBe(bytes.buffer);
	});
});

describe('newTrace and appendEvents', () => {
	it('starts empty with the call identity', () => {
		expect(newTrace(3, PLUGIN, 'run', 42)).toEqual({
			id: 3,
			pluginId: 'p1',
			pluginName: 'greet.wasm',
			export: 'run',
			startedAt: 42,
			events: [],
			dropped: 0
		});
	});

	it('appends in order and returns the same trace', () => {
		const trace = newTrace(1, PLUGIN, 'run', 0);
		expect(appendEvents(trace, [log(1), log(2)])).toBe(trace);
		expect(trace.events.map((e) => e.t)).toEqual([1, 2]);
	});

	it('caps events at MAX_TRACE_EVENTS, counts the dropped ones and always keeps the end', () => {
		const trace = newTrace(1, PLUGIN, 'run', 0);
		const flood: TraceEvent[] = Array.from({ length: MAX_TRACE_EVENTS + 5 }, (_, i) => log(i));
		appendEvents(trace, flood);
		expect(trace.events).toHaveLength(MAX_TRACE_EVENTS);
		expect(trace.dropped).toBe(5);
		expect(trace.events[MAX_TRACE_EVENTS - 1]?.t).toBe(MAX_TRACE_EVENTS - 1);

		appendEvents(trace, [log(-1), end(99)]);
		expect(trace.dropped).toBe(6);
		expect(trace.events).toHaveLength(MAX_TRACE_EVENTS + 1);
		expect(endOf(trace)).toEqual(end(99));
	});
});

describe('endOf', () => {
	it('is undefined until the last event is an end', () => {
		const trace = started(3);
		expect(endOf(trace)).toBeUndefined();
		appendEvents(trace, [end(5)]);
		expect(endOf(trace)?.t).toBe(5);
	});
});

describe('endAbandoned', () => {
	it('ends a running call with the error, the measured duration and the input size', () => {
		const trace = endAbandoned(started(12), TIMEOUT, 10_000);
		expect(endOf(trace)).toEqual({
			type: 'end',
			t: 10_000,
			status: 'error',
			error: TIMEOUT,
			duration: 10_000,
			inputSize: 12,
			outputSize: 0,
			memoryPages: null
		});
	});

	it('uses input size 0 when the start event is missing', () => {
		const trace = endAbandoned(newTrace(1, PLUGIN, 'run', 0), TIMEOUT, 5);
		expect(endOf(trace)?.inputSize).toBe(0);
	});

	it('leaves a call that already ended alone', () => {
		const trace = appendEvents(started(1), [end(3)]);
		endAbandoned(trace, TIMEOUT, 500);
		expect(trace.events).toHaveLength(2);
		expect(endOf(trace)?.status).toBe('ok');
	});

	it('still adds the end to a full trace', () => {
		const trace = started(0);
		appendEvents(
			trace,
			Array.from({ length: MAX_TRACE_EVENTS }, (_, i) => log(i))
		);
		endAbandoned(trace, TIMEOUT, 1);
		expect(endOf(trace)?.error).toEqual(TIMEOUT);
		expect(trace.dropped).toBe(1);
	});
});

describe('summarize', () => {
	it('counts host calls by name and logs by level, ignoring other events', () => {
		const events: TraceEvent[] = [
			{ type: 'start', t: 0, export: 'run', input: payload(new Uint8Array()) },
			{ type: 'host', t: 1, ns: 'extism:host/user', name: 'kv_read', args: {}, dur: 0 },
			{ type: 'host', t: 2, ns: 'extism:host/user', name: 'kv_write', args: {}, dur: 0 },
			{ type: 'host', t: 3, ns: 'extism:host/user', name: 'kv_read', args: {}, dur: 0 },
			log(4, 'warn'),
			log(5, 'info'),
			log(6, 'warn'),
			end(7)
		];
		expect(summarize(events)).toEqual({
			host: 3,
			logs: 3,
			byName: { kv_read: 2, kv_write: 1 },
			byLevel: { warn: 2, info: 1 }
		});
	});

	it('is all zeros for no events', () => {
		expect(summarize([])).toEqual({ host: 0, logs: 0, byName: {}, byLevel: {} });
	});
});
