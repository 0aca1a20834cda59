import type { PlaygroundError } from '../errors';
import {
	MAX_TRACE_EVENTS,
	PREVIEW_LIMIT,
	type CallTrace,
	type EndEvent,
	type Payload,
	type StartEvent,
	type TraceEvent
} from './types';

/** Keeps the size of `bytes` and a copy of at most `limit` leading bytes. */
export function payload(bytes: Uint8Array, limit = PREVIEW_LIMIT): Payload {
	return { size: bytes.byteLength, head: bytes.slice(0, limit) };
}

/** True when the payload holds every byte, not just a preview. */
export function isComplete(p: Payload): boolean {
	return p.head.byteLength === p.size;
}

/** The event that opens the trace of a call of `exportName` with `input`. */
export function startEvent(exportName: string, input: Uint8Array, hook?: string): StartEvent {
	return {
		type: 'start',
		t: 0,
		export: exportName,
		input: payload(input),
		...(hook ? { hook } : {})
	};
}

/** An empty trace for a call that is about to start. */
export function newTrace(
	id: number,
	plugin: { id: string; name: string },
	exportName: string,
	startedAt: number
): CallTrace {
	return {
		id,
		pluginId: plugin.id,
		pluginName: plugin.name,
		export: exportName,
		startedAt,
		events: [],
		dropped: 0
	};
}

/** Appends events in place, respecting `MAX_TRACE_EVENTS`; returns the trace for chaining. */
export function appendEvents(trace: CallTrace, events: readonly TraceEvent[]): CallTrace {
	for (const event of events) {
		if (trace.events.length < MAX_TRACE_EVENTS || event.type === 'end') trace.events.push(event);
		else trace.dropped++;
	}
	return trace;
}

/** How long the call spent instantiating the plugin (ms), or null when it reused an instance. */
export function instantiateTime(trace: CallTrace): number | null {
	for (const e of trace.events) if (e.type === 'instantiate') return e.dur;
	return null;
}

/** The call's end event, if it has ended. */
export function endOf(trace: CallTrace): EndEvent | undefined {
	const last = trace.events[trace.events.length - 1];
	return last?.type === 'end' ? last : undefined;
}

/**
 * Ends a trace that the worker could not end itself (timeout, stop): the duration is measured on the
 * main thread and memory is unknown because the worker is gone.
 */
export function endAbandoned(
	trace: CallTrace,
	error: PlaygroundError,
	duration: number
): CallTrace {
	if (endOf(trace)) return trace;
	const start = trace.events.find((e) => e.type === 'start');
	const inputSize = start?.type === 'start' ? start.input.size : 0;
	return appendEvents(trace, [
		{
			type: 'end',
			t: duration,
			status: 'error',
			error,
			duration,
			inputSize,
			outputSize: 0,
			memoryPages: null
		}
	]);
}

/** Counts of each event kind, for summaries and filters. */
export interface TraceSummary {
	host: number;
	logs: number;
	byName: Record<string, number>;
	byLevel: Record<string, number>;
}

/** Tallies a trace's host calls by name and its logs by level. */
export function summarize(events: readonly TraceEvent[]): TraceSummary {
	const summary: TraceSummary = { host: 0, logs: 0, byName: {}, byLevel: {} };
	for (const e of events) {
		if (e.type === 'host') {
			summary.host++;
			summary.byName[e.name] = (summary.byName[e.name] ?? 0) + 1;
		} else if (e.type === 'log') {
			summary.logs++;
			summary.byLevel[e.level] = (summary.byLevel[e.level] ?? 0) + 1;
		}
	}
	return summary;
}
