import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toBase64, utf8Encode } from '../../src/lib/bytes/encoding';
import { ERROR_TITLES, type ErrorKind } from '../../src/lib/errors';
import { payload } from '../../src/lib/trace/build';
import {
	TRACE_FILE_FORMAT,
	decodeTraceFile,
	encodeTraceFile,
	traceFileName
} from '../../src/lib/trace/export';
import type { CallTrace, Payload, TraceEvent } from '../../src/lib/trace/types';

/** Milliseconds as traces hold them: finite, non-negative, with fractions. */
const time = fc.integer({ min: 0, max: 10_000_000 }).map((n) => n / 100);
const count = fc.nat({ max: 1_000_000 });
const payloadArb: fc.Arbitrary<Payload> = fc
	.tuple(fc.uint8Array({ maxLength: 40 }), fc.nat({ max: 100 }))
	.map(([head, extra]) => ({ size: head.byteLength + extra, head }));
const value = fc.oneof(fc.string(), payloadArb);
const errorArb = fc.record(
	{
		kind: fc.constantFrom(...(Object.keys(ERROR_TITLES) as ErrorKind[])),
		message: fc.string(),
		hint: fc.string()
	},
	{ noNullPrototype: true }
);

const event: fc.Arbitrary<TraceEvent> = fc.oneof(
	fc.record(
		{
			type: fc.constant('start' as const),
			t: time,
			export: fc.string(),
			input: payloadArb,
			hook: fc.string()
		},
		{ requiredKeys: ['type', 't', 'export', 'input'], noNullPrototype: true }
	),
	fc.record(
		{
			type: fc.constant('host' as const),
			t: time,
			ns: fc.string(),
			name: fc.string(),
			args: fc.dictionary(
				fc.string().filter((k) => k !== '__proto__'),
				value,
				{ maxKeys: 3, noNullPrototype: true }
			),
			result: value,
			error: fc.string(),
			dur: time
		},
		{ requiredKeys: ['type', 't', 'ns', 'name', 'args', 'dur'], noNullPrototype: true }
	),
	fc.record(
		{
			type: fc.constant('instantiate' as const),
			t: time,
			dur: time,
			ran: fc.array(fc.string(), { maxLength: 3 }),
			error: fc.string()
		},
		{ requiredKeys: ['type', 't', 'dur', 'ran'], noNullPrototype: true }
	),
	fc.record(
		{
			type: fc.constant('log' as const),
			t: time,
			level: fc.constantFrom('trace', 'debug', 'info', 'warn', 'error' as const),
			source: fc.constantFrom('extism', 'host', 'stdout', 'stderr', 'sdk' as const),
			text: fc.string()
		},
		{ noNullPrototype: true }
	),
	fc.record(
		{
			type: fc.constant('end' as const),
			t: time,
			status: fc.constantFrom('ok', 'error' as const),
			output: payloadArb,
			error: errorArb,
			code: fc.integer(),
			exit: fc.nat({ max: 0xffffffff }),
			duration: time,
			inputSize: count,
			outputSize: count,
			memoryPages: fc.option(fc.nat({ max: 65536 }), { nil: null })
		},
		{
			requiredKeys: ['type', 't', 'status', 'duration', 'inputSize', 'outputSize', 'memoryPages'],
			noNullPrototype: true
		}
	)
);

const traceArb: fc.Arbitrary<CallTrace> = fc.record(
	{
		id: fc.nat(),
		pluginId: fc.string(),
		pluginName: fc.string(),
		export: fc.string(),
		startedAt: fc.nat(),
		events: fc.array(event, { maxLength: 8 }),
		dropped: count
	},
	{ noNullPrototype: true }
);

const GREET: CallTrace = {
	id: 3,
	pluginId: 'p1',
	pluginName: 'Greet',
	export: 'greet',
	startedAt: 1_700_000_000_000,
	dropped: 0,
	events: [
		{ type: 'start', t: 0, export: 'greet', input: payload(utf8Encode('Wörld')) },
		{ type: 'log', t: 0.5, level: 'info', source: 'host', text: 'hi' },
		{
			type: 'end',
			t: 1,
			status: 'ok',
			output: payload(utf8Encode('Hello, Wörld!')),
			duration: 1,
			inputSize: 6,
			outputSize: 14,
			memoryPages: 2
		}
	]
};

/** The export of GREET as plain JSON, for tests that damage one field. */
function greetJson(): { format: string; version: number; traces: Record<string, unknown>[] } {
	return JSON.parse(encodeTraceFile([GREET])) as ReturnType<typeof greetJson>;
}

function message(text: string): string {
	const decoded = decodeTraceFile(text);
	expect(decoded.ok).toBe(false);
	return decoded.ok
		? ''
		: `${decoded.error.kind}: ${decoded.error.message} | ${decoded.error.hint}`;
}

describe('trace export', () => {
	it('writes a versioned file with base64 payloads', () => {
		const file = JSON.parse(encodeTraceFile([GREET], new Date(0))) as Record<string, unknown>;
		expect(file.format).toBe(TRACE_FILE_FORMAT);
		expect(file.version).toBe(1);
		expect(file.exportedAt).toBe('1970-01-01T00:00:00.000Z');
		const [trace] = file.traces as { events: { input?: unknown }[] }[];
		expect(trace?.events[0]?.input).toEqual({ size: 6, head: toBase64(utf8Encode('Wörld')) });
	});

	it('reads back what it wrote', () => {
		const decoded = decodeTraceFile(encodeTraceFile([GREET, GREET]));
		expect(decoded).toEqual({ ok: true, traces: [GREET, GREET] });
	});

	it('round-trips any trace', () => {
		fc.assert(
			fc.property(fc.array(traceArb, { minLength: 1, maxLength: 3 }), (traces) => {
				const decoded = decodeTraceFile(encodeTraceFile(traces));
				expect(decoded.ok).toBe(true);
				if (decoded.ok) expect(decoded.traces).toStrictEqual(traces);
			}),
			{ numRuns: 200 }
		);
	});

	it('never throws, whatever it is given', () => {
		fc.assert(
			fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
				expect(typeof decodeTraceFile(text).ok).toBe('boolean');
			}),
			{ numRuns: 300 }
		);
	});

	it('rejects files that are not trace exports, saying what they are', () => {
		expect(message('not json')).toMatch(/^load: The file is not JSON/);
		expect(message('[1,2]')).toMatch(/not a Plugin Playground trace export: it is a list of 2/);
		expect(message('{"format":"other"}')).toMatch(/its "format" is "other"/);
		expect(message('{"format":"plugin-playground.trace","version":2,"traces":[]}')).toMatch(
			/version 2, made by a newer playground/
		);
		expect(message('{"format":"plugin-playground.trace","version":1,"traces":[]}')).toMatch(
			/holds no traces/
		);
		expect(message('{"format":"plugin-playground.trace","traces":[]}')).toMatch(
			/version should be a whole number, but it is missing/
		);
	});

	it('names the damaged field', () => {
		const damage = (f: (json: ReturnType<typeof greetJson>) => void) => {
			const json = greetJson();
			f(json);
			return message(JSON.stringify(json));
		};
		const events = (j: ReturnType<typeof greetJson>) =>
			(j.traces[0] as { events: Record<string, unknown>[] }).events;
		expect(damage((j) => (j.traces[0] = 'x' as never))).toMatch(
			/traces\[0\] should be an object, but it is "x"/
		);
		expect(damage((j) => delete j.traces[0]?.pluginName)).toMatch(
			/traces\[0\]\.pluginName should be a string, but it is missing/
		);
		expect(damage((j) => ((events(j)[1] as Record<string, unknown>).level = 'loud'))).toMatch(
			/traces\[0\]\.events\[1\]\.level should be one of "trace", "debug", "info", "warn", "error", but it is "loud"/
		);
		expect(damage((j) => (events(j)[0]!.input = { size: 6, head: '***' }))).toMatch(
			/traces\[0\]\.events\[0\]\.input\.head should be base64/
		);
		expect(damage((j) => (events(j)[0]!.input = { size: 1, head: 'AAAA' }))).toMatch(
			/input\.head should be at most 1 bytes/
		);
		expect(damage((j) => (events(j)[2]!.memoryPages = -1))).toMatch(
			/events\[2\]\.memoryPages should be a whole number from 0, but it is -1/
		);
		expect(damage((j) => (events(j)[2]!.type = 'boom'))).toMatch(
			/events\[2\]\.type should be one of/
		);
		expect(damage((j) => (events(j)[2]!.error = { kind: 'oops', message: '', hint: '' }))).toMatch(
			/events\[2\]\.error\.kind should be one of "load"/
		);
	});

	it('drops fields it does not know', () => {
		const json = greetJson();
		(json.traces[0] as Record<string, unknown>).extra = '<script>';
		const decoded = decodeTraceFile(JSON.stringify(json));
		expect(decoded.ok).toBe(true);
		expect(decoded.ok && 'extra' in (decoded.traces[0] ?? {})).toBe(false);
	});

	it('names export files after the plugin and the time', () => {
		expect(
			traceFileName('trace', 'Key-value counter', new Date(Date.UTC(2024, 4, 1, 10, 20, 30)))
		).toBe('Key-value-counter-trace-2024-05-01T10-20-30.json');
		expect(traceFileName('history', '', new Date(0))).toBe(
			'plugin-history-1970-01-01T00-00-00.json'
		);
	});
});
