/**
 * The request bub-extism sends to a wasm export, byte for byte. Source: bubbuild/bub-contrib@6b42022
 * packages/bub-extism: codec.py `build_request` (envelope `{abi_version, hook, args}`, args through
 * `mapping_to_json`), plugin.py (`state_to_json` on `state`), bridge.py (`json.dumps(request,
 * ensure_ascii=False)`, so Python's default separators `", "` and `": "`, insertion order, raw non-ASCII,
 * `NaN`/`Infinity` kept), and the Extism Python SDK, which encodes that text as strict UTF-8.
 *
 * Values are python.ts's lossless model (`PyValue`), so dict order, `1` versus `1.0`, `-0.0`, NaN and big
 * ints reach the bytes as Python would write them.
 */
import { utf8Encode } from '../../bytes/encoding';
import { fail, type PlaygroundError } from '../../errors';
import { bubHook } from './hooks';
import {
	isJsonObject,
	pyDict,
	pyDumps,
	pyEncodeError,
	pyEntries,
	PyFloat,
	pyKeys,
	pyLoads,
	type JsonObject
} from './python';

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
			if (Array.isArray(value) || isJsonObject(value) || value instanceof PyFloat) return null;
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

/** CPython's default recursion limit: the Python frames a thread may nest. */
const RECURSION_LIMIT = 1000;

/**
 * The frame `mapping_to_json(args)` runs in: bub-extism encodes the arguments in the worker thread of
 * `asyncio.to_thread`, 9 frames deep (5 of threading and concurrent.futures, then `call_hook_sync`,
 * `_call_export`, `build_request`, `mapping_to_json`). Bub first encodes `state` and `message` on its
 * event-loop thread, deeper still, so there a value may be cut a few levels sooner than shown here.
 */
const ARGS_FRAME = 9;

/** Thrown when `_encode_or_skip` itself cannot be entered: the container that called it is dropped. */
const TOO_DEEP = Symbol('too deep');

/**
 * `_encode_or_skip(value)` called from the frame `frame`, returning SKIP for a dropped value. CPython 3.12
 * counts frames: `_encode_or_skip` (frame + 1), `_encode_json_value` (frame + 2), and for a container its
 * `isinstance(value, Mapping)` check (`ABCMeta.__instancecheck__`, frame + 3); a dict's items are encoded
 * from `mapping_to_json` (frame + 3), a list's from `_encode_json_value`. A RecursionError is caught by
 * the nearest `_encode_or_skip`, so the value nested too deep is left out and its container kept.
 */
function encodeValue(value: unknown, ancestors: object[], frame: number): unknown {
	if (frame + 1 > RECURSION_LIMIT) throw TOO_DEEP;
	if (dropReason(value, ancestors) !== null || frame + 2 > RECURSION_LIMIT) return SKIP;
	if (typeof value !== 'object' || value === null || value instanceof PyFloat) return value;
	if (frame + 3 > RECURSION_LIMIT) return SKIP;
	ancestors.push(value);
	try {
		if (!Array.isArray(value)) return encodeMapping(value as JsonObject, ancestors, frame + 3);
		return value
			.map((item) => encodeValue(item, ancestors, frame + 2))
			.filter((item) => item !== SKIP);
	} catch (e) {
		if (e === TOO_DEEP) return SKIP;
		throw e;
	} finally {
		ancestors.pop();
	}
}

/** `mapping_to_json` running in frame `frame`: the dict with its unsendable values left out, in order. */
function encodeMapping(value: JsonObject, ancestors: object[], frame: number): JsonObject {
	const entries: Array<[string, unknown]> = [];
	for (const [key, item] of pyEntries(value)) {
		const encoded = encodeValue(item, ancestors, frame);
		if (encoded !== SKIP) entries.push([key, encoded]);
	}
	return pyDict(entries);
}

/**
 * bub-extism's `state_to_json`: top-level keys beginning `_runtime_` removed, values that cannot be
 * JSON-encoded dropped silently (at any depth; a list simply gets shorter), as are values nested too deep
 * for Python's recursion limit.
 */
export function sanitizeState(state: JsonObject): JsonObject {
	const visible = pyEntries(state).filter(([key]) => !key.startsWith(RUNTIME_PREFIX));
	// The state is an argument: its mapping_to_json runs one dict level below the arguments'.
	return encodeMapping(pyDict(visible), [state], ARGS_FRAME + 3);
}

/** `parent.key`, `parent["odd key"]`, `parent[2]`. */
function keyPath(parent: string, key: string): string {
	if (/^[A-Za-z_$][\w$]*$/.test(key)) return parent === '' ? key : `${parent}.${key}`;
	return `${parent}[${JSON.stringify(key)}]`;
}

const TOO_DEEP_REASON =
	"nested too deep: Python's recursion limit stops bub-extism's encoder, which drops it (RecursionError)";

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
			const sentItem = sentItems[next];
			// A container nested too deep is dropped while the scalars beside it are kept.
			const cut =
				(Array.isArray(item) && !Array.isArray(sentItem)) ||
				(isJsonObject(item) && !isJsonObject(sentItem));
			const reason = dropReason(item, ancestors) ?? (cut ? TOO_DEEP_REASON : null);
			if (reason !== null) out.push({ path: `${path}[${i}]`, reason });
			else collectRemovals(item, sentItems[next++], `${path}[${i}]`, ancestors, false, out);
		});
	} else if (isJsonObject(typed)) {
		const sentObject = isJsonObject(sent) ? sent : {};
		for (const [key, value] of pyEntries(typed)) {
			const at = keyPath(path, key);
			if (top && key.startsWith(RUNTIME_PREFIX)) {
				out.push({
					path: at,
					reason: `begins with ${RUNTIME_PREFIX}: Bub's runtime internals stay in Python`
				});
			} else if (!Object.hasOwn(sentObject, key)) {
				out.push({ path: at, reason: dropReason(value, ancestors) ?? TOO_DEEP_REASON });
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
	const rest = pyKeys(args).filter((key) => !known.includes(key));
	return pyDict([...known, ...rest].map((key) => [key, args[key]]));
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
	const sent = encodeMapping(ordered, [ordered], ARGS_FRAME);
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

/**
 * Reads an editor's text (hook arguments, turn message) as Python's `json.loads` does, into the lossless
 * model: what is typed is what Bub holds, `NaN`, `1.0`, big ints and key order included.
 */
export function parseBubJson(
	text: string,
	what: string
): { ok: true; value: unknown } | { ok: false; error: PlaygroundError } {
	const parsed = pyLoads(text);
	if (parsed.ok) return parsed;
	if (parsed.error === 'JSONDecodeError') {
		return fail(
			'call',
			`${what} is not valid JSON: ${parsed.message}.`,
			`Fix the JSON in ${what}; Bub reads it with Python's json, which also takes NaN, Infinity and -Infinity.`
		);
	}
	return fail(
		'call',
		`Python's json cannot read ${what}: ${parsed.error}: ${parsed.message}.`,
		parsed.error === 'RecursionError'
			? `Nest the values in ${what} less deeply.`
			: `Write the number in ${what} with fewer digits, or as a string.`
	);
}
