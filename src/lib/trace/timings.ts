/**
 * One set of timings for a call, each with its own label, so Output, History and Trace show the same
 * figures: the round trip the page saw, and the worker's share of it split into instantiation, time in
 * host functions and time inside the plugin's own code.
 */
import type { CallSummary } from './call-summary';
import type { CallTrace } from './types';

/** A call's timings, ms. */
export interface CallTimings {
	/** From pressing Run to the result on the page; null when not measured (older records). */
	roundTrip: number | null;
	/** The call inside the worker, start to end: instantiation, plugin code and host calls together. */
	call: number;
	/** Instantiation, when this call included it (first call, fresh instance); null when it reused one. */
	instantiate: number | null;
	/** Time inside host functions (kv_*, http, logging, mocks...). */
	host: number;
	/** Time in the plugin's own code: the call, less instantiation and host calls. */
	plugin: number;
}

/** The timings of an ended trace, or null while it runs. */
export function callTimings(trace: CallTrace): CallTimings | null {
	const last = trace.events[trace.events.length - 1];
	if (last?.type !== 'end') return null;
	let host = 0;
	let instantiate: number | null = null;
	for (const e of trace.events) {
		if (e.type === 'host') host += e.dur;
		else if (e.type === 'instantiate') instantiate = e.dur;
	}
	return splitTimings(trace.roundTrip ?? null, last.duration, instantiate, host);
}

/** The timings a History entry stored, or what an older entry (duration only) can still tell. */
export function summaryTimings(summary: CallSummary): CallTimings | null {
	const end = summary.end;
	if (!end) return null;
	return end.timings ?? splitTimings(null, end.duration, null, 0);
}

/** Builds timings from the measured parts; the plugin's share is what is left of the call. */
export function splitTimings(
	roundTrip: number | null,
	call: number,
	instantiate: number | null,
	host: number
): CallTimings {
	const plugin = Math.max(0, call - (instantiate ?? 0) - host);
	return { roundTrip, call, instantiate, host, plugin };
}

/** One labelled figure. */
export interface TimingFigure {
	/** Short label, e.g. "round trip". */
	label: string;
	/** The figure, formatted with `formatMs`. */
	value: string;
	/** What the figure measures, for a tooltip. */
	about: string;
}

/** The figures to show, in a fixed order; unknown ones are left out. */
export function timingFigures(t: CallTimings): TimingFigure[] {
	const figures: TimingFigure[] = [];
	if (t.roundTrip !== null) {
		figures.push({
			label: 'round trip',
			value: formatMs(t.roundTrip),
			about: 'From Run to the result on this page: the worker, messages and the page together.'
		});
	}
	figures.push(
		{
			label: 'plugin',
			value: formatMs(t.plugin),
			about:
				"Time in the plugin's own code during the call (host calls and instantiation excluded)."
		},
		{
			label: 'host calls',
			value: formatMs(t.host),
			about: 'Time inside host functions the plugin called (KV, HTTP, logging, mocks).'
		}
	);
	if (t.instantiate !== null) {
		figures.push({
			label: 'instantiation',
			value: formatMs(t.instantiate),
			about: 'Linking the module and running its start code: this call made a new instance.'
		});
	}
	return figures;
}

/** Milliseconds as every timing shows them: two decimals under 10 ms, one under 1 s, then seconds. */
export function formatMs(ms: number): string {
	if (!Number.isFinite(ms) || ms < 0) return '—';
	if (ms < 10) return `${ms.toFixed(2)} ms`;
	if (ms < 1000) return `${ms.toFixed(1)} ms`;
	return `${(ms / 1000).toFixed(2)} s`;
}
