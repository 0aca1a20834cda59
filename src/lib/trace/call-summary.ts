/**
 * A call's summary: what the History list shows and what picks an entry, kept apart from the call's full
 * trace. A trace can hold 200,000 events; the list reads only summaries, and a trace is read when opened.
 */
import type { ErrorKind } from '../errors';
import { endOf } from './build';
import { callTimings, type CallTimings } from './timings';
import type { CallTrace } from './types';

/** One History entry without its events. */
export interface CallSummary {
	/** The trace's `id`; with `startedAt`, names the entry. */
	id: number;
	pluginId: string;
	pluginName: string;
	export: string;
	/** Wall-clock start, ms since the epoch. */
	startedAt: number;
	/** How the call ended; null when it never did (the page closed mid-call). */
	end: {
		status: 'ok' | 'error';
		duration: number;
		inputSize: number;
		outputSize: number;
		/** The failure's kind, when the call failed. */
		errorKind: ErrorKind | null;
		/** The labelled timings; absent in entries stored before they existed. */
		timings?: CallTimings;
	} | null;
	/** Events in the trace, dropped ones included: what opening the entry will cost. */
	events: number;
	/** sha256 of the module called; absent in older entries. */
	module?: string;
}

/** The summary of a trace. */
export function summarizeCall(trace: CallTrace): CallSummary {
	const end = endOf(trace);
	const timings = callTimings(trace);
	return {
		id: trace.id,
		pluginId: trace.pluginId,
		pluginName: trace.pluginName,
		export: trace.export,
		startedAt: trace.startedAt,
		end: end
			? {
					status: end.status,
					duration: end.duration,
					inputSize: end.inputSize,
					outputSize: end.outputSize,
					errorKind: end.error?.kind ?? null,
					...(timings ? { timings } : {})
				}
			: null,
		events: trace.events.length + trace.dropped,
		...(trace.module ? { module: trace.module } : {})
	};
}

/**
 * Each entry's build label, `build 2 · 1a2b3c4`, numbering the modules in the order they were first
 * called; empty when every entry called the same module (or none says which), so nothing is labelled.
 */
export function buildLabels(entries: readonly CallSummary[]): Map<string, string> {
	const numbers = new Map<string, number>();
	for (const entry of entries) {
		if (entry.module && !numbers.has(entry.module)) numbers.set(entry.module, numbers.size + 1);
	}
	const labels = new Map<string, string>();
	if (numbers.size < 2) return labels;
	for (const entry of entries) {
		const n = entry.module && numbers.get(entry.module);
		if (n) labels.set(callKey(entry), `build ${n} · ${entry.module!.slice(0, 7)}`);
	}
	return labels;
}

/** A name for a call, the same for its trace and its summary: list keys, and matching one to the other. */
export function callKey(call: Pick<CallTrace, 'startedAt' | 'id'>): string {
	return `${call.startedAt}-${call.id}`;
}
