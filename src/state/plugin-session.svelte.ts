/**
 * One loaded plugin: owns its worker and Comlink proxy, runs calls with a timeout, restarts the worker from
 * the cached Module after a stop, keeps the namespace's KV entries in sync with IndexedDB, and assembles
 * each call's trace from the events the worker streams.
 */
import * as Comlink from 'comlink';
import type { RawCall, RawResult } from '../lib/abi/profile';
import { fail, type PlaygroundError, type Result } from '../lib/errors';
import { type HostSettings } from '../lib/host/settings';
import { appendEvents, endAbandoned, endOf, newTrace } from '../lib/trace/build';
import { decodeTraceFile } from '../lib/trace/export';
import type { CallTrace, TraceEvent } from '../lib/trace/types';
import type { ModuleInfo } from '../lib/wasm/types';
import type { InputMode, PluginSource, PluginState } from '../lib/workspace/types';
import type {
	KvChange,
	LoadResult,
	PluginHostApi,
	CallResult,
	RawCallResult,
	WorkerEvent
} from '../../workers/protocol';
import { HISTORY_LIMIT, type Storage } from './storage';

/** Where the session is in its life. */
export type SessionStatus = 'loading' | 'ready' | 'running' | 'failed';

/** The outcome of the last call, as shown in the Output panel. */
export interface CallOutcome {
	callId: number;
	output: Uint8Array;
	error: PlaygroundError | null;
	code: number | null;
	duration: number;
}

/** Starts a plugin host worker. Vite bundles the worker from this URL. */
function spawnWorker(): Worker {
	return new Worker(new URL('../../workers/plugin-host.ts', import.meta.url), {
		type: 'module',
		name: 'plugin-host'
	});
}

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
	/** A one-off notice for the user (e.g. that a stop reset the plugin's memory). */
	notice = $state<string | null>(null);
	/** A storage failure the user should know about; data stays in memory meanwhile. */
	storageError = $state.raw<PlaygroundError | null>(null);
	/** This plugin's past calls, oldest first, as persisted in IndexedDB. */
	history = $state.raw<CallTrace[]>([]);
	/** Compile and instantiate times of the last load, ms. */
	timings = $state.raw<{ compileMs: number; instantiateMs: number } | null>(null);

	readonly #storage: Storage;
	#worker: Worker | null = null;
	#host: Comlink.Remote<PluginHostApi> | null = null;
	#port: MessagePort | null = null;
	#module: WebAssembly.Module | null = null;
	/** The module's bytes, kept to recompile when the memory cap (compiled into the module) changes. */
	#bytes: Uint8Array | null = null;
	#callId = 0;
	#abort: ((error: PlaygroundError) => void) | null = null;
	#traceDirty = false;
	/** KV writes received but not yet shown, and whether a frame will show them. */
	#kvDraft: Map<string, Uint8Array> | null = null;
	#kvPublish = false;
	/** The chain of history writes, so they land in order and `settled()` can wait for them. */
	#historyWrite: Promise<void> = Promise.resolve();
	/** The trace of the running (or last) call, which streamed events extend whatever `trace` shows. */
	#live: CallTrace | null = null;
	/** Events received on the port for the current call, and a waiter for a count to be reached. */
	#eventCount = 0;
	#waiter: { count: number; resolve: () => void } | null = null;
	#pendingKv: (KvChange & { namespace: string })[] = [];
	#kvFlush: Promise<void> | null = null;

	constructor(state: PluginState, storage: Storage) {
		this.id = state.id;
		this.name = state.name;
		this.source = state.source;
		this.sha256 = state.sha256;
		this.settings = state.settings;
		this.exportName = state.exportName;
		this.input = state.input;
		this.inputMode = state.inputMode;
		this.#storage = storage;
	}

	/** The plugin's state as plain data, for autosave and share links. */
	snapshot(): PluginState {
		return {
			id: this.id,
			name: this.name,
			source: $state.snapshot(this.source) as PluginSource,
			sha256: this.sha256,
			settings: $state.snapshot(this.settings) as HostSettings,
			exportName: this.exportName,
			input: this.input,
			inputMode: this.inputMode
		};
	}

	/** Functions the user can call: exported functions, minus runtime internals. */
	get callable(): string[] {
		return (this.info?.exports ?? [])
			.filter((e) => e.kind === 'function' && !HIDDEN_EXPORTS.has(e.name))
			.map((e) => e.name);
	}

	/** Compiles, inspects and starts the plugin from its bytes. */
	async load(bytes: Uint8Array, sha256: string): Promise<LoadResult> {
		this.status = 'loading';
		this.sha256 = sha256;
		this.size = bytes.byteLength;
		this.#bytes = bytes;
		const kv = await this.#storage.kvList(this.settings.namespace);
		if (kv.ok) this.kv = kv.entries;
		else this.storageError = kv.error;
		const past = await this.#storage.historyList();
		if (past.ok) this.history = past.traces.filter((t) => t.pluginId === this.id);
		const result = await this.#start({ bytes: bytes.slice() });
		if (result.info && !this.callable.includes(this.exportName)) {
			this.exportName = this.callable[0] ?? '';
		}
		return result;
	}

	/** Runs the selected export with `input`; resolves when the call ends, times out or is stopped. */
	async run(input: Uint8Array): Promise<CallOutcome | null> {
		const exportName = this.exportName;
		const done = await this.#execute<CallResult>(exportName, (host, id) =>
			host.call(Comlink.transfer({ id, export: exportName, input }, [input.buffer]))
		);
		if (!done) return null;
		const { id, duration, answer } = done;
		const outcome: CallOutcome =
			'kind' in answer
				? { callId: id, output: new Uint8Array(0), error: answer, code: null, duration }
				: {
						callId: id,
						output: answer.output,
						error: answer.ok ? null : answer.error,
						code: answer.code,
						duration
					};
		this.outcome = outcome;
		this.#compareWithRecording(outcome);
		this.#record();
		return outcome;
	}

	/** Stops the running call: terminates the worker and brings a fresh one up from the cached Module. */
	stop(): void {
		this.#abort?.(
			fail(
				'stopped',
				`You stopped export "${this.exportName}".`,
				'Run it again when ready; the plugin starts from a clean memory.'
			).error
		);
	}

	/** Applies new host settings; re-instantiates the plugin (cheap: the module is cached). */
	async configure(settings: HostSettings): Promise<void> {
		const namespaceChanged = settings.namespace !== this.settings.namespace;
		const memoryChanged = settings.memory.maxPages !== this.settings.memory.maxPages;
		this.settings = settings;
		if (namespaceChanged) {
			this.#kvDraft = null;
			const kv = await this.#storage.kvList(settings.namespace);
			this.kv = kv.ok ? kv.entries : new Map();
			if (!kv.ok) this.storageError = kv.error;
			await this.#host?.kvReset(settings.namespace, Object.fromEntries(this.kv));
		}
		if (!this.#host || this.status === 'running') return;
		if (memoryChanged && this.#bytes) {
			// The cap is written into the module, so a new cap means compiling the bytes again.
			await this.#start({ bytes: this.#bytes.slice() });
			return;
		}
		const result = await this.#host.configure($state.snapshot(settings) as HostSettings);
		if (result.ok) {
			this.wasi = result.wasi;
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

	/** Ends the session and its worker. */
	dispose(): void {
		this.#teardown();
	}

	async #start(source: { bytes: Uint8Array } | null): Promise<LoadResult> {
		this.#teardown();
		const worker = spawnWorker();
		const host = Comlink.wrap<PluginHostApi>(worker);
		const channel = new MessageChannel();
		channel.port1.onmessage = (event: MessageEvent<WorkerEvent>) => this.#onEvent(event.data);
		this.#worker = worker;
		this.#host = host;
		this.#port = channel.port1;
		const src =
			source ?? (this.#module && this.info ? { module: this.#module, info: this.info } : null);
		if (!src) {
			const error = fail('load', 'Nothing to restart from.', 'Load the plugin again.');
			this.status = 'failed';
			this.loadError = error.error;
			return { ...error, info: null, module: null };
		}
		const result = await host.load(
			Comlink.transfer(
				{
					source: src,
					settings: $state.snapshot(this.settings) as HostSettings,
					kv: Object.fromEntries(this.kv),
					events: channel.port2
				},
				[channel.port2, ...('bytes' in src ? [src.bytes.buffer] : [])]
			)
		);
		if (this.#host !== host) return result;
		this.info = result.ok ? result.info : result.info;
		this.#module = result.ok ? result.module : result.module;
		if (result.ok) {
			this.wasi = result.wasi;
			this.timings = { compileMs: result.compileMs, instantiateMs: result.instantiateMs };
			this.loadError = null;
			this.status = 'ready';
		} else {
			this.loadError = result.error;
			this.status = 'failed';
		}
		return result;
	}

	async #restart(): Promise<void> {
		await this.#start(null);
	}

	#teardown() {
		this.#host?.[Comlink.releaseProxy]();
		this.#worker?.terminate();
		this.#port?.close();
		this.#worker = null;
		this.#host = null;
		this.#port = null;
	}

	#onEvent(message: WorkerEvent) {
		if (message.type === 'kv') {
			this.#applyPluginWrites(message.namespace, message.changes);
			return;
		}
		const trace = this.#live;
		if (!trace || message.callId !== trace.id) return;
		appendEvents(trace, message.events);
		this.#eventCount += message.events.length;
		if (this.#waiter && this.#eventCount >= this.#waiter.count) this.#waiter.resolve();
		if (!this.#traceDirty) {
			this.#traceDirty = true;
			requestAnimationFrame(() => this.#flushTrace());
		}
	}

	/** Waits until `count` events of the current call have arrived on the port (they are already sent). */
	async #received(count: number): Promise<void> {
		if (this.#eventCount >= count) return;
		await new Promise<void>((resolve) => {
			this.#waiter = { count, resolve };
		});
		this.#waiter = null;
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
	#applyPluginWrites(namespace: string, changes: KvChange[]) {
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
		for (const change of changes) this.#pendingKv.push({ ...change, namespace });
		this.#kvFlush ??= this.#persistKv();
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
			const byNamespace = new Map<string, KvChange[]>();
			for (const { namespace, key, value } of batch) {
				let list = byNamespace.get(namespace);
				if (!list) byNamespace.set(namespace, (list = []));
				list.push({ key, value });
			}
			for (const [namespace, writes] of byNamespace) {
				const saved = await this.#storage.kvWrite(namespace, writes);
				this.storageError = saved.ok ? null : saved.error;
			}
		}
		this.#kvFlush = null;
	}

	/** Resolves once every plugin write and history entry so far is in IndexedDB (tests, benchmarks). */
	async settled(): Promise<void> {
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
		const done = await this.#execute<RawCallResult>(call.export, (host, id) =>
			host.callRaw({ id, export: call.export, inputs: call.inputs, ...(hook ? { hook } : {}) })
		);
		if (!done) return null;
		const { id, duration, answer } = done;
		const result = 'kind' in answer ? null : answer.result;
		const error = 'kind' in answer ? answer : answer.ok ? null : answer.error;
		this.outcome = {
			callId: id,
			output: result?.bytes ?? new Uint8Array(0),
			error,
			code: result?.code ?? null,
			duration
		};
		this.#record();
		return { callId: id, result, error, duration };
	}

	/**
	 * One worker call with `run`'s machinery: a new trace and call id, the timeout and Stop (which terminate
	 * the worker and restart it), and the streamed events joined with the result's tail. Returns the worker's
	 * answer, or the timeout/stop error; null when no call could start or a newer one replaced it.
	 */
	async #execute<R extends { tail: TraceEvent[]; posted: number }>(
		exportName: string,
		invoke: (host: Comlink.Remote<PluginHostApi>, id: number) => Promise<R>
	): Promise<{ id: number; duration: number; answer: R | PlaygroundError } | null> {
		if (this.status !== 'ready' || !this.#host) return null;
		const id = ++this.#callId;
		this.#live = newTrace(id, { id: this.id, name: this.name }, exportName, Date.now());
		this.trace = this.#live;
		this.#eventCount = 0;
		this.outcome = null;
		this.notice = null;
		this.status = 'running';
		const t0 = performance.now();
		this.runningSince = t0;
		const aborted = new Promise<PlaygroundError>((resolve) => (this.#abort = resolve));
		const timer = setTimeout(
			() =>
				this.#abort?.(
					fail(
						'timeout',
						`Export "${exportName}" did not finish within ${this.settings.timeoutMs / 1000} s and was stopped.`,
						'If it should take longer, raise the timeout in Host settings; otherwise look for a loop that never ends. The plugin was restarted, so its memory was reset.'
					).error
				),
			this.settings.timeoutMs
		);
		const answer = await Promise.race([invoke(this.#host, id), aborted]);
		clearTimeout(timer);
		this.#abort = null;
		if (id !== this.#callId) return null;
		const duration = performance.now() - t0;
		if ('kind' in answer) {
			// Timeout or stop: the worker may be spinning; the only way out is to terminate it.
			if (this.#live) endAbandoned(this.#live, answer, duration);
			this.#flushTrace();
			this.runningSince = null;
			await this.#restart();
			this.notice =
				answer.kind === 'stopped'
					? 'The call was stopped and the plugin restarted from its compiled module: its memory (globals, vars) was reset. KV data is kept.'
					: 'The plugin was restarted after the timeout: its memory (globals, vars) was reset. KV data is kept.';
		} else {
			await this.#received(answer.posted);
			if (this.#live) appendEvents(this.#live, answer.tail);
			// Port messages are ordered: every KV write of the call has arrived; show them with the result.
			this.#publishKv();
			this.#flushTrace();
			this.runningSince = null;
			this.status = 'ready';
		}
		return { id, duration, answer };
	}

	/** Adds the finished trace to this plugin's history and persists it. */
	#record(): void {
		const finished = this.#live;
		if (!finished) return;
		this.history = [...this.history, finished].slice(-HISTORY_LIMIT);
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
	}

	/** The module's bytes, once loaded (for share links and workspace files). */
	get bytes(): Uint8Array | null {
		return this.#bytes;
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
			duration: end?.duration ?? 0
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

/** Exports that are runtime plumbing, not plugin functions. */
const HIDDEN_EXPORTS = new Set(['_initialize', '_start', 'hs_init', '__data_end', '__heap_base']);
