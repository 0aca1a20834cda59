/**
 * The full details of one trace event, for an expanded row: every argument, result and message, with
 * payloads shown whole (as far as the trace kept them) as text or as a hex dump.
 */
import { formatBytes, hexDump, isProbablyText, utf8Decode } from '../bytes/encoding';
import { ERROR_TITLES } from '../errors';
import { isComplete } from './build';
import type { Payload, TraceEvent } from './types';

/** How a payload is shown. */
export type PayloadView = 'text' | 'hex';

/** One labelled line of details: plain text, or a payload the view can switch between text and hex. */
export type DetailField = { name: string; text: string } | { name: string; payload: Payload };

/** Text when the kept bytes are printable UTF-8, hex otherwise. */
export function payloadView(p: Payload): PayloadView {
	return isProbablyText(p.head) ? 'text' : 'hex';
}

/** The kept bytes of a payload as text or as a hex dump. */
export function payloadText(p: Payload, view: PayloadView): string {
	if (p.size === 0) return '(empty)';
	return view === 'text' ? utf8Decode(p.head) : hexDump(p.head);
}

/** `(first 64 KiB of 1.2 MiB)` when the trace kept only the start of a payload, else null. */
export function truncationNote(p: Payload): string | null {
	return isComplete(p)
		? null
		: `(first ${formatBytes(p.head.byteLength)} of ${formatBytes(p.size)})`;
}

const ms = (n: number) => `${n.toFixed(3)} ms`;

function value(name: string, v: Payload | string): DetailField {
	return typeof v === 'string' ? { name, text: v } : { name, payload: v };
}

/** Everything known about an event, as labelled fields, in reading order. */
export function eventDetails(e: TraceEvent): DetailField[] {
	switch (e.type) {
		case 'start':
			return [
				{ name: 'Export', text: e.export },
				...(e.hook ? [{ name: 'Hook', text: e.hook }] : []),
				{ name: 'Input', payload: e.input }
			];
		case 'instantiate':
			return [
				{ name: 'Step', text: 'Instantiate: link the imports, then run the start code' },
				{
					name: 'Ran',
					text: e.ran.length ? e.ran.join(', ') : 'nothing (no start function, no _initialize)'
				},
				{ name: 'Started', text: ms(e.t) },
				{ name: 'Took', text: ms(e.dur) },
				...(e.error !== undefined ? [{ name: 'Error', text: e.error }] : [])
			];
		case 'host':
			return [
				{ name: 'Function', text: `${e.ns} ${e.name}` },
				{ name: 'Started', text: ms(e.t) },
				{ name: 'Took', text: ms(e.dur) },
				...Object.entries(e.args).map(([k, v]) => value(`Argument ${k}`, v)),
				...(e.result !== undefined ? [value('Result', e.result)] : []),
				...(e.error !== undefined ? [{ name: 'Error', text: e.error }] : [])
			];
		case 'log':
			return [
				{ name: 'Level', text: e.level },
				{ name: 'Source', text: e.source },
				{ name: 'At', text: ms(e.t) },
				{ name: 'Text', text: e.text }
			];
		case 'end':
			return [
				{ name: 'Status', text: e.status },
				...(e.error
					? [
							{ name: 'Error', text: `${e.error.kind}: ${ERROR_TITLES[e.error.kind]}` },
							{ name: 'Message', text: e.error.message },
							{ name: 'What to do', text: e.error.hint }
						]
					: []),
				...(e.code !== undefined ? [{ name: 'Return code', text: String(e.code) }] : []),
				...(e.exit !== undefined ? [{ name: 'Exit code', text: String(e.exit) }] : []),
				{ name: 'Duration', text: ms(e.duration) },
				{ name: 'Input size', text: formatBytes(e.inputSize) },
				{ name: 'Output size', text: formatBytes(e.outputSize) },
				{
					name: 'Memory',
					text:
						e.memoryPages === null
							? 'unknown (the worker was stopped)'
							: `${e.memoryPages} pages (${formatBytes(e.memoryPages * 65536)})`
				},
				...(e.output ? [{ name: 'Output', payload: e.output }] : [])
			];
	}
}
