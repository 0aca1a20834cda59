/**
 * The shareable state: everything a share link or a workspace file carries, as plain data, and the
 * converters between it and the workspace. Pure: the caller passes module bytes, KV entries, ABI state and
 * recorded calls in, and gets back what to open; nothing here fetches, stores or runs anything.
 */
import { formatBytes } from '../bytes/encoding';
import { sha256Hex } from '../bytes/hash';
import { fail, type Result } from '../errors';
import type { HostSettings } from '../host/settings';
import { parseManifest } from '../manifest/manifest';
import type { CallTrace } from '../trace/types';
import { MAIN_MODULE, nameModules } from '../wasm/module-set';
import {
	sourceName,
	type InputMode,
	type PaneLayout,
	type PluginSource,
	type PluginState,
	type WorkspaceState
} from '../workspace/types';
import type { CompilerId, SourceFile, SourceLanguage } from '../source/project';
import { deflatedSize } from './binary';

/**
 * The newest share format version this build reads. It writes the oldest that holds the state: v1 unless
 * a plugin travels as its source (`SharedPlugin.code`, new in v2), so links without source still open in
 * builds that read v1 only.
 */
export const SHARE_VERSION = 2;

/** A share format version this build reads. */
export type ShareVersion = 1 | 2;

/**
 * The most a plugin's bytes may take, raw-deflated, to travel inside a link; bigger ones go by URL.
 *
 * Measured: the built-in examples (AssemblyScript and WAT plugins, 66 B to 15.7 KB) deflate to 27–55% of
 * their size, 6.8 KB at most, so 32 KiB inlines any plugin of that kind up to roughly 60–120 KB: hand-written,
 * AssemblyScript and small C or Zig plugins. 32 KiB of deflate is 43,691 characters of base64url: past the
 * 8,000-character warning (the Share dialog says so and why), but inside GitHub's 65,536-character limit
 * for an issue or comment with the Markdown summary around it, which is where links are pasted most, and
 * far inside what browsers take in an address (the fragment never reaches a server, so servers' 8 KB
 * limits do not apply). Rust, Go and .NET plugins start at a few hundred KB and go by URL.
 */
export const INLINE_LIMIT_BYTES = 32 * 1024;

/**
 * What a link or a workspace file may ask the playground to open, store and render. A stranger's link is
 * untrusted: without these, a 21K-character link deflates a 15 MiB name, lists 300 plugins (300 workers)
 * or writes 100,000 KV entries. Each cap sits far above what a real workspace holds.
 */
export const SHARE_LIMITS = {
	/** Plugins opened from one link; each runs in a worker of its own. More are left out, with a notice. */
	plugins: 16,
	/** KV entries one link may write, over all its namespaces; more refuse the link. */
	kvEntries: 1000,
	/** Bytes of KV keys (UTF-16 code units) and values one link may write; more refuse the link. */
	kvBytes: 1024 * 1024,
	/** Characters of a name: plugin, export, hook, profile, namespace, config key, import... */
	nameChars: 1024,
	/** Characters of any other text: input, config values, mock replies, log lines, messages, URLs. */
	textChars: 1024 * 1024,
	/** Entries of any other record or list: config, mocks, bindings, hook arguments, allowed hosts. */
	entries: 1000,
	/**
	 * Modules linked into one plugin by name; each is compiled in the plugin's worker. More refuse the link.
	 * Real manifests list a few: a main module and a library or two.
	 */
	linkedModules: 16,
	/** Source files of one plugin (format v2): a plugin's folder holds a few. */
	sourceFiles: 16
} as const;

/** Where a shared plugin's bytes come from. */
export type SharedSource =
	/**
	 * A built-in example, by name. `sha256` is the example's hash when the link was made, so the receiver
	 * can say when the playground has shipped a different build of it since.
	 */
	| { kind: 'example'; name: string; sha256?: string }
	/** Bytes fetched from `url`; refused unless their sha256 is `sha256`. */
	| { kind: 'url'; url: string; sha256: string }
	/** The bytes themselves. `name` is the file name; `url` is where the sender got them, when they did. */
	| { kind: 'inline'; name: string; bytes: Uint8Array; url?: string }
	/**
	 * A plugin loaded from a file, too big to travel and with no address: the receiver learns exactly which
	 * file is missing and can load it themselves (its hash is checked).
	 */
	| { kind: 'file-only'; name: string; sha256: string; size: number };

/** Where a linked module's bytes come from: as for a main module, but never an example (see `SharedPlugin`). */
export type LinkedSource = Exclude<SharedSource, { kind: 'example' }>;

/** One module of a plugin's manifest other than the main one, linked into it by name. */
export interface SharedLinked {
	/** The name the main module imports it by; never `main`, and unique in its plugin. */
	name: string;
	source: LinkedSource;
}

/** A plugin's ABI profile state; every field is optional so links without it stay valid. */
export interface SharedAbi {
	/** The ABI profile's id, e.g. `bub.extism.v1`. */
	profile?: string;
	/** Export bound to each hook, by hook name. */
	bindings?: Record<string, string>;
	/** The arguments form of each hook, by hook name: plain JSON values. */
	hookArgs?: Record<string, unknown>;
	/** The hook selected in the call panel. */
	hook?: string;
}

/** A call the sender made, carried so the receiver sees its result without running anything. */
export interface RecordedCall {
	/** The output bytes, or null when the call produced none (it failed). */
	output: Uint8Array | null;
	/** The whole trace; the UI shows it marked as recorded, not as a call made here. */
	trace: CallTrace;
}

/**
 * A plugin's source (format v2): the receiver rebuilds its module when Run is pressed and compares the
 * result with the plugin's sha256 (that of its `source`: an example's, or a file-only module's).
 */
export interface SharedCode {
	language: SourceLanguage;
	/** The folder under `examples/` it builds in (it may import `../_shared/…`). */
	folder: string;
	/** The files, the entry first. */
	files: SourceFile[];
	/** The compiler that built the sender's module. */
	compiler: CompilerId;
}

/** One plugin of a shared workspace. */
export interface SharedPlugin {
	/** The name shown on the plugin's tab. */
	name: string;
	/** The main module: the one called. */
	source: SharedSource;
	/**
	 * A manifest's other modules, in manifest order; absent for a plugin of one module and for a built-in
	 * example, which brings its own linked modules.
	 */
	linked?: SharedLinked[];
	exportName: string;
	input: string;
	inputMode: InputMode;
	/** Every setting, written out in full: defaults may change between versions, a link's meaning may not. */
	settings: HostSettings;
	/** The entries of the plugin's KV namespace; present only when the sender ticked "include KV data". */
	kv?: Record<string, Uint8Array>;
	abi?: SharedAbi;
	recorded?: RecordedCall;
	/** The plugin's source (v2 only), when it was built in the page. */
	code?: SharedCode;
}

/** The shareable workspace, format version 1 or 2 (which adds `SharedPlugin.code`). */
export interface ShareState {
	v: ShareVersion;
	plugins: SharedPlugin[];
	/** Which plugin is shown; null when none is. */
	activeIndex: number | null;
	layout?: PaneLayout;
}

/** Switches in the fragment after the payload (`&embed=1`), outside the checksum, so they can be added by hand. */
export interface ShareParams {
	/** Open in embed mode: the workspace without the app's chrome, for an iframe. */
	embed: boolean;
	/** Run the active plugin on open; honoured only when every plugin is a built-in example. */
	autorun: boolean;
}

/** What the app holds for a share: the workspace, and per plugin the data that is not in its state. */
export interface ShareInput {
	workspace: WorkspaceState;
	/** Module bytes by plugin id. A plugin without bytes here travels by name or URL only. */
	modules: ReadonlyMap<string, Uint8Array>;
	/** The bytes of each plugin's linked modules (`PluginState.linked`), by plugin id, then module name. */
	linked?: ReadonlyMap<string, ReadonlyMap<string, Uint8Array>>;
	/** KV entries by namespace; pass them only when the sender ticked "include KV data". */
	kv?: ReadonlyMap<string, ReadonlyMap<string, Uint8Array>>;
	/** ABI profile state by plugin id. */
	abi?: ReadonlyMap<string, SharedAbi>;
	/** Recorded calls to carry, by plugin id. */
	recorded?: ReadonlyMap<string, RecordedCall>;
	/** The source of plugins built in the page, by plugin id: they travel as it instead of their bytes. */
	code?: ReadonlyMap<string, SharedCode>;
}

/** Something the sender should know about what the share holds. */
export interface ShareNote {
	pluginId: string;
	name: string;
	/** `file-only`: named but not carried; `left-out`: not in the share at all; `kv-left-out`: carried
	 * without its KV data, which is over `SHARE_LIMITS`. */
	kind: 'file-only' | 'left-out' | 'kv-left-out';
	message: string;
}

/**
 * The shareable state of a workspace. Built-in examples go by name; other plugins go inline when their bytes
 * deflate to at most `inlineLimit` (links: `INLINE_LIMIT_BYTES`; workspace files: `Infinity`), else by URL
 * with their sha256, else (loaded from a file) as `file-only`, with a note saying so. A manifest's linked
 * modules (bytes in `input.linked`) follow the same rules, sharing their plugin's inline budget.
 */
export async function fromWorkspace(
	input: ShareInput,
	inlineLimit = INLINE_LIMIT_BYTES
): Promise<{ state: ShareState; notes: ShareNote[] }> {
	const plugins: SharedPlugin[] = [];
	const notes: ShareNote[] = [];
	const carriedKv = new Set<string>();
	const kvCarried = { entries: 0, bytes: 0 };
	let activeIndex: number | null = null;
	for (const plugin of input.workspace.plugins) {
		if (plugins.length === SHARE_LIMITS.plugins) {
			notes.push({
				pluginId: plugin.id,
				name: plugin.name,
				kind: 'left-out',
				message: `"${plugin.name}" is left out: a link or workspace file carries at most ${SHARE_LIMITS.plugins} plugins, and the ones before it fill them. Close some plugins, then share again.`
			});
			continue;
		}
		// An example brings its own linked modules: its name is enough.
		const linkedModules = plugin.source.kind === 'example' ? [] : (plugin.linked ?? []);
		if (linkedModules.length > SHARE_LIMITS.linkedModules) {
			notes.push({
				pluginId: plugin.id,
				name: plugin.name,
				kind: 'left-out',
				message: `"${plugin.name}" is left out: it links ${count(linkedModules.length)} modules into its main one, and a link or workspace file carries at most ${SHARE_LIMITS.linkedModules} per plugin. Share the manifest file itself instead.`
			});
			continue;
		}
		// The plugin's modules share one inline budget, main first: the link's size is what the limit guards.
		const budget = { left: inlineLimit, limit: inlineLimit };
		const bytesOf = input.linked?.get(plugin.id);
		const own: ShareNote[] = [];
		const code = input.code?.get(plugin.id);
		const bytes = input.modules.get(plugin.id);
		const source =
			code && plugin.source.kind !== 'example' && plugin.sha256 && bytes
				? // Its source is far smaller than its bytes, and the receiver rebuilds it on Run.
					({
						kind: 'file-only',
						name: sourceName(plugin.source),
						sha256: plugin.sha256,
						size: bytes.byteLength
					} as const)
				: await mainSource(plugin, bytes, budget, own);
		const linked: SharedLinked[] = [];
		for (const module of linkedModules) {
			const carried = await moduleSource(
				plugin,
				{ ...module, bytes: bytesOf?.get(module.name) },
				budget,
				own
			);
			if (carried) linked.push({ name: module.name, source: carried });
		}
		// A plugin missing any of its modules could not link: it stays out, and only why is said.
		const complete = source !== null && linked.length === linkedModules.length;
		notes.push(...own.filter((n) => complete || n.kind === 'left-out'));
		if (!complete) continue;
		if (plugin.id === input.workspace.activeId) activeIndex = plugins.length;
		const shared: SharedPlugin = {
			name: plugin.name,
			source,
			...(linked.length ? { linked } : {}),
			exportName: plugin.exportName,
			input: plugin.input,
			inputMode: plugin.inputMode,
			settings: plugin.settings
		};
		// Plugins sharing a namespace share one store: it travels once, with the first of them.
		const namespace = plugin.settings.namespace;
		const kv = input.kv?.get(namespace);
		if (kv && !carriedKv.has(namespace)) {
			carriedKv.add(namespace);
			const over = kvOverLimits(kv, kvCarried);
			if (over) {
				notes.push({
					pluginId: plugin.id,
					name: plugin.name,
					kind: 'kv-left-out',
					message: `The KV data of namespace "${namespace}" is left out: ${over}. "${plugin.name}" travels without it.`
				});
			} else {
				kvCarried.entries += kv.size;
				kvCarried.bytes += kvBytes(kv);
				shared.kv = Object.fromEntries([...kv].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
			}
		}
		const abi = input.abi?.get(plugin.id);
		if (abi) shared.abi = abi;
		const recorded = input.recorded?.get(plugin.id);
		if (recorded) shared.recorded = recorded;
		if (code) shared.code = code;
		plugins.push(shared);
	}
	// v2 only when it is needed, so a link without source opens in builds that read v1 alone.
	const v = plugins.some((p) => p.code) ? 2 : 1;
	const state: ShareState = { v, plugins, activeIndex };
	if (input.workspace.layout) state.layout = input.workspace.layout;
	return { state, notes };
}

/** Bytes of a KV store as `SHARE_LIMITS.kvBytes` counts them: key characters plus value bytes. */
export function kvBytes(entries: Iterable<[string, Uint8Array]>): number {
	let total = 0;
	for (const [key, value] of entries) total += key.length + value.byteLength;
	return total;
}

/** Why a namespace's entries cannot join those already carried, or null when they fit. */
function kvOverLimits(
	kv: ReadonlyMap<string, Uint8Array>,
	carried: { entries: number; bytes: number }
): string | null {
	const entries = carried.entries + kv.size;
	if (entries > SHARE_LIMITS.kvEntries) {
		return `with it the share would hold ${count(entries)} KV entries, and a link or workspace file carries at most ${count(SHARE_LIMITS.kvEntries)}`;
	}
	const bytes = carried.bytes + kvBytes(kv);
	if (bytes > SHARE_LIMITS.kvBytes) {
		return `with it the share would hold ${formatBytes(bytes)} of KV data, and a link or workspace file carries at most ${formatBytes(SHARE_LIMITS.kvBytes)}`;
	}
	return null;
}

function count(n: number): string {
	return n.toLocaleString('en-US');
}

/** What is left of a plugin's inline budget (`left`, deflated bytes) out of its `limit`. */
interface Budget {
	left: number;
	limit: number;
}

/** One module of a plugin as the sender holds it; the main module is named `MAIN_MODULE`. */
interface HeldModule {
	name: string;
	sha256: string | null;
	bytes: Uint8Array | undefined;
}

/** How a plugin's main module travels: a built-in example by name, any other as `moduleSource` says. */
async function mainSource(
	plugin: PluginState,
	bytes: Uint8Array | undefined,
	budget: Budget,
	notes: ShareNote[]
): Promise<SharedSource | null> {
	if (plugin.source.kind === 'example') {
		const sha256 = plugin.sha256 ?? (bytes ? await sha256Hex(bytes) : null);
		return sha256
			? { kind: 'example', name: plugin.source.name, sha256 }
			: { kind: 'example', name: plugin.source.name };
	}
	return moduleSource(plugin, { name: MAIN_MODULE, sha256: plugin.sha256, bytes }, budget, notes);
}

/**
 * How one module travels: by URL with its hash when it has an address (links only), inline when its bytes
 * deflate into what is `left` of the plugin's budget (which it then takes), else by URL, else file-only.
 */
async function moduleSource(
	plugin: PluginState,
	module: HeldModule,
	budget: Budget,
	notes: ShareNote[]
): Promise<LinkedSource | null> {
	const { bytes } = module;
	const sha256 = module.sha256 ?? (bytes ? await sha256Hex(bytes) : null);
	const main = module.name === MAIN_MODULE;
	const name = main ? sourceName(plugin.source) : module.name;
	const url = urlOf(plugin.source, module.name);
	// A plugin with an address goes by that address and its hash: the link stays short, and a server that
	// later serves different bytes is caught by the hash check instead of silently running old ones.
	if (url && sha256 && budget.left !== Infinity) return { kind: 'url', url, sha256 };
	const size = bytes && (budget.left === Infinity ? 0 : await deflatedSize(bytes, budget.left));
	if (bytes && typeof size === 'number') {
		budget.left -= size;
		return url ? { kind: 'inline', name, bytes, url } : { kind: 'inline', name, bytes };
	}
	if (url && sha256) return { kind: 'url', url, sha256 };
	const note = { pluginId: plugin.id, name: plugin.name };
	if (bytes && sha256) {
		const size = formatBytes(bytes.byteLength);
		const limit = formatBytes(budget.limit);
		notes.push({
			...note,
			kind: 'file-only',
			message: main
				? `"${plugin.name}" (${size}) cannot travel in a link: it compresses to more than the ${limit} a link carries, and it was loaded from a file, so there is no address to link to. The link names it with its size and sha256, and whoever opens it must load the same file. To send the plugin itself, export a workspace file instead.`
				: `The module "${module.name}" linked into "${plugin.name}" (${size}) cannot travel in a link: with the plugin's other modules it compresses to more than the ${limit} a link carries for a plugin, and its manifest gave its bytes, not an address to link to. The link names it with its size and sha256, and whoever opens it must load the same manifest. To send the plugin itself, export a workspace file instead.`
		});
		return { kind: 'file-only', name, sha256, size: bytes.byteLength };
	}
	const what = main ? 'its bytes are' : `the bytes of its linked module "${module.name}" are`;
	notes.push({
		...note,
		kind: 'left-out',
		message: `"${plugin.name}" is left out: ${what} not loaded, so there is nothing to put in the link or to name it by. Reload the plugin, then share again.`
	});
	return null;
}

/** The address the bytes of a plugin's module (`MAIN_MODULE` or a linked one) can be fetched from again. */
function urlOf(source: PluginSource, module: string): string | null {
	if (source.kind === 'url') return module === MAIN_MODULE ? source.url : null;
	if (source.kind !== 'manifest') return null;
	const parsed = parseManifest(source.manifest);
	if (!parsed.ok) return null;
	const { wasm } = parsed.manifest;
	const named = nameModules(wasm);
	// A manifest of one module is that module, whatever it is named.
	const index =
		wasm.length === 1
			? module === MAIN_MODULE
				? 0
				: -1
			: named.ok
				? named.names.indexOf(module)
				: -1;
	const item = wasm[index];
	return item?.kind === 'url' ? item.url : null;
}

/** One plugin of an opened share: its workspace state and what the app must do to get its bytes. */
export interface OpenedPlugin {
	state: PluginState;
	/** Where the bytes come from; check fetched or picked bytes with `verifyModule`. */
	source: SharedSource;
	/** The modules to link into it by name, each checked with `verifyModule` too; empty for most plugins. */
	linked: SharedLinked[];
	/**
	 * When a module is `file-only`: what is missing and what to do, for the UI to show in place of the
	 * plugin (which cannot open without it).
	 */
	missing: string | null;
	abi?: SharedAbi;
	/** Shown marked as recorded; its trace's `pluginId` is the new plugin's id. */
	recorded?: RecordedCall;
	/** The plugin's source: nothing builds on open; Run rebuilds it and checks the sha256. */
	code?: SharedCode;
}

/** A share, ready to open. */
export interface OpenedShare {
	workspace: WorkspaceState;
	/** In the order of `workspace.plugins`. */
	plugins: OpenedPlugin[];
	/** What was left out of the share as it was sent, for the receiver to read. */
	notices: string[];
	/**
	 * KV entries by namespace, as the sender's store held them. Opening the link as sent replaces the
	 * namespace's entries with these; the UI should ask before replacing entries the receiver already has.
	 */
	kv: Map<string, Map<string, Uint8Array>>;
}

/**
 * The workspace a share opens as; `makeId` names each plugin by its position. Only the first
 * `SHARE_LIMITS.plugins` plugins open (each costs a worker); a notice says how many were left out.
 */
export function toWorkspace(
	state: ShareState,
	makeId: (index: number) => string = (i) => `shared-${i + 1}`
): OpenedShare {
	const kv = new Map<string, Map<string, Uint8Array>>();
	const notices: string[] = [];
	const kept = state.plugins.slice(0, SHARE_LIMITS.plugins);
	if (kept.length < state.plugins.length) {
		notices.push(
			`This shared workspace lists ${count(state.plugins.length)} plugins; the playground opens at most ${SHARE_LIMITS.plugins} from a link or workspace file, so only the first ${SHARE_LIMITS.plugins} were opened. Ask the sender to share the others separately.`
		);
	}
	const plugins = kept.map((shared, i): OpenedPlugin => {
		const id = makeId(i);
		const pluginState: PluginState = {
			id,
			name: shared.name,
			source: workspaceSource(shared.source),
			sha256: shared.source.kind === 'inline' ? null : (shared.source.sha256 ?? null),
			settings: shared.settings,
			exportName: shared.exportName,
			input: shared.input,
			inputMode: shared.inputMode
		};
		if (shared.kv) kv.set(shared.settings.namespace, new Map(Object.entries(shared.kv)));
		const linked = shared.linked ?? [];
		const absent = linked.find((l) => l.source.kind === 'file-only');
		const opened: OpenedPlugin = {
			state: pluginState,
			source: shared.source,
			linked,
			missing:
				shared.source.kind === 'file-only' && !shared.code
					? missingMessage(shared.source)
					: absent?.source.kind === 'file-only'
						? missingLinkedMessage(shared.name, absent.name, absent.source)
						: null
		};
		if (shared.abi) opened.abi = shared.abi;
		if (shared.code) opened.code = shared.code;
		if (shared.recorded) {
			opened.recorded = { ...shared.recorded, trace: { ...shared.recorded.trace, pluginId: id } };
		}
		return opened;
	});
	// An active plugin past the cap was left out: show the first one instead of none.
	const active =
		state.activeIndex === null ? undefined : (plugins[state.activeIndex] ?? plugins[0]);
	const workspace: WorkspaceState = {
		v: 1,
		plugins: plugins.map((p) => p.state),
		activeId: active?.state.id ?? null
	};
	if (state.layout) workspace.layout = state.layout;
	return { workspace, plugins, kv, notices };
}

function workspaceSource(source: SharedSource): PluginSource {
	switch (source.kind) {
		case 'example':
			return { kind: 'example', name: source.name };
		case 'url':
			return { kind: 'url', url: source.url };
		case 'inline':
			return source.url ? { kind: 'url', url: source.url } : { kind: 'file', name: source.name };
		case 'file-only':
			return { kind: 'file', name: source.name };
	}
}

/** What the receiver of a link is told about a plugin that could not travel in it. */
export function missingMessage(source: Extract<SharedSource, { kind: 'file-only' }>): string {
	return `This link names "${source.name}" (${formatBytes(source.size)}, sha256 ${source.sha256}) but does not contain it: the sender loaded it from a file too big to travel in a link. Load that file here (it is checked against the hash), or ask the sender for a workspace file, which carries every plugin.`;
}

/** What the receiver is told about a plugin whose linked module could not travel in the link. */
export function missingLinkedMessage(
	plugin: string,
	module: string,
	source: Extract<SharedSource, { kind: 'file-only' }>
): string {
	return `This link names "${plugin}", whose module "${module}" (${formatBytes(source.size)}, sha256 ${source.sha256}) it does not contain: with the plugin's other modules it was too big to travel in a link. "${plugin}" cannot run without it, so it was not opened. Load the manifest yourself, or ask the sender for a workspace file, which carries every module.`;
}

/**
 * Checks bytes obtained for a shared plugin against the hash the link recorded. A URL or file whose bytes
 * changed is refused, naming both hashes; a built-in example that changed since the link was made still
 * opens (it is the playground's own code) with a warning that results may differ.
 */
export function verifyModule(
	source: SharedSource,
	sha256: string,
	linked?: { plugin: string; module: string }
): Result<{ warning: string | null }> {
	if (source.kind === 'inline' || !source.sha256 || source.sha256 === sha256) {
		return { ok: true, warning: null };
	}
	const hashes = `the link expects sha256 ${source.sha256}, the bytes have ${sha256}`;
	if (linked && source.kind !== 'example') {
		const where = source.kind === 'url' ? ` at ${source.url}` : '';
		return fail(
			'load',
			`The module "${linked.module}"${where}, linked into "${linked.plugin}", is not the one this link was made with: ${hashes}. "${linked.plugin}" was not loaded.`,
			'Ask the sender for a new link or a workspace file. If you trust the new version, load the manifest yourself.'
		);
	}
	switch (source.kind) {
		case 'example':
			return {
				ok: true,
				warning: `The built-in example "${source.name}" has changed since this link was made (${hashes}), so its results may differ from what the sender saw.`
			};
		case 'url':
			return fail(
				'load',
				`The plugin at ${source.url} is not the one this link was made with: ${hashes}. It was not loaded.`,
				'Ask the sender for a new link or a workspace file. If you trust the new version, load the URL yourself.'
			);
		case 'file-only':
			return fail(
				'load',
				`That file is not the "${source.name}" this link names: ${hashes}. It was not loaded.`,
				'Pick the exact file the sender used, or ask them for a workspace file.'
			);
	}
}

/** Whether opening a share may run its active plugin by itself: only when asked, and only for built-in examples. */
export function autorunAllowed(state: ShareState, params: ShareParams): boolean {
	return (
		params.autorun &&
		state.activeIndex !== null &&
		state.plugins.length > 0 &&
		state.plugins.every((p) => p.source.kind === 'example')
	);
}
