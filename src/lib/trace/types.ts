import type { PlaygroundError } from '../errors';

/** Log levels as Extism names them, plus the two WASI output streams. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** Where a log line came from: Extism's `log_*`, the playground's `log` host function, WASI, or the SDK. */
export type LogSource = 'extism' | 'host' | 'stdout' | 'stderr' | 'sdk';

/** A byte payload as the trace keeps it: the full size, and at most `PREVIEW_LIMIT` leading bytes. */
export interface Payload {
	size: number;
	head: Uint8Array;
}

/** The request that opened a call. */
export interface StartEvent {
	type: 'start';
	/** Milliseconds since the call started (always 0 here; kept for a uniform timeline). */
	t: number;
	export: string;
	input: Payload;
	/** The ABI hook this call plays, when a profile made it. */
	hook?: string;
}

/** One host function call made by the plugin, with its decoded arguments and result. */
export interface HostEvent {
	type: 'host';
	t: number;
	/** Import namespace, e.g. `extism:host/user`. */
	ns: string;
	name: string;
	/** Decoded arguments by name (a key, a value, a URL...). */
	args: Record<string, Payload | string>;
	result?: Payload | string;
	/** Set when the host function failed; the call then fails with kind `host`. */
	error?: string;
	/** Time spent in the host function, ms. */
	dur: number;
}

/** One log line. */
export interface LogEvent {
	type: 'log';
	t: number;
	level: LogLevel;
	source: LogSource;
	text: string;
}

/**
 * The plugin's instantiation, when a call included it (its first call, or every call with a fresh instance):
 * linking, then the plugin code that runs on its own as a module starts (the start function, `_initialize`).
 * Nothing of a plugin runs before a call, so this step always belongs to one.
 */
export interface InstantiateEvent {
	type: 'instantiate';
	t: number;
	/** How long instantiation took, ms. */
	dur: number;
	/** Which plugin code ran while starting: `start function`, `_initialize`; empty when none did. */
	ran: string[];
	/** Set when instantiation failed; the call fails with it. */
	error?: string;
}

/** How the call ended. */
export interface EndEvent {
	type: 'end';
	t: number;
	status: 'ok' | 'error';
	output?: Payload;
	error?: PlaygroundError;
	/** The export's raw return code, when the runtime saw one. */
	code?: number;
	/** The WASI exit code, when the module exited (`proc_exit`) or a command's `_start` returned. */
	exit?: number;
	duration: number;
	inputSize: number;
	outputSize: number;
	/** Linear memory size after the call, in 64 KiB pages; null when unknown (e.g. the worker was stopped). */
	memoryPages: number | null;
}

/** Any event on a call's timeline. */
export type TraceEvent = StartEvent | InstantiateEvent | HostEvent | LogEvent | EndEvent;

/** A whole call: its id, what it targeted and every event in order. Plain data: cloneable and JSON-able. */
export interface CallTrace {
	/** Increasing per plugin session; used to drop stale results. */
	id: number;
	pluginId: string;
	pluginName: string;
	export: string;
	/** Wall-clock start, ms since the epoch. */
	startedAt: number;
	events: TraceEvent[];
	/** How many events were dropped because the trace passed `MAX_TRACE_EVENTS`. */
	dropped: number;
	/** From Run to the result as the page saw it, ms; absent while running and in older records. */
	roundTrip?: number;
	/** sha256 of the module called, so History tells builds apart; absent in older records. */
	module?: string;
}

/** Bytes of a payload kept in a trace; larger payloads keep their size and this many leading bytes. */
export const PREVIEW_LIMIT = 64 * 1024;

/** A call keeps at most this many events; later ones are counted in `dropped`. */
export const MAX_TRACE_EVENTS = 200_000;
