/**
 * Reads a Bifrost hook's answer the way the host does: the packed value, the bytes it points at, the JSON,
 * then the fields, matched to Go structs by `encoding/json` (keys case-insensitively, unknown keys ignored,
 * a value of the wrong type failing the whole answer, `[]byte` bodies as strict base64).
 *
 * Bifrost's WASM host is closed source. What a plugin's answer makes it do follows the public plugin
 * interface (core/schemas/plugin.go): a failing pre/post hook is logged as a warning and the request carries
 * on; a failing HTTP transport hook ends the request with an error response. The playground treats every
 * failure of a hook the same way, whether the plugin reported it, answered with something unreadable, or
 * trapped.
 */
import { fromBase64, isProbablyText, toHex, utf8Decode } from '../../bytes/encoding';
import type { PlaygroundError } from '../../errors';
import type { DecodeStep, Decoded, RawResult, ValidationIssue } from '../profile';
import { isJsonObject, type BifrostHook } from './hooks';
import { unreadableAnswer } from '../raw/memory';
import { describePacked, hex, hexDec, parsePacked } from '../raw/packing';

/** What Bifrost does next because of a hook's answer. */
export type HostAction = 'continue' | 'short-circuit' | 'stop' | 'skip-chunk';

/** A decoded answer, with what the host does next and the answer's fields. */
export interface BifrostDecoded extends Decoded {
	action: HostAction;
	/** The answer's fields under Bifrost's names (as Go matched them), when the bytes were a JSON object. */
	fields: Record<string, unknown> | null;
	/** Set when `status` is `error`. */
	error: PlaygroundError | null;
}

/** How a failing hook affects the request: `warn` logs it and carries on, `stop` ends the request. */
export function failurePolicy(hook: BifrostHook): 'warn' | 'stop' {
	const llm = ['r1.pre_hook', 'r1.post_hook', 'pre_hook', 'post_hook', 'cleanup'];
	return llm.includes(hook.name) ? 'warn' : 'stop';
}

/** What the host does after a failure of this hook, in one sentence. */
export function failureEffect(hook: BifrostHook): string {
	if (hook.name === 'init') return 'Bifrost does not load a plugin whose init fails.';
	if (hook.name === 'get_name') return 'Bifrost cannot load a plugin without a name.';
	if (hook.name === 'cleanup')
		return 'Bifrost logs it as a warning; the plugin is unloaded anyway.';
	if (failurePolicy(hook) === 'warn') {
		return 'Bifrost logs it as a warning and the request carries on, as if the hook had changed nothing.';
	}
	if (hook.name === 'http_stream_chunk_hook') return 'Bifrost ends the stream with an error.';
	return 'Bifrost ends the request with an error response and calls no further hook.';
}

type FieldType =
	'string' | 'bool' | 'object' | 'http-request' | 'http-response' | 'short-circuit' | 'any';

interface FieldSpec {
	name: string;
	type: FieldType;
	/** Omitted by Go's `omitempty` or by the docs' own pass-through examples: no issue when absent. */
	optional?: true;
}

const CONTEXT: FieldSpec = { name: 'context', type: 'object' };
const HTTP_PRE: readonly FieldSpec[] = [
	CONTEXT,
	{ name: 'request', type: 'http-request', optional: true },
	{ name: 'response', type: 'http-response', optional: true },
	{ name: 'has_response', type: 'bool' },
	{ name: 'error', type: 'string' }
];

/** The fields each hook's answer has, as Bifrost's Go structs declare them. */
const SHAPES: Record<string, readonly FieldSpec[]> = {
	'r1.http_transport_intercept': [
		{ name: 'response', type: 'http-response' },
		{ name: 'error', type: 'string' }
	],
	'r1.pre_hook': [
		{ name: 'request', type: 'object' },
		{ name: 'short_circuit', type: 'short-circuit' },
		{ name: 'error', type: 'string' }
	],
	'r1.post_hook': [
		{ name: 'response', type: 'object' },
		{ name: 'bifrost_error', type: 'object' },
		{ name: 'error', type: 'string' }
	],
	http_intercept: HTTP_PRE,
	http_pre_hook: HTTP_PRE,
	pre_hook: [
		CONTEXT,
		{ name: 'request', type: 'object', optional: true },
		{ name: 'short_circuit', type: 'short-circuit', optional: true },
		{ name: 'has_short_circuit', type: 'bool' },
		{ name: 'error', type: 'string' }
	],
	post_hook: [
		CONTEXT,
		{ name: 'response', type: 'object', optional: true },
		{ name: 'error', type: 'object', optional: true },
		{ name: 'has_error', type: 'bool' },
		{ name: 'hook_error', type: 'string' }
	],
	http_post_hook: [CONTEXT, { name: 'error', type: 'string' }],
	http_stream_chunk_hook: [
		CONTEXT,
		{ name: 'chunk', type: 'any', optional: true },
		{ name: 'has_chunk', type: 'bool' },
		{ name: 'skip', type: 'bool' },
		{ name: 'error', type: 'string' }
	]
};

/** The field holding the plugin's own error message: `hook_error` in post_hook, `error` elsewhere. */
export function errorField(hook: BifrostHook): string {
	return hook.name === 'post_hook' ? 'hook_error' : 'error';
}

const QUOTE_BYTES = 48;

/** The first bytes of `bytes` as a quoted, escaped string, with `…` when cut. */
export function quoteStart(bytes: Uint8Array, max = QUOTE_BYTES): string {
	const head = utf8Decode(bytes.subarray(0, max));
	return `${JSON.stringify(head)}${bytes.length > max ? '…' : ''}`;
}

function jsonType(v: unknown): string {
	if (v === null) return 'null';
	if (Array.isArray(v)) return 'array';
	return typeof v;
}

/** Go's type name for a field type, as its unmarshal errors write it. */
const GO_TYPES: Record<FieldType, string> = {
	string: 'string',
	bool: 'bool',
	object: 'map or struct',
	'http-request': 'schemas.HTTPRequest',
	'http-response': 'schemas.HTTPResponse',
	'short-circuit': 'schemas.LLMPluginShortCircuit',
	any: 'json.RawMessage'
};

/** Strict standard base64 with padding: what Go's encoding/json accepts for a `[]byte` field. */
const GO_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Finds each declared field's value the way Go's encoding/json does: an exact key, else a key equal ignoring
 * case; when several keys match, the last one wins. Keys matching no field are returned as `ignored`.
 */
export function matchFields(
	object: Record<string, unknown>,
	names: readonly string[]
): { fields: Record<string, unknown>; ignored: string[]; renamed: [string, string][] } {
	const fields: Record<string, unknown> = {};
	const ignored: string[] = [];
	const renamed: [string, string][] = [];
	for (const [key, value] of Object.entries(object)) {
		const name = names.includes(key)
			? key
			: names.find((n) => n.toLowerCase() === key.toLowerCase());
		if (name === undefined) ignored.push(key);
		else {
			fields[name] = value;
			if (name !== key) renamed.push([key, name]);
		}
	}
	return { fields, ignored, renamed };
}

/** A validation issue, and whether Go's json.Unmarshal fails on it (fatal) or quietly papers over it. */
interface Problem extends ValidationIssue {
	fatal: boolean;
}

/** Problems in one field's value. */
function checkField(path: string, type: FieldType, value: unknown): Problem[] {
	if (value === null || value === undefined || type === 'any') return [];
	const wrong = (): Problem[] => [
		{
			path,
			message: `is ${jsonType(value)}, but Bifrost decodes it into a Go ${GO_TYPES[type]}: json.Unmarshal fails and the whole answer is rejected.`,
			fatal: true
		}
	];
	switch (type) {
		case 'string':
			return typeof value === 'string' ? [] : wrong();
		case 'bool':
			return typeof value === 'boolean' ? [] : wrong();
		case 'object':
			return isJsonObject(value) ? [] : wrong();
		case 'http-request':
		case 'http-response':
			return isJsonObject(value) ? checkHttp(path, type, value) : wrong();
		case 'short-circuit':
			return isJsonObject(value) ? checkShortCircuit(path, value) : wrong();
	}
}

function checkHttp(
	path: string,
	type: 'http-request' | 'http-response',
	value: Record<string, unknown>
): Problem[] {
	const issues: Problem[] = [];
	const names =
		type === 'http-response'
			? ['status_code', 'headers', 'body']
			: ['method', 'path', 'headers', 'query', 'body', 'path_params'];
	const { fields } = matchFields(value, names);
	const status = fields.status_code;
	if (status !== undefined && status !== null && !Number.isInteger(status)) {
		issues.push({
			path: `${path}.status_code`,
			message: `is ${jsonType(status)}, but Bifrost decodes it into a Go int: the answer is rejected.`,
			fatal: true
		});
	}
	for (const map of ['headers', 'query', 'path_params']) {
		const m = fields[map];
		if (m === undefined || m === null) continue;
		if (!isJsonObject(m) || !Object.values(m).every((v) => typeof v === 'string')) {
			issues.push({
				path: `${path}.${map}`,
				message:
					'must be an object of strings (Go map[string]string): the answer is rejected. Several values for one header go in one comma-separated string.',
				fatal: true
			});
		}
	}
	const body = fields.body;
	if (body !== undefined && body !== null) {
		if (typeof body !== 'string') {
			issues.push({
				path: `${path}.body`,
				message: `is ${jsonType(body)}, but it is a Go []byte, which JSON carries as a base64 string: the answer is rejected.`,
				fatal: true
			});
		} else if (!GO_BASE64.test(body.replace(/[\r\n]/g, ''))) {
			issues.push({
				path: `${path}.body`,
				message:
					'is not standard base64 with padding, which Go requires for a []byte: the answer is rejected. Encode the body, do not send it as text.',
				fatal: true
			});
		}
	}
	if (type === 'http-response' && (status === undefined || status === null)) {
		issues.push({
			path: `${path}.status_code`,
			message: 'is missing: Go reads 0, which is not a valid HTTP status.',
			fatal: false
		});
	}
	return issues;
}

function checkShortCircuit(path: string, value: Record<string, unknown>): Problem[] {
	// LLMPluginShortCircuit has no json tags: Go matches its field names Response and Error ignoring case.
	const { fields } = matchFields(value, ['Response', 'Error']);
	const issues: Problem[] = [];
	for (const name of ['Response', 'Error'] as const) {
		const v = fields[name];
		if (v !== undefined && v !== null && !isJsonObject(v)) {
			issues.push({
				path: `${path}.${name.toLowerCase()}`,
				message: `is ${jsonType(v)}, but Bifrost decodes it into a Go struct: the answer is rejected.`,
				fatal: true
			});
		}
	}
	if (!isJsonObject(fields.Response) && !isJsonObject(fields.Error)) {
		issues.push({
			path,
			message:
				'has neither `response` nor `error`: the provider is skipped with nothing to return. Put the answer under `response` or `error`.',
			fatal: false
		});
	}
	return issues;
}

function nonEmpty(v: unknown): v is string {
	return typeof v === 'string' && v.length > 0;
}

/** Builds the decoded form of an answer the host cannot use or that reports a failure. */
function failed(
	hook: BifrostHook,
	steps: DecodeStep[],
	issues: ValidationIssue[],
	fields: Record<string, unknown> | null,
	message: string,
	hint: string
): BifrostDecoded {
	const effect = failureEffect(hook);
	steps.push({ rule: `failure → ${failurePolicy(hook)}`, detail: effect });
	return {
		status: 'error',
		value: message,
		steps,
		issues,
		action: failurePolicy(hook) === 'warn' ? 'continue' : 'stop',
		fields,
		error: { kind: 'plugin', message, hint: `${hint} ${effect}`.trim() }
	};
}

/** Decodes an i32 status code (init, cleanup). */
function decodeCode(hook: BifrostHook, result: RawResult, exportName: string): BifrostDecoded {
	const steps: DecodeStep[] = [];
	const code = result.code;
	if (code === undefined) {
		return failed(
			hook,
			steps,
			[],
			null,
			`Export "${exportName}" returned no i32 status code.`,
			`Declare ${exportName} as returning i32 (0 = success).`
		);
	}
	if (code === 0) {
		steps.push({ rule: 'i32 0 → success', detail: `${exportName} returned 0.` });
		return {
			status: 'value',
			value: 0,
			steps,
			issues: [],
			action: 'continue',
			fields: null,
			error: null
		};
	}
	steps.push({ rule: 'non-zero i32 → failure', detail: `${exportName} returned ${code}.` });
	return failed(
		hook,
		steps,
		[],
		null,
		`Export "${exportName}" returned ${code} (${hexDec(code >>> 0)}); 0 means success.`,
		hook.name === 'init' ? 'Check the configuration the plugin was given.' : ''
	);
}

/** Reads one hook's answer the way Bifrost does. */
export function decodeHook(hook: BifrostHook, result: RawResult): BifrostDecoded {
	const exportName = result.export ?? hook.defaultExport;
	if (hook.returns === 'code') return decodeCode(hook, result, exportName);

	const steps: DecodeStep[] = [];
	if (result.code !== undefined) {
		return failed(
			hook,
			steps,
			[],
			null,
			`Export "${exportName}" returned an i32 (${result.code}), not a packed u64.`,
			`Declare ${exportName} as returning u64 (i64 in WebAssembly): (ptr << 32) | len.`
		);
	}
	const packed = parsePacked(result.packed);
	steps.push({
		rule: 'packed u64 → (ptr << 32) | len',
		detail: packed === null ? result.packed : describePacked(packed)
	});
	if (packed === 0n) {
		steps.push({
			rule: '0 → nothing',
			detail: `Export "${exportName}" returned 0 (${hex(0, 16)}): no answer, or its allocator failed. Bifrost has nothing to decode, so the hook changes nothing and the request carries on.`
		});
		return {
			status: 'skip',
			value: null,
			steps,
			issues: [],
			action: 'continue',
			fields: null,
			error: null
		};
	}
	const unreadable = unreadableAnswer(exportName, result);
	if (unreadable) return failed(hook, steps, [], null, unreadable.message, unreadable.hint);
	const bytes = result.bytes as Uint8Array;
	steps.push({
		rule: 'read len bytes at ptr',
		detail: `${bytes.length} bytes at ${hexDec(result.ptr)}`
	});

	if (hook.name === 'get_name') {
		const name = utf8Decode(bytes);
		steps.push({ rule: 'bytes → UTF-8 name', detail: JSON.stringify(name) });
		if (name.length === 0) {
			return failed(
				hook,
				steps,
				[],
				null,
				`Export "${exportName}" returned an empty name.`,
				'Return the plugin’s name as UTF-8 text.'
			);
		}
		return {
			status: 'value',
			value: name,
			steps,
			issues: [],
			action: 'continue',
			fields: null,
			error: null
		};
	}

	let parsed: unknown;
	try {
		parsed = JSON.parse(utf8Decode(bytes));
	} catch (err) {
		const reason = err instanceof Error ? err.message : String(err);
		return failed(
			hook,
			steps,
			[],
			null,
			`Export "${exportName}" returned ${bytes.length} bytes at ${hexDec(result.ptr)} that are not JSON; they start with ${quoteStart(bytes)} (${reason}).`,
			'Answer with one JSON object, serialised completely, and pack the length of exactly those bytes.'
		);
	}
	steps.push({ rule: 'bytes → JSON', detail: `a JSON ${jsonType(parsed)}` });
	return interpret(hook, exportName, parsed, steps);
}

/** Matches the JSON to the hook's Go struct, then applies the hook's semantics. */
function interpret(
	hook: BifrostHook,
	exportName: string,
	parsed: unknown,
	steps: DecodeStep[]
): BifrostDecoded {
	const shape = SHAPES[hook.name] ?? [];
	if (!isJsonObject(parsed)) {
		if (parsed === null) {
			steps.push({
				rule: 'JSON null → zero struct',
				detail: 'Go leaves every field at its zero value: the hook changes nothing.'
			});
			return {
				status: 'skip',
				value: null,
				steps,
				issues: [],
				action: 'continue',
				fields: {},
				error: null
			};
		}
		return failed(
			hook,
			steps,
			[{ path: '', message: `is a JSON ${jsonType(parsed)}, not an object.` }],
			null,
			`Export "${exportName}" returned a JSON ${jsonType(parsed)}; Bifrost expects an object ${hook.expects}.`,
			'Answer with a JSON object with the fields listed for this hook.'
		);
	}
	const { fields, ignored, renamed } = matchFields(
		parsed,
		shape.map((f) => f.name)
	);
	const problems: Problem[] = [];
	for (const [key, name] of renamed) {
		steps.push({
			rule: 'keys match ignoring case',
			detail: `"${key}" is read as "${name}", as Go's encoding/json does.`
		});
	}
	for (const key of ignored) {
		problems.push({
			path: key,
			message: 'is not a field of this answer: Bifrost ignores it.',
			fatal: false
		});
	}
	for (const spec of shape) {
		if (!(spec.name in fields)) {
			if (!spec.optional) {
				problems.push({
					path: spec.name,
					message: 'is missing: Go leaves its zero value ("", false or null).',
					fatal: false
				});
			}
			continue;
		}
		problems.push(...checkField(spec.name, spec.type, fields[spec.name]));
	}
	const issues: ValidationIssue[] = problems.map(({ path, message }) => ({ path, message }));
	const first = problems.find((p) => p.fatal);
	if (first) {
		return failed(
			hook,
			steps,
			issues,
			fields,
			`Export "${exportName}" returned JSON Bifrost cannot decode: \`${first.path}\` ${first.message}`,
			'Fix the field types to match the hook’s answer.'
		);
	}
	steps.push({
		rule: 'JSON → answer fields',
		detail: shape
			.filter((s) => s.name in fields)
			.map((s) => s.name)
			.join(', ')
	});

	const errorName = errorField(hook);
	const reported = fields[errorName];
	if (nonEmpty(reported)) {
		steps.push({
			rule: `non-empty ${errorName} → the hook failed`,
			detail: JSON.stringify(reported)
		});
		const decoded = failed(
			hook,
			steps,
			issues,
			fields,
			`Export "${exportName}" reported an error: ${JSON.stringify(reported)}.`,
			'The plugin said so itself.'
		);
		// A stream chunk that still comes with the error goes out; the error is only logged.
		if (hook.name === 'http_stream_chunk_hook' && isJsonObject(fields.chunk))
			decoded.action = 'continue';
		return decoded;
	}
	const { action, detail, rule } = semantics(hook, fields, issues);
	steps.push({ rule, detail });
	return { status: 'value', value: fields, steps, issues, action, fields, error: null };
}

/** What a well-formed answer makes the host do. */
function semantics(
	hook: BifrostHook,
	fields: Record<string, unknown>,
	issues: ValidationIssue[]
): { action: HostAction; rule: string; detail: string } {
	switch (hook.name) {
		case 'r1.http_transport_intercept':
			return isJsonObject(fields.response)
				? {
						action: 'short-circuit',
						rule: 'non-null response → short-circuit',
						detail: `Bifrost answers the client with status ${String(fields.response.status_code)} and calls no provider and no further hook.`
					}
				: { action: 'continue', rule: 'response null → continue', detail: 'The request goes on.' };
		case 'http_intercept':
		case 'http_pre_hook':
			return flagged(fields, issues, {
				flag: 'has_response',
				value: 'response',
				rule: 'has_response → short-circuit',
				stop: 'Bifrost answers the client with this response and skips later plugins and the provider.',
				pass: fields.request
					? 'The request goes on, as the plugin rewrote it.'
					: 'The request goes on unchanged.'
			});
		case 'r1.pre_hook':
			return isJsonObject(fields.short_circuit)
				? {
						action: 'short-circuit',
						rule: 'non-null short_circuit → skip the provider',
						detail:
							'The provider is not called; post_hook runs with the short-circuit’s response or error.'
					}
				: {
						action: 'continue',
						rule: 'short_circuit null → continue',
						detail: isJsonObject(fields.request)
							? 'The provider gets the request the plugin returned.'
							: 'request is null: the provider gets the request unchanged.'
					};
		case 'pre_hook':
			return flagged(fields, issues, {
				flag: 'has_short_circuit',
				value: 'short_circuit',
				rule: 'has_short_circuit → skip the provider',
				stop: 'The provider is not called; post hooks run with the short-circuit’s response or error.',
				pass: isJsonObject(fields.request)
					? 'The provider gets the request the plugin returned.'
					: 'request is null: the provider gets the request unchanged.'
			});
		case 'http_stream_chunk_hook':
			return fields.skip === true || !isJsonObject(fields.chunk)
				? {
						action: 'skip-chunk',
						rule: fields.skip === true ? 'skip → drop the chunk' : 'no chunk → drop the chunk',
						detail: 'This chunk is not sent to the client.'
					}
				: { action: 'continue', rule: 'chunk → send it', detail: 'The chunk goes to the client.' };
		default:
			return { action: 'continue', rule: 'answer → continue', detail: 'The request goes on.' };
	}
}

/** Revision 2/3 short-circuits need both the flag and the value; a mismatch is reported and ignored. */
function flagged(
	fields: Record<string, unknown>,
	issues: ValidationIssue[],
	o: { flag: string; value: string; rule: string; stop: string; pass: string }
): { action: HostAction; rule: string; detail: string } {
	const on = fields[o.flag] === true;
	const present = isJsonObject(fields[o.value]);
	if (on && present) return { action: 'short-circuit', rule: o.rule, detail: o.stop };
	if (on) {
		issues.push({
			path: o.value,
			message: `is null although ${o.flag} is true: there is nothing to answer with, so the request carries on.`
		});
	} else if (present) {
		issues.push({
			path: o.flag,
			message: `is false, so the ${o.value} is ignored: set ${o.flag} to true to short-circuit.`
		});
	}
	return { action: 'continue', rule: `${o.flag} false → continue`, detail: o.pass };
}

/** How a base64 `body` is shown after decoding: its bytes as JSON, text or hex. */
export interface DecodedBody {
	/** Marks the value as decoded for display; the plugin sent base64. */
	$decodedFrom: 'base64';
	as: 'json' | 'text' | 'hex';
	/** Byte length of the decoded body. */
	bytes: number;
	value: unknown;
}

/**
 * A copy of `value` for display in which every string `body` field that is valid base64 is replaced by a
 * `DecodedBody`: parsed JSON, else UTF-8 text, else hex. The original is left untouched.
 */
export function withDecodedBodies(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(withDecodedBodies);
	if (!isJsonObject(value)) return value;
	const out: Record<string, unknown> = {};
	for (const [key, v] of Object.entries(value)) {
		out[key] =
			key.toLowerCase() === 'body' && typeof v === 'string' ? decodeBody(v) : withDecodedBodies(v);
	}
	return out;
}

function decodeBody(text: string): DecodedBody | string {
	if (!GO_BASE64.test(text.replace(/[\r\n]/g, ''))) return text;
	const decoded = fromBase64(text);
	if (!decoded.ok) return text;
	const bytes = decoded.bytes;
	const base = { $decodedFrom: 'base64' as const, bytes: bytes.length };
	if (!isProbablyText(bytes)) return { ...base, as: 'hex', value: toHex(bytes) };
	const textValue = utf8Decode(bytes);
	try {
		return { ...base, as: 'json', value: JSON.parse(textValue) };
	} catch {
		return { ...base, as: 'text', value: textValue };
	}
}
