/**
 * The trace export file: JSON of the form
 * `{ "format": "plugin-playground.trace", "version": 1, "exportedAt": "…", "traces": [CallTrace…] }`,
 * where every payload is `{ "size": <bytes>, "head": "<base64 of the kept bytes>" }`. The decoder checks
 * every field with the share format's trace reader (one reader for links, workspace files and these),
 * rebuilds the traces from what it checked, and reports the first problem with its path instead of throwing.
 */
import { fromBase64, toBase64 } from '../bytes/encoding';
import { fail, type Result } from '../errors';
import { safeFileName } from '../output/present';
import { Invalid, readTrace, type BytesReader, type ReadOptions } from '../share/schema';
import type { CallTrace } from './types';

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
		if (!Number.isSafeInteger(json.version)) {
			throw new Invalid('version', 'a whole number', json.version);
		}
		if (json.version !== TRACE_FILE_VERSION) {
			throw new Invalid('version', `${TRACE_FILE_VERSION}`, json.version);
		}
		if (!Array.isArray(json.traces)) throw new Invalid('traces', 'a list', json.traces);
		const traces = json.traces.map((t, i) => readTrace(t, `traces[${i}]`, FILE_OPTIONS));
		if (traces.length === 0) {
			return fail('load', 'The trace export holds no traces.', 'Export a trace that has run.');
		}
		return { ok: true, traces };
	} catch (err) {
		if (err instanceof Invalid) {
			return fail('load', `The trace export is damaged: ${err.message}.`, HINT);
		}
		const reason = err instanceof Error ? err.message : String(err);
		return fail('load', `The trace export could not be read: ${reason}.`, HINT);
	}
}

/** Trace files keep bytes as base64 text, and fields a newer version added are dropped, not refused. */
const base64Bytes: BytesReader = (value, path) => {
	const decoded = typeof value === 'string' ? fromBase64(value) : null;
	if (!decoded?.ok) throw new Invalid(path, 'base64', value);
	return decoded.bytes;
};
const FILE_OPTIONS: ReadOptions = { bytes: base64Bytes, unknownFields: 'drop' };

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
	if (v === undefined) return 'missing';
	if (Array.isArray(v)) return `a list of ${v.length}`;
	if (isObject(v)) return 'an object';
	const text = JSON.stringify(v);
	return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
