/**
 * Share links and workspace files for a `Workspace`: making them from the open plugins, and opening them.
 * Opening never runs plugin code, unless the link asks for autorun and holds only built-in examples.
 */
import { sha256Hex } from '../lib/bytes/hash';
import { encodeInput } from '../lib/workspace/io';
import { decodeLink, encodeLink, readParams, shareUrl, withParams } from '../lib/share/codec';
import type { ShareError } from '../lib/share/errors';
import { isLong, LINK_WARN_LENGTH } from '../lib/share/length';
import { embedSnippet, issueMarkdown } from '../lib/share/markdown';
import {
	autorunAllowed,
	fromWorkspace,
	toWorkspace,
	verifyModule,
	type RecordedCall,
	type SharedAbi,
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
import { abiStateFor, pretty, type AbiChoice } from './abi.svelte';
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
	/** KV entries a link carried for namespaces that already had data here: applied only if the user asks. */
	pendingKv = $state.raw<Map<string, Map<string, Uint8Array>>>(new Map());

	readonly #workspace: Workspace;

	constructor(workspace: Workspace) {
		this.#workspace = workspace;
	}

	/** The shareable state of the open workspace. */
	async state(options: ShareOptions): Promise<{ state: ShareState; notes: ShareNote[] }> {
		const ws = this.#workspace;
		const modules = new Map<string, Uint8Array>();
		const kv = new Map<string, ReadonlyMap<string, Uint8Array>>();
		const recorded = new Map<string, RecordedCall>();
		const abi = new Map<string, SharedAbi>();
		for (const session of ws.sessions) {
			const shared = sharedAbi(session.id);
			if (shared) abi.set(session.id, shared);
			if (session.bytes) modules.set(session.id, session.bytes);
			if (options.includeKv) kv.set(session.settings.namespace, session.kv);
			if (options.includeRecorded && session.trace && session.outcome) {
				recorded.set(session.id, {
					output: session.outcome.output.byteLength ? session.outcome.output : null,
					trace: $state.snapshot(session.trace) as RecordedCall['trace']
				});
			}
		}
		return fromWorkspace({ workspace: ws.snapshot(), modules, kv, recorded, abi });
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
			fileName.replace(/\\.json$/, '')
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

	/** Writes the KV entries a link carried over the receiver's own, after the user agreed. */
	async applyPendingKv(namespace: string): Promise<void> {
		const entries = this.pendingKv.get(namespace);
		if (!entries) return;
		const session = this.#workspace.sessions.find((s) => s.settings.namespace === namespace);
		const current = session ? [...session.kv.keys()] : [];
		const changes = [
			...current.filter((k) => !entries.has(k)).map((key) => ({ key, value: null })),
			...[...entries].map(([key, value]) => ({ key, value }))
		];
		if (session) await session.kvEdit(changes);
		else await this.#workspace.storage.kvWrite(namespace, changes);
		const next = new Map(this.pendingKv);
		next.delete(namespace);
		this.pendingKv = next;
	}

	async #open(state: ShareState, params: ShareParams, name: string): Promise<void> {
		const ws = this.#workspace;
		const opened = toWorkspace(state, (i) => `s${Date.now().toString(36)}${i}`);
		await ws.replaceWith(name, opened.workspace.layout);
		const notices: string[] = [];
		const pending = new Map<string, Map<string, Uint8Array>>();
		for (const [namespace, entries] of opened.kv) {
			const existing = await ws.storage.kvList(namespace);
			if (existing.ok && existing.entries.size > 0 && !sameEntries(existing.entries, entries)) {
				pending.set(namespace, entries);
				notices.push(
					`The link carries KV data for namespace "${namespace}", which already has other entries here. Yours were kept; choose "Use the link's KV data" to replace them.`
				);
			} else {
				await ws.storage.kvWrite(
					namespace,
					[...entries].map(([key, value]) => ({ key, value }))
				);
			}
		}
		this.pendingKv = pending;
		for (const plugin of opened.plugins) {
			if (plugin.missing) {
				notices.push(plugin.missing);
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
			const session = await ws.openState(plugin.state, bytes);
			if (plugin.recorded) session.showRecorded(plugin.recorded);
			if (plugin.abi) restoreAbi(session.id, plugin.abi);
		}
		const active = opened.workspace.activeId;
		if (active && ws.sessions.some((s) => s.id === active)) ws.select(active);
		this.notices = notices;
		if (autorunAllowed(state, params)) {
			const session = ws.active;
			const input = session ? encodeInput(session.input, session.inputMode) : null;
			if (session && input?.ok) await session.run(input.bytes);
		}
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

/** A session's ABI panel state as share data: the profile, hook, bindings and each hook's arguments. */
function sharedAbi(sessionId: string): SharedAbi | null {
	const state = abiStateFor(sessionId);
	if (state.chosen === null) return null;
	const hookArgs: Record<string, unknown> = {};
	for (const [hook, text] of Object.entries(state.argsText)) {
		try {
			hookArgs[hook] = JSON.parse(text) as unknown;
		} catch {
			// Arguments that are not JSON yet travel as the text the user typed.
			hookArgs[hook] = text;
		}
	}
	return {
		profile: state.chosen,
		hook: state.hookName,
		bindings: { ...state.bindings },
		hookArgs
	};
}

/** Puts a shared ABI panel state back on a session. */
function restoreAbi(sessionId: string, abi: SharedAbi) {
	const state = abiStateFor(sessionId);
	if (abi.profile === 'bub' || abi.profile === 'bifrost' || abi.profile === 'none') {
		state.chosen = abi.profile as AbiChoice;
	}
	if (abi.hook) state.hookName = abi.hook;
	if (abi.bindings) state.bindings = { ...abi.bindings };
	if (abi.hookArgs) {
		state.argsText = Object.fromEntries(
			Object.entries(abi.hookArgs).map(([hook, value]) => [
				hook,
				typeof value === 'string' ? value : pretty(value)
			])
		);
	}
}

function sameEntries(
	a: ReadonlyMap<string, Uint8Array>,
	b: ReadonlyMap<string, Uint8Array>
): boolean {
	if (a.size !== b.size) return false;
	for (const [key, value] of a) {
		const other = b.get(key);
		if (!other || other.byteLength !== value.byteLength || other.some((x, i) => x !== value[i])) {
			return false;
		}
	}
	return true;
}

export { LINK_WARN_LENGTH };
