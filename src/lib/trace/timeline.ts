/**
 * Geometry for the Trace panel's duration bars: how long the call ran, where each host call sits on that
 * span, and how busy the host was across it (the overall bar), all as fractions of the call.
 */
import type { HostEvent, InstantiateEvent, TraceEvent } from './types';

/** How long the call ran, ms: its end event's duration, or the latest moment seen while it runs. */
export function callSpan(events: readonly TraceEvent[]): number {
	const last = events[events.length - 1];
	if (last?.type === 'end') return last.duration;
	let span = 0;
	for (const e of events) {
		span = Math.max(span, e.type === 'host' || e.type === 'instantiate' ? e.t + e.dur : e.t);
	}
	return span;
}

/** A host call's (or instantiation's) bar: its start and length as fractions (0–1) of the call's span. */
export function hostBar(
	event: HostEvent | InstantiateEvent,
	span: number
): { start: number; width: number } {
	if (span <= 0) return { start: 0, width: 1 };
	const start = clamp01(event.t / span);
	return { start, width: Math.min(1 - start, clamp01(event.dur / span)) };
}

/** Time spent in host functions over the whole call, ms. */
export function hostTime(events: readonly TraceEvent[]): number {
	let total = 0;
	for (const e of events) if (e.type === 'host') total += e.dur;
	return total;
}

/**
 * The overall bar: the call's span cut into `buckets` equal slices, each with the fraction (0–1) of its
 * time spent inside host functions.
 */
export function hostActivity(
	events: readonly TraceEvent[],
	span: number,
	buckets: number
): Float64Array {
	const busy = new Float64Array(buckets);
	if (span <= 0 || buckets <= 0) return busy;
	const slice = span / buckets;
	for (const e of events) {
		if (e.type !== 'host' || e.dur <= 0) continue;
		const from = Math.max(0, e.t);
		const to = Math.min(span, e.t + e.dur);
		for (let b = Math.floor(from / slice); b < buckets && b * slice < to; b++) {
			const overlap = Math.min(to, (b + 1) * slice) - Math.max(from, b * slice);
			if (overlap > 0) busy[b] = Math.min(1, (busy[b] ?? 0) + overlap / slice);
		}
	}
	return busy;
}

function clamp01(n: number): number {
	return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
}
