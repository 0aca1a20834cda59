/**
 * Hosts one plugin in this worker. The main thread talks to it through Comlink (`PluginHostApi`); the
 * session's calls (`CallMessage`), live trace events and KV writes (`WorkerEvent`) travel on the worker's
 * own channel beside Comlink's messages: one plain message each way for a quick call, after its events.
 * A MessagePort of its own would cost each round trip about 15 µs more in Chromium.
 */
import './no-jspi';
import * as Comlink from 'comlink';
import createPlugin, { type Plugin } from '@extism/extism';
import { sha256Hex } from '../src/lib/bytes/hash';
import { transferList } from '../src/lib/bytes/transfer';
import { fail, type PlaygroundError, type Result } from '../src/lib/errors';
import {
	classifyCallError,
	exitError,
	procExitError,
	notCallable,
	thrownLike,
	type HostFailure
} from '../src/lib/host/classify';
import { unreadableAnswer } from '../src/lib/abi/raw/memory';
import { transportOf } from '../src/lib/abi/registry';
import type { HostVars } from '../src/lib/abi/studiobrain/host-vars';
import { describeMissing, importKey, missingImports } from '../src/lib/host/abi';
import { legacyPdk } from '../src/lib/host/explain';
import { grownBytes, inputRefusal } from '../src/lib/host/memory-cap';
import { defaultSettings, wasiEnabled, type HostSettings } from '../src/lib/host/settings';
import { ProcExit, WasiStdio } from '../src/lib/host/wasi-stdio';
import { endEvent } from '../src/lib/trace/build';
import {
	BATCH_MAX_BYTES,
	BATCH_MAX_EVENTS,
	eventBytes,
	StreamBudget
} from '../src/lib/trace/flood';
import { PREVIEW_LIMIT, type LogLevel, type TraceEvent } from '../src/lib/trace/types';
import { COMMAND_EXPORT, isWasiCommand } from '../src/lib/wasm/exports';
import { inspectModule } from '../src/lib/wasm/inspect';
import { limitMemory } from '../src/lib/wasm/limit-memory';
import {
	linkedExports,
	MAIN_MODULE,
	needsWasi,
	setImports,
	type SetMember
} from '../src/lib/wasm/module-set';
import { packModuleInfo, unpackModuleInfo } from '../src/lib/wasm/pack';
import { startCode } from '../src/lib/wasm/start-code';
import type { ExportInfo, ModuleInfo } from '../src/lib/wasm/types';
import { hostFunctions } from './host-functions';
import { InstanceProbe } from './instance-probe';
import { KvLogWriter } from './kv-log';
import type {
	CallRequest,
	CallResult,
	KvChange,
	KvWritten,
	LinkedLoaded,
	LoadRequest,
	LoadResult,
	PluginHostApi,
	RawCallRequest,
	RawCallResult,
	ModuleSource,
	CallMessage,
	WorkerEvent
} from './protocol';
import { briefAnswer, isCallMessage } from './protocol';
import { RawPlugin } from './raw-abi';

const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];
/** `#ready`'s answer when the call's instance is already there. */
const READY: Result<object> = { ok: true };

/** Events sent at once in each window before batching starts; keeps quiet calls live and busy ones cheap. */
const IMMEDIATE_PER_WINDOW = 32;
const WINDOW_MS = 50;
/** A batch of logged KV writes is sent at least this often while a call keeps writing. */
const KV_WINDOW_MS = 50;

/** The call in progress: its id, start time and events not yet posted. */
interface ActiveCall {
	id: number;
	t0: number;
	pending: TraceEvent[];
	windowStart: number;
	sentInWindow: number;
	/** Payload bytes of `pending`, to post a batch before it grows slow to clone. */
	pendingBytes: number;
	/** What the call may still stream; the rest is counted as dropped (trace/flood.ts). */
	budget: StreamBudget;
	hostFailure: HostFailure | null;
	/** Bytes of the call's input: native Extism holds it in the kernel's memory, under max_pages. */
	inputBytes: number;
	/** Vars the host sets before the call and answers during it (StudioBrain's), if any. */
	hostVars: HostVars | null;
}

/**
 * The smallest plugin: one export that returns 0. A spare worker loads and calls it once (`warm`), so the
 * code a real plugin's first load and call go through is already compiled when one arrives.
 */
const WARM_UP_MODULE = new Uint8Array([
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x03,
	0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x00, 0x0a, 0x06, 0x01, 0x04,
	0x00, 0x41, 0x00, 0x0b
]);

/** Exports that run by themselves at instantiation (or as a command's program, in the SDK's linker). */
const SELF_RUNNING = ['_start', '_initialize', 'hs_init'];

/** Whether instantiating the module runs none of its code: no start function, no self-running export. */
function quiet(info: ModuleInfo): boolean {
	return (
		!info.hasStart &&
		!info.exports.some((e) => e.kind === 'function' && SELF_RUNNING.includes(e.name))
	);
}

/** A module's call-time facts (see `#traits`). */
interface ModuleTraits {
	/** Called through its own allocator (a raw-transport profile claims it), not through Extism. */
	raw: boolean;
	/** A WASI command, run through `_start`. */
	command: boolean;
	/** Its exports by name. */
	exports: Map<string, ExportInfo>;
}

/** Per module info, which never changes once parsed. */
const TRAITS = new WeakMap<ModuleInfo, ModuleTraits>();

/** A module compiled (or reused) and inspected, ready to instantiate. */
interface Prepared {
	info: ModuleInfo;
	module: WebAssembly.Module;
	compileMs: number;
}

class PluginHost implements PluginHostApi {
	#module: WebAssembly.Module | null = null;
	#info: ModuleInfo | null = null;
	/** A manifest's other modules, linked into the main one by name. */
	#linked: (SetMember & { module: WebAssembly.Module })[] = [];
	/** Linear memory right after instantiation, in pages: Max memory bounds growth from there, as natively. */
	#initialPages = 0;
	#settings: HostSettings | null = null;
	#plugin: Plugin | null = null;
	/** The instance was made ahead of the next call (no export of it has run): it counts as fresh. */
	#prepared = false;
	/** Making that instance, between calls; a call that arrives meanwhile waits for it. */
	#preparing: Promise<void> | null = null;
	/** The instance of a raw-ABI module, which runs without the Extism SDK. */
	#raw: RawPlugin | null = null;
	#wasi = false;
	/** Whether a session loaded this worker: only then do its events go to the page (not the warm-up's). */
	#attached = false;
	#kv = new Map<string, Uint8Array>();
	/** This worker's KV write-ahead log; null when the context has no OPFS sync access or Web Locks. */
	#log: KvLogWriter | null = null;
	/** Number of the last plugin write; batches, `kvSync` and `kvAck` count in it. */
	#kvSeq = 0;
	/** Logged writes not yet sent to the main thread, and when the first of them was made. */
	#kvBatch: KvWritten[] = [];
	#kvBatchStart = 0;
	#call: ActiveCall | null = null;
	#probe = new InstanceProbe((imports, memory) => this.#stdio.link(imports, memory));
	/** WASI's stdin, stdout, stderr and exit, in place of the SDK's console streams. */
	#stdio = new WasiStdio({
		write: (source, text) =>
			this.#emit({
				type: 'log',
				t: this.#elapsed(),
				level: source === 'stdout' ? 'info' : 'warn',
				source,
				text
			}),
		warn: (text) =>
			this.#emit({ type: 'log', t: this.#elapsed(), level: 'warn', source: 'sdk', text })
	});

	constructor() {
		self.addEventListener('message', (event: MessageEvent<unknown>) => {
			if (isCallMessage(event.data)) void this.#answer(event.data);
		});
	}

	warm(): Promise<void> {
		this.#warming ??= this.#warmUp();
		return this.#warming;
	}

	/** The warm-up; a load that arrives meanwhile waits for it, since it ends by forgetting its plugin. */
	#warming: Promise<void> | null = null;

	async #warmUp(): Promise<void> {
		try {
			// Its events go nowhere: no session is attached until a real load.
			const loaded = await this.#loadHashed(
				{ source: { bytes: WARM_UP_MODULE.slice() }, settings: defaultSettings(''), kv: {} },
				false
			);
			await this.#preparing;
			if (loaded.ok) await this.#callExport({ id: 0, export: 'run', input: new Uint8Array(0) });
		} finally {
			await this.#preparing;
			this.#module = null;
			this.#info = null;
			this.#settings = null;
			this.#plugin = null;
			this.#raw = null;
			this.#prepared = false;
			this.#attached = false;
		}
	}

	async load(request: LoadRequest): Promise<LoadResult> {
		await this.#warming;
		return this.#loadHashed(request);
	}

	async #loadHashed(request: LoadRequest, attach = true): Promise<LoadResult> {
		// Hashing holds the thread it runs on (about 100 ms for 30 MB): this one, not the page's.
		const sha256 = 'bytes' in request.source ? await sha256Hex(request.source.bytes) : null;
		this.#attached = attach;
		const result = await this.#load(request);
		if (result.ok) this.#prepareNext();
		return sha256 ? { ...result, sha256 } : result;
	}

	/**
	 * Makes the next call's instance now, between calls, when instantiating runs none of the plugin's code
	 * (a module with start code gets its instance inside the call that the person asked for, under its
	 * timeout and Stop). Runs after the current message is answered; a call arriving first waits for it.
	 */
	#prepareNext() {
		const info = this.#info;
		if (!info || this.#preparing || (this.#prepared && (this.#plugin ?? this.#raw?.alive))) return;
		if (![info, ...this.#linked.map((m) => m.info)].every(quiet)) return;
		this.#preparing = new Promise<void>((resolve) => setTimeout(resolve, 0))
			.then(async () => {
				if (this.#call || !this.#info) return;
				const made = await this.#instantiate();
				this.#prepared = made.ok;
			})
			.finally(() => {
				this.#preparing = null;
			});
	}

	async #load(request: LoadRequest): Promise<LoadResult> {
		this.#settings = request.settings;
		this.#kv = new Map(Object.entries(request.kv));
		const main = await this.#prepare(request.source, request.settings);
		if (!main.ok)
			return { ...main, info: main.info ? packModuleInfo(main.info) : null, module: null };
		const { info, module } = main;
		let compileMs = main.compileMs;
		this.#module = module;
		this.#info = info;
		this.#linked = [];
		// Packed: the page would spend a second unpacking 100,000 export objects from a structured clone.
		const packed = packModuleInfo(info);
		const linkedOut: LinkedLoaded[] = [];
		for (const { name, source } of request.linked ?? []) {
			const prepared = await this.#prepare(source, request.settings);
			const linkedInfo = prepared.info ? packModuleInfo(prepared.info) : null;
			if (!prepared.ok) {
				linkedOut.push({ name, info: linkedInfo, module: null });
				const { message, hint } = prepared.error;
				return {
					...fail(prepared.error.kind, `Module "${name}" of the manifest: ${message}`, hint),
					info: packed,
					module,
					linked: linkedOut
				};
			}
			compileMs += prepared.compileMs;
			this.#linked.push({ name, info: prepared.info, module: prepared.module });
			linkedOut.push({ name, info: linkedInfo, module: prepared.module });
		}
		const linked = request.linked ? { linked: linkedOut } : {};
		// Nothing of the plugin runs here: instantiation (and its start code) waits for the first call.
		const checked = this.#check();
		if (!checked.ok) return { ...checked, info: packed, module, wasi: this.#wasi, ...linked };
		return { ok: true, info: packed, module, wasi: this.#wasi, compileMs, ...linked };
	}

	/**
	 * Inspects, caps and compiles one module's bytes, or takes a module compiled earlier with its inspection.
	 * A failure keeps the inspection when there is one.
	 */
	async #prepare(
		source: ModuleSource,
		settings: HostSettings
	): Promise<
		({ ok: true } & Prepared) | { ok: false; error: PlaygroundError; info: ModuleInfo | null }
	> {
		if (!('bytes' in source)) {
			return { ok: true, module: source.module, info: unpackModuleInfo(source.info), compileMs: 0 };
		}
		const inspected = inspectModule(source.bytes);
		if (!inspected.ok) return { ...inspected, info: null };
		const info = inspected.info;
		const cap = settings.memory.maxPages;
		const limited =
			cap === null ? { ok: true as const, bytes: source.bytes } : limitMemory(source.bytes, cap);
		if (!limited.ok) return { ...limited, info };
		const t = performance.now();
		try {
			const module = await WebAssembly.compile(limited.bytes as Uint8Array<ArrayBuffer>);
			return { ok: true, info, module, compileMs: performance.now() - t };
		} catch (err) {
			const { message } = thrownLike(err);
			return {
				...fail(
					'load',
					`The module does not compile: ${message}`,
					'The file is not valid WebAssembly for this browser. Rebuild it, or check that it uses no features this browser lacks.'
				),
				info
			};
		}
	}

	/** Whether a call goes through the raw ABI: never for a module set, nor for a WASI command's `_start`. */
	#isRaw(info: ModuleInfo, command = false): boolean {
		return !command && this.#linked.length === 0 && this.#traits(info).raw;
	}

	/** What every call asks of a module, worked out on its first call rather than on each. */
	#traits(info: ModuleInfo): ModuleTraits {
		let traits = TRAITS.get(info);
		if (!traits) {
			traits = {
				raw: transportOf(info) === 'raw',
				command: isWasiCommand(info),
				exports: new Map(info.exports.map((e) => [e.name, e]))
			};
			TRAITS.set(info, traits);
		}
		return traits;
	}

	async configure(settings: HostSettings) {
		await this.#preparing;
		this.#settings = settings;
		const checked = this.#check();
		if (checked.ok) this.#prepareNext();
		return { ...checked, wasi: this.#wasi };
	}

	/**
	 * Drops the instance (the next call instantiates under the settings in force) and checks, without
	 * running anything, that every import is provided.
	 */
	#check(): Result<object> {
		const settings = this.#settings;
		const info = this.#info;
		if (!settings || !info) return fail('load', 'No module is loaded.', 'Load a plugin first.');
		this.#plugin = null;
		this.#raw = null;
		this.#prepared = false;
		this.#wasi = wasiEnabled(settings, needsWasi(info, this.#linked));
		const legacy = [{ name: MAIN_MODULE, info }, ...this.#linked].find(
			(m) => m.info.flavor === 'extism-legacy'
		);
		if (legacy) {
			const { message, hint } = legacyPdk(legacy.info.imports);
			const where = this.#linked.length ? `Module "${legacy.name}": ` : '';
			return fail('link', `${where}${message}`, hint);
		}
		if (this.#isRaw(info)) return { ok: true };
		const mocked = new Set(Object.keys(settings.mocks ?? {}));
		const linked = this.#linkMap(info);
		for (const { module, imports } of setImports(info, this.#linked)) {
			const missing = missingImports(imports, { wasi: this.#wasi, mocked, linked });
			if (!missing.length) continue;
			const { message, hint } = describeMissing(
				missing,
				!this.#wasi,
				new Set(linked?.keys() ?? [])
			);
			const where = this.#linked.length ? `Module "${module}": ` : '';
			return fail('link', `${where}${message}`, hint);
		}
		return { ok: true };
	}

	/** What imports can find by module name: the linked modules and, for them, the main one. */
	#linkMap(info: ModuleInfo) {
		return this.#linked.length
			? linkedExports([{ name: MAIN_MODULE, info }, ...this.#linked])
			: undefined;
	}

	/**
	 * Instantiates inside the current call when it has no instance yet (or wants a fresh one): the start
	 * code runs here, under the call's timeout and Stop. The main thread is told the phase, so a timeout
	 * can blame the start code, and the trace gets an `instantiate` step.
	 */
	#ready(fresh: boolean, command = false): Result<object> | Promise<Result<object>> {
		const call = this.#call;
		const info = this.#info;
		const live = Boolean(this.#plugin ?? this.#raw?.alive);
		// An instance made ahead of the call is a fresh one; it was made for the SDK or raw path this call takes.
		const prepared = this.#prepared && live && !command;
		this.#prepared = false;
		// The instance is there: the call goes on in the same turn.
		if (!call || !info || prepared || (!fresh && live)) return READY;
		return this.#instantiateInCall(call, info, command);
	}

	/** `#ready`'s slow path: the instance is made inside the call, as a step of its trace. */
	async #instantiateInCall(
		call: ActiveCall,
		info: ModuleInfo,
		command: boolean
	): Promise<Result<object>> {
		this.#flush();
		this.#post({ type: 'phase', callId: call.id, phase: 'instantiate' });
		const t = this.#elapsed();
		const started = await this.#instantiate(command);
		this.#emit({
			type: 'instantiate',
			t,
			dur: this.#elapsed() - t,
			ran: startCode(info, this.#isRaw(info, command)),
			...(started.ok ? {} : { error: started.error.message })
		});
		this.#post({ type: 'phase', callId: call.id, phase: 'call' });
		return started;
	}

	async kvOpenLog(store: string, file: string) {
		this.#log = await KvLogWriter.open(store, file);
		return this.#log !== null;
	}

	async kvSync() {
		this.#kvSend();
		return this.#kvSeq;
	}

	async kvAck(seq: number) {
		this.#log?.acknowledge(seq);
	}

	async kvApply(namespace: string, changes: KvChange[]) {
		if (namespace !== this.#settings?.namespace) return;
		for (const { key, value } of changes) {
			if (value === null) this.#kv.delete(key);
			else this.#kv.set(key, value);
		}
	}

	async kvReset(namespace: string, entries: Record<string, Uint8Array>) {
		this.#kvSend();
		if (this.#settings) this.#settings = { ...this.#settings, namespace };
		this.#kv = new Map(Object.entries(entries));
	}

	/** Runs a call the session posted on the worker's channel and answers there, after the call's events. */
	async #answer(message: CallMessage) {
		const { id } = message.request;
		try {
			if (message.type === 'call') {
				const result = await this.#callExport(message.request);
				const brief = briefAnswer(result);
				if (brief) {
					self.postMessage(brief, { transfer: transferList(result.output) });
					return;
				}
				self.postMessage({ type: 'answer', result } satisfies WorkerEvent, {
					transfer: transferList(result.output)
				});
			} else {
				const result = await this.#runRaw(message.request);
				self.postMessage({ type: 'answer', result } satisfies WorkerEvent, {
					transfer: transferList(result.result?.bytes)
				});
			}
		} catch (err) {
			self.postMessage({
				type: 'thrown',
				id,
				message: thrownLike(err).message
			} satisfies WorkerEvent);
		}
	}

	async call(request: CallRequest): Promise<CallResult> {
		const result = await this.#callExport(request);
		return Comlink.transfer(result, [result.output.buffer]);
	}

	async #callExport(request: CallRequest): Promise<CallResult> {
		if (this.#preparing) await this.#preparing;
		const settings = this.#settings;
		if (!settings || !this.#info) {
			return refused(request.id, fail('call', 'No plugin is loaded.', 'Load a plugin first.'));
		}
		const traits = this.#traits(this.#info);
		const exported = traits.exports.get(request.export);
		if (!exported || exported.kind !== 'function') {
			return refused(
				request.id,
				fail(
					'call',
					`The module has no exported function "${request.export}".`,
					'Pick one of the functions listed under Exports.'
				)
			);
		}
		// A WASI command runs as a program, through the SDK even when it also looks like a raw-ABI module.
		const command = request.export === COMMAND_EXPORT && traits.command;
		if (this.#isRaw(this.#info, command)) return this.#callRawAsCall(request, exported);
		const sig = exported.signature;
		if (sig && sig.params.length > 0) {
			return refused(request.id, fail('call', ...notCallable(request.export, sig)));
		}
		const tooBig = inputRefusal(request.input.byteLength, settings.memory.maxPages);
		if (tooBig) return refused(request.id, fail('limit', tooBig.message, tooBig.hint));
		this.#call = this.#begin(request.id);
		this.#call.inputBytes = request.input.byteLength;
		this.#call.hostVars = request.hostVars ?? null;
		// The page writes the call's start event; it counts against the streaming allowance all the same.
		this.#call.budget.countStart(Math.min(request.input.byteLength, PREVIEW_LIMIT));
		let output: Uint8Array | null = null;
		let error: PlaygroundError | null = null;
		/** The WASI exit code, when the module exited (proc_exit) or a command's `_start` returned. */
		let exit: number | null = null;
		// The input is a command's stdin (what its start code prints is its output too); an Extism export
		// reads the input with input_load instead.
		// Only a WASI module can write to them: others skip the streams' bookkeeping.
		const stdio = this.#wasi || command;
		if (stdio) this.#stdio.begin(command ? request.input : new Uint8Array(0), command);
		// A command's `_start` runs once per instance (wasi-libc traps on a second run): always a fresh one.
		const ready = this.#ready(settings.freshInstance || command, command);
		const started = ready instanceof Promise ? await ready : ready;
		this.#probe.lastCode = null;
		if (!started.ok) error = started.error;
		else {
			const plugin = this.#plugin as Plugin;
			try {
				const result = await plugin.call(request.export, request.input);
				if (result && !command) output = new Uint8Array(result.arrayBuffer() as ArrayBuffer);
				if (command) exit = 0;
			} catch (err) {
				if (err instanceof ProcExit) exit = err.code;
				else {
					error = classifyCallError(thrownLike(err), {
						exportName: request.export,
						hostFailure: this.#call.hostFailure,
						memoryPages: this.#probe.memoryPages(),
						maxPages: settings.memory.maxPages,
						initialPages: this.#initialPages
					});
				}
			}
			// A module that exited, or a command that ran, is done: the next call starts a fresh instance.
			if (command || exit !== null) this.#plugin = null;
		}
		if (stdio) {
			const streams = this.#stdio.end();
			if (command) output = streams.stdout;
		}
		output ??= new Uint8Array(0);
		const code = this.#probe.lastCode;
		if (!error && exit !== null && exit !== 0) error = procExitError(request.export, exit, command);
		if (!error && code !== null && code !== 0) error = exitError(request.export, code);
		const memoryPages = this.#probe.memoryPages();
		const duration = performance.now() - this.#call.t0;
		// The end event travels in the result's tail, not a message of its own: the caller needs no second one.
		this.#call.pending.push(
			endEvent({
				output,
				duration,
				inputSize: request.input.byteLength,
				memoryPages,
				code,
				exit,
				error
			})
		);
		const tail = this.#settle(this.#call);
		const base = { id: request.id, output, code, exit, memoryPages, tail };
		this.#afterCall(settings);
		return error ? { ...base, ok: false, error } : { ...base, ok: true };
	}

	/** Prepares the next call's instance when that call will not reuse this one. */
	#afterCall(settings: HostSettings) {
		if (settings.freshInstance || !(this.#plugin ?? this.#raw?.alive)) this.#prepareNext();
	}

	/**
	 * (Re)creates the plugin from the cached module under the current settings, whose imports `#check`
	 * found complete; the module's start code runs here. A WASI command always goes through the SDK, which
	 * links WASI and leaves `_start` to the call.
	 */
	async #instantiate(command = false): Promise<Result<object>> {
		const checked = this.#check();
		const settings = this.#settings;
		const info = this.#info;
		const module = this.#module;
		if (!checked.ok) return checked;
		if (!settings || !info || !module)
			return fail('load', 'No module is loaded.', 'Load a plugin first.');
		if (this.#isRaw(info, command)) return this.#instantiateRaw(module, info, settings);
		const mocked = new Set(Object.keys(settings.mocks ?? {}));
		const linked = this.#linkMap(info);
		// Mocks stand in only for what nothing else provides; each import key once across the modules.
		const mocks = [
			...new Map(
				setImports(info, this.#linked)
					.flatMap(({ imports }) => missingImports(imports, { wasi: this.#wasi, linked }))
					.filter((imp) => mocked.has(importKey(imp)))
					.map((imp) => [importKey(imp), { imp, spec: settings.mocks[importKey(imp)] }] as const)
			).values()
		];
		try {
			this.#plugin = await this.#probe.during(() =>
				createPlugin(
					{
						wasm: [
							...this.#linked.map(({ name, module: linkedModule }) => ({
								name,
								module: linkedModule
							})),
							{ name: MAIN_MODULE, module }
						],
						config: settings.config
					},
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
								logs: (level) => this.#logs(level),
								grownBytes: () => grownBytes(this.#probe.memoryPages(), this.#initialPages),
								inputBytes: () => this.#call?.inputBytes ?? 0,
								hostVars: () =>
									this.#call?.hostVars ? { call: this.#call.id, vars: this.#call.hostVars } : null
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
		}
		this.#initialPages = this.#probe.memoryPages() ?? 0;
		return { ok: true };
	}

	async #runRaw(request: RawCallRequest): Promise<RawCallResult> {
		if (this.#preparing) await this.#preparing;
		const settings = this.#settings;
		const empty = {
			id: request.id,
			result: null,
			memoryPages: null,
			tail: []
		};
		if (!settings || !this.#info) {
			return { ...empty, ...fail('call', 'No plugin is loaded.', 'Load a plugin first.') };
		}
		if (!this.#isRaw(this.#info)) {
			return {
				...empty,
				...fail(
					'call',
					'This module is not a raw-ABI plugin: it imports the Extism kernel or exports no allocator (plugin_malloc or malloc).',
					'Run it as an Extism plugin instead.'
				)
			};
		}
		this.#call = this.#begin(request.id);
		this.#emit(RawPlugin.startEvent(request));
		const ready = this.#ready(settings.freshInstance);
		const started = ready instanceof Promise ? await ready : ready;
		if (!started.ok) {
			const duration = this.#elapsed();
			this.#call.pending.push({
				type: 'end',
				t: duration,
				status: 'error',
				error: started.error,
				duration,
				inputSize: request.inputs.reduce((n, b) => n + b.byteLength, 0),
				outputSize: 0,
				memoryPages: null
			});
			const tail = this.#settle(this.#call);
			this.#afterCall(settings);
			return { ...empty, tail, ...started };
		}
		const raw = this.#raw as RawPlugin;
		const { result, error, memoryPages } = raw.call(request);
		const tail = this.#settle(this.#call);
		const base = { id: request.id, result, memoryPages, tail };
		this.#afterCall(settings);
		return error ? { ...base, ok: false, error } : { ...base, ok: true };
	}

	/**
	 * `call` on a raw-ABI module: the input is the export's single (ptr, len) argument (none when it takes
	 * none), the output is the bytes its packed answer points at, and an answer outside memory is an error.
	 */
	async #callRawAsCall(request: CallRequest, exported: ExportInfo): Promise<CallResult> {
		const sig = exported.signature;
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
			exit: null,
			memoryPages: raw.memoryPages,
			tail: raw.tail
		};
		const unreadable = raw.ok && raw.result ? unreadableAnswer(request.export, raw.result) : null;
		const error = raw.ok
			? unreadable
				? fail('plugin', unreadable.message, unreadable.hint).error
				: null
			: raw.error;
		return error ? { ...base, ok: false, error } : { ...base, ok: true };
	}

	/** Instantiates a raw-ABI module without the Extism SDK (see raw-abi.ts). */
	async #instantiateRaw(
		module: WebAssembly.Module,
		info: ModuleInfo,
		settings: HostSettings
	): Promise<Result<object>> {
		const started = await RawPlugin.instantiate(module, info, {
			wasi: this.#wasi,
			maxPages: settings.memory.maxPages,
			sink: { emit: (event) => this.#emit(event), elapsed: () => this.#elapsed() }
		});
		if (!started.ok) return started;
		this.#raw = started.plugin;
		return { ok: true };
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
			pendingBytes: 0,
			budget: new StreamBudget(),
			hostFailure: null,
			inputBytes: 0,
			hostVars: null
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

	#elapsed(): number {
		return this.#call ? performance.now() - this.#call.t0 : 0;
	}

	/**
	 * A plugin write: into the cache, then into the log, so it is on disk before `kv_write` returns. The
	 * main thread gets writes in batches (per window, and when the worker is next idle), which keeps a flood
	 * of writes from flooding its message queue. Without a log each write is sent at once, as before.
	 */
	#kvPut(key: string, value: Uint8Array) {
		const namespace = this.#settings?.namespace ?? '';
		const at = Date.now();
		const seq = this.#kvSeq + 1;
		// Logged first: a write the log refuses fails `kv_write` and changes nothing.
		this.#log?.append({ seq, namespace, key, value, at });
		this.#kvSeq = seq;
		this.#kv.set(key, value);
		if (!this.#log) {
			this.#post({ type: 'kv', namespace, changes: [{ key, value, at }], seq });
			return;
		}
		const now = performance.now();
		if (this.#kvBatch.length === 0) {
			this.#kvBatchStart = now;
			// Runs as soon as the worker is idle: at the latest when the call returns.
			setTimeout(() => this.#kvSend(), 0);
		}
		this.#kvBatch.push({ key, value, at });
		if (now - this.#kvBatchStart >= KV_WINDOW_MS) this.#kvSend();
	}

	/** Posts the batched writes (all of one namespace: a namespace change sends the batch first). */
	#kvSend() {
		if (this.#kvBatch.length === 0) return;
		const changes = this.#kvBatch;
		this.#kvBatch = [];
		this.#log?.flush();
		this.#post({
			type: 'kv',
			namespace: this.#settings?.namespace ?? '',
			changes,
			seq: this.#kvSeq
		});
	}

	/**
	 * Queues an event for the current call; posts it at once unless the call is emitting a flood, whose
	 * events go in batches of bounded size until the call's streaming budget is spent, then are only counted.
	 */
	#emit(event: TraceEvent) {
		const call = this.#call;
		if (!call) return;
		const bytes = eventBytes(event);
		if (!call.budget.admit(event, bytes)) {
			const warning = call.budget.warning(this.#elapsed());
			if (warning) {
				call.pending.push(warning);
				this.#flush();
			}
			return;
		}
		call.pending.push(event);
		call.pendingBytes += bytes;
		const now = performance.now();
		if (now - call.windowStart >= WINDOW_MS) {
			call.windowStart = now;
			call.sentInWindow = 0;
			this.#flush();
		} else if (
			call.sentInWindow < IMMEDIATE_PER_WINDOW ||
			call.pending.length >= BATCH_MAX_EVENTS ||
			call.pendingBytes >= BATCH_MAX_BYTES
		) {
			this.#flush();
		}
	}

	#flush() {
		const call = this.#call;
		if (!call || call.pending.length === 0) return;
		call.sentInWindow++;
		const events = call.pending;
		call.pending = [];
		call.pendingBytes = 0;
		this.#post({ type: 'trace', callId: call.id, events });
	}

	/**
	 * Ends the call's record: its unsent events (with the count of dropped ones just before `end`) travel
	 * in the result's tail. The call's batched KV writes go out first, on the channel the answer follows them on.
	 */
	#settle(call: ActiveCall): TraceEvent[] {
		this.#kvSend();
		this.#call = null;
		const tail = call.pending;
		const last = tail[tail.length - 1];
		const notice = call.budget.notice(last?.t ?? performance.now() - call.t0);
		if (notice) tail.splice(last?.type === 'end' ? tail.length - 1 : tail.length, 0, notice);
		return tail;
	}

	#post(message: WorkerEvent) {
		if (this.#attached) self.postMessage(message);
	}
}

Comlink.expose(new PluginHost(), comlinkEndpoint());

/** What a call refused before it ran answers: no output, and why. */
function refused(id: number, failure: { ok: false; error: PlaygroundError }): CallResult {
	return {
		id,
		output: new Uint8Array(0),
		code: null,
		exit: null,
		memoryPages: null,
		tail: [],
		...failure
	};
}

/**
 * The worker's channel as Comlink sees it: without the session's call messages, which Comlink would
 * otherwise answer as requests of its own.
 */
function comlinkEndpoint(): Comlink.Endpoint {
	const filtered = new Map<EventListenerOrEventListenerObject, (event: Event) => void>();
	return {
		postMessage: (message: unknown, transfer?: Transferable[]) =>
			self.postMessage(message, { transfer: transfer ?? [] }),
		addEventListener(type: string, listener: EventListenerOrEventListenerObject) {
			const only = (event: Event) => {
				if (isCallMessage((event as MessageEvent<unknown>).data)) return;
				if (typeof listener === 'function') listener(event);
				else listener.handleEvent(event);
			};
			filtered.set(listener, only);
			self.addEventListener(type, only);
		},
		removeEventListener(type: string, listener: EventListenerOrEventListenerObject) {
			const only = filtered.get(listener);
			if (only) self.removeEventListener(type, only);
			filtered.delete(listener);
		}
	};
}
