import { formatBytes } from '../bytes/encoding';
import type { LogEvent, Payload, TraceEvent } from './types';

/**
 * Events one call streams to the page at most. A plugin can emit millions (a `kv_write` loop); each costs
 * the main thread a clone, a row and memory, and every pass over the trace (summary, filter, search) grows
 * with them, so past this the worker counts them instead. 5,000 rows is more than anyone reads, and a
 * search over them stays well under the 200 ms long-task budget on a loaded 2-core machine.
 */
export const STREAM_MAX_EVENTS = 5_000;
/** Payload bytes (previews and log text) one call streams at most; a few 64 KiB previews add up fast. */
export const STREAM_MAX_BYTES = 8 * 1024 * 1024;
/** A batch is posted once it holds this many events or bytes, so no single message is slow to clone. */
export const BATCH_MAX_EVENTS = 500;
/** See `BATCH_MAX_EVENTS`. */
export const BATCH_MAX_BYTES = 1024 * 1024;

/** Roughly what an event costs to clone: its payload previews and text. */
export function eventBytes(event: TraceEvent): number {
	const size = (v: Payload | string | undefined) =>
		v === undefined ? 0 : typeof v === 'string' ? v.length : v.head.byteLength;
	switch (event.type) {
		case 'host':
			return (
				Object.values(event.args).reduce((sum: number, v) => sum + size(v), 0) +
				size(event.result) +
				size(event.error)
			);
		case 'log':
			return event.text.length;
		case 'start':
			return size(event.input);
		default:
			return 0;
	}
}

/** The kind an event is counted under when dropped: `kv_write`, `log info`, ... */
function kindOf(event: TraceEvent): string {
	if (event.type === 'host') return event.name;
	if (event.type === 'log') return `log ${event.level}`;
	return event.type;
}

/**
 * One call's allowance of streamed events (`STREAM_MAX_EVENTS`, `STREAM_MAX_BYTES`). The call's start,
 * its instantiation and failed host calls always pass: they explain how the call ended.
 */
export class StreamBudget {
	#events = 0;
	#bytes = 0;
	/** Dropped events by kind, in the order kinds were first dropped. */
	readonly dropped = new Map<string, number>();
	#warned = false;

	/** Counts the call's start event, which the page writes and which always streams: `bytes` of input. */
	countStart(bytes: number): void {
		this.#events++;
		this.#bytes += bytes;
	}

	/** Whether `event` is streamed; counts it as dropped otherwise. */
	admit(event: TraceEvent, bytes = eventBytes(event)): boolean {
		const vital =
			event.type === 'start' ||
			event.type === 'instantiate' ||
			(event.type === 'host' && event.error !== undefined);
		if (!vital && (this.#events >= STREAM_MAX_EVENTS || this.#bytes + bytes > STREAM_MAX_BYTES)) {
			const kind = kindOf(event);
			this.dropped.set(kind, (this.dropped.get(kind) ?? 0) + 1);
			return false;
		}
		this.#events++;
		this.#bytes += bytes;
		return true;
	}

	/**
	 * Once, at the first drop: a warning that the call's events are being dropped from now on. It is sent at
	 * once, so a call that then times out (and never reports its counts) still says so in its trace.
	 */
	warning(t: number): LogEvent | null {
		if (this.#warned || this.dropped.size === 0) return null;
		this.#warned = true;
		return {
			type: 'log',
			t,
			level: 'warn',
			source: 'sdk',
			text: `Trace flood: this call streamed ${this.#events.toLocaleString('en-US')} events (${formatBytes(this.#bytes)}), the most one call may send to the page; later events are dropped and counted, and the counts come when the call ends.`
		};
	}

	/** A warning line saying how many events were dropped and of which kinds; null when none were. */
	notice(t: number): LogEvent | null {
		if (this.dropped.size === 0) return null;
		const total = [...this.dropped.values()].reduce((sum, n) => sum + n, 0);
		const kinds = [...this.dropped]
			.sort((a, b) => b[1] - a[1])
			.map(([kind, n]) => `${kind} ${n.toLocaleString('en-US')}`)
			.join(', ');
		return {
			type: 'log',
			t,
			level: 'warn',
			source: 'sdk',
			text: `Trace flood: ${total.toLocaleString('en-US')} events dropped (${kinds}) after the first ${this.#events.toLocaleString('en-US')} (${formatBytes(this.#bytes)}); a call streams at most ${STREAM_MAX_EVENTS.toLocaleString('en-US')} events or ${formatBytes(STREAM_MAX_BYTES)} to the page. Only the trace lost them: the plugin's host calls all ran, and its KV writes are all kept.`
		};
	}
}
