/**
 * The hooks Bifrost's host calls on a WASM plugin, per ABI revision, with realistic arguments taken from
 * `bifrost-wasm.fixtures.json` (HTTP bodies are real base64 here, where the fixtures write `<base64>`).
 *
 * Names: hooks whose single JSON-object form revisions 2 and 3 share keep their export name (`pre_hook`,
 * `http_pre_hook`...); revision 1's hooks, which take each JSON value as its own (ptr, len) pair, carry an
 * `r1.` prefix (`r1.pre_hook`), so one name always means one calling convention.
 */
import { toBase64, utf8Encode } from '../../bytes/encoding';
import { fail, type PlaygroundError } from '../../errors';
import type { HookSpec } from '../profile';
import type { Revision } from './revisions';

/** A Bifrost hook: a `HookSpec` plus how its arguments reach memory and what it returns. */
export interface BifrostHook extends HookSpec {
	/** Revisions whose modules export this hook with this calling convention. */
	revisions: readonly Revision[];
	/**
	 * How `args` become inputs: each named argument's JSON as its own (ptr, len) pair, in this order; or
	 * null, when the whole `args` object is one JSON document passed as a single (ptr, len).
	 */
	params: readonly string[] | null;
	/** A packed u64 pointing at JSON (or, for get_name, text), or an i32 status code where 0 is success. */
	returns: 'packed' | 'code';
	/** Whether the host calls it only when the module exports it. */
	optional: boolean;
}

const ALL: readonly Revision[] = [1, 2, 3];
const SINGLE: readonly Revision[] = [2, 3];

function base64Json(value: unknown): string {
	return toBase64(utf8Encode(JSON.stringify(value)));
}

const CHAT_BODY = {
	model: 'gpt-4',
	messages: [{ role: 'user', content: 'Hello' }]
};

const CHAT_RESPONSE = {
	id: 'chatcmpl-123',
	model: 'gpt-4',
	choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!' } }],
	usage: { prompt_tokens: 5, completion_tokens: 10, total_tokens: 15 }
};

/** Sample values in the shapes Bifrost sends them; the hooks' prefilled arguments are built from these. */
export const SAMPLES = {
	/** The serialised Bifrost context: what the fixtures send as `ctx` / `context`. */
	context: { request_id: 'abc-123' },
	/** Plugin configuration from Bifrost's config.json (`plugins[].config`). */
	config: { api_key_header: 'authorization' },
	/** An HTTP request as the transport layer serialises it (`schemas.HTTPRequest`); the body is base64. */
	httpRequest: {
		method: 'POST',
		path: '/v1/chat/completions',
		headers: { 'content-type': 'application/json', authorization: 'Bearer sk-playground-demo' },
		query: {},
		body: base64Json(CHAT_BODY),
		path_params: {}
	},
	/** A Bifrost request, as `pre_hook` receives it. */
	request: {
		provider: 'openai',
		model: 'gpt-4',
		input: [{ role: 'user', content: 'Hello' }],
		params: { temperature: 0.7 }
	},
	/** A Bifrost response, as `post_hook` receives it. */
	response: { chat_response: CHAT_RESPONSE },
	/** An HTTP response as the transport layer serialises it (`schemas.HTTPResponse`). */
	httpResponse: {
		status_code: 200,
		headers: { 'content-type': 'application/json' },
		body: base64Json(CHAT_RESPONSE)
	},
	/** One streamed chat completion chunk (`BifrostStreamChunk`), without SSE framing. */
	chunk: {
		id: 'chatcmpl-xxx',
		object: 'chat.completion.chunk',
		choices: [{ index: 0, delta: { content: 'Hello' }, finish_reason: null }]
	}
} as const;

const ORDER_PRE =
	'Runs in plugin registration order; the first short-circuit ends the chain for later plugins.';
const ORDER_POST = 'Runs in reverse registration order, after the provider (or a short-circuit).';

/** Every hook of every revision, lifecycle first, then in the order a request meets them. */
export const BIFROST_HOOKS: readonly BifrostHook[] = [
	{
		name: 'get_name',
		summary: 'The plugin’s name, as Bifrost lists it.',
		doc: 'Called once when the plugin loads. Returns a packed (ptr << 32) | len pointing at the name as UTF-8 text (not JSON). The host reads the bytes, then frees them.',
		args: {},
		expects: 'packed pointer to UTF-8 text, e.g. "hello-world"',
		combine: 'once per plugin',
		defaultExport: 'get_name',
		revisions: ALL,
		params: [],
		returns: 'packed',
		optional: false
	},
	{
		name: 'init',
		summary: 'Configuration from config.json, once, before any request.',
		doc: 'The host writes the plugin’s `config` object as JSON with the allocator and calls init(ptr, len). 0 means ready; any other value makes Bifrost refuse to load the plugin. Optional: a plugin without init gets no configuration.',
		args: { config: SAMPLES.config },
		expects: 'i32: 0 = success',
		combine: 'once per plugin',
		defaultExport: 'init',
		revisions: ALL,
		params: ['config'],
		returns: 'code',
		optional: true
	},
	{
		name: 'r1.http_transport_intercept',
		summary: 'Sees the raw HTTP request before Bifrost parses it; may answer it directly.',
		doc: 'Revision 1. Called as http_transport_intercept(ctx_ptr, ctx_len, req_ptr, req_len) with the context and the HTTP request (headers as sent, body in base64). A non-null `response` short-circuits: Bifrost sends it to the client and calls no provider and no further hook. A non-empty `error` also ends the request, with an error response.',
		args: { ctx: SAMPLES.context, req: SAMPLES.httpRequest },
		expects:
			'{"response": {status_code, headers, body (base64)} | null, "error": ""} — a response short-circuits',
		combine: ORDER_PRE,
		defaultExport: 'http_transport_intercept',
		revisions: [1],
		params: ['ctx', 'req'],
		returns: 'packed',
		optional: true
	},
	{
		name: 'r1.pre_hook',
		summary: 'Reads or rewrites the Bifrost request before the provider is called.',
		doc: 'Revision 1 (PreLLMHook). Called as pre_hook(ctx_ptr, ctx_len, req_ptr, req_len). `request` replaces the request (null keeps it); a non-null `short_circuit` ({response} or {error}) skips the provider, and post_hook still runs with it. A non-empty `error` is logged as a warning and the request carries on: Bifrost never fails a request because a pre-hook reported an error.',
		args: { ctx: SAMPLES.context, req: SAMPLES.request },
		expects:
			'{"request": {...} | null, "short_circuit": {"response": ...} | {"error": ...} | null, "error": ""}',
		combine: ORDER_PRE,
		defaultExport: 'pre_hook',
		revisions: [1],
		params: ['ctx', 'req'],
		returns: 'packed',
		optional: true
	},
	{
		name: 'r1.post_hook',
		summary: 'Reads or rewrites the provider’s response or error.',
		doc: 'Revision 1 (PostLLMHook). Called as post_hook(ctx_ptr, ctx_len, resp_ptr, resp_len, err_ptr, err_len); `err` is the Bifrost error JSON or null. `response` and `bifrost_error` replace the current ones when not null: a plugin can recover from an error (return a response) or turn a response into an error. A non-empty `error` is logged as a warning.',
		args: { ctx: SAMPLES.context, resp: SAMPLES.response, err: null },
		expects: '{"response": {...} | null, "bifrost_error": {...} | null, "error": ""}',
		combine: ORDER_POST,
		defaultExport: 'post_hook',
		revisions: [1],
		params: ['ctx', 'resp', 'err'],
		returns: 'packed',
		optional: true
	},
	{
		name: 'http_intercept',
		summary: 'Sees the HTTP request first; may answer it directly (revision 2’s name).',
		doc: 'Revision 2, the forerunner of http_pre_hook, with the same single JSON object in and out: `{context, request}` in, `{context, request, response, has_response, error}` out. `has_response: true` short-circuits with `response`.',
		args: { context: SAMPLES.context, request: SAMPLES.httpRequest },
		expects:
			'{"context": {...}, "request": {...} | null, "response": {...} | null, "has_response": false, "error": ""}',
		combine: ORDER_PRE,
		defaultExport: 'http_intercept',
		revisions: [2],
		params: null,
		returns: 'packed',
		optional: true
	},
	{
		name: 'http_pre_hook',
		summary: 'Sees the HTTP request before Bifrost parses it; may answer it directly.',
		doc: 'Revision 3 (HTTPTransportPreHook), HTTP transport only. In: `{context, request}` with headers as the client sent them (compare names case-insensitively) and a base64 body. Out: context keys to set, `request` to replace the HTTP request (null keeps it), and `has_response: true` with a `response` to short-circuit: Bifrost answers with it and skips later plugins and the provider. A non-empty `error` ends the request with an error response.',
		args: { context: SAMPLES.context, request: SAMPLES.httpRequest },
		expects:
			'{"context": {...}, "request": {...} | null, "response": {...} | null, "has_response": false, "error": ""}',
		combine: ORDER_PRE,
		defaultExport: 'http_pre_hook',
		revisions: [3],
		params: null,
		returns: 'packed',
		optional: true
	},
	{
		name: 'pre_hook',
		summary: 'Reads or rewrites the Bifrost request before the provider is called.',
		doc: 'Revisions 2 and 3 (PreLLMHook). In: `{context, request}`. Out: context keys to set, `request` to replace the request (null keeps it), and `has_short_circuit: true` with `short_circuit` ({response} or {error}) to skip the provider; post hooks still run with the short-circuit’s response or error. A non-empty `error` is logged as a warning and the request carries on.',
		args: { context: SAMPLES.context, request: SAMPLES.request },
		expects:
			'{"context": {...}, "request": {...} | null, "short_circuit": {...} | null, "has_short_circuit": false, "error": ""}',
		combine: ORDER_PRE,
		defaultExport: 'pre_hook',
		revisions: SINGLE,
		params: null,
		returns: 'packed',
		optional: true
	},
	{
		name: 'post_hook',
		summary: 'Reads or rewrites the provider’s response or error.',
		doc: 'Revisions 2 and 3 (PostLLMHook). In: `{context, response, error, has_error}` (`error` is `{}` when there is none). Out: context keys, `response` and `error` to replace the current ones (null keeps them), `has_error`, and `hook_error`: the plugin’s own error, logged as a warning.',
		args: {
			context: SAMPLES.context,
			response: SAMPLES.response,
			error: {},
			has_error: false
		},
		expects:
			'{"context": {...}, "response": {...} | null, "error": {...} | null, "has_error": false, "hook_error": ""}',
		combine: ORDER_POST,
		defaultExport: 'post_hook',
		revisions: SINGLE,
		params: null,
		returns: 'packed',
		optional: true
	},
	{
		name: 'http_post_hook',
		summary: 'Sees the HTTP response before it goes back to the client (not for streams).',
		doc: 'Revision 3 (HTTPTransportPostHook), HTTP transport only, not called for streaming responses. In: `{context, request, response}` with base64 bodies. Out: `{context, error}`; a non-empty `error` replaces the response with an error response and skips the remaining plugins.',
		args: {
			context: SAMPLES.context,
			request: SAMPLES.httpRequest,
			response: SAMPLES.httpResponse
		},
		expects: '{"context": {...}, "error": ""}',
		combine: 'Runs in reverse registration order, once per request.',
		defaultExport: 'http_post_hook',
		revisions: [3],
		params: null,
		returns: 'packed',
		optional: true
	},
	{
		name: 'http_stream_chunk_hook',
		summary: 'Sees each streamed chunk before it is written to the client.',
		doc: 'Revisions 2 and 3 (HTTPTransportStreamChunkHook), streaming responses only. In: `{context, request, chunk}`. Out: `chunk` (modified or unchanged) with `has_chunk: true`, or `skip: true` to drop the chunk. A non-empty `error` with a chunk is logged and the chunk still goes out; an error without a chunk ends the stream.',
		args: { context: SAMPLES.context, request: SAMPLES.httpRequest, chunk: SAMPLES.chunk },
		expects:
			'{"context": {...}, "chunk": {...} | null, "has_chunk": true, "skip": false, "error": ""}',
		combine: 'Runs per chunk, in reverse registration order.',
		defaultExport: 'http_stream_chunk_hook',
		revisions: SINGLE,
		params: null,
		returns: 'packed',
		optional: true
	},
	{
		name: 'cleanup',
		summary: 'Called when Bifrost shuts the plugin down.',
		doc: 'No input. 0 means success; anything else is logged as a warning, since the plugin is going away anyway.',
		args: {},
		expects: 'i32: 0 = success',
		combine: 'once per plugin',
		defaultExport: 'cleanup',
		revisions: ALL,
		params: [],
		returns: 'code',
		optional: true
	}
];

/** The hook called `name`, or undefined. */
export function findHook(name: string): BifrostHook | undefined {
	return BIFROST_HOOKS.find((h) => h.name === name);
}

/** True for a JSON object (not null, not an array). */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The bytes the host writes for one JSON value (`undefined` is sent as `null`). */
export function jsonBytes(value: unknown): Uint8Array {
	return utf8Encode(JSON.stringify(value ?? null));
}

/** The inputs a hook's arguments become, in the order the export takes their (ptr, len) pairs. */
export function encodeArgs(
	hook: BifrostHook,
	args: unknown
): { ok: true; inputs: Uint8Array[] } | { ok: false; error: PlaygroundError } {
	if (!isJsonObject(args)) {
		return fail(
			'call',
			`The arguments of ${hook.name} must be a JSON object; got ${Array.isArray(args) ? 'an array' : String(args)}.`,
			`Start from the prefilled arguments: ${JSON.stringify(Object.keys(hook.args))}.`
		);
	}
	if (hook.params === null) return { ok: true, inputs: [jsonBytes(args)] };
	const missing = hook.params.filter((p) => !(p in args));
	if (missing.length > 0) {
		return fail(
			'call',
			`${hook.name} takes ${hook.params.length} JSON values (${hook.params.join(', ')}); ${missing.map((m) => `"${m}"`).join(', ')} missing.`,
			'Each named value is written to memory on its own and passed as a (ptr, len) pair, in that order.'
		);
	}
	return { ok: true, inputs: hook.params.map((p) => jsonBytes(args[p])) };
}
