/**
 * ABI profiles: how a host system talks to its plugins, as data plus a small adapter. The UI, the worker
 * and the turn/pipeline runners only use these interfaces, so a new system (Harmont, StudioBrain...) is a
 * new profile, not new UI.
 */
import type { PlaygroundError } from '../errors';
import type { ModuleInfo } from '../wasm/types';

/** How requests reach the plugin: Extism input/output, or raw exports with the module's own allocator. */
export type Transport = 'extism' | 'raw';

/** One hook a host calls, with what it sends and what it expects back. */
export interface HookSpec {
	/** The hook's name in the host (`build_prompt`, `pre_hook`, `channel.poll`...). */
	name: string;
	/** One line: what the host uses it for. */
	summary: string;
	/** The host's semantics in a few sentences (order, first result vs all, merging...). */
	doc: string;
	/** Realistic arguments to prefill the form with (plain JSON). */
	args: Record<string, unknown>;
	/** The value the host expects, described in the host's own terms. */
	expects: string;
	/** How results from several plugins combine, in the host's terms (e.g. `first result`, `all run, merged`). */
	combine: string;
	/** The export it is bound to by default, when the module has it. */
	defaultExport: string;
	/** Hooks reached only through a descriptor another hook returned (channel.*, tape_store.*, cli_command). */
	followUp?: boolean;
}

/** One decoding rule that applied, in the order the host applies them. */
export interface DecodeStep {
	/** The rule in the host's words: `not JSON → plain text`, `{"skip": true} → skip`. */
	rule: string;
	/** What it found in this output. */
	detail: string;
}

/** A problem with a decoded value, in the host's terms. */
export interface ValidationIssue {
	/** Where in the value (`events[1].kind`, `usage`). */
	path: string;
	message: string;
}

/** How a host reads a plugin's answer. */
export interface Decoded {
	/** `value`: the host uses it; `skip`: the host moves on; `error`: the hook fails. */
	status: 'value' | 'skip' | 'error';
	/** The decoded value (when `value`), or the error text (when `error`). */
	value: unknown;
	/** The rules that applied, in order; the last one decided. */
	steps: DecodeStep[];
	/** Whether the value is what the hook expects; empty when it is. */
	issues: ValidationIssue[];
}

/** A raw-ABI call: the export and the JSON arguments to place in the module's memory, in order. */
export interface RawCall {
	export: string;
	/** Each argument is written with the module's allocator and passed as `(ptr, len)`. */
	inputs: Uint8Array[];
}

/** What the host observed of a raw call, for decoding and for teaching the memory protocol. */
export interface RawResult {
	/** The packed `(ptr << 32) | len` the export returned, as a decimal string (u64 does not fit a number). */
	packed: string;
	ptr: number;
	len: number;
	/** The bytes at `ptr..ptr+len`, when the range was valid. */
	bytes: Uint8Array | null;
	/** The export that was called, so messages can name it. */
	export?: string;
	/** Size of linear memory when the result was read, in bytes, to say how far out of range a pointer is. */
	memoryBytes?: number;
	/** The i32 an export returned instead of a packed value (init, cleanup: 0 = success). */
	code?: number;
}

/** A system's plugin ABI. */
export interface AbiProfile {
	id: string;
	title: string;
	/** One paragraph for the reference card. */
	description: string;
	transport: Transport;
	hooks: readonly HookSpec[];
	/** Whether a module looks like it implements this ABI, and how (e.g. `revision 1`). */
	detect(info: ModuleInfo): { matches: boolean; detail: string };
	/** The export a hook is bound to in this module, or null when the host would skip it. */
	bind(hook: HookSpec, info: ModuleInfo): string | null;
}

/** A profile whose plugins are Extism plugins: one byte input, one byte output. */
export interface ExtismProfile extends AbiProfile {
	transport: 'extism';
	/** The exact bytes the host sends for a hook call. */
	encode(
		hook: string,
		args: unknown
	): { ok: true; bytes: Uint8Array } | { ok: false; error: PlaygroundError };
	/** Reads the output the way the host does; `code` is the export's return code. */
	decode(hook: string, output: Uint8Array, code: number | null): Decoded;
}

/** A profile whose plugins are raw modules called through their own allocator. */
export interface RawProfile extends AbiProfile {
	transport: 'raw';
	/** The export and arguments for a hook call. */
	encode(
		hook: string,
		args: unknown,
		info: ModuleInfo
	): { ok: true; call: RawCall } | { ok: false; error: PlaygroundError };
	/** Reads the packed result the way the host does. */
	decode(hook: string, result: RawResult): Decoded;
}

/** Any profile. */
export type Profile = ExtismProfile | RawProfile;
