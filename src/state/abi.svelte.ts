/**
 * Per-plugin ABI state for the ABI panel: which profile and hook are chosen, the arguments typed per hook,
 * bindings set by descriptors or an imported extism.json, and the last hook call, turn and pipeline run.
 * Calls go through the plugin sessions; decoding, turns and pipelines are the pure code in `lib/abi`.
 */
import { SvelteMap } from 'svelte/reactivity';
import { bifrostProfile } from '../lib/abi/bifrost/profile';
import { decodeHook, type BifrostDecoded } from '../lib/abi/bifrost/decode';
import { findHook } from '../lib/abi/bifrost/hooks';
import {
	runPipeline,
	sampleInput,
	type PipelineRun,
	type RawCaller
} from '../lib/abi/bifrost/pipeline';
import { detectRevision } from '../lib/abi/bifrost/revisions';
import {
	exportConfig,
	parseBubConfig,
	type BubConfigJson,
	type BubPluginEntry
} from '../lib/abi/bub/config';
import { readResponse } from '../lib/abi/bub/decode';
import { encodeEnvelope, parseBubJson } from '../lib/abi/bub/envelope';
import { followUpsOf, pollIntervalsOf, type FollowUp } from '../lib/abi/bub/followups';
import { BUB_HOOKS } from '../lib/abi/bub/hooks';
import { bindExport, bubProfile } from '../lib/abi/bub/profile';
import { runTurn, type CallExport, type TurnPlugin, type TurnResult } from '../lib/abi/bub/turn';
import type { Decoded, HookSpec, Profile, RawResult } from '../lib/abi/profile';
import { fail, type PlaygroundError } from '../lib/errors';
import type { ManifestWasmItem } from '../lib/manifest/manifest';
import type { ModuleInfo } from '../lib/wasm/types';
import type { PluginSession } from './plugin-session.svelte';
import type { Workspace } from './workspace.svelte';

/** The ABI the panel speaks: none (a plain call) or one of the profiles. */
export type AbiChoice = 'none' | 'bub' | 'bifrost';

/** The profiles by choice. */
export const PROFILES: Record<Exclude<AbiChoice, 'none'>, Profile> = {
	bub: bubProfile,
	bifrost: bifrostProfile
};

/** The result of one hook call, decoded with the profile's rules. */
export interface HookCall {
	hook: string;
	export: string;
	/** The bytes the export answered with. */
	output: Uint8Array;
	decoded: Decoded | null;
	/** The call's failure (trap, timeout, bad pointer...), naming the export. */
	error: PlaygroundError | null;
	/** Bifrost: what the host observed of the memory protocol. */
	raw: RawResult | null;
	/** Bub: the follow-up calls a descriptor in the answer defines. */
	followUps: FollowUp[];
}

/** Pretty JSON for editors and displays. */
export function pretty(value: unknown): string {
	return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

/** Parses an editor's JSON, or says which editor is wrong and how. */
export function parseJson(
	text: string,
	what: string
): { ok: true; value: unknown } | { ok: false; error: PlaygroundError } {
	try {
		return { ok: true, value: JSON.parse(text) as unknown };
	} catch (e) {
		return fail(
			'call',
			`${what} is not valid JSON: ${e instanceof Error ? e.message : String(e)}.`,
			`Fix the JSON in ${what}, or pick the hook again to restore its sample.`
		);
	}
}

/** The profile a module matches, else the one its example names, else none. */
export function detectAbi(info: ModuleInfo | null, exampleAbi: string | undefined): AbiChoice {
	if (info !== null) {
		if (bubProfile.detect(info).matches) return 'bub';
		if (bifrostProfile.detect(info).matches) return 'bifrost';
	}
	return exampleAbi === 'bub' || exampleAbi === 'bifrost' ? exampleAbi : 'none';
}

/** The ABI a session is called with: the person's pick, else what its module or example declares. */
export function abiChoiceOf(
	session: PluginSession,
	examples: readonly { name: string; abi?: string }[]
): AbiChoice {
	const source = session.source;
	const exampleAbi =
		source.kind === 'example' ? examples.find((e) => e.name === source.name)?.abi : undefined;
	return abiStateFor(session.id).chosen ?? detectAbi(session.info, exampleAbi);
}

/** Whether a session is a bub plugin a turn can ask. */
export function isBubPlugin(session: PluginSession): boolean {
	return (
		session.status !== 'failed' && session.info !== null && bubProfile.detect(session.info).matches
	);
}

function functionExports(info: ModuleInfo | null): string[] {
	return (info?.exports ?? []).filter((e) => e.kind === 'function').map((e) => e.name);
}

/** An imported extism.json entry, and whether the user still has to supply its .wasm. */
export interface ImportedEntry {
	entry: BubPluginEntry;
	/** Set once the plugin is loaded. */
	sessionId: string | null;
}

/** ABI state for one plugin session. */
export class AbiState {
	/** The ABI the user picked; null follows detection. */
	chosen = $state<AbiChoice | null>(null);
	/** The hook the user picked; empty follows the default. */
	hookName = $state('');
	/** Arguments as typed, per hook; a hook not here shows its sample arguments. */
	argsText = $state<Record<string, string>>({});
	/** Hook → export, set by a descriptor's follow-up (the export the descriptor names). */
	bindings = $state<Record<string, string>>({});
	/** The last hook call. */
	call = $state.raw<HookCall | null>(null);
	/** The last turn. */
	turn = $state.raw<TurnResult | null>(null);
	/** Plugin names in the last turn, newest first, with the hooks each was bound to. */
	turnPlugins = $state.raw<TurnPlugin[]>([]);
	/** The message a turn starts from, as JSON. */
	messageText = $state(pretty(BUB_HOOKS[0]?.args.message ?? {}));
	/** The last pipeline run. */
	pipeline = $state.raw<PipelineRun | null>(null);
	/** The pipeline's input, as JSON. */
	pipelineText = $state(pretty(sampleInput()));
	/** What is running, to disable the buttons meanwhile. */
	busy = $state<'call' | 'turn' | 'pipeline' | null>(null);
	/** Why the last action could not start (bad JSON, no export...). */
	error = $state.raw<PlaygroundError | null>(null);
	/** Channel name → poll interval in seconds, from the last decoded `provide_channels` descriptors. */
	pollIntervals = $state<Record<string, number>>({});

	/** The session whose ABI state this is (its imported extism.json bindings apply). */
	readonly sessionId: string;

	constructor(sessionId: string) {
		this.sessionId = sessionId;
	}

	/** The arguments text of a hook: as typed, else its sample. */
	argsFor(hook: HookSpec): string {
		return this.argsText[hook.name] ?? pretty(hook.args);
	}

	/** Picks a hook (a follow-up may bring its export and arguments). */
	pick(hook: string, exportName?: string, args?: unknown): void {
		this.hookName = hook;
		if (exportName !== undefined) this.bindings = { ...this.bindings, [hook]: exportName };
		if (args !== undefined) this.argsText = { ...this.argsText, [hook]: pretty(args) };
	}

	/** The export a hook is bound to in this module, or null when the host would skip it. */
	bound(profile: Profile, hook: HookSpec, info: ModuleInfo | null): string | null {
		if (info === null) return null;
		if (profile.id === 'bub') {
			// An imported extism.json binds hooks as in a turn; a descriptor's follow-up adds its export.
			const config = configuredHooks.get(this.sessionId);
			if (config !== undefined) return bindExport(hook, info, { ...config, ...this.bindings });
			const picked = this.bindings[hook.name];
			return bindExport(hook, info, picked === undefined ? undefined : this.bindings);
		}
		return profile.bind(hook, info);
	}

	/** Calls one hook the way the profile's host does, and decodes the answer with its rules. */
	async callHook(session: PluginSession, profile: Profile, hook: HookSpec): Promise<void> {
		this.error = null;
		const info = session.info;
		const exportName = this.bound(profile, hook, info);
		if (info === null || exportName === null) {
			this.error = fail(
				'call',
				`The module has no export bound to ${hook.name}: the host would skip this hook.`,
				'Pick a hook the module exports, or load a plugin that implements it.'
			).error;
			return;
		}
		const read = profile.id === 'bub' ? parseBubJson : parseJson;
		const args = read(this.argsFor(hook), 'Hook arguments');
		if (!args.ok) {
			this.error = args.error;
			return;
		}
		this.busy = 'call';
		try {
			this.call =
				profile.transport === 'extism'
					? await this.#callBub(session, hook.name, exportName, args.value)
					: await this.#callBifrost(session, hook.name, args.value, info);
		} finally {
			this.busy = null;
		}
	}

	async #callBub(
		session: PluginSession,
		hook: string,
		exportName: string,
		args: unknown
	): Promise<HookCall | null> {
		const envelope = encodeEnvelope(hook, args);
		if (!envelope.ok) {
			this.error = envelope.error;
			return null;
		}
		session.exportName = exportName;
		const outcome = await session.run(envelope.bytes.slice());
		if (outcome === null) {
			this.error = busyError(session).error;
			return null;
		}
		const base = { hook, export: exportName, output: outcome.output, raw: null };
		if (outcome.error !== null && (outcome.code === null || outcome.code === 0)) {
			return { ...base, decoded: null, error: outcome.error, followUps: [] };
		}
		const reading = readResponse(hook, outcome.output, outcome.code, outcome.error?.message);
		if (hook === 'provide_channels') this.pollIntervals = pollIntervalsOf(hook, reading.passed);
		return {
			...base,
			decoded: reading.decoded,
			error: null,
			followUps: followUpsOf(hook, reading.passed, session.name)
		};
	}

	async #callBifrost(
		session: PluginSession,
		hook: string,
		args: unknown,
		info: ModuleInfo
	): Promise<HookCall | null> {
		const encoded = bifrostProfile.encode(hook, args, info);
		const spec = findHook(hook);
		if (!encoded.ok || spec === undefined) {
			this.error = encoded.ok ? null : encoded.error;
			return null;
		}
		const outcome = await session.runRaw(encoded.call, hook);
		if (outcome === null) {
			this.error = busyError(session).error;
			return null;
		}
		const base = { hook, export: encoded.call.export, raw: outcome.result, followUps: [] };
		if (outcome.result === null) {
			return { ...base, output: new Uint8Array(0), decoded: null, error: outcome.error };
		}
		const decoded: BifrostDecoded = decodeHook(spec, outcome.result);
		return {
			...base,
			output: outcome.result.bytes ?? new Uint8Array(0),
			decoded,
			error: decoded.error ?? outcome.error
		};
	}

	/**
	 * Runs one Bub turn over every loaded bub plugin (the last opened answers first), each call on its own
	 * session with the export bound to the hook. With `fresh`, sessions first switch to a fresh instance per
	 * call, as Bub makes one.
	 */
	async runTurn(workspace: Workspace, fresh: boolean): Promise<void> {
		this.error = null;
		const message = parseBubJson(this.messageText, 'Turn message');
		if (!message.ok) {
			this.error = message.error;
			return;
		}
		const sessions = workspace.sessions.filter(isBubPlugin);
		if (sessions.length === 0) {
			this.error = fail(
				'call',
				'No bub plugin is loaded, so there is nobody to run a turn over.',
				'Load one or more bub examples (Bub: prompt builder, Bub: echo model) and try again.'
			).error;
			return;
		}
		this.busy = 'turn';
		const byName = new Map<string, PluginSession>();
		const plugins: TurnPlugin[] = sessions.map((session, order) => {
			let name = session.name;
			for (let n = 2; byName.has(name); n++) name = `${session.name} #${n}`;
			byName.set(name, session);
			const hooks = bubBindings(session);
			return { name, order, hooks, exports: functionExports(session.info) };
		});
		const chosenExports = new Map(sessions.map((s) => [s, s.exportName]));
		try {
			if (fresh) {
				for (const s of sessions) {
					if (!s.settings.freshInstance) await s.configure({ ...s.settings, freshInstance: true });
				}
			}
			const call: CallExport = async (plugin, _hook, exportName, envelope) => {
				const session = byName.get(plugin);
				if (session === undefined) throw new Error(`No loaded plugin is named ${plugin}.`);
				session.exportName = exportName;
				const outcome = await session.run(envelope.slice());
				if (outcome === null) {
					return { output: new Uint8Array(0), code: null, error: busyError(session).error };
				}
				return {
					output: outcome.output,
					code: outcome.code,
					...(outcome.error
						? { error: { kind: outcome.error.kind, message: outcome.error.message } }
						: {})
				};
			};
			this.turnPlugins = [...plugins].sort((a, b) => b.order - a.order);
			this.turn = await runTurn(plugins, message.value, {}, call);
		} finally {
			for (const [session, exportName] of chosenExports) session.exportName = exportName;
			this.busy = null;
		}
	}

	/** Runs one request through a Bifrost plugin with the edited pipeline input. */
	async runPipeline(session: PluginSession): Promise<void> {
		this.error = null;
		const input = parseJson(this.pipelineText, 'Pipeline input');
		if (!input.ok) {
			this.error = input.error;
			return;
		}
		const value = input.value;
		const revision = session.info ? detectRevision(session.info).revision : null;
		if (typeof value !== 'object' || value === null || Array.isArray(value) || revision === null) {
			this.error = fail(
				'call',
				revision === null
					? 'The module exports no Bifrost hooks of any revision, so there is no pipeline to run.'
					: 'Pipeline input must be an object with config, context, httpRequest, request and provider.',
				revision === null
					? 'Load a Bifrost plugin (Bifrost hello) or pick another ABI.'
					: 'Press Reset input to start again from the sample.'
			).error;
			return;
		}
		const call: RawCaller = async (exportName, inputs) => {
			const outcome = await session.runRaw({ export: exportName, inputs });
			if (outcome === null) return { error: busyError(session).error };
			if (outcome.result === null) {
				return { error: outcome.error ?? busyError(session).error };
			}
			return outcome.result;
		};
		this.busy = 'pipeline';
		try {
			this.pipeline = await runPipeline(
				revision,
				{ ...sampleInput(), ...value, exports: functionExports(session.info) },
				call
			);
		} finally {
			this.busy = null;
		}
	}

	/** Puts the sample request back into the pipeline input. */
	resetPipelineInput(): void {
		this.pipelineText = pretty(sampleInput());
	}
}

function busyError(session: PluginSession) {
	return fail(
		'call',
		`${session.name} could not take the call: it is ${session.status}.`,
		'Wait for the running call to end (or stop it), then try again.'
	);
}

/** Hook bindings from an imported extism.json, by session id: Bub binds only these. */
const configuredHooks = new SvelteMap<string, Record<string, string>>();

/** Hook → export for a bub plugin: its imported extism.json bindings, else exports named after hooks. */
function bubBindings(session: PluginSession): Record<string, string> {
	const hooks: Record<string, string> = {};
	for (const hook of BUB_HOOKS) {
		const exportName =
			session.info && bindExport(hook, session.info, configuredHooks.get(session.id));
		if (exportName) hooks[hook.name] = exportName;
	}
	return hooks;
}

const states = new Map<string, AbiState>();

/** The ABI state of a session, kept while the page lives so switching tabs does not lose it. */
export function abiStateFor(sessionId: string): AbiState {
	let state = states.get(sessionId);
	if (state === undefined) {
		state = new AbiState(sessionId);
		states.set(sessionId, state);
	}
	return state;
}

/** An imported extism.json: its entries, and which are loaded. */
export class BubConfigImport {
	/** The entries, in file order. */
	entries = $state.raw<ImportedEntry[]>([]);
	/** Why the file could not be read. */
	error = $state.raw<PlaygroundError | null>(null);

	/** Reads an extism.json's text and reports its entries. */
	read(text: string): void {
		const parsed = parseBubConfig(text);
		if (!parsed.ok) {
			this.error = parsed.error;
			this.entries = [];
			return;
		}
		this.error = null;
		this.entries = parsed.entries.map((entry) => ({ entry, sessionId: null }));
	}

	/** Loads an entry from its manifest (modules given by data or url) or from the .wasm the user picked. */
	async load(workspace: Workspace, item: ImportedEntry, file?: File): Promise<void> {
		const session = file
			? await workspace.loadFile(file)
			: await workspace.loadManifest(
					{ wasm: item.entry.manifest.wasm.map(manifestItemJson) },
					item.entry.name
				);
		if (session === null) return;
		configuredHooks.set(session.id, item.entry.hooks);
		this.entries = this.entries.map((e) => (e === item ? { ...e, sessionId: session.id } : e));
	}
}

function manifestItemJson(item: ManifestWasmItem): Record<string, unknown> {
	const common = {
		...(item.name !== undefined ? { name: item.name } : {}),
		...(item.hash !== undefined ? { hash: item.hash } : {})
	};
	if (item.kind === 'url') return { url: item.url, ...common };
	let binary = '';
	for (const byte of item.data) binary += String.fromCharCode(byte);
	return { data: btoa(binary), ...common };
}

/**
 * An extism.json for the loaded bub plugins, in the order they were opened: examples and URLs by URL
 * (with their hash), files by a path next to the config, since Bub reads local paths.
 */
export function configForSessions(sessions: readonly PluginSession[]): BubConfigJson {
	const entries = sessions.filter(isBubPlugin).map((session, order): BubPluginEntry => {
		const hash = session.sha256 ?? undefined;
		const source = session.source;
		const url =
			source.kind === 'example'
				? new URL(`examples/${source.name}.wasm`, document.baseURI).href
				: source.kind === 'url'
					? source.url
					: null;
		const wasm: ManifestWasmItem[] = url ? [{ kind: 'url', url, ...(hash ? { hash } : {}) }] : [];
		const hooks = bubBindings(session);
		return {
			name: session.name.replace(/\.wasm$/, ''),
			order,
			manifest: {
				wasm,
				config: session.settings.config,
				allowedHosts: session.settings.allowedHosts,
				memory: { maxPages: null, maxHttpResponseBytes: null, maxVarBytes: null },
				timeoutMs: null
			},
			needsFile: url
				? []
				: [{ index: 0, path: `./${source.kind === 'url' ? 'plugin' : source.name}` }],
			wasi: session.wasi,
			hooks
		};
	});
	return exportConfig(entries);
}
