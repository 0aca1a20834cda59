/**
 * Share links and workspace files for a `Workspace`: making them from the open plugins, and opening them.
 * Opening never runs plugin code and claims nothing: the link's plugins get fresh KV namespaces and no hosts,
 * and what the link asked for beyond that (`requests`) applies only when the person says yes to it.
 */
import { sha256Hex } from '../lib/bytes/hash';
import { encodeInput } from '../lib/workspace/io';
import { decodeLink, encodeLink, readParams, shareUrl, withParams } from '../lib/share/codec';
import type { ShareError } from '../lib/share/errors';
import { isLong, LINK_WARN_LENGTH } from '../lib/share/length';
import { guardLink, linkNamespace, type LinkRequest } from '../lib/share/consent';
import { embedSnippet, issueMarkdown } from '../lib/share/markdown';
import {
	autorunAllowed,
	fromWorkspace,
	toWorkspace,
	verifyModule,
	type OpenedPlugin,
	type RecordedCall,
	type SharedAbi,
	type SharedCode,
	type SharedSource,
	type ShareNote,
	type ShareParams,
	type ShareState
} from '../lib/share/state';
import {
	decodeWorkspaceFile,
	encodeWorkspaceFile,
	workspaceFileName
} from '../lib/share/workspace-file';
import { download } from '../lib/net/download';
import type { LinkedBytes } from './plugin-session.svelte';
import { EMPTY_MODULE, sharedCodeOf, sourceOf } from './source.svelte';
import type { Workspace } from './workspace.svelte';

/** What the Share dialog shows. */
export interface MadeLink {
	url: string;
	length: number;
	long: boolean;
	markdown: string;
	iframe: string;
	notes: ShareNote[];
}

/** Options the sender picks in the Share dialog. */
export interface ShareOptions {
	includeKv: boolean;
	includeRecorded: boolean;
}

export class Sharing {
	/** Why the link in the address could not be opened; the page explains it instead of going blank. */
	linkError = $state.raw<ShareError | null>(null);
	/** True when the page was opened as an embed (`&embed=1`). */
	embed = $state(false);
	/** Things the receiver should know about what opened (missing files, changed examples, kept KV). */
	notices = $state.raw<string[]>([]);
	/** What the open link asked for beyond its own plugins, until the person says yes or no to each. */
	requests = $state.raw<LinkRequest[]>([]);
	/** What `requests` came from, for the words the page uses: a link or an imported workspace file. */
	requestsFrom = $state<'link' | 'workspace file'>('link');

	readonly #workspace: Workspace;

	constructor(workspace: Workspace) {
		this.#workspace = workspace;
	}

	/** The shareable state of the open workspace. */
	async state(options: ShareOptions): Promise<{ state: ShareState; notes: ShareNote[] }> {
		const ws = this.#workspace;
		const modules = new Map<string, Uint8Array>();
		const linked = new Map<string, ReadonlyMap<string, Uint8Array>>();
		const kv = new Map<string, ReadonlyMap<string, Uint8Array>>();
		const recorded = new Map<string, RecordedCall>();
		const abi = new Map<string, SharedAbi>();
		const code = new Map<string, SharedCode>();
		const workspace = ws.snapshot();
		for (const session of ws.sessions) {
			const source = sharedCodeOf(session);
			if (source) {
				const { sha256, ...built } = source;
				code.set(session.id, built);
				// A link's source not built yet holds a stand-in: the share names the module it builds.
				const plugin = workspace.plugins.find((p) => p.id === session.id);
				if (plugin) plugin.sha256 = sha256;
			}
			const shared = session.abi.shared();
			if (shared) abi.set(session.id, shared);
			if (session.bytes) modules.set(session.id, session.bytes);
			if (session.linkedBytes.length) {
				linked.set(session.id, new Map(session.linkedBytes.map((l) => [l.name, l.bytes])));
			}
			if (options.includeKv) kv.set(session.settings.namespace, session.kv);
			if (options.includeRecorded && session.trace && session.outcome) {
				recorded.set(session.id, {
					output: session.outcome.output.byteLength ? session.outcome.output : null,
					trace: $state.snapshot(session.trace) as RecordedCall['trace']
				});
			}
		}
		return fromWorkspace({ workspace, modules, linked, kv, recorded, abi, code });
	}

	/** A link to the open workspace, with its Markdown and embed snippets. */
	async makeLink(options: ShareOptions): Promise<MadeLink> {
		const { state, notes } = await this.state(options);
		const fragment = await encodeLink(state);
		const base = location.href;
		const url = shareUrl(base, fragment);
		return {
			url,
			length: url.length,
			long: isLong(url.length),
			markdown: issueMarkdown(url, state),
			iframe: embedSnippet(withParams(url, { embed: true }), state),
			notes
		};
	}

	/** The whole workspace, plugin bytes of any size included, as a file. */
	async exportFile(): Promise<{ name: string; text: string }> {
		const { state } = await this.state({ includeKv: true, includeRecorded: true });
		return { name: workspaceFileName(), text: await encodeWorkspaceFile(state) };
	}

	/** Opens a workspace file; false (with `linkError` set) when it cannot be read. */
	async importFile(text: string, fileName: string): Promise<boolean> {
		const decoded = await decodeWorkspaceFile(text);
		if (!decoded.ok) {
			this.#workspace.error = decoded.error;
			return false;
		}
		await this.#open(
			decoded.state,
			{ embed: false, autorun: false },
			fileName.replace(/\\.json$/, ''),
			'workspace file'
		);
		return true;
	}

	/** Opens the link in the address, if there is one. Returns true when a link was opened. */
	async openFromAddress(): Promise<boolean> {
		const fragment = location.hash.slice(1);
		if (!fragment) return false;
		const params = readParams(fragment);
		this.embed = params.embed;
		const decoded = await decodeLink(fragment);
		if (!decoded.ok) {
			this.linkError = decoded.error;
			return true;
		}
		await this.#open(decoded.state, decoded.params, 'Shared workspace');
		return true;
	}

	/** Leaves a broken link for an empty playground. */
	dismissLink(): void {
		this.linkError = null;
		this.embed = false;
		history.replaceState(null, '', location.pathname + location.search);
	}

	async #open(
		state: ShareState,
		params: ShareParams,
		name: string,
		from: 'link' | 'workspace file' = 'link'
	): Promise<void> {
		const ws = this.#workspace;
		const raw = toWorkspace(state, (i) => `s${Date.now().toString(36)}${i}`);
		const existing = new Map<string, number>();
		for (const namespace of new Set(raw.plugins.map((p) => p.state.settings.namespace))) {
			const here = await ws.storage.kvList(namespace);
			if (here.ok && here.entries.size > 0) existing.set(namespace, here.entries.size);
		}
		const unique = Math.random().toString(36).slice(2, 6);
		const { opened, requests } = guardLink(raw, {
			existing,
			exampleHosts: (i) => {
				const source = raw.plugins[i]?.source;
				if (source?.kind !== 'example') return null;
				return [...(ws.examples.find((e) => e.name === source.name)?.allowedHosts ?? [])];
			},
			freshNamespace: (namespace) => linkNamespace(namespace, unique),
			autorun: autorunAllowed(state, params)
		});
		await ws.replaceWith(name, opened.workspace.layout);
		const notices = [...opened.notices];
		for (const plugin of opened.plugins) {
			if (plugin.missing) {
				notices.push(plugin.missing);
				continue;
			}
			if (plugin.code) {
				await this.#openCode(plugin, plugin.code, notices);
				continue;
			}
			const bytes = await this.#bytesOf(plugin.source, notices);
			if (!bytes) continue;
			const checked = verifyModule(plugin.source, await sha256Hex(bytes));
			if (!checked.ok) {
				ws.error = checked.error;
				continue;
			}
			if (checked.warning) notices.push(checked.warning);
			const linked = await this.#linkedOf(plugin, notices);
			if (!linked) continue;
			const session = await ws.openState(plugin.state, bytes, linked);
			if (!session) continue;
			if (plugin.recorded) session.showRecorded(plugin.recorded);
			if (plugin.abi) session.abi.restoreShared(plugin.abi);
		}
		const active = opened.workspace.activeId;
		if (active && ws.sessions.some((s) => s.id === active)) ws.select(active);
		this.notices = notices;
		this.requestsFrom = from;
		this.requests = requests.filter(
			(r) =>
				r.kind === 'namespace' || r.kind === 'kv' || ws.sessions.some((s) => s.id === r.pluginId)
		);
	}

	/**
	 * Opens a plugin that travels as its source. Nothing builds on open: an example shows its shipped module
	 * meanwhile, any other plugin an empty one; Run rebuilds it and says so if the sha256 differs.
	 */
	async #openCode(plugin: OpenedPlugin, code: SharedCode, notices: string[]): Promise<void> {
		const ws = this.#workspace;
		const { source } = plugin;
		const bytes = source.kind === 'example' ? await this.#bytesOf(source, notices) : EMPTY_MODULE;
		if (!bytes || source.kind === 'inline') return;
		const session = await ws.openState(plugin.state, bytes);
		if (!session) return;
		const exportName = plugin.state.exportName;
		sourceOf(session).adopt(
			{ language: code.language, folder: code.folder, files: code.files },
			false,
			{ sha256: source.sha256 ?? '', compiler: code.compiler },
			exportName
		);
		// The stand-in module lacks the export; Run brings it with the build.
		session.exportName = exportName;
		if (plugin.recorded) session.showRecorded(plugin.recorded);
		if (plugin.abi) session.abi.restoreShared(plugin.abi);
	}

	/** Says yes to one thing the link asked for, and applies it. */
	async accept(request: LinkRequest): Promise<void> {
		this.requests = this.requests.filter((r) => r !== request);
		const sessions = this.#workspace.sessions;
		const find = (id: string) => sessions.find((s) => s.id === id);
		switch (request.kind) {
			case 'namespace':
				for (const id of request.pluginIds) {
					const session = find(id);
					if (session)
						await session.configure({ ...session.settings, namespace: request.namespace });
				}
				return;
			case 'hosts': {
				const session = find(request.pluginId);
				if (session) await session.configure({ ...session.settings, allowedHosts: request.hosts });
				return;
			}
			case 'kv': {
				const changes = [...request.entries].map(([key, value]) => ({ key, value }));
				const done = new Set<string>();
				for (const id of request.pluginIds) {
					const session = find(id);
					if (!session || done.has(session.settings.namespace)) continue;
					done.add(session.settings.namespace);
					await session.kvEdit(changes);
				}
				return;
			}
			case 'autorun': {
				const session = find(request.pluginId);
				const input = session ? encodeInput(session.input, session.inputMode) : null;
				if (session && input?.ok) await session.run(input.bytes);
				return;
			}
		}
	}

	/** Says no to everything the link still asks for: its plugins keep the safe defaults. */
	declineAll(): void {
		this.requests = [];
	}

	/** The bytes of a shared plugin's linked modules, each checked; null (error set) when one fails. */
	async #linkedOf(plugin: OpenedPlugin, notices: string[]): Promise<LinkedBytes[] | null> {
		const linked: LinkedBytes[] = [];
		for (const { name, source } of plugin.linked) {
			const bytes = await this.#bytesOf(source, notices);
			if (!bytes) return null;
			const sha256 = await sha256Hex(bytes);
			const checked = verifyModule(source, sha256, { plugin: plugin.state.name, module: name });
			if (!checked.ok) {
				this.#workspace.error = checked.error;
				return null;
			}
			linked.push({ name, bytes, sha256 });
		}
		return linked;
	}

	async #bytesOf(source: SharedSource, notices: string[]): Promise<Uint8Array | null> {
		switch (source.kind) {
			case 'inline':
				return source.bytes;
			case 'example': {
				const meta = this.#workspace.examples.find((e) => e.name === source.name);
				if (!meta) {
					notices.push(
						`This link uses the built-in example "${source.name}", which this version of the playground does not have.`
					);
					return null;
				}
				const got = await download(`examples/${meta.file}`);
				return got.ok ? got.bytes : null;
			}
			case 'url': {
				const got = await download(source.url);
				if (!got.ok) {
					this.#workspace.error = got.error;
					return null;
				}
				return got.bytes;
			}
			case 'file-only':
				return null;
		}
	}
}

export { LINK_WARN_LENGTH };
