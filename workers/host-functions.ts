/**
 * The host functions the playground links into every plugin: the KV store and `log` in
 * `extism:host/user`, and traced replacements for Extism's `config_get`, `var_get`, `var_set` and the
 * `http_*` functions. Each records a host event in the trace.
 */
import type { CallContext } from '@extism/extism';
import { formatBytes, utf8Decode, utf8Encode } from '../src/lib/bytes/encoding';
import type { HostFailure } from '../src/lib/host/classify';
import {
	answerMock,
	describeMock,
	mockShape,
	numericResult,
	type MockSpec
} from '../src/lib/host/mocks';
import { capBytes } from '../src/lib/host/memory-budget';
import { MemoryLedger } from '../src/lib/host/memory-cap';
import { httpRefusal, type HostSettings } from '../src/lib/host/settings';
import { hostCallReply, type HostVars } from '../src/lib/abi/studiobrain/host-vars';
import { payload } from '../src/lib/trace/build';
import type { HostEvent, LogEvent } from '../src/lib/trace/types';
import { EXTISM_ENV, EXTISM_USER, type ImportInfo } from '../src/lib/wasm/types';
import { harmontHostFunctions } from './harmont-host';

/** What the host functions need from the worker that owns them. */
export interface HostEnv {
	settings(): HostSettings;
	/** Milliseconds since the current call started. */
	now(): number;
	emit(event: HostEvent | LogEvent): void;
	/** Records the first host failure of the call, so the call's error names it. */
	failed(failure: HostFailure): void;
	kvGet(key: string): Uint8Array | undefined;
	/** Stores a write and streams it to the main thread at once, so it is durable whatever happens next. */
	kvPut(key: string, value: Uint8Array): void;
	/** Whether a log line at `level` passes the user's log level. */
	logs(level: LogEvent['level']): boolean;
	/** How much the plugin's linear memory grew since instantiation, in bytes (see `grownBytes`). */
	grownBytes(): number;
	/** Bytes of the running call's input, which counts against Max memory as in native Extism. */
	inputBytes(): number;
	/** The running call's id and the vars its host sets and answers (StudioBrain's), or null. */
	hostVars(): { call: number; vars: HostVars } | null;
}

type HostFn = (ctx: CallContext, ...args: bigint[]) => bigint | number | void;
type Traced = {
	ret: bigint | number | void;
	args: HostEvent['args'];
	result?: HostEvent['result'];
};

/** Thrown inside a host function to fail the call with a clear message. */
class HostError extends Error {
	constructor(
		message: string,
		readonly kind: HostFailure['kind'] = 'host',
		readonly hint?: string
	) {
		super(message);
	}
}

/** An import nobody provides, with the stand-in the user chose for it. */
export interface MockedImport {
	imp: ImportInfo;
	spec: MockSpec;
}

/**
 * Builds the `functions` option for `createPlugin`, including the user's mocks. Functions given for
 * `extism:host/env` replace the SDK kernel's own, which is how `alloc` is counted against Max memory.
 */
export function hostFunctions(
	env: HostEnv,
	mocks: readonly MockedImport[] = []
): Record<string, Record<string, HostFn>> {
	/** Records a host function's failure in the call and the trace, then lets it unwind the plugin. */
	const failed = (ns: string, name: string, t: number, err: unknown): never => {
		const message = err instanceof Error ? err.message : String(err);
		const kind = err instanceof HostError ? err.kind : 'host';
		const hint = err instanceof HostError ? err.hint : undefined;
		env.failed({ kind, ns, name, message, ...(hint ? { hint } : {}) });
		env.emit({ type: 'host', t, ns, name, args: {}, error: message, dur: env.now() - t });
		throw err;
	};
	const traced =
		(ns: string, name: string, impl: (ctx: CallContext, ...args: bigint[]) => Traced): HostFn =>
		(ctx, ...args) => {
			const t = env.now();
			try {
				const { ret, args: shown, result } = impl(ctx, ...args);
				env.emit({ type: 'host', t, ns, name, args: shown, result, dur: env.now() - t });
				return ret;
			} catch (err) {
				return failed(ns, name, t, err);
			}
		};

	const ledger = new MemoryLedger();
	/** Refuses a request that would take the plugin past its Max memory. */
	const admit = (ctx: CallContext, bytes: number, what: string) => {
		const cap = capBytes(env.settings().memory.maxPages);
		const refused = ledger.admit(
			{ bytes, what },
			env.grownBytes(),
			cap,
			(index) => Number(ctx.length(BigInt(index) << BLOCK_INDEX_SHIFT)),
			env.inputBytes()
		);
		if (refused) throw new HostError(refused.message, 'limit', refused.hint);
	};
	/** Counts a new block, refusing one whose index does not fit in an address (it would alias another). */
	const track = (address: bigint, size: number): bigint => {
		const index = Number(address >> BLOCK_INDEX_SHIFT);
		if (index >= MAX_BLOCKS) {
			throw new HostError(
				`The plugin made ${MAX_BLOCKS.toLocaleString('en-US')} Extism blocks in one call, the most an address can name (the SDK never reuses a block's number within a call).`,
				'limit',
				'Allocate fewer, larger blocks per call, or split the work over several calls.'
			);
		}
		ledger.track(index, size);
		return address;
	};
	/** `ctx.store`, counted: every block a host function hands the plugin is part of what it holds. */
	const store = (ctx: CallContext, bytes: Uint8Array | string): bigint => {
		const size = typeof bytes === 'string' ? utf8Encode(bytes).byteLength : bytes.byteLength;
		admit(ctx, size, `storing a ${formatBytes(size)} value`);
		return track(ctx.store(bytes), size);
	};

	const readBytes = (ctx: CallContext, offset: bigint, what: string): Uint8Array => {
		const block = ctx.read(offset);
		if (block === null) {
			throw new HostError(`${what} points to no memory block (offset 0x${offset.toString(16)})`);
		}
		return block.bytes();
	};
	const readText = (ctx: CallContext, offset: bigint, what: string) =>
		utf8Decode(readBytes(ctx, offset, what));

	const http = new HttpState();

	const user: Record<string, HostFn> = {
		kv_read: traced(EXTISM_USER, 'kv_read', (ctx, keyOffset) => {
			const key = readText(ctx, keyOffset, 'kv_read key');
			const value = env.kvGet(key);
			// A copy, so a plugin writing into the block cannot change the cache.
			const stored = value ? value.slice() : new Uint8Array(0);
			return {
				ret: store(ctx, stored),
				args: { key },
				result: value ? payload(value) : '(missing: empty value)'
			};
		}),
		kv_write: traced(EXTISM_USER, 'kv_write', (ctx, keyOffset, valueOffset) => {
			const key = readText(ctx, keyOffset, 'kv_write key');
			const value = readBytes(ctx, valueOffset, 'kv_write value').slice();
			env.kvPut(key, value);
			return { ret: undefined, args: { key, value: payload(value) } };
		}),
		log: (ctx, offset) => {
			const text = readText(ctx, offset, 'log message');
			if (env.logs('info'))
				env.emit({ type: 'log', t: env.now(), level: 'info', source: 'host', text });
		},
		...harmontHostFunctions({
			traced: (name, impl) => traced(EXTISM_USER, name, impl),
			readBytes,
			store,
			config: () => env.settings().config,
			kvGet: (key) => env.kvGet(key),
			kvPut: (key, value) => env.kvPut(key, value),
			log: (level, source, text) => {
				if (env.logs(level)) env.emit({ type: 'log', t: env.now(), level, source, text });
			}
		})
	};

	/** The call whose preset vars are set: a host sets them before each call, here before the first var use. */
	let presetFor = -1;
	const setVar = (ctx: CallContext, key: string, value: Uint8Array) => {
		admit(ctx, ledger.varDelta(key, value.byteLength), `setting var "${key}"`);
		try {
			ctx.setVariable(key, value);
		} catch (err) {
			throw new HostError(err instanceof Error ? err.message : String(err), 'limit');
		}
		ledger.setVar(key, value.byteLength);
	};
	const presetVars = (ctx: CallContext) => {
		const current = env.hostVars();
		if (current === null || current.call === presetFor) return;
		presetFor = current.call;
		for (const [key, value] of Object.entries(current.vars.preset)) {
			setVar(ctx, key, utf8Encode(value));
		}
	};
	/** Answers a `host_call:<name>` var from the call's table, traced as a host call of its own. */
	const answerHostCall = (ctx: CallContext, key: string, request: Uint8Array) => {
		const reply = hostCallReply(key, env.hostVars()?.vars.replies ?? {});
		if (reply === null) return;
		const t = env.now();
		if (reply.value !== null) setVar(ctx, reply.resultKey, utf8Encode(reply.value));
		env.emit({
			type: 'host',
			t,
			ns: 'extism vars',
			name: key,
			args: { request: payload(request) },
			result:
				reply.value === null
					? `(no answer for ${reply.name} in the host calls table: ${reply.resultKey} stays unset)`
					: payload(utf8Encode(reply.value)),
			dur: env.now() - t
		});
	};

	const kernel: Record<string, HostFn> = {
		config_get: traced(EXTISM_ENV, 'config_get', (ctx, keyOffset) => {
			const key = readText(ctx, keyOffset, 'config_get key');
			const config = env.settings().config;
			const value = Object.hasOwn(config, key) ? config[key] : undefined;
			return {
				ret: value === undefined ? 0n : store(ctx, value),
				args: { key },
				result: value === undefined ? '(not set)' : payload(utf8Encode(value))
			};
		}),
		var_get: traced(EXTISM_ENV, 'var_get', (ctx, keyOffset) => {
			const key = readText(ctx, keyOffset, 'var_get key');
			presetVars(ctx);
			const value = ctx.getVariable(key)?.bytes();
			return {
				ret: value ? store(ctx, value.slice()) : 0n,
				args: { key },
				result: value ? payload(value) : '(not set)'
			};
		}),
		var_set: traced(EXTISM_ENV, 'var_set', (ctx, keyOffset, valueOffset): Traced => {
			const key = readText(ctx, keyOffset, 'var_set key');
			presetVars(ctx);
			if (valueOffset === 0n) {
				ctx.deleteVariable(key);
				ledger.setVar(key, null);
				return { ret: undefined, args: { key }, result: '(deleted)' };
			}
			const value = readBytes(ctx, valueOffset, 'var_set value').slice();
			setVar(ctx, key, value);
			answerHostCall(ctx, key, value);
			return { ret: undefined, args: { key, value: payload(value) } };
		}),
		http_request: traced(EXTISM_ENV, 'http_request', (ctx, requestOffset, bodyOffset) => {
			const request = parseHttpRequest(readText(ctx, requestOffset, 'http_request request'));
			const settings = env.settings();
			const refused = httpRefusal(request.url, self.location.origin, settings.allowedHosts);
			if (refused) throw new HostError(refused);
			const body =
				bodyOffset === 0n || request.method === 'GET' || request.method === 'HEAD'
					? null
					: readBytes(ctx, bodyOffset, 'http_request body').slice();
			const response = http.send(request, body, settings.memory.maxHttpResponseBytes);
			return {
				ret: store(ctx, response.slice()),
				args: {
					method: request.method,
					url: request.url.href,
					...(body ? { body: payload(body) } : {})
				},
				result: `${http.status} · ${response.byteLength} bytes`
			};
		}),
		http_status_code: () => http.status,
		http_headers: (ctx) => store(ctx, JSON.stringify(http.headers)),
		// Not traced: PDKs call it for every value they pass; it shows in the trace only when refused.
		alloc: (ctx, size) => {
			const t = env.now();
			try {
				const bytes = Number(size);
				admit(ctx, bytes, `alloc of ${formatBytes(bytes)}`);
				return track(ctx.alloc(size), bytes);
			} catch (err) {
				return failed(EXTISM_ENV, 'alloc', t, err);
			}
		}
	};

	const functions: Record<string, Record<string, HostFn>> = {
		[EXTISM_USER]: user,
		[EXTISM_ENV]: kernel
	};
	for (const { imp, spec } of mocks) {
		functions[imp.module] ??= {};
		functions[imp.module][imp.name] = mockFunction(imp, spec, traced, store);
	}
	return functions;
}

/** An Extism block address keeps the block's index in its top 16 bits (the SDK's `Block.indexToAddress`). */
const BLOCK_INDEX_SHIFT = 48n;
/** Blocks one call can have: past this, an index overflows its 16 bits and the address names block 0. */
const MAX_BLOCKS = 65536;

type TraceWrap = (
	ns: string,
	name: string,
	impl: (ctx: CallContext, ...args: bigint[]) => Traced
) => HostFn;

/**
 * A mock behaves by the import's shape: Extism-style functions read their first argument as a memory block
 * and return a new block; numeric ones see and return plain numbers.
 */
function mockFunction(
	imp: ImportInfo,
	spec: MockSpec,
	traced: TraceWrap,
	store: (ctx: CallContext, bytes: Uint8Array) => bigint
): HostFn {
	const shape = mockShape(imp.signature);
	const resultType = imp.signature?.results[0];
	return traced(imp.module, imp.name, (ctx, ...args) => {
		const first = args[0];
		let input = '';
		if (shape === 'extism' && first !== undefined) {
			const block = ctx.read(first);
			input = block ? utf8Decode(block.bytes()) : '';
		} else if (first !== undefined) {
			input = String(first);
		}
		const answer = answerMock(spec, input);
		if (!answer.ok) throw new HostError(`mock ${answer.message}`);
		const shown = {
			input: shape === 'extism' ? payload(utf8Encode(input)) : input,
			mock: describeMock(spec)
		};
		if (resultType === undefined) return { ret: undefined, args: shown, result: '(no result)' };
		if (shape === 'extism') {
			const bytes = utf8Encode(answer.value);
			return { ret: store(ctx, bytes), args: shown, result: payload(bytes) };
		}
		return { ret: numericResult(answer.value, resultType), args: shown, result: answer.value };
	});
}

interface HttpRequest {
	url: URL;
	method: string;
	headers: Record<string, string>;
}

function parseHttpRequest(text: string): HttpRequest {
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw new HostError(`http_request expects a JSON request, got: ${text.slice(0, 80)}`);
	}
	const req = parsed as { url?: unknown; method?: unknown; headers?: unknown; header?: unknown };
	if (typeof req.url !== 'string') throw new HostError('http_request: "url" must be a string');
	let url: URL;
	try {
		url = new URL(req.url);
	} catch {
		throw new HostError(`http_request: "${req.url}" is not an absolute URL`);
	}
	const headers = (req.headers ?? req.header ?? {}) as Record<string, unknown>;
	return {
		url,
		method: typeof req.method === 'string' ? req.method.toUpperCase() : 'GET',
		headers: Object.fromEntries(
			Object.entries(headers).filter((e): e is [string, string] => typeof e[1] === 'string')
		)
	};
}

/**
 * Synchronous HTTP for plugins: a blocking XMLHttpRequest, which workers allow. It needs no JS Promise
 * Integration, so it works in every browser.
 */
class HttpState {
	status = 0;
	headers: Record<string, string> = {};

	send(request: HttpRequest, body: Uint8Array | null, maxBytes: number | null): Uint8Array {
		this.status = 0;
		this.headers = {};
		const xhr = new XMLHttpRequest();
		xhr.open(request.method, request.url.href, false);
		// Cross-origin requests then carry no cookies or HTTP auth; same-origin ones are refused unless named.
		xhr.withCredentials = false;
		xhr.responseType = 'arraybuffer';
		for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value);
		try {
			xhr.send(body ? new Blob([body as Uint8Array<ArrayBuffer>]) : null);
		} catch (err) {
			const reason = err instanceof Error ? err.message : String(err);
			throw new HostError(
				`HTTP ${request.method} ${request.url.href} failed: ${reason}. The server may be down, or it does not allow cross-origin requests (CORS) from this page.`
			);
		}
		this.status = xhr.status;
		for (const line of xhr.getAllResponseHeaders().trim().split(/\r?\n/)) {
			const i = line.indexOf(':');
			if (i > 0) this.headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
		}
		const bytes = new Uint8Array(xhr.response as ArrayBuffer);
		if (maxBytes !== null && bytes.byteLength > maxBytes) {
			throw new HostError(
				`HTTP response of ${bytes.byteLength} bytes exceeds max_http_response_bytes (${maxBytes})`,
				'limit'
			);
		}
		return bytes;
	}
}
