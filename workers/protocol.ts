/**
 * The contract between the main thread and `plugin-host.ts`: its messages' types, and the few small
 * functions both sides use to read and write them (no worker code lands in the page bundle).
 */
import type { RawResult } from '../src/lib/abi/profile';
import type { HostVars } from '../src/lib/abi/studiobrain/host-vars';
import type { PlaygroundError, Result } from '../src/lib/errors';
import type { HostSettings } from '../src/lib/host/settings';
import { endEvent } from '../src/lib/trace/build';
import type { TraceEvent } from '../src/lib/trace/types';
import type { PackedModuleInfo } from '../src/lib/wasm/pack';

/** Where the module comes from: bytes to compile, or a Module compiled earlier with its inspection. */
export type ModuleSource =
	{ bytes: Uint8Array } | { module: WebAssembly.Module; info: PackedModuleInfo };

/** A module linked into the main one under `name`: one of a manifest's other modules. */
export interface LinkedSource {
	name: string;
	source: ModuleSource;
}

/** What a load learnt of one linked module (null where it failed before that). */
export interface LinkedLoaded {
	name: string;
	info: PackedModuleInfo | null;
	module: WebAssembly.Module | null;
}

/** Everything the worker needs to bring a plugin up. */
export interface LoadRequest {
	/** The main module: the one whose exports are called. */
	source: ModuleSource;
	/** The manifest's other modules, linked into the main one by name, in manifest order. */
	linked?: LinkedSource[];
	settings: HostSettings;
	/** The namespace's KV entries, loaded from IndexedDB, served to `kv_read` from the worker's cache. */
	kv: Record<string, Uint8Array>;
}

/** What a successful load returns. */
export interface Loaded {
	/** The inspection, packed: a module can have 100,000 exports (`lib/wasm/pack.ts`). */
	info: PackedModuleInfo;
	/** The compiled module, to cache on the main thread for restarts (structured-cloneable). */
	module: WebAssembly.Module;
	/** Whether WASI ended up on. */
	wasi: boolean;
	/** Time to compile, ms (0 when reusing a module). Instantiation waits for the first call. */
	compileMs: number;
}

/**
 * A load's outcome. A failed load still carries what was learnt (the inspection, the compiled module), so the
 * UI can show the imports that are missing.
 */
export type LoadResult = (
	| ({ ok: true } & Loaded)
	| {
			ok: false;
			error: PlaygroundError;
			info: PackedModuleInfo | null;
			module: WebAssembly.Module | null;
			/** Whether WASI would be on, when the module was read: the UI's WASI advice depends on it. */
			wasi?: boolean;
	  }
) & {
	/** The linked modules, in the order they were sent; absent for a plugin of one module. */
	linked?: LinkedLoaded[];
	/** The sha256 of the bytes loaded, hashed in the worker; absent when the source was a compiled Module. */
	sha256?: string;
};

/** A call to one export. */
export interface CallRequest {
	/** Increasing id; events and results carry it so stale ones are dropped. */
	id: number;
	export: string;
	/** Transferred when large, else copied (`lib/bytes/transfer.ts`). */
	input: Uint8Array;
	hook?: string;
	/** Vars the host sets before the call and answers during it (StudioBrain's host calls). */
	hostVars?: HostVars;
}

/**
 * A call's outcome. The output is transferred when large; a failed call keeps whatever output the plugin
 * set (an `exit` error often has some). The trace is streamed separately on the worker's channel.
 */
export type CallResult = {
	id: number;
	output: Uint8Array;
	/** The export's i32 return code, null when it returns nothing or never returned. */
	code: number | null;
	/** The WASI exit code, when the module exited (`proc_exit`) or a command's `_start` returned; else null. */
	exit: number | null;
	/** Linear memory after the call, in pages. */
	memoryPages: number | null;
	/**
	 * The call's last events (always including `end`), not yet posted on their own: the call's other events
	 * and KV writes went out on the worker's channel before the answer.
	 */
	tail: TraceEvent[];
} & ({ ok: true } | { ok: false; error: PlaygroundError });

/**
 * A call to a raw-ABI export (Bifrost's): each input is placed in the module's memory with its own allocator
 * and passed as a (ptr, len) pair, in order. The inputs are copied: they are small JSON documents.
 */
export interface RawCallRequest {
	/** Increasing id, shared with `call`: events and results carry it so stale ones are dropped. */
	id: number;
	export: string;
	inputs: Uint8Array[];
	hook?: string;
}

/**
 * A raw call's outcome: what the host observed (the packed value, the pointer and length, the bytes), or null
 * when the call failed before the export answered. `result.bytes` is transferred when large. A failed call
 * may still have a result (the answer was read, then `free` trapped).
 */
export type RawCallResult = {
	id: number;
	result: RawResult | null;
	/** Linear memory after the call, in pages. */
	memoryPages: number | null;
	/** The call's last events (always including `end`); see `CallResult.tail`. */
	tail: TraceEvent[];
} & ({ ok: true } | { ok: false; error: PlaygroundError });

/** A KV change, in either direction. `value: null` deletes the key. */
export interface KvChange {
	key: string;
	value: Uint8Array | null;
}

/** A plugin's `kv_write`, with when it happened (the KV log's timestamp, kept as `updatedAt`). */
export interface KvWritten {
	key: string;
	value: Uint8Array;
	at: number;
}

/**
 * What the worker posts on its own channel, beside Comlink's replies (which never carry these types): trace
 * batches and KV writes while a call runs, then its answer.
 */
export type WorkerEvent =
	| { type: 'trace'; callId: number; events: TraceEvent[] }
	/** A batch of plugin writes; `seq` is the last one's number, which `kvSync` and `kvAck` speak in. */
	| { type: 'kv'; namespace: string; changes: KvWritten[]; seq: number }
	/** The call entered a phase: `instantiate` while its start code runs, then `call` for the export. */
	| { type: 'phase'; callId: number; phase: CallPhase }
	/** A call's answer (its output transferred), after every event and KV write the call made. */
	| { type: 'answer'; result: CallResult | RawCallResult }
	/**
	 * A call's answer in brief, when it ended well with nothing to tell but its output and code (no exit,
	 * no event left to send): the page writes the end event from these, so the message stays small.
	 */
	| {
			type: 'done';
			id: number;
			output: Uint8Array;
			duration: number;
			memoryPages: number | null;
			inputSize: number;
			/** The export's raw return code, when the runtime saw one (0: it ended well). */
			code: number | null;
	  }
	/** A call failed with an exception instead of an answer (a bug of the host, not of the plugin). */
	| { type: 'thrown'; id: number; message: string };

/**
 * Calls the session posts on the worker's own channel: one plain message each way, ordered with the call's
 * events, so a quick call costs no more than a bare worker's round trip. A `callRaw` runs one export of a
 * raw-ABI module (instantiated without the Extism SDK), tracing malloc, write, call, packed and free as
 * `abi:memory` host events. Comlink's requests never have these types.
 */
export type CallMessage =
	{ type: 'call'; request: CallRequest } | { type: 'callRaw'; request: RawCallRequest };

/** Whether a message on the worker's channel is a session's call rather than a Comlink request. */
export function isCallMessage(data: unknown): data is CallMessage {
	const type = (data as { type?: unknown } | null)?.type;
	return type === 'call' || type === 'callRaw';
}

/** Whether a message from the worker is one of its events rather than a Comlink reply. */
export function isWorkerEvent(data: unknown): data is WorkerEvent {
	const type = (data as { type?: unknown } | null)?.type;
	return (
		type === 'answer' ||
		type === 'done' ||
		type === 'trace' ||
		type === 'kv' ||
		type === 'phase' ||
		type === 'thrown'
	);
}

/** A call's answer in brief (a `done` event). */
export type BriefAnswer = Extract<WorkerEvent, { type: 'done' }>;

/**
 * The answer in brief for a call that ended well and has nothing left to send but its end (no exit, no
 * other event, no notice); null otherwise. The page rebuilds the same end event from it (`fullAnswer`).
 */
export function briefAnswer(result: CallResult): BriefAnswer | null {
	const end = result.tail.length === 1 ? result.tail[0] : null;
	if (!result.ok || end?.type !== 'end' || result.exit !== null) return null;
	return {
		type: 'done',
		id: result.id,
		output: result.output,
		duration: end.duration,
		memoryPages: result.memoryPages,
		inputSize: end.inputSize,
		code: result.code
	};
}

/** A brief answer as the full one: its end event, written here as the worker would, is the whole tail. */
export function fullAnswer(done: BriefAnswer): CallResult {
	const { id, output, duration, inputSize, memoryPages, code } = done;
	const end = endEvent({ output, duration, inputSize, memoryPages, code, exit: null, error: null });
	return { id, output, code, exit: null, memoryPages, tail: [end], ok: true };
}

/** What a call is doing: instantiating the plugin (its start code runs), or running the export. */
export type CallPhase = 'instantiate' | 'call';

/** The Comlink-exposed API of one plugin host worker. */
export interface PluginHostApi {
	/**
	 * Loads and calls a tiny built-in plugin, then forgets it: a spare worker's code is compiled before the
	 * first real plugin arrives.
	 */
	warm(): Promise<void>;
	/**
	 * Compiles (or reuses) the module, inspects it and checks its imports; runs none of its code. When
	 * instantiating runs none either (no start function, `_start`, `_initialize` or `hs_init`), the first
	 * call's instance is made right after, between calls, and again after each call that will not reuse its
	 * instance: a fresh instance per call stays fresh, and a call does not wait for it.
	 */
	load(request: LoadRequest): Promise<LoadResult>;
	/** Applies new settings: drops the instance, so the next call instantiates under them. */
	configure(settings: HostSettings): Promise<Result<object> & { wasi: boolean }>;
	/** Applies KV edits made outside the plugin (the KV view), so the next read sees them. */
	kvApply(namespace: string, changes: KvChange[]): Promise<void>;
	/** Replaces the whole KV cache, e.g. after the namespace was renamed. */
	kvReset(namespace: string, entries: Record<string, Uint8Array>): Promise<void>;
	/**
	 * Opens this worker's KV write-ahead log (OPFS file `file` among the logs of storage `store`, held under
	 * a Web Lock for the worker's life),
	 * so every `kv_write` is on disk before it returns. False when OPFS sync access or Web Locks are missing:
	 * writes then stream to the main thread one by one, as durable as the main thread's IndexedDB writes.
	 */
	kvOpenLog(store: string, file: string): Promise<boolean>;
	/** Sends the plugin writes not yet sent and returns the number of the last one (0 when none). */
	kvSync(): Promise<number>;
	/** Every write up to `seq` is in IndexedDB: the log may drop them. */
	kvAck(seq: number): Promise<void>;
	/**
	 * Runs one export. Only one call runs at a time; the main thread enforces it. The trace's `start` event
	 * is the page's (it knows the export and the input): the worker sends what happens after it.
	 */
	call(request: CallRequest): Promise<CallResult>;
}

export type { PlaygroundError };
