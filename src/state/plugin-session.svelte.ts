/**
 * One loaded plugin: owns its worker and Comlink proxy, runs calls with a timeout, restarts the worker from
 * the cached Module after a stop, keeps the namespace's KV entries in sync with IndexedDB, and assembles
 * each call's trace from the events the worker streams.
 */
import * as Comlink from 'comlink';
import type { RawCall, RawResult } from '../lib/abi/profile';
import type { HostVars } from '../lib/abi/studiobrain/host-vars';
import { fail, type PlaygroundError, type Result } from '../lib/errors';
import { stoppedError, timeoutError, type Interrupted } from '../lib/host/interrupt';
import { reservedBytes } from '../lib/host/memory-budget';
import { type HostSettings } from '../lib/host/settings';
import { transportOf } from '../lib/abi/registry';
import { groupExports } from '../lib/wasm/exports';
import { startCode } from '../lib/wasm/start-code';
import { linkedExports, MAIN_MODULE } from '../lib/wasm/module-set';
import { appendEvents, endAbandoned, endOf, newTrace, startEvent } from '../lib/trace/build';
import { decodeTraceFile } from '../lib/trace/export';
import { callKey, summarizeCall, type CallSummary } from '../lib/trace/call-summary';
import type { CallTrace, StartEvent } from '../lib/trace/types';
import { callTimings, type CallTimings } from '../lib/trace/timings';
import { unpackModuleInfo, type PackedModuleInfo } from '../lib/wasm/pack';
import { transferList } from '../lib/bytes/transfer';
import { EXTISM_USER, type ModuleInfo } from '../lib/wasm/types';
import type { InputMode, PluginSource, PluginState } from '../lib/workspace/types';
import { AbiState } from './abi.svelte';
import { KV_WRITERS, usesKv, type KvAccess } from '../lib/kv/access';
import type {
	CallPhase,
	KvChange,
	KvWritten,
	LinkedSource,
	LoadResult,
	ModuleSource,
	PluginHostApi,
	CallMessage,
	CallResult,
	RawCallResult,
	WorkerEvent
} from '../../workers/protocol';
import { fullAnswer, isWorkerEvent } from '../../workers/protocol';
import type { MemoryBudget } from './memory-budget';
import { newLogName, recoverKvLogs } from './kv-log';
import { joinNamespace, type NamespaceMembership } from './namespace-locks';
import { takeWorker, whenIdle, type HostWorker } from './spare-worker';
import { HISTORY_LIMIT, type Storage } from './storage';

/** One module of a manifest linked into the main one by name, as the Module panel shows it. */
export interface LinkedModule {
	name: string;
	size: number;
	sha256: string;
	/** Its inspection, once known. */
	info: ModuleInfo | null;
}

/** A linked module's bytes, as a manifest gives them. */
export interface LinkedBytes {
	name: string;
	bytes: Uint8Array;
	sha256: string;
}

/** Where the session is in its life. */
export type SessionStatus = 'loading' | 'ready' | 'running' | 'failed';

/** The outcome of the last call, as shown in the Output panel. */
export interface CallOutcome {
	callId: number;
	output: Uint8Array;
	error: PlaygroundError | null;
	code: number | null;
	/** The call's labelled timings (round trip, plugin, host calls, instantiation); null if it never ended. */
	timings: CallTimings | null;
	/** The WASI exit code, when the module exited or ran as a command; null otherwise. */
	exit: number | null;
}

/** A call still running this long gets a standby worker, so a Stop or timeout need not boot one, ms. */
const STANDBY_AFTER_MS = 10;

/** A worker loading the plugin: a start's, or the standby. */
interface Booted extends HostWorker {
	/** Its KV log, when it keeps one. */
	log: string | null;
	/** The load's answer, and whether the log could be opened. */
	loaded: Promise<{ durable: boolean; result: LoadResult }>;
}

/** A standby worker that has loaded the plugin. */
type Loaded = Booted & { durable: boolean; result: LoadResult };

/** Whether a module can write KV (from its packed inspection): only then does its worker keep a KV log. */
const writesKv = (info: PackedModuleInfo) =>
	info.importNames.some(
		(name, i) => KV_WRITERS.has(name) && info.importModules[info.importModule[i]] === EXTISM_USER
	);

export class PluginSession {
	/** Stable id within the workspace. */
	readonly id: string;
	/** Display name. */
	name = $state('');
	/** Where the plugin came from. */
	readonly source: PluginSource;
	/** sha256 of the module bytes. */
	sha256 = $state<string | null>(null);
	/** Size of the module in bytes. */
	size = $state(0);
	/** Lifecycle status. */
	status = $state<SessionStatus>('loading');
	/** The module's inspection, once known (even when linking failed). */
	info = $state.raw<ModuleInfo | null>(null);
	/** A manifest's other modules, linked into this one by name; empty for a plugin of one module. */
	linked = $state.raw<LinkedModule[]>([]);
	/** What imports find by module name in a plugin of several modules: each module's exports by kind. */
	readonly linkMap = $derived(
		this.linked.length && this.info
			? linkedExports([
					{ name: MAIN_MODULE, info: this.info },
					...this.linked.flatMap((l) => (l.info ? [{ name: l.name, info: l.info }] : []))
				])
			: undefined
	);
	/** Why loading failed, when it did. */
	loadError = $state.raw<PlaygroundError | null>(null);
	/** Whether WASI is on for the running instance. */
	wasi = $state(false);
	/** Host settings in force. */
	settings = $state.raw<HostSettings>() as HostSettings;
	/** The export the user will call. */
	exportName = $state('');
	/** The input editor's text. */
	input = $state('');
	/** Vars the host sets before every call and answers during it (StudioBrain's settings and host calls). */
	hostVars = $state.raw<HostVars | null>(null);
	/** How the input text is read. */
	inputMode = $state<InputMode>('text');
	/** The current (or last) call's trace; replaced, never mutated, so views update. */
	trace = $state.raw<CallTrace | null>(null);
	/** The last call's outcome. */
	outcome = $state.raw<CallOutcome | null>(null);
	/** When the running call started (performance.now()), for the elapsed-time display. */
	runningSince = $state<number | null>(null);
	/** The namespace's KV entries, kept in sync with the plugin's writes and IndexedDB. */
	kv = $state.raw<ReadonlyMap<string, Uint8Array>>(new Map());
	/** Why this plugin will not come back after a reload (too large to keep), said when it loads. */
	keepNotice = $state<string | null>(null);
	/** A one-off notice for the user (e.g. that a stop reset the plugin's memory). */
	notice = $state<string | null>(null);
	/** A storage failure the user should know about; data stays in memory meanwhile. */
	storageError = $state.raw<PlaygroundError | null>(null);
	/** This plugin's past calls, oldest first, as summaries; `historyTraces` reads their traces. */
	history = $state.raw<CallSummary[]>([]);
	/** Compile time of the last load, ms; instantiation is timed in each call's trace. */
	timings = $state.raw<{ compileMs: number } | null>(null);
	/** The Hook ABI panel's state: saved with the workspace, gone when the session closes. */
	readonly abi: AbiState;
	/** Runs before each call (the Source pane builds a changed source first); false cancels the call. */
	beforeRun: (() => Promise<boolean>) | null = null;

	readonly #storage: Storage;
	readonly #budget: MemoryBudget | null;
	#worker: Worker | null = null;
	#host: Comlink.Remote<PluginHostApi> | null = null;
	#module: WebAssembly.Module | null = null;
	/** The inspection as the worker sent it, sent back as is when the worker restarts. */
	#packed: PackedModuleInfo | null = null;
	/** The module's bytes, kept to recompile when the memory cap (compiled into the module) changes. */
	#bytes: Uint8Array | null = null;
	/** The linked modules' bytes, for the same reason, and their compiled modules for restarts. */
	#linkedBytes: LinkedBytes[] = [];
	#linkedCompiled: LinkedSource[] | null = null;
	#callId = 0;
	#abort: ((error: PlaygroundError) => void) | null = null;
	#traceDirty = false;
	/** KV writes received but not yet shown, and whether a frame will show them. */
	#kvDraft: Map<string, Uint8Array> | null = null;
	#kvPublish = false;
	/** The restart after a Stop or timeout, while it runs (the call's answer does not wait for it). */
	#restarting: Promise<void> | null = null;
	/**
	 * A second worker with the module loaded and its instance made, booted while a call runs long: a Stop
	 * or timeout swaps it in instead of starting a worker. Dropped when the settings or module change.
	 */
	#standby: Promise<Loaded | null> | null = null;
	/** Set by `dispose`: a restart still under way starts no worker. */
	#disposed = false;
	/** The chain of history writes, so they land in order and `settled()` can wait for them. */
	#historyWrite: Promise<void> = Promise.resolve();
	/** The trace of the running (or last) call, which streamed events extend whatever `trace` shows. */
	#live: CallTrace | null = null;
	/** The running call's answer, awaited from the worker's channel (or given by a timeout or Stop). */
	#answer: {
		id: number;
		resolve: (answer: CallResult | RawCallResult) => void;
		reject: (error: Error) => void;
	} | null = null;
	#pendingKv: (KvWritten & { namespace: string; seq: number; log: string | null })[] = [];
	/** Set when KV writes cannot be logged before they return, so a sudden reload may lose the last ones. */
	logWarning = $state.raw<PlaygroundError | null>(null);
	/** Whether this tab may run the plugin on its namespace (one tab owns a namespace at a time). */
	kvAccess = $state<KvAccess>('checking');
	/** This session's part in its namespace's lock. */
	#membership: NamespaceMembership | null = null;
	/** The current worker's KV log, and logs of terminated workers still to replay. */
	#log: string | null = null;
	#retiredLogs: string[] = [];
	/** The number of the last plugin write received from the current worker, and waiters for one. */
	#kvSeen = 0;
	#kvWaiters = new Set<{ seq: number; resolve: () => void }>();
	/** What the running call is doing, as the worker reported it: a timeout or Stop names the culprit. */
	#phase: CallPhase = 'call';
	/** The export of the running call. */
	#running: string | null = null;
	#kvFlush: Promise<void> | null = null;

	/**
	 * @param budget The tab-wide memory budget the session reserves its Max memory from before its worker
	 * starts; none (tests) reserves nothing.
	 */
	constructor(state: PluginState, storage: Storage, budget: MemoryBudget | null = null) {
		this.#budget = budget;
		this.id = state.id;
		this.name = state.name;
		this.source = state.source;
		this.sha256 = state.sha256;
		this.settings = state.settings;
		this.exportName = state.exportName;
		this.input = state.input;
		this.inputMode = state.inputMode;
		this.abi = new AbiState(state.abi);
		this.#storage = storage;
	}

	/** The plugin's state as plain data, for autosave and share links. */
	snapshot(): PluginState {
		const abi = this.abi.snapshot();
		return {
			id: this.id,
			name: this.name,
			source: $state.snapshot(this.source) as PluginSource,
			sha256: this.sha256,
			...(this.linked.length
				? { linked: this.linked.map(({ name, sha256 }) => ({ name, sha256 })) }
				: {}),
			settings: $state.snapshot(this.settings) as HostSettings,
			exportName: this.exportName,
			input: this.input,
			inputMode: this.inputMode,
			...(abi ? { abi } : {})
		};
	}

	/** The exported functions split for the picker: the plugin's own, and runtime internals (once per load). */
	readonly exportGroups = $derived(
		this.info ? groupExports(this.info) : { callable: [], internal: [], command: false }
	);
	/** Functions the user means to call: the plugin's own, and `_start` of a WASI command. */
	readonly callable = $derived(this.exportGroups.callable);

	/**
	 * Compiles, inspects and starts the plugin from its bytes; `linked` are a manifest's other modules, which
	 * the main module (`bytes`) imports from by name.
	 */
	async load(
		bytes: Uint8Array,
		sha256: string | null = null,
		linked: LinkedBytes[] = []
	): Promise<LoadResult> {
		this.status = 'loading';
		this.sha256 = sha256;
		this.size = bytes.byteLength;
		this.#bytes = bytes;
		this.#linkedBytes = linked;
		this.linked = linked.map(({ name, bytes: b, sha256: hash }) => ({
			name,
			size: b.byteLength,
			sha256: hash,
			info: null
		}));
		const kv = await this.#storage.kvList(this.settings.namespace);
		if (kv.ok) this.kv = kv.entries;
		else this.storageError = kv.error;
		// The list does not hold up the load: the first open after an upgrade migrates old history meanwhile.
		void this.#storage.historyList(this.id).then((past) => {
			if (!past.ok) return;
			const recorded = new Set(this.history.map(callKey));
			const earlier = past.summaries.filter((entry) => !recorded.has(callKey(entry)));
			this.history = [...earlier, ...this.history].slice(-HISTORY_LIMIT);
		});
		const result = await this.#start({ bytes: bytes.slice() }, this.#linkedSources());
		await this.#kvJoin();
		// The worker hashes the bytes, so hashing a big module holds no task of the page.
		if (result.sha256) this.sha256 = result.sha256;
		this.#pickExport();
		return result;
	}

	/** Runs the selected export with `input`; resolves when the call ends, times out or is stopped. */
	run(input: Uint8Array): Promise<CallOutcome | null> {
		// A quick call's answer settles it in the worker's message event: no turn of the event loop between.
		if (this.#restarting || this.beforeRun) return this.#runWhenReady(input);
		return this.#run(input);
	}

	/** `run` once the restart behind a Stop has replayed and `beforeRun` (a build) has agreed. */
	async #runWhenReady(input: Uint8Array): Promise<CallOutcome | null> {
		if (this.#restarting) await this.#replayed();
		if (this.kvAccess !== 'owned') return null;
		if (this.beforeRun && !(await this.beforeRun())) return null;
		return this.#run(input);
	}

	#run(input: Uint8Array): Promise<CallOutcome | null> {
		if (this.kvAccess !== 'owned') return Promise.resolve(null);
		const exportName = this.exportName;
		const hostVars = this.hostVars;
		// The page opens the call's trace itself: the worker sends only what happens there, and a quick call
		// costs one message each way.
		return this.#execute<CallResult, CallOutcome>(
			exportName,
			(id) => ({
				type: 'call',
				request: { id, export: exportName, input, ...(hostVars ? { hostVars } : {}) }
			}),
			transferList(input),
			() => startEvent(exportName, input),
			({ id, answer }) => {
				const timings = this.#record();
				const outcome: CallOutcome =
					'kind' in answer
						? {
								callId: id,
								output: new Uint8Array(0),
								error: answer,
								code: null,
								exit: null,
								timings
							}
						: {
								callId: id,
								output: answer.output,
								error: answer.ok ? null : answer.error,
								code: answer.code,
								exit: answer.exit,
								timings
							};
				this.outcome = outcome;
				this.#compareWithRecording(outcome);
				return outcome;
			}
		);
	}

	/**
	 * Waits for the restart behind a Stop or timeout: ready at once, it may still be replaying the stopped
	 * worker's unsent KV writes (until the browser lets go of that worker's log), which a call must see. The
	 * plugin shows as loading meanwhile.
	 */
	async #replayed(): Promise<void> {
		const restarting = this.#restarting;
		if (!restarting) return;
		if (this.status === 'ready') this.status = 'loading';
		await restarting;
		if (this.status === 'loading' && this.#host) this.status = 'ready';
	}

	/** Stops the running call: terminates the worker and brings a fresh one up from the cached Module. */
	stop(): void {
		this.#abort?.(stoppedError(this.#interrupted(this.#running ?? this.exportName)));
	}

	/** Where the running call is, for the timeout and Stop messages. */
	#interrupted(exportName: string): Interrupted {
		const info = this.info;
		return {
			exportName,
			phase: this.#phase,
			startCode: info ? startCode(info, transportOf(info) === 'raw') : [],
			timeoutMs: this.settings.timeoutMs
		};
	}

	/** Applies new host settings; re-instantiates the plugin (cheap: the module is cached). */
	async configure(settings: HostSettings): Promise<void> {
		// A restart after Stop or a timeout finishes first, so the settings apply to the fresh worker.
		await this.#restarting;
		this.#dropStandby();
		const namespaceChanged = settings.namespace !== this.settings.namespace;
		const memoryChanged = settings.memory.maxPages !== this.settings.memory.maxPages;
		this.settings = settings;
		if (namespaceChanged) {
			this.#kvDraft = null;
			await this.#kvJoin();
			const kv = await this.#storage.kvList(settings.namespace);
			this.kv = kv.ok ? kv.entries : new Map();
			if (!kv.ok) this.storageError = kv.error;
			await this.#host?.kvReset(settings.namespace, Object.fromEntries(this.kv));
		}
		if (this.status === 'running') return;
		// No worker means the tab's memory budget refused the plugin: apply the settings by trying again.
		if ((memoryChanged || !this.#host) && this.#bytes) {
			// The cap is written into the module, so a new cap means compiling the bytes again.
			await this.#start({ bytes: this.#bytes.slice() }, this.#linkedSources());
			this.#pickExport();
			return;
		}
		if (!this.#host) return;
		const result = await this.#host.configure($state.snapshot(settings) as HostSettings);
		this.wasi = result.wasi;
		if (result.ok) {
			this.loadError = null;
			this.status = 'ready';
		} else {
			this.loadError = result.error;
			this.status = 'failed';
		}
	}

	/** Sets or deletes KV entries from the KV view; the plugin sees them on its next call. */
	async kvEdit(changes: KvChange[]): Promise<void> {
		this.#publishKv();
		const next = new Map(this.kv);
		for (const { key, value } of changes) {
			if (value === null) next.delete(key);
			else next.set(key, value);
		}
		this.kv = next;
		await this.#host?.kvApply(this.settings.namespace, changes);
		const saved = await this.#storage.kvWrite(this.settings.namespace, changes);
		this.storageError = saved.ok ? null : saved.error;
	}

	/**
	 * Selects the first callable export when the selected one is not (yet) a function of the module; a
	 * remembered internal one (chosen by hand, or from a link) is kept, but never picked by default.
	 */
	#pickExport(): void {
		const { callable, internal } = this.exportGroups;
		if (this.info && !callable.includes(this.exportName) && !internal.includes(this.exportName)) {
			this.exportName = callable[0] ?? '';
		}
	}

	/** Ends the session and its worker. */
	dispose(): void {
		this.#disposed = true;
		this.#dropStandby();
		this.#teardown();
		this.#membership?.leave();
		this.#membership = null;
		this.#budget?.release(this.id);
	}

	/** Takes this plugin's KV namespace over from the tab that uses it; Run comes back once it is reloaded. */
	takeOverKv(): void {
		this.#membership?.takeOver();
	}

	/**
	 * Joins the lock of the current namespace (leaving the last one's) when the plugin imports KV; resolves
	 * once it is known whether this tab owns it, after the last owner's writes were stored and dead logs
	 * replayed and the namespace reloaded.
	 */
	async #kvJoin(): Promise<void> {
		this.#membership?.leave();
		this.#membership = null;
		// A plugin that cannot touch KV needs no say over the namespace, and an embed's KV is its own memory.
		if (this.#storage.detached || !usesKv(this.info?.imports ?? [])) {
			this.kvAccess = 'owned';
			return;
		}
		await new Promise<void>((decided) => {
			this.#membership = joinNamespace(this.settings.namespace, {
				gained: async () => {
					const recovered = await recoverKvLogs(this.#storage);
					if (!recovered.ok) this.storageError = recovered.error;
					await this.#kvReload();
				},
				drain: () => this.#kvDrain(),
				changed: (access) => {
					this.kvAccess = access;
					if (access !== 'checking' && access !== 'syncing') decided();
				}
			});
		});
	}

	/** Reads the namespace from IndexedDB into the view and, when running, the worker's cache. */
	async #kvReload(): Promise<void> {
		const kv = await this.#storage.kvList(this.settings.namespace);
		if (!kv.ok) {
			this.storageError = kv.error;
			return;
		}
		this.#kvDraft = null;
		this.kv = kv.entries;
		await this.#host?.kvReset(this.settings.namespace, Object.fromEntries(kv.entries));
	}

	/** Stores every write this session made, including those only a terminated worker's log holds. */
	async #kvDrain(): Promise<void> {
		await this.settled();
		await this.#kvRecoverRetired();
	}

	/** Replays the logs of workers this session terminated, once they let go of them. */
	async #kvRecoverRetired(): Promise<boolean> {
		if (this.#retiredLogs.length === 0) return false;
		const retired = this.#retiredLogs;
		this.#retiredLogs = [];
		while (this.#kvFlush) await this.#kvFlush;
		const recovered = await recoverKvLogs(this.#storage, retired);
		if (!recovered.ok) this.storageError = recovered.error;
		return recovered.ok && recovered.applied > 0;
	}

	/** The linked modules as bytes to compile (copies: the originals stay for the next compile). */
	#linkedSources(): LinkedSource[] {
		return this.#linkedBytes.map(({ name, bytes }) => ({ name, source: { bytes: bytes.slice() } }));
	}

	async #start(
		source: { bytes: Uint8Array } | null,
		linkedSources: LinkedSource[] | null = null
	): Promise<LoadResult> {
		this.#dropStandby();
		this.#teardown();
		// No call goes to a worker that has not loaded the module yet.
		this.status = 'loading';
		// Writes the old worker logged but never sent are replayed first, so the new worker reads them.
		if (await this.#kvRecoverRetired()) await this.#kvReload();
		// Closed meanwhile (a restart after Stop runs behind the page): start nothing.
		if (this.#disposed) {
			const closed = fail('load', 'This plugin was closed.', 'Open it again to use it.');
			return { ...closed, info: null, module: null };
		}
		const reserved = this.#reserve();
		if (reserved && !reserved.ok) {
			// No worker: `configure` tries again, e.g. once the user lowered Max memory.
			this.status = 'failed';
			this.loadError = reserved.error;
			return { ...reserved, info: this.#packed, module: this.#module };
		}
		const src =
			source ??
			(this.#module && this.#packed ? { module: this.#module, info: this.#packed } : null);
		if (!src) {
			const error = fail('load', 'Nothing to restart from.', 'Load the plugin again.');
			this.status = 'failed';
			this.loadError = error.error;
			return { ...error, info: null, module: null };
		}
		const booted = this.#boot(src, linkedSources ?? this.#linkedCompiled ?? []);
		// The session's at once: KV edits and settings sent meanwhile queue behind the load.
		this.#attach(booted);
		const { durable, result } = await booted.loaded;
		if (this.#host !== booted.host) return result;
		return this.#adopt(booted, durable, result);
	}

	/**
	 * Takes a worker (the spare when there is one) and loads the module into it, with the session's settings
	 * and KV; its events reach the session only once it is adopted. Its KV log is opened when the module can
	 * write KV (known after the first load; before it, it is opened meanwhile).
	 */
	#boot(src: ModuleSource, linked: LinkedSource[]): Booted {
		const { worker, host } = takeWorker();
		// Its events share the worker's channel with Comlink's replies; they count once it is attached.
		worker.addEventListener('message', (event: MessageEvent<unknown>) => {
			if (this.#worker === worker && isWorkerEvent(event.data)) this.#onEvent(event.data);
		});
		const loading = host.load(
			Comlink.transfer(
				{
					source: src,
					settings: $state.snapshot(this.settings) as HostSettings,
					kv: Object.fromEntries(this.kv),
					...(linked.length ? { linked } : {})
				},
				[
					...('bytes' in src ? [src.bytes.buffer] : []),
					...linked.flatMap((l) => ('bytes' in l.source ? [l.source.bytes.buffer] : []))
				]
			)
		);
		const booted: Booted = { worker, host, log: null, loaded: null as never };
		// An embed keeps nothing, so it logs nothing either (and asks the browser for no storage).
		const openLog = async () => {
			if (this.#storage.detached) return false;
			booted.log = newLogName();
			return host.kvOpenLog(this.#storage.prefix, booted.log);
		};
		// A compiled module is the one `#packed` describes; bytes are inspected by the load, the log waits.
		const known = 'bytes' in src ? null : src.info;
		booted.loaded = known
			? Promise.all([writesKv(known) ? openLog() : false, loading]).then(([durable, result]) => ({
					durable,
					result
				}))
			: loading.then(async (result) => ({
					durable: result.info && writesKv(result.info) ? await openLog() : false,
					result
				}));
		return booted;
	}

	/** Makes a worker the session's: calls go to it, its events and KV log are the session's. */
	#attach(booted: Booted): void {
		this.#worker = booted.worker;
		this.#host = booted.host;
		this.#log = booted.log;
		this.#kvSeen = 0;
	}

	/** Takes in what the attached worker's load learnt: its KV log, the inspection, the module, the status. */
	#adopt(booted: Booted, durable: boolean, result: LoadResult): LoadResult {
		this.#log = durable ? booted.log : null;
		this.logWarning =
			durable || !booted.log
				? null
				: fail(
						'storage',
						'KV writes are not logged to disk here (this browser or embed offers no private file system or Web Locks), so a write made just before the page closes can be lost.',
						'Open the playground in its own tab of a current Chromium, Firefox or Safari to keep every write.'
					).error;
		this.#packed = result.info;
		this.info = result.info ? unpackModuleInfo(result.info) : null;
		this.#module = result.module;
		this.#keepLinked(result);
		this.wasi = result.wasi ?? false;
		// Max memory bounds growth from instantiation on (as natively): the initial memory comes on top.
		const resized = result.ok ? this.#reserve() : null;
		if (resized && !resized.ok) {
			this.#teardown();
			this.loadError = resized.error;
			this.status = 'failed';
			return { ...resized, info: result.info, module: result.module };
		}
		if (result.ok) {
			this.timings = { compileMs: result.compileMs };
			this.loadError = null;
			this.status = 'ready';
		} else {
			this.loadError = result.error;
			this.status = 'failed';
		}
		return result;
	}

	/** Ends a booted worker that was never adopted (or whose session moved on). */
	#terminate(booted: Booted): void {
		booted.host[Comlink.releaseProxy]();
		booted.worker.terminate();
		// Its log holds no write (no call ran there): the next recovery finds it dead and deletes it.
	}

	/** Boots the standby for the module in force, unless there is one. */
	#prepareStandby(): void {
		if (this.#standby || this.#disposed || !this.#module || !this.#packed) return;
		const booted = this.#boot(
			{ module: this.#module, info: this.#packed },
			this.#linkedCompiled ?? []
		);
		const standby = booted.loaded.then(({ durable, result }) => {
			if (this.#standby === standby && result.ok) return { ...booted, durable, result };
			this.#terminate(booted);
			return null;
		});
		this.#standby = standby;
	}

	/** Ends the standby: the settings or module it was loaded with no longer hold. */
	#dropStandby(): void {
		const standby = this.#standby;
		this.#standby = null;
		void standby?.then((booted) => booted && this.#terminate(booted));
	}

	/**
	 * Reserves this plugin's share of the tab budget: Max memory plus the initial memory of its modules,
	 * once known (before the first load it is not, and nothing has been instantiated yet).
	 */
	#reserve(): Result<object> | undefined {
		const initial = [this.info, ...this.linked.map((l) => l.info)].reduce(
			(sum, info) =>
				sum + (info?.memories ?? []).reduce((n, m) => n + (m.imported ? 0 : m.minPages), 0),
			0
		);
		return this.#budget?.reserve({
			id: this.id,
			name: this.name,
			bytes: reservedBytes(this.settings.memory.maxPages, initial, this.#budget.total)
		});
	}

	/** Keeps what the worker learnt of the linked modules: their inspection, and modules for restarts. */
	#keepLinked(result: LoadResult) {
		if (!result.linked) return;
		const loaded = new Map(result.linked.map((l) => [l.name, l]));
		this.linked = this.linked.map((l) => {
			const info = loaded.get(l.name)?.info;
			return { ...l, info: info ? unpackModuleInfo(info) : l.info };
		});
		const compiled = result.linked.flatMap(({ name, module, info }) =>
			module && info ? [{ name, source: { module, info } }] : []
		);
		this.#linkedCompiled = compiled.length === result.linked.length ? compiled : null;
	}

	/**
	 * After a Stop or timeout: the standby, when there is one, becomes the session's worker at once (given
	 * the KV as it is now); the stopped worker's unsent writes are then replayed from its log, and `run`
	 * waits for that; then the next standby boots. Without a standby, a worker is started from the cached
	 * Module.
	 */
	async #restart(): Promise<void> {
		const standby = this.#standby;
		this.#standby = null;
		const booted = standby ? await standby : null;
		if (!booted || this.#disposed || this.#host) {
			if (booted) this.#terminate(booted);
			if (!this.#host) await this.#start(null);
			return;
		}
		this.#publishKv();
		this.#attach(booted);
		this.#adopt(booted, booted.durable, booted.result);
		const host = booted.host;
		await host.kvReset(this.settings.namespace, Object.fromEntries(this.kv));
		if ((await this.#kvRecoverRetired()) && this.#host === host) await this.#kvReload();
		// A plugin that was stopped once may well be again: the next standby boots when the page is idle.
		whenIdle(() => {
			if (this.#host === host) this.#prepareStandby();
		});
	}

	#teardown() {
		if (this.#log) this.#retiredLogs.push(this.#log);
		this.#log = null;
		// A terminated worker never answers: whoever waits for its writes stops waiting.
		for (const waiter of this.#kvWaiters) waiter.resolve();
		this.#kvWaiters.clear();
		this.#host?.[Comlink.releaseProxy]();
		this.#worker?.terminate();
		this.#worker = null;
		this.#host = null;
	}

	#onEvent(message: WorkerEvent) {
		if (message.type === 'answer') {
			if (message.result.id === this.#answer?.id) this.#answer.resolve(message.result);
			return;
		}
		if (message.type === 'done') {
			if (message.id === this.#answer?.id) this.#answer.resolve(fullAnswer(message));
			return;
		}
		if (message.type === 'thrown') {
			if (message.id === this.#answer?.id) this.#answer.reject(new Error(message.message));
			return;
		}
		if (message.type === 'kv') {
			this.#applyPluginWrites(message.namespace, message.changes, message.seq);
			return;
		}
		if (message.type === 'phase') {
			if (message.callId === this.#callId) this.#phase = message.phase;
			return;
		}
		const trace = this.#live;
		if (!trace || message.callId !== trace.id) return;
		appendEvents(trace, message.events);
		if (!this.#traceDirty) {
			this.#traceDirty = true;
			requestAnimationFrame(() => this.#flushTrace());
		}
	}

	/** Publishes appended events by replacing the trace object (its events array is shared). */
	#flushTrace() {
		this.#traceDirty = false;
		const live = this.#live;
		// Publish only while the running call is the one shown (History or an import may show another).
		if (live && this.trace?.id === live.id && this.trace.startedAt === live.startedAt) {
			this.trace = { ...live };
		}
	}

	/** A plugin wrote KV entries: show them and persist them, batching writes that arrive together. */
	#applyPluginWrites(namespace: string, changes: KvWritten[], seq: number) {
		if (namespace === this.settings.namespace) {
			// Thousands of writes can arrive in one call: edit one private copy, publish it once per frame.
			this.#kvDraft ??= new Map(this.kv);
			for (const { key, value } of changes) {
				if (value === null) this.#kvDraft.delete(key);
				else this.#kvDraft.set(key, value);
			}
			if (!this.#kvPublish) {
				this.#kvPublish = true;
				requestAnimationFrame(() => this.#publishKv());
			}
		}
		const log = this.#log;
		for (const change of changes) this.#pendingKv.push({ ...change, namespace, seq, log });
		this.#kvFlush ??= this.#persistKv();
		this.#kvSeen = seq;
		for (const waiter of this.#kvWaiters) if (seq >= waiter.seq) waiter.resolve();
	}

	/** Shows the plugin's KV writes gathered since the last frame. */
	#publishKv() {
		this.#kvPublish = false;
		if (this.#kvDraft) this.kv = this.#kvDraft;
		this.#kvDraft = null;
	}

	/** Writes queued KV changes, one transaction per namespace, until none are left. */
	async #persistKv() {
		// Let writes that arrive in the same burst join this batch.
		await Promise.resolve();
		while (this.#pendingKv.length) {
			const batch = this.#pendingKv;
			this.#pendingKv = [];
			const byNamespace = new Map<string, KvWritten[]>();
			for (const { namespace, key, value, at } of batch) {
				let list = byNamespace.get(namespace);
				if (!list) byNamespace.set(namespace, (list = []));
				list.push({ key, value, at });
			}
			let saved = true;
			for (const [namespace, writes] of byNamespace) {
				const result = await this.#storage.kvWrite(namespace, writes);
				this.storageError = result.ok ? null : result.error;
				saved &&= result.ok;
			}
			// Stored: the worker's log may drop them (only the current worker's; a retired log is replayed).
			const last = batch[batch.length - 1];
			if (saved && last.log !== null && last.log === this.#log) void this.#host?.kvAck(last.seq);
		}
		this.#kvFlush = null;
	}

	/** Waits until every write the worker has made has arrived and been applied. */
	async #kvCaughtUp(): Promise<void> {
		const host = this.#host;
		if (!host) return;
		const seq = await this.#kvWait(Infinity, host.kvSync());
		if (this.#host === host && this.#kvSeen < seq) await this.#kvWait(seq);
	}

	/**
	 * Resolves when write `seq` has arrived, or `answer` settles, or the worker is torn down (then with 0).
	 */
	async #kvWait(seq: number, answer?: Promise<number>): Promise<number> {
		let waiter = { seq, resolve: () => {} };
		const arrived = new Promise<number>((resolve) => {
			waiter = { seq, resolve: () => resolve(0) };
		});
		this.#kvWaiters.add(waiter);
		try {
			return await Promise.race(answer ? [answer, arrived] : [arrived]);
		} finally {
			this.#kvWaiters.delete(waiter);
		}
	}

	/** Resolves once every plugin write and history entry so far is in IndexedDB (tests, benchmarks). */
	async settled(): Promise<void> {
		await this.#restarting;
		await this.#kvCaughtUp();
		while (this.#kvFlush) await this.#kvFlush;
		await this.#historyWrite;
	}

	/** Deletes every entry of the namespace, in IndexedDB and in the plugin's cache; its next read finds none. */
	async kvClear(): Promise<void> {
		const namespace = this.settings.namespace;
		// Plugin writes still queued would land after the clear and bring entries back.
		await this.settled();
		this.#kvDraft = null;
		this.kv = new Map();
		await this.#host?.kvReset(namespace, {});
		const cleared = await this.#storage.kvClear(namespace);
		this.storageError = cleared.ok ? null : cleared.error;
	}

	/** The traces of the last imported export file, for viewing only: never re-run, not persisted. */
	imported = $state.raw<{ fileName: string; traces: CallTrace[] } | null>(null);

	/** Reads a trace export file (`lib/trace/export.ts`) into `imported` and shows its newest trace. */
	importTraces(text: string, fileName: string): Result<{ count: number }> {
		if (this.status === 'running') {
			// The running call streams its events into `trace`; it must stay the one shown.
			return fail(
				'call',
				'A call is running, so its trace stays in view.',
				'Import the file once the call has finished, or stop it first.'
			);
		}
		const decoded = decodeTraceFile(text);
		if (!decoded.ok) return decoded;
		this.imported = { fileName, traces: decoded.traces };
		this.trace = decoded.traces[decoded.traces.length - 1] ?? null;
		return { ok: true, count: decoded.traces.length };
	}

	/**
	 * Runs an export of a raw-ABI module (Bifrost's): each input is placed in the module's memory with its
	 * own allocator and passed as a (ptr, len) pair; the trace shows malloc, write, call, packed and free.
	 * Same timeout, stop, trace streaming and history as `run`. The result is what the host observed (packed
	 * value, pointer, length, bytes): decode it with the ABI profile. Resolves null when no call can start
	 * (not loaded, or busy) or a newer call replaced this one.
	 */
	async runRaw(call: RawCall, hook?: string): Promise<RawOutcome | null> {
		if (this.#restarting) await this.#replayed();
		if (this.kvAccess !== 'owned') return null;
		if (this.beforeRun && !(await this.beforeRun())) return null;
		return this.#execute<RawCallResult, RawOutcome>(
			call.export,
			(id) => ({
				type: 'callRaw',
				request: { id, export: call.export, inputs: call.inputs, ...(hook ? { hook } : {}) }
			}),
			[],
			null,
			({ id, duration, answer }) => {
				const result = 'kind' in answer ? null : answer.result;
				const error = 'kind' in answer ? answer : answer.ok ? null : answer.error;
				this.outcome = {
					callId: id,
					output: result?.bytes ?? new Uint8Array(0),
					error,
					code: result?.code ?? null,
					exit: null,
					timings: this.#record()
				};
				return { callId: id, result, error, duration };
			}
		);
	}

	/**
	 * One worker call with `run`'s machinery: a new trace and call id, the timeout and Stop (which terminate
	 * the worker and restart it), and the streamed events joined with the result's tail. `finish` turns the
	 * worker's answer, or the timeout/stop error, into the caller's result; the promise is null when no call
	 * could start or a newer one replaced it. The request goes on the worker's channel with `transfer`; the
	 * answer comes back on it after the call's events and KV writes, so nothing is left to wait for, and the
	 * call is settled in that message's own event. `start` writes the event that opens the trace when the
	 * page writes it (a `call`); a raw call's worker sends its own.
	 */
	#execute<R extends CallResult | RawCallResult, T>(
		exportName: string,
		request: (id: number) => CallMessage,
		transfer: Transferable[],
		start: (() => StartEvent) | null,
		finish: (done: { id: number; duration: number; answer: R | PlaygroundError }) => T
	): Promise<T | null> {
		const worker = this.#worker;
		if (this.status !== 'ready' || !this.#host || !worker) return Promise.resolve(null);
		const id = ++this.#callId;
		let settle!: (value: T | null) => void;
		let fail!: (error: unknown) => void;
		const settled = new Promise<T | null>((resolve, reject) => {
			settle = resolve;
			fail = reject;
		});
		let timer: ReturnType<typeof setTimeout> | undefined;
		const close = () => {
			clearTimeout(timer);
			this.#answer = null;
			this.#abort = null;
		};
		const answered = (answer: R | PlaygroundError) => {
			close();
			this.#running = null;
			if (id !== this.#callId) return settle(null);
			// After a timeout or Stop, the call resolves once a standby booted meanwhile has taken over.
			const standby = 'kind' in answer ? this.#standby : null;
			try {
				const result = finish(this.#ended(id, t0, answer));
				if (standby) {
					const done = () => settle(result);
					void standby.then(done, done);
				} else settle(result);
			} catch (error) {
				fail(error);
			}
		};
		// The worker answers with an R: the request says which kind of call it is.
		this.#answer = {
			id,
			resolve: answered as (answer: CallResult | RawCallResult) => void,
			reject: (error) => {
				close();
				fail(error);
			}
		};
		this.#abort = answered;
		// The request goes first: the worker runs the call while the page does its own bookkeeping below,
		// which then adds nothing to the round trip. The start event copies the input's head, so it is written
		// first only when the input is transferred.
		const opening = start && transfer.length > 0 ? start() : null;
		const t0 = performance.now();
		try {
			worker.postMessage(request(id), transfer);
		} catch (error) {
			close();
			return Promise.reject(error);
		}
		this.#live = newTrace(id, { id: this.id, name: this.name }, exportName, Date.now());
		if (this.sha256) this.#live.module = this.sha256;
		if (start) appendEvents(this.#live, [opening ?? start()]);
		this.trace = this.#live;
		this.outcome = null;
		this.notice = null;
		this.status = 'running';
		this.runningSince = t0;
		this.#phase = 'call';
		this.#running = exportName;
		// One timer per call: first for the standby, which only a call that runs on needs, then the timeout.
		const timeoutMs = this.settings.timeoutMs;
		const timeUp = () => this.#abort?.(timeoutError(this.#interrupted(exportName)));
		timer = setTimeout(
			() => {
				const left = timeoutMs - (performance.now() - t0);
				if (left <= 0) return timeUp();
				this.#prepareStandby();
				timer = setTimeout(timeUp, left);
			},
			Math.min(STANDBY_AFTER_MS, timeoutMs)
		);
		return settled;
	}

	/**
	 * Ends the current call's trace with the worker's answer (or the timeout/stop error) and sets the state
	 * that follows it: ready, or restarting after a timeout or Stop.
	 */
	#ended<R extends CallResult | RawCallResult>(
		id: number,
		t0: number,
		answer: R | PlaygroundError
	): { id: number; duration: number; answer: R | PlaygroundError } {
		const duration = performance.now() - t0;
		// The round trip as the person saw it, labelled apart from the worker's own figures.
		if (this.#live) this.#live.roundTrip = duration;
		if ('kind' in answer) {
			// Timeout or stop: the worker may be spinning; the only way out is to terminate it.
			if (this.#live) endAbandoned(this.#live, answer, duration);
			this.#flushTrace();
			this.runningSince = null;
			// The spinning worker goes now, and the error shows at once: a fresh worker comes up behind it
			// (replaying the old one's KV log first), and Run returns when it is ready.
			this.#teardown();
			this.status = 'loading';
			this.notice =
				answer.kind === 'stopped'
					? 'The call was stopped and the plugin restarted from its compiled module: its memory (globals, vars) was reset. KV data is kept.'
					: 'The plugin was restarted after the timeout: its memory (globals, vars) was reset. KV data is kept.';
			const restarting = this.#restart().finally(() => {
				if (this.#restarting === restarting) this.#restarting = null;
			});
			this.#restarting = restarting;
		} else {
			if (this.#live) appendEvents(this.#live, answer.tail);
			this.#publishKv();
			this.#flushTrace();
			this.runningSince = null;
			this.status = 'ready';
		}
		return { id, duration, answer };
	}

	/** Adds the finished trace to this plugin's history and persists it; returns the call's timings. */
	#record(): CallTimings | null {
		const finished = this.#live;
		if (!finished) return null;
		const summary = summarizeCall(finished);
		const kept = this.history.length < HISTORY_LIMIT ? this.history : this.history.slice(1);
		this.history = [...kept, summary];
		// Off the call's critical path: the result is shown at once, the history write follows (settled()).
		this.#historyWrite = this.#historyWrite.then(
			() =>
				new Promise<void>((resolve) =>
					setTimeout(async () => {
						const saved = await this.#storage.historyAdd(finished);
						if (!saved.ok) this.storageError = saved.error;
						resolve();
					}, 0)
				)
		);
		return summary.end?.timings ?? null;
	}

	/**
	 * The full traces of History entries, read from IndexedDB (after pending history writes land); null
	 * when they cannot be read. Entries whose trace is gone (the history keeps the last calls of all
	 * plugins) leave the list, with a notice.
	 */
	async historyTraces(entries: readonly CallSummary[]): Promise<CallTrace[] | null> {
		await this.#historyWrite;
		const read = await this.#storage.historyTraces(entries);
		if (!read.ok) {
			this.storageError = read.error;
			return null;
		}
		const gone = new Set(entries.filter((_, i) => !read.traces[i]).map(callKey));
		if (gone.size === 0) return read.traces.filter((t) => t !== null);
		this.history = this.history.filter((entry) => !gone.has(callKey(entry)));
		this.notice = `${gone.size === 1 ? 'That call is' : 'Those calls are'} no longer stored: the history keeps the last ${HISTORY_LIMIT} calls of all plugins.`;
		return null;
	}

	/** Shows a History entry's trace, read when opened; a later pick or a call started meanwhile wins. */
	async showPast(entry: CallSummary): Promise<void> {
		const pick = ++this.#pastPick;
		const [trace] = (await this.historyTraces([entry])) ?? [];
		if (trace && pick === this.#pastPick && this.status !== 'running') this.trace = trace;
	}

	/** Increases with each History pick, so only the last one read is shown. */
	#pastPick = 0;

	/** The module's bytes, once loaded (for share links and workspace files). */
	get bytes(): Uint8Array | null {
		return this.#bytes;
	}

	/** The manifest's linked modules' bytes, in manifest order (empty for a plugin of one module). */
	get linkedBytes(): readonly LinkedBytes[] {
		return this.#linkedBytes;
	}

	/** A result recorded elsewhere (a share link) shown without running anything; cleared by a live run. */
	recording = $state.raw<{ output: Uint8Array | null; trace: CallTrace } | null>(null);
	/** After a live run of a recorded call: whether the live result matched the recording. */
	recordingMatch = $state<'same' | 'differs' | null>(null);

	/** Shows a recorded call as the current trace and output, marked as recorded; runs nothing. */
	showRecorded(recorded: { output: Uint8Array | null; trace: CallTrace }): void {
		const end = endOf(recorded.trace);
		this.recording = recorded;
		this.recordingMatch = null;
		this.trace = recorded.trace;
		this.outcome = {
			callId: recorded.trace.id,
			output: recorded.output ?? new Uint8Array(0),
			error: end?.error ?? null,
			code: end?.code ?? null,
			exit: end?.exit ?? null,
			timings: callTimings(recorded.trace)
		};
	}

	/** Compares a live outcome with the recording it replaces: same output bytes and same error kind. */
	#compareWithRecording(outcome: CallOutcome): void {
		const recorded = this.recording;
		if (!recorded) return;
		const before = recorded.output ?? new Uint8Array(0);
		const sameBytes =
			before.byteLength === outcome.output.byteLength &&
			before.every((b, i) => b === outcome.output[i]);
		const sameError =
			(endOf(recorded.trace)?.error?.kind ?? null) === (outcome.error?.kind ?? null);
		this.recordingMatch = sameBytes && sameError ? 'same' : 'differs';
	}
}

/** The outcome of a raw-ABI call (`runRaw`): what the host observed, or why the call failed. */
export interface RawOutcome {
	callId: number;
	/** Null when the call failed before the export answered. */
	result: RawResult | null;
	/** The call's failure (trap, timeout, stop...); decoding the answer may find more. */
	error: PlaygroundError | null;
	duration: number;
}
