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

/**
 * A call's output as its end event keeps it: the output's own bytes when it fits the preview (a message
 * then carries them once, beside the output), else a copy of its head.
 */
function outputPayload(output: Uint8Array): Payload {
	return output.byteLength <= PREVIEW_LIMIT
		? { size: output.byteLength, head: output }
		: payload(output);
}

/** What the host knows when a call ends, `duration` ms after it started. */
export interface CallEnd {
	output: Uint8Array;
	duration: number;
	inputSize: number;
	memoryPages: number | null;
	/** The export's raw return code, when the runtime saw one. */
	code: number | null;
	/** The WASI exit code, when the module exited or a command's `_start` returned. */
	exit: number | null;
	error: PlaygroundError | null;
}

/** The event that ends a call's trace. */
export function endEvent(end: CallEnd): EndEvent {
	const { output, duration, code, exit, error } = end;
	return {
		type: 'end',
		t: duration,
		status: error ? 'error' : 'ok',
		output: outputPayload(output),
		...(error ? { error } : {}),
		...(code !== null ? { code } : {}),
		...(exit !== null ? { exit } : {}),
		duration,
		inputSize: end.inputSize,
		outputSize: output.byteLength,
		memoryPages: end.memoryPages
	};
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
