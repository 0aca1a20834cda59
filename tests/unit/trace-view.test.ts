import { describe, expect, it } from 'vitest';
import { utf8Encode } from '../../src/lib/bytes/encoding';
import { payload } from '../../src/lib/trace/build';
import {
	eventDetails,
	payloadText,
	payloadView,
	truncationNote
} from '../../src/lib/trace/details';
import {
	indexOfSorted,
	isOpen,
	rowAt,
	rowTop,
	scrollToShow,
	totalHeight,
	visibleRows,
	type RowLayout
} from '../../src/lib/trace/rows';
import { callSpan, hostActivity, hostBar, hostTime } from '../../src/lib/trace/timeline';
import type { HostEvent, TraceEvent } from '../../src/lib/trace/types';

const host = (t: number, dur: number): HostEvent => ({
	type: 'host',
	t,
	ns: 'extism:host/user',
	name: 'kv_read',
	args: { key: 'k' },
	dur
});

describe('timeline', () => {
	const events: TraceEvent[] = [
		{ type: 'start', t: 0, export: 'f', input: payload(new Uint8Array(0)) },
		host(2, 3),
		host(6, 1)
	];
	it('measures a running call by its latest moment and an ended one by its duration', () => {
		expect(callSpan(events)).toBe(7);
		const ended: TraceEvent[] = [
			...events,
			{
				type: 'end',
				t: 10,
				status: 'ok',
				duration: 10,
				inputSize: 0,
				outputSize: 0,
				memoryPages: 1
			}
		];
		expect(callSpan(ended)).toBe(10);
		expect(callSpan([])).toBe(0);
	});
	it('places host calls on the span as fractions', () => {
		expect(hostBar(host(2, 3), 10)).toEqual({ start: 0.2, width: 0.3 });
		expect(hostBar(host(9, 5), 10)).toEqual({ start: 0.9, width: 0.09999999999999998 });
		expect(hostBar(host(0, 0), 0)).toEqual({ start: 0, width: 1 });
		expect(hostTime(events)).toBe(4);
	});
	it('spreads host time over buckets of the span', () => {
		expect([...hostActivity(events, 10, 5)]).toEqual([0, 1, 0.5, 0.5, 0]);
		expect([...hostActivity(events, 0, 3)]).toEqual([0, 0, 0]);
	});
});

describe('rows', () => {
	const layout: RowLayout = { row: 20, detail: 100, expanded: [] };
	const open: RowLayout = { ...layout, expanded: [2] };
	it('places fixed-height rows', () => {
		expect(rowTop(layout, 3)).toBe(60);
		expect(totalHeight(layout, 10)).toBe(200);
		expect(rowAt(layout, 59)).toBe(2);
		expect(visibleRows(layout, 1000, 400, 100, 5)).toEqual({ first: 15, last: 31 });
		expect(visibleRows(layout, 10, 0, 1000, 5)).toEqual({ first: 0, last: 10 });
	});
	it('makes room for the expanded row', () => {
		expect(rowTop(open, 2)).toBe(40);
		expect(rowTop(open, 3)).toBe(160);
		expect(totalHeight(open, 10)).toBe(300);
		expect(totalHeight(open, 2)).toBe(40);
		expect(rowAt(open, 59)).toBe(2);
		expect(rowAt(open, 150)).toBe(2);
		expect(rowAt(open, 160)).toBe(3);
		expect(rowAt(open, 181)).toBe(4);
	});
	it('scrolls just enough to show a row', () => {
		expect(scrollToShow(layout, 5, 0, 200)).toBeNull();
		expect(scrollToShow(layout, 12, 0, 200)).toBe(60);
		expect(scrollToShow(layout, 1, 100, 200)).toBe(20);
		expect(scrollToShow(open, 2, 0, 100)).toBe(40);
	});
	it('opens several rows, each only pushing the rows below it', () => {
		const two: RowLayout = { ...layout, expanded: [2, 5] };
		expect(isOpen(two, 5)).toBe(true);
		expect(isOpen(two, 4)).toBe(false);
		// Rows up to and including an open row keep their place when a later row opens.
		for (let pos = 0; pos <= 5; pos++) expect(rowTop(two, pos)).toBe(rowTop(open, pos));
		expect(rowTop(two, 6)).toBe(6 * 20 + 200);
		expect(totalHeight(two, 10)).toBe(400);
		expect(rowAt(two, 120)).toBe(2);
		expect(rowAt(two, 199)).toBe(4);
		expect(rowAt(two, 200)).toBe(5);
		expect(rowAt(two, 319)).toBe(5);
		expect(rowAt(two, 320)).toBe(6);
		expect(scrollToShow(two, 5, 0, 100)).toBe(200);
	});
	it('agrees with itself: every offset maps to the row whose box holds it', () => {
		const many: RowLayout = { ...layout, expanded: [0, 3, 4, 9] };
		for (let pos = 0; pos < 12; pos++) {
			const top = rowTop(many, pos);
			const height = many.row + (isOpen(many, pos) ? many.detail : 0);
			expect(rowAt(many, top)).toBe(pos);
			expect(rowAt(many, top + height - 1)).toBe(pos);
		}
	});
	it('finds an event in a filtered list', () => {
		expect(indexOfSorted([1, 4, 9, 12], 9)).toBe(2);
		expect(indexOfSorted([1, 4, 9, 12], 5)).toBe(-1);
		expect(indexOfSorted([], 0)).toBe(-1);
	});
});

describe('details', () => {
	it('shows payloads as text or hex and says when they were cut', () => {
		const text = payload(utf8Encode('hello'));
		expect(payloadView(text)).toBe('text');
		expect(payloadText(text, 'text')).toBe('hello');
		expect(payloadText(text, 'hex')).toContain('68 65 6c 6c 6f');
		expect(payloadView(payload(Uint8Array.from([0, 1])))).toBe('hex');
		expect(payloadText(payload(new Uint8Array(0)), 'text')).toBe('(empty)');
		expect(truncationNote(text)).toBeNull();
		const big = payload(new Uint8Array(200 * 1024));
		expect(truncationNote(big)).toBe('(first 64 KiB of 200 KiB)');
	});
	it('lists every argument, result and error of a host call', () => {
		const fields = eventDetails({
			type: 'host',
			t: 1,
			ns: 'extism:host/user',
			name: 'kv_write',
			args: { key: 'count', value: payload(utf8Encode('2')) },
			error: 'disk full',
			dur: 0.5
		});
		expect(fields.map((f) => f.name)).toEqual([
			'Function',
			'Started',
			'Took',
			'Argument key',
			'Argument value',
			'Error'
		]);
		expect(fields[3]).toEqual({ name: 'Argument key', text: 'count' });
		expect('payload' in (fields[4] ?? {})).toBe(true);
	});
	it('gives the whole log text and the error of a failed call', () => {
		const long = 'x'.repeat(5000);
		const log = eventDetails({ type: 'log', t: 0, level: 'warn', source: 'extism', text: long });
		expect(log.find((f) => f.name === 'Text')).toEqual({ name: 'Text', text: long });
		const end = eventDetails({
			type: 'end',
			t: 1,
			status: 'error',
			error: { kind: 'trap', message: 'unreachable', hint: 'check it' },
			duration: 1,
			inputSize: 0,
			outputSize: 0,
			memoryPages: null
		});
		expect(end.map((f) => ('text' in f ? f.text : ''))).toContain('check it');
		expect(end.find((f) => f.name === 'Memory')).toEqual({
			name: 'Memory',
			text: 'unknown (the worker was stopped)'
		});
	});
});
