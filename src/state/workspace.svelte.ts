/**
 * The workspace: the loaded plugins (each a `PluginSession`), which one is active, the examples catalogue,
 * download progress, and autosave. Its state is one serialisable object (`snapshot()`), which a share link
 * can carry later.
 */
import { fail, type PlaygroundError } from '../lib/errors';
import { defaultSettings, withUsableTimeout } from '../lib/host/settings';
import { parseManifest, verifyHash, type ParsedManifest } from '../lib/manifest/manifest';
import { download, type Progress } from '../lib/net/download';
import {
	clampLayout,
	DEFAULT_LAYOUT,
	defaultNamespace,
	type PaneLayout,
	sourceName,
	type ExampleMeta,
	type PluginSource,
	type PluginState,
	type WorkspaceState
} from '../lib/workspace/types';
import { tabMemoryBudget } from './memory-budget';
import { keepable, keepNotice } from '../lib/workspace/keep';
import { readSavedCode } from '../lib/source/saved';
import { savedCodeOf, sourceOf } from './source.svelte';
import { PluginSession, type LinkedBytes } from './plugin-session.svelte';
import { keepSpare } from './spare-worker';
import { nameModules } from '../lib/wasm/module-set';
import { Storage } from './storage';

/** Storage key of the id of the workspace open last. Before workspaces had ids it held the state itself. */
const CURRENT_KEY = 'current';
/** Storage key of the Recent list. */
const RECENT_KEY = 'recent';
/** How many workspaces the Recent list keeps. */
export const RECENT_LIMIT = 20;
/** Tabs tell each other about saves on this channel, so two tabs never overwrite each other silently. */
const CHANNEL = 'plugin-playground:workspaces';

/** One entry of the Recent list. */
export interface RecentEntry {
	id: string;
	name: string;
	savedAt: number;
	plugins: string[];
}

const newWorkspaceId = () => `w${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export class Workspace {
	/** The built-in examples, from `examples/index.json`. */
	examples = $state.raw<ExampleMeta[]>([]);
	/** Loaded plugins, in the order they were opened. */
	sessions = $state.raw<PluginSession[]>([]);
	/** The plugin shown in the main view. */
	activeId = $state<string | null>(null);
	/** Progress of a URL download in flight. */
	progress = $state.raw<(Progress & { url: string }) | null>(null);
	/** The last failure to obtain a plugin's bytes (download, manifest, hash). */
	error = $state.raw<PlaygroundError | null>(null);

	/** Column widths of the main view. */
	layout = $state<PaneLayout>({ ...DEFAULT_LAYOUT });
	/** True once the last visit's workspace was restored; autosave waits for it so it cannot overwrite it. */
	restored = $state(false);
	/** This workspace's id in the Recent list. */
	id = $state(newWorkspaceId());
	/** Its name, shown in the Recent list. */
	name = $state('Untitled workspace');
	/** The last workspaces, newest first. */
	recent = $state.raw<RecentEntry[]>([]);
	/** Set when another tab saved this same workspace: the last save wins, and the user is told. */
	conflict = $state<string | null>(null);
	readonly #tab = Math.random().toString(36).slice(2);
	readonly #channel: BroadcastChannel | null =
		typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;

	/** The storage all sessions share. */
	readonly storage: Storage;
	#nextId = 1;
	/** Modules built in the page already kept in storage, so a save does not write them again. */
	readonly #keptBuilds = new Set<string>();

	constructor(storage = new Storage()) {
		this.storage = storage;
		this.#channel?.addEventListener(
			'message',
			(event: MessageEvent<{ id: string; tab: string }>) => {
				if (event.data.id === this.id && event.data.tab !== this.#tab) {
					this.conflict =
						'This workspace was just saved from another tab. The last save wins: your next change here replaces it. Reload this tab to see the other one instead.';
				}
			}
		);
	}

	/** The active session, if any. */
	get active(): PluginSession | null {
		return this.sessions.find((s) => s.id === this.activeId) ?? null;
	}

	/** The catalogue name of the active plugin when it was opened from an example, else ''. */
	get activeExample(): string {
		const source = this.active?.source;
		if (source?.kind !== 'example') return '';
		return this.examples.some((e) => e.name === source.name) ? source.name : '';
	}

	/** The workspace as plain data. */
	snapshot(): WorkspaceState {
		return {
			v: 1,
			plugins: this.sessions.map((s) => {
				const code = savedCodeOf(s);
				return code ? { ...s.snapshot(), code } : s.snapshot();
			}),
			activeId: this.activeId,
			layout: { ...this.layout }
		};
	}

	/** Fetches the examples catalogue that the build wrote next to the app. */
	async loadCatalogue(): Promise<void> {
		const got = await download('examples/index.json');
		if (!got.ok) {
			this.error = got.error;
			return;
		}
		try {
			this.examples = JSON.parse(new TextDecoder().decode(got.bytes)) as ExampleMeta[];
		} catch {
			this.error = fail(
				'load',
				'The examples catalogue is not valid JSON.',
				'Rebuild the app (npm run build).'
			).error;
		}
	}

	/** Loads a built-in example by name. */
	async loadExample(name: string): Promise<PluginSession | null> {
		const meta = this.examples.find((e) => e.name === name);
		if (!meta) {
			this.error = fail(
				'load',
				`There is no example called "${name}".`,
				'Pick one from the list.'
			).error;
			return null;
		}
		const got = await this.#download(`examples/${meta.file}`);
		if (!got) return null;
		const linked = await this.#exampleLinked(meta);
		if (!linked) return null;
		const source: PluginSource = { kind: 'example', name };
		const state = this.#newState(source, meta.title);
		state.exportName = meta.export;
		state.input = meta.input;
		state.settings.config = { ...(meta.config ?? {}) };
		state.settings.allowedHosts = [...(meta.allowedHosts ?? [])];
		return this.#open(state, got, true, linked);
	}

	/** The linked modules of a built-in example, downloaded; null (with the error set) when one fails. */
	async #exampleLinked(meta: ExampleMeta): Promise<LinkedBytes[] | null> {
		const linked: LinkedBytes[] = [];
		for (const l of meta.linked ?? []) {
			const bytes = await this.#download(`examples/${l.file}`);
			if (!bytes) return null;
			linked.push({ name: l.name, bytes, sha256: l.sha256 });
		}
		return linked;
	}

	/** Loads a plugin from a file the user picked or dropped. A `.json` file is read as a manifest. */
	async loadFile(file: File): Promise<PluginSession | null> {
		const bytes = new Uint8Array(await file.arrayBuffer());
		if (file.name.endsWith('.json'))
			return this.loadManifest(new TextDecoder().decode(bytes), file.name);
		return this.#open(this.#newState({ kind: 'file', name: file.name }), bytes);
	}

	/** Loads a plugin from a URL, showing progress. A JSON answer is read as a manifest. */
	async loadUrl(url: string): Promise<PluginSession | null> {
		let absolute: string;
		try {
			absolute = new URL(url, document.baseURI).href;
		} catch {
			this.error = fail(
				'load',
				`"${url}" is not a URL.`,
				'Enter an address like https://example.com/plugin.wasm.'
			).error;
			return null;
		}
		const got = await this.#download(absolute, true);
		if (!got) return null;
		if (got[0] === 0x7b /* '{' */) {
			return this.loadManifest(
				new TextDecoder().decode(got),
				sourceName({ kind: 'url', url: absolute })
			);
		}
		return this.#open(this.#newState({ kind: 'url', url: absolute }), got);
	}

	/** Loads an Extism manifest (JSON text or object): fetches or decodes its module, checks its hash. */
	async loadManifest(
		input: string | object,
		name = 'manifest.json'
	): Promise<PluginSession | null> {
		const parsed = parseManifest(input);
		if (!parsed.ok) {
			this.error = parsed.error;
			return null;
		}
		const m = parsed.manifest;
		// Several modules link by name, as in the Extism SDKs: "main" (or the last) is the one called.
		const named = nameModules(m.wasm);
		if (!named.ok) {
			this.error = named.error;
			return null;
		}
		const modules: LinkedBytes[] = [];
		for (const [i, item] of m.wasm.entries()) {
			const bytes = item.kind === 'data' ? item.data : await this.#download(item.url, true);
			if (!bytes) return null;
			const checked = await verifyHash(item, i, bytes);
			if (!checked.ok) {
				this.error = checked.error;
				return null;
			}
			modules.push({ name: named.names[i], bytes, sha256: checked.sha256 });
		}
		const state = this.#newState(
			{ kind: 'manifest', name, manifest: manifestForState(input) },
			name
		);
		applyManifest(state, m);
		const linked = modules.filter((_, i) => i !== named.main);
		return this.#open(state, modules[named.main].bytes, true, linked);
	}

	/** Makes a session the active one. */
	select(id: string): void {
		this.activeId = id;
		void this.save();
	}

	/** Closes a session and its worker. */
	close(id: string): void {
		const session = this.sessions.find((s) => s.id === id);
		session?.dispose();
		this.sessions = this.sessions.filter((s) => s.id !== id);
		if (this.activeId === id) this.activeId = this.sessions.at(-1)?.id ?? null;
		void this.save();
	}

	/** Saves the workspace for the next visit (not before the last one was restored) and lists it in Recent. */
	async save(): Promise<void> {
		if (!this.restored) return;
		const state = this.snapshot();
		await this.#keepBuilds(state);
		const saved = await this.storage.workspaceSet(`ws:${this.id}`, state);
		if (!saved.ok) {
			this.error = saved.error;
			return;
		}
		await this.storage.workspaceSet(CURRENT_KEY, this.id);
		const entry: RecentEntry = {
			id: this.id,
			name: this.name,
			savedAt: Date.now(),
			plugins: state.plugins.map((p) => p.name)
		};
		const recent = [entry, ...(await this.#readRecent()).filter((e) => e.id !== this.id)];
		for (const dropped of recent.slice(RECENT_LIMIT)) {
			await this.storage.workspaceDelete(`ws:${dropped.id}`);
		}
		this.recent = recent.slice(0, RECENT_LIMIT);
		await this.storage.workspaceSet(RECENT_KEY, this.recent);
		this.#channel?.postMessage({ id: this.id, tab: this.#tab });
	}

	/** Reopens the workspace of the last visit. Returns false when there was nothing to restore. */
	async restore(): Promise<boolean> {
		try {
			this.recent = await this.#readRecent();
			const got = await this.storage.workspaceGet<string | WorkspaceState>(CURRENT_KEY);
			if (!got.ok) {
				this.error = got.error;
				return false;
			}
			if (typeof got.value === 'string') return await this.#openSaved(got.value);
			// A workspace saved before workspaces had ids.
			return got.value ? await this.#reopen(got.value) : false;
		} finally {
			this.restored = true;
			keepSpare();
		}
	}

	/** Starts without reopening the last workspace (a link is being opened); it stays in Recent. */
	async skipRestore(): Promise<void> {
		this.recent = await this.#readRecent();
		this.restored = true;
		keepSpare();
	}

	/** Opens a workspace from the Recent list; the current one stays there. */
	async openRecent(id: string): Promise<boolean> {
		await this.save();
		this.#closeAll();
		return this.#openSaved(id);
	}

	/** Starts an empty workspace; the current one stays in the Recent list. */
	async newWorkspace(): Promise<void> {
		await this.save();
		this.#closeAll();
		this.id = newWorkspaceId();
		this.name = 'Untitled workspace';
		this.conflict = null;
	}

	/** Renames a Recent entry (the current workspace too, when it is that one). */
	async renameRecent(id: string, name: string): Promise<void> {
		if (id === this.id) this.name = name;
		this.recent = this.recent.map((e) => (e.id === id ? { ...e, name } : e));
		await this.storage.workspaceSet(RECENT_KEY, this.recent);
	}

	/** Deletes a Recent entry and its saved state; the open workspace cannot be deleted. */
	async deleteRecent(id: string): Promise<void> {
		if (id === this.id) return;
		this.recent = this.recent.filter((e) => e.id !== id);
		await this.storage.workspaceSet(RECENT_KEY, this.recent);
		await this.storage.workspaceDelete(`ws:${id}`);
	}

	/**
	 * Opens plugins as a new workspace (from a link or a workspace file). The current workspace is saved
	 * first, so it stays in the Recent list.
	 */
	async replaceWith(name: string, layout: PaneLayout | undefined): Promise<void> {
		await this.save();
		this.#closeAll();
		this.id = newWorkspaceId();
		this.name = name;
		if (layout) this.layout = clampLayout(layout);
	}

	/**
	 * Opens one plugin from its state and bytes (a link, a workspace file) with the modules `linked` into it;
	 * a built-in example brings its own. Returns its session, or null (with the error set) when an example's
	 * linked module cannot be downloaded.
	 */
	async openState(
		state: PluginState,
		bytes: Uint8Array,
		linked: LinkedBytes[] = []
	): Promise<PluginSession | null> {
		const modules = state.source.kind === 'example' ? await this.#linkedFor(state) : linked;
		return modules && this.#open(state, bytes, true, modules);
	}

	/** Keeps the modules built in the page, so the saved state's sha256 finds them after a reload. */
	async #keepBuilds(state: WorkspaceState): Promise<void> {
		for (const plugin of state.plugins) {
			const sha256 = plugin.code?.built?.sha256;
			if (!sha256 || sha256 !== plugin.sha256 || this.#keptBuilds.has(sha256)) continue;
			const bytes = this.sessions.find((s) => s.id === plugin.id)?.bytes;
			if (!bytes || !keepable(bytes.byteLength)) continue;
			const kept = await this.storage.blobPut(sha256, bytes, plugin.name);
			if (kept.ok) this.#keptBuilds.add(sha256);
			else this.error = kept.error;
		}
	}

	async #readRecent(): Promise<RecentEntry[]> {
		const got = await this.storage.workspaceGet<RecentEntry[]>(RECENT_KEY);
		return got.ok && Array.isArray(got.value) ? got.value : [];
	}

	async #openSaved(id: string): Promise<boolean> {
		const got = await this.storage.workspaceGet<WorkspaceState>(`ws:${id}`);
		if (!got.ok || !got.value) return false;
		this.id = id;
		this.name = this.recent.find((e) => e.id === id)?.name ?? 'Untitled workspace';
		this.conflict = null;
		return this.#reopen(got.value);
	}

	async #reopen(state: WorkspaceState): Promise<boolean> {
		if (state.v !== 1) return false;
		if (state.layout) this.layout = clampLayout(state.layout);
		const lost: string[] = [];
		for (const plugin of state.plugins) {
			const bytes = await this.#bytesFor(plugin);
			const linked = await this.#linkedFor(plugin);
			if (!linked) lost.push(plugin.name);
			// Saved state is not checked on the way in; an older build saved timeouts no timer can wait.
			const settings = withUsableTimeout(plugin.settings);
			if (!bytes || !linked) continue;
			const session = await this.#open({ ...plugin, settings }, bytes, false, linked);
			const code = readSavedCode(plugin.code);
			if (code) sourceOf(session).restore(code, plugin.exportName);
		}
		if (lost.length) {
			this.error = fail(
				'load',
				`${lost.map((n) => `"${n}"`).join(', ')} could not be reopened: ${lost.length === 1 ? 'it is a manifest' : 'they are manifests'} of several modules, and the bytes of a linked module are no longer in this browser's storage.`,
				'Load the manifest again.'
			).error;
		}
		if (state.activeId && this.sessions.some((s) => s.id === state.activeId)) {
			this.activeId = state.activeId;
		}
		return this.sessions.length > 0;
	}

	#closeAll() {
		for (const session of this.sessions) session.dispose();
		this.sessions = [];
		this.activeId = null;
	}

	async #bytesFor(plugin: PluginState): Promise<Uint8Array | null> {
		if (plugin.sha256) {
			const kept = await this.storage.blobGet(plugin.sha256);
			if (kept.ok && kept.bytes) return kept.bytes;
		}
		if (plugin.source.kind === 'example') {
			const meta = this.examples.find((e) => e.name === (plugin.source as { name: string }).name);
			return meta ? this.#download(`examples/${meta.file}`) : null;
		}
		if (plugin.source.kind === 'url') return this.#download(plugin.source.url, true);
		return null;
	}

	/** A saved plugin's linked modules from storage; null when one of them is gone. */
	async #linkedFor(plugin: PluginState): Promise<LinkedBytes[] | null> {
		if (plugin.source.kind === 'example') {
			const name = plugin.source.name;
			const meta = this.examples.find((e) => e.name === name);
			return meta ? this.#exampleLinked(meta) : [];
		}
		const linked: LinkedBytes[] = [];
		for (const { name, sha256 } of plugin.linked ?? []) {
			const kept = await this.storage.blobGet(sha256);
			if (!kept.ok || !kept.bytes) return null;
			linked.push({ name, bytes: kept.bytes, sha256 });
		}
		return linked;
	}

	#newState(source: PluginSource, name = sourceName(source)): PluginState {
		const id = `p${Date.now().toString(36)}${(this.#nextId++).toString(36)}`;
		return {
			id,
			name,
			source,
			sha256: null,
			settings: defaultSettings(defaultNamespace(source)),
			exportName: '',
			input: '',
			inputMode: 'text'
		};
	}

	async #open(
		state: PluginState,
		bytes: Uint8Array,
		persist = true,
		linked: LinkedBytes[] = []
	): Promise<PluginSession> {
		this.error = null;
		// The worker hashes the bytes (see PluginSession.load): a saved hash may be of other bytes (a URL).
		const session = new PluginSession({ ...state, sha256: null }, this.storage, tabMemoryBudget);
		this.sessions = [...this.sessions, session];
		this.activeId = session.id;
		session.keepNotice = keepNotice(state.source, bytes.byteLength);
		const loaded = await session.load(bytes, null, linked);
		const sha256 = session.sha256;
		// Only a module that compiled is kept: one that failed would fail again after every reload.
		const compiled = loaded.module !== null;
		const kind = state.source.kind;
		if (persist && compiled && sha256 && keepable(bytes.byteLength) && kind !== 'example') {
			const kept = await this.storage.blobPut(sha256, bytes, state.name);
			if (!kept.ok) session.storageError = kept.error;
			// A manifest's other modules are kept too: without them it could not come back.
			for (const l of linked.filter((m) => keepable(m.bytes.byteLength))) {
				const keptLinked = await this.storage.blobPut(
					l.sha256,
					l.bytes,
					`${state.name}: ${l.name}`
				);
				if (!keptLinked.ok) session.storageError = keptLinked.error;
			}
		}
		await this.save();
		return session;
	}

	async #download(url: string, showProgress = false): Promise<Uint8Array | null> {
		this.error = null;
		if (showProgress) this.progress = { url, loaded: 0, total: null };
		const got = await download(url, (p) => {
			if (showProgress) this.progress = { url, ...p };
		});
		this.progress = null;
		if (!got.ok) {
			this.error = got.error;
			return null;
		}
		return got.bytes;
	}
}

/** Manifest settings override the defaults: config, allowed hosts, memory and timeout. */
function applyManifest(state: PluginState, m: ParsedManifest) {
	state.settings.config = { ...m.config };
	state.settings.allowedHosts = [...m.allowedHosts];
	if (m.memory.maxPages !== null) state.settings.memory.maxPages = m.memory.maxPages;
	state.settings.memory.maxHttpResponseBytes = m.memory.maxHttpResponseBytes;
	state.settings.memory.maxVarBytes = m.memory.maxVarBytes;
	if (m.timeoutMs !== null) state.settings.timeoutMs = m.timeoutMs;
}

/** Keeps a manifest in the workspace state as JSON-able data. */
function manifestForState(input: string | object): unknown {
	if (typeof input !== 'string') return input;
	try {
		return JSON.parse(input) as unknown;
	} catch {
		return input;
	}
}
