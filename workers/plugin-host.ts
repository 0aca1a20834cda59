/**
 * Hosts one plugin in this worker. The main thread talks to it through Comlink (`PluginHostApi`); live
 * trace events and KV writes go out on a dedicated MessagePort while a call runs.
 */
import './no-jspi';
import * as Comlink from 'comlink';
import createPlugin, { type Plugin } from '@extism/extism';
import { fail, type PlaygroundError } from '../src/lib/errors';
import {
	classifyCallError,
	exitError,
	thrownLike,
	type HostFailure
} from '../src/lib/host/classify';
import { outOfRange, OUT_OF_RANGE_HINT } from '../src/lib/abi/bifrost/decode';
import { isRawAbiModule } from '../src/lib/abi/bifrost/revisions';
import { describeMissing, importKey, missingImports } from '../src/lib/host/abi';
import { wasiEnabled, type HostSettings } from '../src/lib/host/settings';
import { payload } from '../src/lib/trace/build';
import type { LogEvent, LogLevel, TraceEvent } from '../src/lib/trace/types';
import { inspectModule } from '../src/lib/wasm/inspect';
import { limitMemory } from '../src/lib/wasm/limit-memory';
import type { ModuleInfo } from '../src/lib/wasm/types';
import { hostFunctions } from './host-functions';
import { InstanceProbe } from './instance-probe';
import type {
	CallRequest,
	CallResult,
	KvChange,
	LoadRequest,
	LoadResult,
	PluginHostApi,
	RawCallRequest,
	RawCallResult,
	WorkerEvent
} from './protocol';
import { RawPlugin } from './raw-abi';

const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

/** Events sent at once in each window before batching starts; keeps quiet calls live and busy ones cheap. */
const IMMEDIATE_PER_WINDOW = 32;
const WINDOW_MS = 50;

/** The call in progress: its id, start time and events not yet posted. */
interface ActiveCall {
	id: number;
	t0: number;
	pending: TraceEvent[];
	windowStart: number;
	sentInWindow: number;
	/** Events posted on the port so far. */
	posted: number;
	hostFailure: HostFailure | null;
}

class PluginHost implements PluginHostApi {
	#module: WebAssembly.Module | null = null;
	#info: ModuleInfo | null = null;
	#settings: HostSettings | null = null;
	#plugin: Plugin | null = null;
	/** The instance of a raw-ABI module, which runs without the Extism SDK. */
	#raw: RawPlugin | null = null;
	#wasi = false;
	#port: MessagePort | null = null;
	#kv = new Map<string, Uint8Array>();
	#call: ActiveCall | null = null;
	#probe = new InstanceProbe();

	async load(request: LoadRequest): Promise<LoadResult> {
		this.#port = request.events;
		this.#settings = request.settings;
		this.#kv = new Map(Object.entries(request.kv));
		let info: ModuleInfo;
		let module: WebAssembly.Module;
		let compileMs = 0;
		if ('bytes' in request.source) {
			const inspected = inspectModule(request.source.bytes);
			if (!inspected.ok) return { ...inspected, info: null, module: null };
			info = inspected.info;
			const cap = request.settings.memory.maxPages;
			const limited =
				cap === null
					? { ok: true as const, bytes: request.source.bytes }
					: limitMemory(request.source.bytes, cap);
			if (!limited.ok) return { ...limited, info, module: null };
			const t = performance.now();
			try {
				module = await WebAssembly.compile(limited.bytes as Uint8Array<ArrayBuffer>);
			} catch (err) {
				const { message } = thrownLike(err);
				return {
					...fail(
						'load',
						`The module does not compile: ${message}`,
						'The file is not valid WebAssembly for this browser. Rebuild it, or check that it uses no features this browser lacks.'
					),
					info,
					module: null
				};
			}
			compileMs = performance.now() - t;
		} else {
			module = request.source.module;
			info = request.source.info;
		}
		this.#module = module;
		this.#info = info;
		const started = await this.#instantiate();
		if (!started.ok) return { ...started, info, module };
		return { ok: true, info, module, wasi: this.#wasi, compileMs, instantiateMs: started.ms };
	}

	async configure(settings: HostSettings) {
		this.#settings = settings;
		const started = await this.#instantiate();
		return started.ok ? { ok: true as const, wasi: this.#wasi } : started;
	}

	async kvApply(namespace: string, changes: KvChange[]) {
		if (namespace !== this.#settings?.namespace) return;
		for (const { key, value } of changes) {
			if (value === null) this.#kv.delete(key);
			else this.#kv.set(key, value);
		}
	}

	async kvReset(namespace: string, entries: Record<string, Uint8Array>) {
		if (this.#settings) this.#settings = { ...this.#settings, namespace };
		this.#kv = new Map(Object.entries(entries));
	}

	async call(request: CallRequest): Promise<CallResult> {
		const settings = this.#settings;
		const empty = {
			id: request.id,
			output: new Uint8Array(0),
			code: null,
			memoryPages: null,
			tail: [],
			posted: 0
		};
		if (!settings || !this.#info) {
			return { ...empty, ...fail('call', 'No plugin is loaded.', 'Load a plugin first.') };
		}
		const exported = this.#info.exports.find((e) => e.name === request.export);
		if (!exported || exported.kind !== 'function') {
			return {
				...empty,
				...fail(
					'call',
					`The module has no exported function "${request.export}".`,
					'Pick one of the functions listed under Exports.'
				)
			};
		}
		if (isRawAbiModule(this.#info)) return this.#callRawAsCall(request);
		if (settings.freshInstance || !this.#plugin) {
			const started = await this.#instantiate();
			if (!started.ok) return { ...empty, ...started };
		}
		const plugin = this.#plugin as Plugin;
		this.#call = this.#begin(request.id);
		this.#emit({
			type: 'start',
			t: 0,
			export: request.export,
			input: payload(request.input),
			...(request.hook ? { hook: request.hook } : {})
		});
		this.#probe.lastCode = null;
		let output = new Uint8Array(0);
		let error: PlaygroundError | null = null;
		const restoreConsole = this.#captureStdio();
		try {
			const result = await plugin.call(request.export, request.input);
			if (result) output = new Uint8Array(result.arrayBuffer() as ArrayBuffer);
		} catch (err) {
			error = classifyCallError(thrownLike(err), {
				exportName: request.export,
				hostFailure: this.#call.hostFailure,
				memoryPages: this.#probe.memoryPages(),
				maxPages: settings.memory.maxPages
			});
		} finally {
			restoreConsole();
		}
		const code = this.#probe.lastCode;
		if (!error && code !== null && code !== 0) error = exitError(request.export, code);
		const memoryPages = this.#probe.memoryPages();
		const duration = performance.now() - this.#call.t0;
		// The end event travels in the result's tail, not on the port: the caller needs no second message.
		this.#call.pending.push({
			type: 'end',
			t: duration,
			status: error ? 'error' : 'ok',
			output: payload(output),
			...(error ? { error } : {}),
			...(code !== null ? { code } : {}),
			duration,
			inputSize: request.input.byteLength,
			outputSize: output.byteLength,
			memoryPages
		});
		const { pending: tail, posted } = this.#call;
		this.#call = null;
		const base = { id: request.id, output, code, memoryPages, tail, posted };
		const result: CallResult = error ? { ...base, ok: false, error } : { ...base, ok: true };
		return Comlink.transfer(result, [output.buffer]);
	}

	/** (Re)creates the SDK plugin from the cached module under the current settings. */
	async #instantiate(): Promise<{ ok: true; ms: number } | { ok: false; error: PlaygroundError }> {
		const settings = this.#settings;
		const info = this.#info;
		const module = this.#module;
		if (!settings || !info || !module)
			return fail('load', 'No module is loaded.', 'Load a plugin first.');
		this.#plugin = null;
		this.#raw = null;
		this.#wasi = wasiEnabled(settings, info.needsWasi);
		if (isRawAbiModule(info)) return this.#instantiateRaw(module, info, settings);
		const mocked = new Set(Object.keys(settings.mocks ?? {}));
		const missing = missingImports(info.imports, { wasi: this.#wasi, mocked });
		// Mocks stand in only for what nothing else provides.
		const mocks = missingImports(info.imports, { wasi: this.#wasi })
			.filter((imp) => mocked.has(importKey(imp)))
			.map((imp) => ({ imp, spec: settings.mocks[importKey(imp)] }));
		if (missing.length) {
			const { message, hint } = describeMissing(missing, !this.#wasi);
			return fail('link', message, hint);
		}
		const t = performance.now();
		const restoreConsole = this.#captureStdio();
		try {
			this.#plugin = await this.#probe.during(() =>
				createPlugin(
					{ wasm: [{ module }], config: settings.config },
					{
						runInWorker: false,
						useWasi: this.#wasi,
						enableWasiOutput: this.#wasi,
						logLevel: settings.logLevel,
						logger: this.#logger(),
						functions: hostFunctions(
							{
								settings: () => this.#settings ?? settings,
								now: () => (this.#call ? performance.now() - this.#call.t0 : 0),
								emit: (event) => this.#emit(event),
								failed: (failure) => {
									if (this.#call && !this.#call.hostFailure) this.#call.hostFailure = failure;
								},
								kvGet: (key) => this.#kv.get(key),
								kvPut: (key, value) => this.#kvPut(key, value),
								logs: (level) => this.#logs(level)
							},
							mocks
						),
						memory: {
							maxHttpResponseBytes: settings.memory.maxHttpResponseBytes ?? undefined,
							maxVarBytes: settings.memory.maxVarBytes ?? undefined
						}
					}
				)
			);
		} catch (err) {
			const thrown = thrownLike(err);
			if (thrown.name === 'RuntimeError') {
				return fail(
					'trap',
					`The module trapped while starting (its start function or _initialize): ${thrown.message}.`,
					'The plugin fails before any export is called; check its initialisation code.'
				);
			}
			return fail(
				'load',
				`The module could not be instantiated: ${thrown.message}`,
				'Check its imports and rebuild it.'
			);
		} finally {
			restoreConsole();
		}
		return { ok: true, ms: performance.now() - t };
	}

	async callRaw(request: RawCallRequest): Promise<RawCallResult> {
		const result = await this.#runRaw(request);
		return Comlink.transfer(result, result.result?.bytes ? [result.result.bytes.buffer] : []);
	}

	async #runRaw(request: RawCallRequest): Promise<RawCallResult> {
		const settings = this.#settings;
		const empty = { id: request.id, result: null, memoryPages: null, tail: [], posted: 0 };
		if (!settings || !this.#info) {
			return { ...empty, ...fail('call', 'No plugin is loaded.', 'Load a plugin first.') };
		}
		if (!isRawAbiModule(this.#info)) {
			return {
				...empty,
				...fail(
					'call',
					'This module is not a raw-ABI plugin: it imports the Extism kernel or exports no allocator (plugin_malloc or malloc).',
					'Run it as an Extism plugin instead.'
				)
			};
		}
		if (settings.freshInstance || !this.#raw?.alive) {
			const started = await this.#instantiate();
			if (!started.ok) return { ...empty, ...started };
		}
		const raw = this.#raw as RawPlugin;
		this.#call = this.#begin(request.id);
		const { result, error, memoryPages } = raw.call(request);
		const { pending: tail, posted } = this.#call;
		this.#call = null;
		const base = { id: request.id, result, memoryPages, tail, posted };
		return error ? { ...base, ok: false, error } : { ...base, ok: true };
	}

	/**
	 * `call` on a raw-ABI module: the input is the export's single (ptr, len) argument (none when it takes
	 * none), the output is the bytes its packed answer points at, and an answer outside memory is an error.
	 */
	async #callRawAsCall(request: CallRequest): Promise<CallResult> {
		const sig = this.#info?.exports.find((e) => e.name === request.export)?.signature;
		const raw = await this.#runRaw({
			id: request.id,
			export: request.export,
			inputs: sig?.params.length === 0 ? [] : [request.input],
			...(request.hook ? { hook: request.hook } : {})
		});
		const output = raw.result?.bytes ?? new Uint8Array(0);
		const base = {
			id: raw.id,
			output,
			code: raw.result?.code ?? null,
			memoryPages: raw.memoryPages,
			tail: raw.tail,
			posted: raw.posted
		};
		const range = raw.ok && raw.result ? outOfRange(request.export, raw.result) : null;
		const error = raw.ok
			? range
				? fail('plugin', range, OUT_OF_RANGE_HINT).error
				: null
			: raw.error;
		const result: CallResult = error ? { ...base, ok: false, error } : { ...base, ok: true };
		return Comlink.transfer(result, [output.buffer]);
	}

	/** Instantiates a raw-ABI module without the Extism SDK (see raw-abi.ts). */
	async #instantiateRaw(
		module: WebAssembly.Module,
		info: ModuleInfo,
		settings: HostSettings
	): Promise<{ ok: true; ms: number } | { ok: false; error: PlaygroundError }> {
		const t = performance.now();
		const started = await RawPlugin.instantiate(module, info, {
			wasi: this.#wasi,
			maxPages: settings.memory.maxPages,
			sink: { emit: (event) => this.#emit(event), elapsed: () => this.#elapsed() }
		});
		if (!started.ok) return started;
		this.#raw = started.plugin;
		return { ok: true, ms: performance.now() - t };
	}

	/** Opens the record of a call: events are queued and streamed under its id until it ends. */
	#begin(id: number): ActiveCall {
		const now = performance.now();
		return {
			id,
			t0: now,
			pending: [],
			windowStart: now,
			sentInWindow: 0,
			posted: 0,
			hostFailure: null
		};
	}

	#logs(level: LogLevel): boolean {
		const chosen = this.#settings?.logLevel ?? 'info';
		return chosen !== 'silent' && LEVELS.indexOf(level) >= LEVELS.indexOf(chosen);
	}

	/** The `logger` the SDK writes `log_*` lines (and its own complaints) to. */
	#logger(): Console {
		const line = (level: LogLevel) => (text: unknown) =>
			this.#emit({ type: 'log', t: this.#elapsed(), level, source: 'extism', text: String(text) });
		const logger = {
			trace: line('trace'),
			debug: line('debug'),
			info: line('info'),
			warn: line('warn'),
			error: line('error'),
			log: line('info')
		};
		return logger as unknown as Console;
	}

	/** While the plugin runs, WASI's stdout/stderr (which the SDK prints to console) go to the trace. */
	#captureStdio(): () => void {
		if (!this.#wasi) return () => {};
		const { log, error } = console;
		const capture = (source: LogEvent['source'], level: LogLevel) => (text: unknown) =>
			this.#emit({ type: 'log', t: this.#elapsed(), level, source, text: String(text) });
		console.log = capture('stdout', 'info');
		console.error = capture('stderr', 'warn');
		return () => {
			console.log = log;
			console.error = error;
		};
	}

	#elapsed(): number {
		return this.#call ? performance.now() - this.#call.t0 : 0;
	}

	#kvPut(key: string, value: Uint8Array) {
		this.#kv.set(key, value);
		const namespace = this.#settings?.namespace ?? '';
		// Flush the trace first so the main thread sees events in order, then the write itself.
		this.#flush();
		this.#post({ type: 'kv', namespace, changes: [{ key, value: value.slice() }] });
	}

	/** Queues an event for the current call; posts it at once unless the call is emitting a flood. */
	#emit(event: TraceEvent) {
		const call = this.#call;
		if (!call) return;
		call.pending.push(event);
		const now = performance.now();
		if (now - call.windowStart >= WINDOW_MS) {
			call.windowStart = now;
			call.sentInWindow = 0;
			this.#flush();
		} else if (call.sentInWindow < IMMEDIATE_PER_WINDOW) {
			this.#flush();
		}
	}

	#flush() {
		const call = this.#call;
		if (!call || call.pending.length === 0) return;
		call.sentInWindow++;
		const events = call.pending;
		call.pending = [];
		call.posted += events.length;
		this.#post({ type: 'trace', callId: call.id, events });
	}

	#post(message: WorkerEvent) {
		this.#port?.postMessage(message);
	}
}

Comlink.expose(new PluginHost());
