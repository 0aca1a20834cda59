/**
 * Which trace events the Trace panel shows: by group (request/response, host calls, logs), by log level,
 * and by a case-insensitive search of each event's one-line description. Built for long traces: the
 * search text of an event is computed once, and a trace that grows while it streams is filtered
 * incrementally.
 */
import { describeEvent } from './format';
import type { LogLevel, TraceEvent } from './types';

/** The groups the kind checkboxes toggle: the request and response (`start`, `end`), host calls, logs. */
export type EventGroup = 'call' | 'host' | 'log';

/** Every log level, lowest first. */
export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

/** What to show. Log levels apply to log events only. */
export interface TraceFilter {
	groups: Record<EventGroup, boolean>;
	levels: Record<LogLevel, boolean>;
	/** Matched, case-insensitively, against the event's label and detail; blank matches everything. */
	query: string;
}

/** A new filter that lets every event through. */
export function showAll(): TraceFilter {
	return {
		groups: { call: true, host: true, log: true },
		levels: { trace: true, debug: true, info: true, warn: true, error: true },
		query: ''
	};
}

/** The group an event belongs to. */
export function groupOf(event: TraceEvent): EventGroup {
	return event.type === 'host' ? 'host' : event.type === 'log' ? 'log' : 'call';
}

/** Events never change once recorded, so their search text is worked out once and kept. */
const searchTexts = new WeakMap<TraceEvent, string>();

/** The lower-cased `label detail` of an event, as the search box matches it. */
export function searchText(event: TraceEvent): string {
	let text = searchTexts.get(event);
	if (text === undefined) {
		const { label, detail } = describeEvent(event);
		text = `${label} ${detail}`.toLowerCase();
		searchTexts.set(event, text);
	}
	return text;
}

/** True when the filter lets every event through, so the list can skip filtering. */
export function showsAll(filter: TraceFilter): boolean {
	return (
		Object.values(filter.groups).every(Boolean) &&
		Object.values(filter.levels).every(Boolean) &&
		filter.query.trim() === ''
	);
}

/** A test for one event against a filter, with the query normalised once. */
export function matcher(filter: TraceFilter): (event: TraceEvent) => boolean {
	const query = filter.query.trim().toLowerCase();
	const { groups, levels } = filter;
	return (event) =>
		groups[groupOf(event)] &&
		(event.type !== 'log' || levels[event.level]) &&
		(query === '' || searchText(event).includes(query));
}

/**
 * The positions of the events that pass a filter, in order. `scanned` events of `events` have been
 * looked at; `key` identifies the filter that produced it.
 */
export interface FilteredEvents {
	readonly events: readonly TraceEvent[];
	readonly key: string;
	readonly indices: number[];
	readonly scanned: number;
}

/** A stable identity for a filter's settings, to tell whether a previous result can be extended. */
export function filterKey(filter: TraceFilter): string {
	const on = (r: Readonly<Record<string, boolean>>) =>
		Object.entries(r)
			.filter(([, v]) => v)
			.map(([k]) => k)
			.join(',');
	return `${on(filter.groups)}|${on(filter.levels)}|${filter.query.trim().toLowerCase()}`;
}

/**
 * Filters `events`. When `previous` came from the same events array and the same filter, only the
 * events appended since are scanned and its `indices` array is extended in place (so `previous` must
 * not be used afterwards); that keeps a streaming trace of 200,000 events cheap to follow.
 */
export function filterEvents(
	events: readonly TraceEvent[],
	filter: TraceFilter,
	previous?: FilteredEvents | null
): FilteredEvents {
	const key = filterKey(filter);
	const reuse =
		previous &&
		previous.events === events &&
		previous.key === key &&
		previous.scanned <= events.length;
	const indices = reuse ? previous.indices : [];
	const from = reuse ? previous.scanned : 0;
	if (showsAll(filter)) {
		for (let i = from; i < events.length; i++) indices.push(i);
	} else {
		const test = matcher(filter);
		for (let i = from; i < events.length; i++) {
			const event = events[i];
			if (event && test(event)) indices.push(i);
		}
	}
	return { events, key, indices, scanned: events.length };
}
