/**
 * The trace export file: JSON of the form
 * `{ "format": "plugin-playground.trace", "version": 1, "exportedAt": "…", "traces": [CallTrace…] }`,
 * where every payload is `{ "size": <bytes>, "head": "<base64 of the kept bytes>" }`. The decoder checks
 * every field, rebuilds the traces from what it checked (unknown fields are dropped), and reports the first
 * problem with its path instead of throwing.
 */
import { fromBase64, toBase64 } from '../bytes/encoding';
import { ERROR_TITLES, fail, type ErrorKind, type PlaygroundError, type Result } from '../errors';
import { safeFileName } from '../output/present';
import { LOG_LEVELS } from './filter';
import type { CallTrace, LogSource, Payload, TraceEvent } from './types';

/** The `format` every trace export carries. */
export const TRACE_FILE_FORMAT = 'plugin-playground.trace';

/** The version this build writes and reads. */
export const TRACE_FILE_VERSION = 1;

/** Serialises traces as a trace export file. */
export function encodeTraceFile(traces: readonly CallTrace[], exportedAt = new Date()): string {
	const file = {
		format: TRACE_FILE_FORMAT,
		version: TRACE_FILE_VERSION,
		exportedAt: exportedAt.toISOString(),
		traces
	};
	// Payload heads are the only byte arrays in a trace.
	return JSON.stringify(file, (_key, value: unknown) =>
		value instanceof Uint8Array ? toBase64(value) : value
	);
}

/** A file name for an export: `greet-trace-2024-05-01T10-20-30.json`. */
export function traceFileName(what: 'trace' | 'history', name: string, at = new Date()): string {
	const stamp = at.toISOString().slice(0, 19).replace(/:/g, '-');
	return `${safeFileName(name) || 'plugin'}-${what}-${stamp}.json`;
}

const HINT =
	'Choose a file saved with Export trace or Export history. If it was edited by hand, fix the field named above.';

/** Reads a trace export file; a file that is not one, or is damaged, is a `load` error saying where. */
export function decodeTraceFile(text: string): Result<{ traces: CallTrace[] }> {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (err) {
		const reason = err instanceof Error ? err.message : String(err);
		return fail(
			'load',
			`The file is not JSON (${reason}), so it is not a trace export.`,
			'Choose a .json file saved with Export trace or Export history.'
		);
	}
	if (!isObject(json) || json.format !== TRACE_FILE_FORMAT) {
		const found = isObject(json) ? `its "format" is ${show(json.format)}` : `it is ${show(json)}`;
		return fail(
			'load',
			`The file is JSON but not a Plugin Playground trace export: ${found}, where "${TRACE_FILE_FORMAT}" was expected.`,
			'Choose a file saved with Export trace or Export history.'
		);
	}
	if (typeof json.version === 'number' && json.version > TRACE_FILE_VERSION) {
		return fail(
			'load',
			`The trace export is version ${json.version}, made by a newer playground; this one reads version ${TRACE_FILE_VERSION}.`,
			'Reload the page to get the newest playground, or export the trace again from this version.'
		);
	}
	try {
		const version = integer(json, 'version', '');
		if (version !== TRACE_FILE_VERSION) {
			throw new Invalid('version', `${TRACE_FILE_VERSION}`, version);
		}
		const traces = list(json, 'traces', '').map((t, i) => readTrace(t, `traces[${i}]`));
		if (traces.length === 0) {
			return fail('load', 'The trace export holds no traces.', 'Export a trace that has run.');
		}
		return { ok: true, traces };
	} catch (err) {
		if (err instanceof Invalid) {
			return fail(
				'load',
				`The trace export is damaged: ${err.path} should be ${err.expected}, but it is ${show(err.found)}.`,
				HINT
			);
		}
		const reason = err instanceof Error ? err.message : String(err);
		return fail('load', `The trace export could not be read: ${reason}.`, HINT);
	}
}

/** The first problem found, with where it is; caught inside `decodeTraceFile` and turned into an error. */
class Invalid extends Error {
	constructor(
		readonly path: string,
		readonly expected: string,
		readonly found: unknown
	) {
		super(`${path} should be ${expected}`);
	}
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
	if (v === undefined) return 'missing';
	if (Array.isArray(v)) return `a list of ${v.length}`;
	if (isObject(v)) return 'an object';
	const text = JSON.stringify(v);
	return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

const at = (path: string, key: string | number) =>
	typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

function object(v: unknown, path: string): Json {
	if (!isObject(v)) throw new Invalid(path, 'an object', v);
	return v;
}

function string(o: Json, key: string, path: string): string {
	const v = o[key];
	if (typeof v !== 'string') throw new Invalid(at(path, key), 'a string', v);
	return v;
}

function number(o: Json, key: string, path: string): number {
	const v = o[key];
	if (typeof v !== 'number' || !Number.isFinite(v)) throw new Invalid(at(path, key), 'a number', v);
	return v;
}

function integer(o: Json, key: string, path: string): number {
	const v = o[key];
	if (!Number.isSafeInteger(v)) throw new Invalid(at(path, key), 'a whole number', v);
	return v as number;
}

function count(o: Json, key: string, path: string): number {
	const v = integer(o, key, path);
	if (v < 0) throw new Invalid(at(path, key), 'zero or more', v);
	return v;
}

function list(o: Json, key: string, path: string): unknown[] {
	const v = o[key];
	if (!Array.isArray(v)) throw new Invalid(at(path, key), 'a list', v);
	return v;
}

function oneOf<T extends string>(o: Json, key: string, path: string, allowed: readonly T[]): T {
	const v = o[key];
	if (!allowed.includes(v as T)) {
		throw new Invalid(at(path, key), `one of ${allowed.map((a) => `"${a}"`).join(', ')}`, v);
	}
	return v as T;
}

/** Copies `o[key]` through `read` when present; absent stays absent (not `undefined`). */
function optional<T>(o: Json, key: string, read: () => T): Record<string, T> {
	return o[key] === undefined ? {} : { [key]: read() };
}

function payload(v: unknown, path: string): Payload {
	const o = object(v, path);
	const size = count(o, 'size', path);
	const decoded = fromBase64(string(o, 'head', path));
	if (!decoded.ok) throw new Invalid(at(path, 'head'), 'base64', o.head);
	if (decoded.bytes.byteLength > size) {
		throw new Invalid(at(path, 'head'), `at most ${size} bytes (its size)`, o.head);
	}
	return { size, head: decoded.bytes };
}

function payloadOrText(v: unknown, path: string): Payload | string {
	return typeof v === 'string' ? v : payload(v, path);
}

const LOG_SOURCES: readonly LogSource[] = ['extism', 'host', 'stdout', 'stderr', 'sdk'];
const ERROR_KINDS = Object.keys(ERROR_TITLES) as ErrorKind[];

function error(v: unknown, path: string): PlaygroundError {
	const o = object(v, path);
	return {
		kind: oneOf(o, 'kind', path, ERROR_KINDS),
		message: string(o, 'message', path),
		hint: string(o, 'hint', path)
	};
}

function readEvent(v: unknown, path: string): TraceEvent {
	const o = object(v, path);
	const type = oneOf(o, 'type', path, ['start', 'host', 'log', 'end'] as const);
	const t = number(o, 't', path);
	switch (type) {
		case 'start':
			return {
				type,
				t,
				export: string(o, 'export', path),
				input: payload(o.input, at(path, 'input')),
				...optional(o, 'hook', () => string(o, 'hook', path))
			};
		case 'host': {
			const args = object(o.args, at(path, 'args'));
			return {
				type,
				t,
				ns: string(o, 'ns', path),
				name: string(o, 'name', path),
				args: Object.fromEntries(
					Object.entries(args).map(([k, a]) => [k, payloadOrText(a, at(at(path, 'args'), k))])
				),
				...optional(o, 'result', () => payloadOrText(o.result, at(path, 'result'))),
				...optional(o, 'error', () => string(o, 'error', path)),
				dur: number(o, 'dur', path)
			};
		}
		case 'log':
			return {
				type,
				t,
				level: oneOf(o, 'level', path, LOG_LEVELS),
				source: oneOf(o, 'source', path, LOG_SOURCES),
				text: string(o, 'text', path)
			};
		case 'end':
			return {
				type,
				t,
				status: oneOf(o, 'status', path, ['ok', 'error'] as const),
				...optional(o, 'output', () => payload(o.output, at(path, 'output'))),
				...optional(o, 'error', () => error(o.error, at(path, 'error'))),
				...optional(o, 'code', () => integer(o, 'code', path)),
				duration: number(o, 'duration', path),
				inputSize: count(o, 'inputSize', path),
				outputSize: count(o, 'outputSize', path),
				memoryPages: o.memoryPages === null ? null : count(o, 'memoryPages', path)
			};
	}
}

function readTrace(v: unknown, path: string): CallTrace {
	const o = object(v, path);
	return {
		id: number(o, 'id', path),
		pluginId: string(o, 'pluginId', path),
		pluginName: string(o, 'pluginName', path),
		export: string(o, 'export', path),
		startedAt: number(o, 'startedAt', path),
		events: list(o, 'events', path).map((e, i) => readEvent(e, at(at(path, 'events'), i))),
		dropped: count(o, 'dropped', path)
	};
}
