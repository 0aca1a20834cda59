/**
 * ABI profiles: how a host system talks to its plugins, as data plus a small adapter. The UI, the worker
 * and the turn/pipeline runners only use these interfaces, so a new system (Harmont, StudioBrain...) is a
 * new profile, not new UI.
 *
 * Adding a profile: its code in `src/lib/abi/<id>/` exporting a `Profile`, one line in `registry.ts`, and,
 * only when it wants views of its own, `src/components/abi/<id>/views.ts` exporting `views` (see
 * `src/components/abi/views.ts`: found by folder name, no list to edit).
 */
import type { PlaygroundError } from '../errors';
import type { ParsedManifest } from '../manifest/manifest';
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
	/** When `status` is `error` because the answer could not be read at all, the failure to show. */
	error?: PlaygroundError | null;
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

/** Whether a module looks like it implements an ABI, and why, in the host's words. */
export interface Detection {
	matches: boolean;
	/** What was found (exports, imports, revision) or what is missing. */
	detail: string;
}

/** A labelled group of hooks in the Hook picker (`Hooks`, `Revision 1`, `Follow-up calls`). */
export interface HookGroup {
	label: string;
	hooks: readonly HookSpec[];
}

/** A key (or value inside it) the host removes from a state argument before sending it, and why. */
export interface StateRemoval {
	/** Where: `_runtime_token`, `cache.handle`, `items[2]`. */
	path: string;
	reason: string;
}

/** State sanitising: what the host does to a state argument before it sends it. */
export interface StateSanitising {
	/** The argument that carries state (`state`); only hooks whose arguments have it show the comparison. */
	arg: string;
	/** The state the host sends for the typed one, and what it removed. */
	sanitize(state: Record<string, unknown>): {
		sent: Record<string, unknown>;
		removed: StateRemoval[];
	};
}

/** A call the host would make later because an answer named an export (a descriptor's follow-up). */
export interface FollowUpCall {
	/** What the button says: `channel.poll (wasm)`. */
	label: string;
	/** The follow-up hook's name. */
	hook: string;
	/** The export the answer names. */
	export: string;
	/** Arguments for the call: the hook's sample arguments with the answer's names filled in. */
	args: Record<string, unknown>;
}

/** Follow-up calls: hooks reached through exports an answer names, some repeated on a timer. */
export interface FollowUpCapability {
	/** The follow-up calls a decoded answer of `hook` defines, for the plugin named `plugin`. */
	of(hook: string, decoded: Decoded, plugin: string): FollowUpCall[];
	/** Repeat intervals in seconds, by key (a channel's name), learnt from an answer; null learns nothing. */
	intervals?(hook: string, decoded: Decoded): Record<string, number> | null;
	/** How often the host repeats a call of `hook` with `args`, given the learnt intervals; null: once. */
	repeatSeconds?(
		hook: string,
		args: unknown,
		intervals: Readonly<Record<string, number>>
	): number | null;
}

/** A plugin taking part in a whole turn: its name, registration order and hook → export bindings. */
export interface TurnParticipant {
	name: string;
	/** Registration order: the highest registered last (in Bub, it answers first). */
	order: number;
	/** Hook name → export name; a hook not listed is not implemented. */
	hooks: Readonly<Record<string, string>>;
	/** The module's function exports: a bound export missing here is skipped without a call. */
	exports?: readonly string[];
}

/** Calls one export of a turn's plugin with the encoded request; a failure is data, never a rejection. */
export type TurnCaller = (
	plugin: string,
	hook: string,
	exportName: string,
	request: Uint8Array
) => Promise<{
	output: Uint8Array;
	code: number | null;
	error?: { kind: string; message: string };
}>;

/** A whole turn: the host runs its hooks in order over every loaded plugin of this ABI. */
export interface TurnCapability {
	/** The message a turn starts from, prefilled in its editor. */
	sampleMessage: unknown;
	/** Whether the host makes a fresh instance for every call (the panel offers to switch plugins to it). */
	freshInstance: boolean;
	/** Runs one turn; the result is the profile's own (its `turn` view renders it). */
	run(plugins: readonly TurnParticipant[], message: unknown, call: TurnCaller): Promise<unknown>;
}

/** Calls a raw export with inputs placed in memory; a failed call (trap, timeout...) is an error as data. */
export type RawExportCaller = (
	exportName: string,
	inputs: Uint8Array[]
) => Promise<RawResult | { error: PlaygroundError }>;

/** A pipeline: one request through every hook of one plugin, in the host's order. */
export interface PipelineCapability {
	/** The input a pipeline starts from, prefilled in its editor. */
	sampleInput(): unknown;
	/** Runs the pipeline over a module, or says why it cannot start; the run is rendered by its view. */
	run(
		info: ModuleInfo,
		input: unknown,
		call: RawExportCaller
	): Promise<{ ok: true; run: unknown } | { ok: false; error: PlaygroundError }>;
}

/** One plugin of a host's config file, to load or to write out. */
export interface ConfigEntry {
	/** The plugin's name in the file. */
	name: string;
	/** Position in the file. */
	order: number;
	/** The manifest, its `wasm` holding only the modules a browser can load (data or url). */
	manifest: ParsedManifest;
	/** Modules given by a local path: each needs its .wasm picked before the plugin can load. */
	needsFile: { index: number; path: string; name?: string; hash?: string }[];
	wasi: boolean;
	/** Hook → export, as the file binds them; the host binds only these. */
	hooks: Record<string, string>;
}

/** Config import and export: the host's own file listing its plugins (Bub's extism.json). */
export interface ConfigCapability {
	/** What the file is, for headings and buttons: `Bub config`. */
	name: string;
	/** Where the host keeps it, shown beside the name: `~/.bub/extism.json`. */
	path: string;
	/** The file name an export downloads as. */
	fileName: string;
	/** Reads the file's text into entries, or says what is wrong with it. */
	parse(text: string): { ok: true; entries: ConfigEntry[] } | { ok: false; error: PlaygroundError };
	/** The file for these plugins, as JSON-able data. */
	build(entries: readonly ConfigEntry[]): unknown;
}

/** A system's plugin ABI. */
export interface AbiProfile {
	/** Stable id: the folder name under `src/lib/abi/`, saved in workspaces and share links. */
	id: string;
	title: string;
	/** The short name the ABI picker shows (`bub.extism.v1`, `Bifrost`). */
	label: string;
	/** The host system's name in sentences (`Bub`: "State Bub sends"); without it, `label`. */
	host?: string;
	/** One paragraph for the reference card. */
	description: string;
	transport: Transport;
	hooks: readonly HookSpec[];
	/**
	 * Whether a module looks like it implements this ABI, and how (e.g. `revision 1`). `info` carries
	 * both its exports and its imports (the Extism kernel, WASI, a host's own namespace).
	 */
	detect(info: ModuleInfo): Detection;
	/**
	 * The export a hook is bound to in this module, or null when the host would skip it. `bindings` are
	 * explicit hook → export choices (an imported config, a descriptor's follow-up); the host honours them.
	 */
	bind(
		hook: HookSpec,
		info: ModuleInfo,
		bindings?: Readonly<Record<string, string>>
	): string | null;
	/** The Hook picker's groups for a module; without it, main hooks then follow-up hooks. */
	groups?(info: ModuleInfo | null): HookGroup[];
	/** What the request view calls the encoded bytes (`Envelope`); without it, `Request`. */
	requestLabel?: string;
	/** A decoded value as the panel shows it (Bifrost decodes base64 bodies); without it, as is. */
	display?(value: unknown): unknown;
	/**
	 * Reads JSON typed in an editor (hook arguments, a turn's message) as the host reads it (Bub: Python's
	 * json, keeping NaN, 1.0, big ints and key order); without it, `JSON.parse`.
	 */
	readJson?(
		text: string,
		what: string
	): { ok: true; value: unknown } | { ok: false; error: PlaygroundError };
	/** Writes a value as the host writes JSON, `indent` spaces deep (none: one line); without it, JSON. */
	writeJson?(value: unknown, indent?: number): string;
	/** An object's keys in the host's order; without it, `Object.keys`. */
	keysOf?(value: Record<string, unknown>): string[];
	/** Optional capabilities; the panel shows a capability's controls only when the profile has it. */
	stateSanitising?: StateSanitising;
	followUps?: FollowUpCapability;
	turn?: TurnCapability;
	pipeline?: PipelineCapability;
	config?: ConfigCapability;
}

/** A profile whose plugins are Extism plugins: one byte input, one byte output. */
export interface ExtismProfile extends AbiProfile {
	transport: 'extism';
	/** The exact bytes the host sends for a hook call. */
	encode(
		hook: string,
		args: unknown
	): { ok: true; bytes: Uint8Array } | { ok: false; error: PlaygroundError };
	/**
	 * Reads the output the way the host does; `code` is the export's return code, `pluginError` the
	 * message the plugin set with `error_set`, when it set one, and `plugin` the plugin's name, for the
	 * host's messages that name it.
	 */
	decode(
		hook: string,
		output: Uint8Array,
		code: number | null,
		pluginError?: string,
		plugin?: string
	): Decoded;
	/** Whether a decoded value is what the hook expects; empty when it is. */
	validate?(hook: string, value: unknown): ValidationIssue[];
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
	/** Whether a decoded value is what the hook expects; empty when it is. */
	validate?(hook: string, value: unknown): ValidationIssue[];
	/**
	 * Whether the worker must call this module through the raw transport (its own allocator, no Extism
	 * kernel), even before any hook is chosen.
	 */
	claims(info: ModuleInfo): boolean;
}

/** Any profile. */
export type Profile = ExtismProfile | RawProfile;
