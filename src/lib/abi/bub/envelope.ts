/**
 * The request bub-extism sends to a wasm export, byte for byte. Source: bubbuild/bub-contrib@6b42022
 * packages/bub-extism: codec.py `build_request` (envelope `{abi_version, hook, args}`, args through
 * `mapping_to_json`), plugin.py (`state_to_json` on `state`), bridge.py (`json.dumps(request,
 * ensure_ascii=False)`, so Python's default separators `", "` and `": "`, insertion order, raw non-ASCII,
 * `NaN`/`Infinity` kept), and the Extism Python SDK, which encodes that text as strict UTF-8.
 *
 * Where JavaScript cannot match Python exactly: integer-like object keys ("2") come first in a JS object
 * whatever order they were typed in, and a whole number is always written as an int (`1`, never `1.0`).
 */
import { utf8Encode } from '../../bytes/encoding';
import { fail, type PlaygroundError } from '../../errors';
import { bubHook } from './hooks';
import { isJsonObject, pyDumps, pyEncodeError, type JsonObject } from './python';

/** The `abi_version` of every request. */
export const BUB_ABI_VERSION = 'bub.extism.v1';
/** State keys with this prefix are Bub's runtime internals and never reach a plugin. */
export const RUNTIME_PREFIX = '_runtime_';

/** Hooks whose `state` goes through `state_to_json` (plugin.py `_state_args`). */
const STATE_HOOKS = new Set([
	'build_prompt',
	'run_model',
	'run_model_stream',
	'save_state',
	'render_outbound',
	'system_prompt'
]);

/** One key or item Bub leaves out of the state it sends, and why. */
export interface StateRemoval {
	/** Where it was in the typed state: `_runtime_agent`, `tools[2]`, `prefs.callback`. */
	path: string;
	reason: string;
}

/** A request ready to send. */
export interface BubEnvelope {
	/** The UTF-8 bytes Bub passes to the export. */
	bytes: Uint8Array;
	/** The same request as text. */
	text: string;
	/** The arguments as sent: Bub's order, runtime keys and non-JSON values removed. */
	args: JsonObject;
}

/** Marks a value `_encode_or_skip` drops. */
const SKIP = Symbol('skip');

function article(name: string): string {
	return /^[aeiou]/i.test(name) ? `an ${name}` : `a ${name}`;
}

/**
 * Why bub-extism's `_encode_or_skip` would drop a value, or null when it is sent. JavaScript's values
 * map onto Python's: strings, numbers (NaN and Infinity included: Python writes them), booleans, null,
 * bigints (Python ints), arrays and plain objects are sent; anything else has no JSON form and is dropped
 * without a word, as is a value that contains itself (Python would give up with a RecursionError).
 */
function dropReason(value: unknown, ancestors: readonly object[]): string | null {
	switch (typeof value) {
		case 'undefined':
			return 'undefined has no JSON form: Bub drops it';
		case 'function':
			return 'a function has no JSON form: Bub drops it';
		case 'symbol':
			return 'a symbol has no JSON form: Bub drops it';
		case 'object': {
			if (value === null) return null;
			if (ancestors.includes(value)) return 'it contains itself: Bub drops it';
			if (Array.isArray(value) || isJsonObject(value)) return null;
			const proto: unknown = Object.getPrototypeOf(value);
			const name =
				typeof proto === 'object' && proto !== null && typeof proto.constructor === 'function'
					? proto.constructor.name
					: 'object';
			return `${article(name || 'object')} has no JSON form: Bub drops it`;
		}
		default:
			return null;
	}
}

/** `_encode_json_value` / `mapping_to_json`: the value with everything unsendable left out. */
function encodeValue(value: unknown, ancestors: object[]): unknown {
	if (dropReason(value, ancestors) !== null) return SKIP;
	if (typeof value !== 'object' || value === null) return value;
	ancestors.push(value);
	try {
		if (Array.isArray(value)) {
			return value.map((item) => encodeValue(item, ancestors)).filter((item) => item !== SKIP);
		}
		const entries: Array<[string, unknown]> = [];
		for (const [key, item] of Object.entries(value)) {
			const encoded = encodeValue(item, ancestors);
			if (encoded !== SKIP) entries.push([key, encoded]);
		}
		return Object.fromEntries(entries);
	} finally {
		ancestors.pop();
	}
}

/**
 * bub-extism's `state_to_json`: top-level keys beginning `_runtime_` removed, values that cannot be
 * JSON-encoded dropped silently (at any depth; a list simply gets shorter).
 */
export function sanitizeState(state: JsonObject): JsonObject {
	const visible = Object.entries(state).filter(([key]) => !key.startsWith(RUNTIME_PREFIX));
	return encodeValue(Object.fromEntries(visible), []) as JsonObject;
}

/** `parent.key`, `parent["odd key"]`, `parent[2]`. */
function keyPath(parent: string, key: string): string {
	if (/^[A-Za-z_$][\w$]*$/.test(key)) return parent === '' ? key : `${parent}.${key}`;
	return `${parent}[${JSON.stringify(key)}]`;
}

function collectRemovals(
	typed: unknown,
	sent: unknown,
	path: string,
	ancestors: object[],
	top: boolean,
	out: StateRemoval[]
): void {
	if (typeof typed !== 'object' || typed === null) return;
	ancestors.push(typed);
	if (Array.isArray(typed)) {
		const sentItems = Array.isArray(sent) ? sent : [];
		let next = 0;
		typed.forEach((item: unknown, i) => {
			const reason = dropReason(item, ancestors);
			if (reason !== null) out.push({ path: `${path}[${i}]`, reason });
			else collectRemovals(item, sentItems[next++], `${path}[${i}]`, ancestors, false, out);
		});
	} else if (isJsonObject(typed)) {
		const sentObject = isJsonObject(sent) ? sent : {};
		for (const [key, value] of Object.entries(typed)) {
			const at = keyPath(path, key);
			if (top && key.startsWith(RUNTIME_PREFIX)) {
				out.push({
					path: at,
					reason: `begins with ${RUNTIME_PREFIX}: Bub's runtime internals stay in Python`
				});
			} else if (!Object.hasOwn(sentObject, key)) {
				out.push({ path: at, reason: dropReason(value, ancestors) ?? 'not sent' });
			} else {
				collectRemovals(value, sentObject[key], at, ancestors, false, out);
			}
		}
	}
	ancestors.pop();
}

/** What Bub left out of a typed state when it sent `sent` (from `sanitizeState`), with the reason for each. */
export function diffState(typed: unknown, sent: unknown): StateRemoval[] {
	const out: StateRemoval[] = [];
	collectRemovals(typed, sent, '', [], true, out);
	return out;
}

/** The args in the order bub-extism builds them for this hook; keys it would not send come last. */
function orderArgs(hook: string, args: JsonObject): JsonObject {
	const known = Object.keys(bubHook(hook)?.args ?? {}).filter((key) => Object.hasOwn(args, key));
	const rest = Object.keys(args).filter((key) => !known.includes(key));
	return Object.fromEntries([...known, ...rest].map((key) => [key, args[key]]));
}

function kindOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * The exact bytes Bub sends for `hook` with `args`: `{"abi_version": "bub.extism.v1", "hook": ..., "args":
 * {...}}` as `json.dumps(..., ensure_ascii=False)` writes it, with the state sanitised.
 */
export function encodeEnvelope(
	hook: string,
	args: unknown
): ({ ok: true } & BubEnvelope) | { ok: false; error: PlaygroundError } {
	if (!isJsonObject(args)) {
		return fail(
			'call',
			`The arguments of ${hook} must be an object of named arguments; they are ${kindOf(args)}.`,
			'Bub passes keyword arguments: write them as {"name": value, ...} ({} for none).'
		);
	}
	const ordered = orderArgs(hook, args);
	if (STATE_HOOKS.has(hook) && Object.hasOwn(ordered, 'state')) {
		if (!isJsonObject(ordered.state)) {
			return fail(
				'call',
				`The state of ${hook} must be an object; it is ${kindOf(ordered.state)}, and bub-extism would fail reading it (state.items()).`,
				'Bub\'s turn state is a dict: write it as {"key": value, ...}, or {} for none.'
			);
		}
		ordered.state = sanitizeState(ordered.state);
	}
	const sent = encodeValue(ordered, []) as JsonObject;
	const text = pyDumps({ abi_version: BUB_ABI_VERSION, hook, args: sent });
	const encodeError = pyEncodeError(text);
	if (encodeError !== null) {
		return fail(
			'call',
			`Bub could not send this request: UnicodeEncodeError: ${encodeError}.`,
			'The arguments contain an unpaired surrogate (a lone \\ud800-\\udfff escape), which Python cannot encode as UTF-8: remove it or complete the pair.'
		);
	}
	return { ok: true, bytes: utf8Encode(text), text, args: sent };
}
