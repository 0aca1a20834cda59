/**
 * A plugin's Hook ABI state: which profile and hook are chosen, the arguments typed per hook, bindings set
 * by descriptors or an imported host config, and the last hook call, turn and pipeline run. It lives on its
 * session (`session.abi`), is saved with the workspace (`snapshot`) and goes when the session closes.
 * Everything profile-specific goes through the profile's interface (see lib/abi/profile.ts).
 */
import type {
	ConfigCapability,
	ConfigEntry,
	Decoded,
	FollowUpCall,
	HookGroup,
	HookSpec,
	Profile,
	RawExportCaller,
	RawResult,
	TurnCaller,
	TurnParticipant
} from '../lib/abi/profile';
import { detectProfile, profileById } from '../lib/abi/registry';
import { fail, type PlaygroundError } from '../lib/errors';
import type { ManifestWasmItem } from '../lib/manifest/manifest';
import type { SharedAbi } from '../lib/share/state';
import type { ModuleInfo } from '../lib/wasm/types';
import type { SavedAbi } from '../lib/workspace/types';
import type { PluginSession } from './plugin-session.svelte';
import type { Workspace } from './workspace.svelte';

/** The choice that makes a plugin's calls plain calls, with no hook ABI. */
export const NO_ABI = 'none';

/** The result of one hook call, decoded with the profile's rules. */
export interface HookCall {
	hook: string;
	export: string;
	/** The bytes the export answered with. */
	output: Uint8Array;
	decoded: Decoded | null;
	/** The call's failure (trap, timeout, bad pointer...), naming the export. */
	error: PlaygroundError | null;
	/** A raw-transport call: what the host observed of the memory protocol. */
	raw: RawResult | null;
	/** The follow-up calls the answer defines (a descriptor's exports). */
	followUps: FollowUpCall[];
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

/** Reads an editor's JSON as the profile's host does (its `readJson`), else as JSON. */
export function readJson(
	profile: Profile | null,
	text: string,
	what: string
): { ok: true; value: unknown } | { ok: false; error: PlaygroundError } {
	return profile?.readJson ? profile.readJson(text, what) : parseJson(text, what);
}

/** Writes a value as the profile's host writes JSON (its `writeJson`), else as pretty JSON. */
export function writeJson(profile: Profile | null, value: unknown, indent?: number): string {
	if (profile?.writeJson) return profile.writeJson(value, indent);
	return indent === undefined ? JSON.stringify(value) : pretty(value);
}

/**
 * The profile a session is called with: the person's pick, else the first registered profile its module
 * matches, else the one its example names; null for a plain call.
 */
export function profileOf(
	session: PluginSession,
	examples: readonly { name: string; abi?: string }[]
): Profile | null {
	const chosen = session.abi.chosen;
	if (chosen === NO_ABI) return null;
	const picked = chosen === null ? undefined : profileById(chosen);
	if (picked) return picked;
	const source = session.source;
	const exampleAbi =
		source.kind === 'example' ? examples.find((e) => e.name === source.name)?.abi : undefined;
	return detectProfile(session.info, exampleAbi);
}

/** Whether a session is a plugin of this profile that a turn can ask. */
export function takesPart(profile: Profile, session: PluginSession): boolean {
	return (
		session.status !== 'failed' && session.info !== null && profile.detect(session.info).matches
	);
}

/** The Hook picker's groups: the profile's own, else main hooks then follow-up calls. */
export function hookGroups(profile: Profile, info: ModuleInfo | null): HookGroup[] {
	if (profile.groups) return profile.groups(info);
	const main = profile.hooks.filter((h) => !h.followUp);
	const followUps = profile.hooks.filter((h) => h.followUp);
	return [
		{ label: 'Hooks', hooks: main },
		...(followUps.length > 0
			? [{ label: 'Follow-up calls (from a descriptor)', hooks: followUps }]
			: [])
	];
}

function functionExports(info: ModuleInfo | null): string[] {
	return (info?.exports ?? []).filter((e) => e.kind === 'function').map((e) => e.name);
}

function busyError(session: PluginSession) {
	return fail(
		'call',
		`${session.name} could not take the call: it is ${session.status}.`,
		'Wait for the running call to end (or stop it), then try again.'
	);
}

/** Hook → export for a plugin of this profile: its imported config's bindings, else the profile's own. */
function hookBindings(profile: Profile, session: PluginSession): Record<string, string> {
	const hooks: Record<string, string> = {};
	const info = session.info;
	if (info === null) return hooks;
	for (const hook of profile.hooks.filter((h) => !h.followUp)) {
		const exportName = profile.bind(hook, info, session.abi.configured ?? undefined);
		if (exportName) hooks[hook.name] = exportName;
	}
	return hooks;
}

/** ABI state for one plugin session. */
export class AbiState {
	/** The ABI the user picked (a profile id, or `none`); null follows detection. */
	chosen = $state<string | null>(null);
	/** The hook the user picked; empty follows the default. */
	hookName = $state('');
	/** Arguments as typed, per hook; a hook not here shows its sample arguments. */
	argsText = $state<Record<string, string>>({});
	/** Hook → export, set by a descriptor's follow-up (the export the descriptor names). */
	bindings = $state<Record<string, string>>({});
	/** Hook → export from an imported host config; when set, the host binds only these. */
	configured = $state<Record<string, string> | null>(null);
	/** The message a turn starts from, as typed; null shows the profile's sample. */
	messageText = $state<string | null>(null);
	/** The pipeline's input, as typed; null shows the profile's sample. */
	pipelineText = $state<string | null>(null);
	/** The last hook call. */
	call = $state.raw<HookCall | null>(null);
	/** The last turn: its profile, result (the profile's own shape) and the plugins it asked. */
	turn = $state.raw<{ profile: string; result: unknown; plugins: TurnParticipant[] } | null>(null);
	/** The last pipeline run: its profile and run (the profile's own shape). */
	pipeline = $state.raw<{ profile: string; run: unknown } | null>(null);
	/** What is running, to disable the buttons meanwhile. */
	busy = $state<'call' | 'turn' | 'pipeline' | null>(null);
	/** Why the last action could not start (bad JSON, no export...). */
	error = $state.raw<PlaygroundError | null>(null);
	/** Repeat intervals in seconds learnt from answers (a channel's poll interval, by name). */
	intervals = $state<Record<string, number>>({});

	constructor(saved?: SavedAbi) {
		if (saved === undefined) return;
		this.chosen = saved.profile ?? null;
		this.hookName = saved.hook ?? '';
		this.argsText = { ...saved.args };
		this.bindings = { ...saved.bindings };
		this.configured = saved.configured ? { ...saved.configured } : null;
		this.messageText = saved.turnMessage ?? null;
		this.pipelineText = saved.pipelineInput ?? null;
	}

	/** What the workspace keeps: what was picked and typed; undefined when nothing was. */
	snapshot(): SavedAbi | undefined {
		const saved: SavedAbi = {
			...(this.chosen !== null ? { profile: this.chosen } : {}),
			...(this.hookName !== '' ? { hook: this.hookName } : {}),
			...(Object.keys(this.argsText).length > 0 ? { args: { ...this.argsText } } : {}),
			...(Object.keys(this.bindings).length > 0 ? { bindings: { ...this.bindings } } : {}),
			...(this.configured !== null ? { configured: { ...this.configured } } : {}),
			...(this.messageText !== null ? { turnMessage: this.messageText } : {}),
			...(this.pipelineText !== null ? { pipelineInput: this.pipelineText } : {})
		};
		return Object.keys(saved).length > 0 ? saved : undefined;
	}

	/**
	 * The panel as share data: the profile, hook, bindings and each hook's arguments; null when the ABI
	 * follows detection, so links of plugins whose ABI was never picked stay as they were.
	 */
	shared(): SharedAbi | null {
		if (this.chosen === null) return null;
		const hookArgs: Record<string, unknown> = {};
		for (const [hook, text] of Object.entries(this.argsText)) {
			try {
				hookArgs[hook] = JSON.parse(text) as unknown;
			} catch {
				// Arguments that are not JSON yet travel as the text the user typed.
				hookArgs[hook] = text;
			}
		}
		return {
			profile: this.chosen,
			hook: this.hookName,
			bindings: { ...this.bindings },
			hookArgs
		};
	}

	/** Puts a shared panel back; a profile this build does not know leaves the choice to detection. */
	restoreShared(abi: SharedAbi): void {
		if (abi.profile === NO_ABI || (abi.profile !== undefined && profileById(abi.profile))) {
			this.chosen = abi.profile;
		}
		if (abi.hook) this.hookName = abi.hook;
		if (abi.bindings) this.bindings = { ...abi.bindings };
		if (abi.hookArgs) {
			this.argsText = Object.fromEntries(
				Object.entries(abi.hookArgs).map(([hook, value]) => [
					hook,
					typeof value === 'string' ? value : pretty(value)
				])
			);
		}
	}

	/** Switches the ABI (a profile id, or `none`); the hook follows the new profile's default. */
	choose(choice: string): void {
		this.chosen = choice;
		this.hookName = '';
	}

	/** The arguments text of a hook: as typed, else its sample. */
	argsFor(hook: HookSpec): string {
		return this.argsText[hook.name] ?? pretty(hook.args);
	}

	/** Keeps the arguments typed for a hook. */
	setArgs(hook: string, text: string): void {
		this.argsText = { ...this.argsText, [hook]: text };
	}

	/** The turn message as typed, else the profile's sample. */
	messageFor(profile: Profile): string {
		return this.messageText ?? pretty(profile.turn?.sampleMessage ?? {});
	}

	/** The pipeline input as typed, else the profile's sample. */
	pipelineFor(profile: Profile): string {
		return this.pipelineText ?? pretty(profile.pipeline?.sampleInput() ?? {});
	}

	/** Puts the sample input back into the pipeline editor. */
	resetPipelineInput(): void {
		this.pipelineText = null;
	}

	/** Picks a hook (a follow-up may bring its export and arguments, written as `profile`'s host writes). */
	pick(hook: string, exportName?: string, args?: unknown, profile: Profile | null = null): void {
		this.hookName = hook;
		if (exportName !== undefined) this.bindings = { ...this.bindings, [hook]: exportName };
		if (args !== undefined) this.setArgs(hook, writeJson(profile, args, 2));
	}

	/** The export a hook is bound to in this module, or null when the host would skip it. */
	bound(profile: Profile, hook: HookSpec, info: ModuleInfo | null): string | null {
		if (info === null) return null;
		// An imported config binds hooks as in a turn; a descriptor's follow-up adds its export.
		return profile.bind(hook, info, { ...this.configured, ...this.bindings });
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
		const args = readJson(profile, this.argsFor(hook), 'Hook arguments');
		if (!args.ok) {
			this.error = args.error;
			return;
		}
		this.busy = 'call';
		try {
			this.call =
				profile.transport === 'extism'
					? await this.#callExtism(session, profile, hook.name, exportName, args.value)
					: await this.#callRaw(session, profile, hook.name, args.value, info);
		} finally {
			this.busy = null;
		}
	}

	async #callExtism(
		session: PluginSession,
		profile: Profile & { transport: 'extism' },
		hook: string,
		exportName: string,
		args: unknown
	): Promise<HookCall | null> {
		const request = profile.encode(hook, args);
		if (!request.ok) {
			this.error = request.error;
			return null;
		}
		session.exportName = exportName;
		const outcome = await session.run(request.bytes.slice());
		if (outcome === null) {
			this.error = busyError(session).error;
			return null;
		}
		const base = { hook, export: exportName, output: outcome.output, raw: null };
		if (outcome.error !== null && (outcome.code === null || outcome.code === 0)) {
			return { ...base, decoded: null, error: outcome.error, followUps: [] };
		}
		const decoded = profile.decode(
			hook,
			outcome.output,
			outcome.code,
			outcome.error?.message,
			session.name
		);
		const learnt = profile.followUps?.intervals?.(hook, decoded);
		if (learnt) this.intervals = learnt;
		return {
			...base,
			decoded,
			error: null,
			followUps: profile.followUps?.of(hook, decoded, session.name) ?? []
		};
	}

	async #callRaw(
		session: PluginSession,
		profile: Profile & { transport: 'raw' },
		hook: string,
		args: unknown,
		info: ModuleInfo
	): Promise<HookCall | null> {
		const encoded = profile.encode(hook, args, info);
		if (!encoded.ok) {
			this.error = encoded.error;
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
		const decoded = profile.decode(hook, outcome.result);
		return {
			...base,
			output: outcome.result.bytes ?? new Uint8Array(0),
			decoded,
			error: decoded.error ?? outcome.error
		};
	}

	/**
	 * Runs one whole turn over every loaded plugin of the profile (the last opened registered last), each
	 * call on its own session with the export bound to the hook. With `fresh`, sessions first switch to a
	 * fresh instance per call, when the host makes one.
	 */
	async runTurn(workspace: Workspace, profile: Profile, fresh: boolean): Promise<void> {
		this.error = null;
		const turn = profile.turn;
		if (turn === undefined) return;
		const message = readJson(profile, this.messageFor(profile), 'Turn message');
		if (!message.ok) {
			this.error = message.error;
			return;
		}
		const sessions = workspace.sessions.filter((s) => takesPart(profile, s));
		if (sessions.length === 0) {
			this.error = fail(
				'call',
				`No ${profile.label} plugin is loaded, so there is nobody to run a turn over.`,
				`Load one or more ${profile.label} plugins (see the examples) and try again.`
			).error;
			return;
		}
		this.busy = 'turn';
		const byName = new Map<string, PluginSession>();
		const plugins: TurnParticipant[] = sessions.map((session, order) => {
			let name = session.name;
			for (let n = 2; byName.has(name); n++) name = `${session.name} #${n}`;
			byName.set(name, session);
			const hooks = hookBindings(profile, session);
			return { name, order, hooks, exports: functionExports(session.info) };
		});
		const chosenExports = new Map(sessions.map((s) => [s, s.exportName]));
		try {
			if (fresh && turn.freshInstance) {
				for (const s of sessions) {
					if (!s.settings.freshInstance) await s.configure({ ...s.settings, freshInstance: true });
				}
			}
			const call: TurnCaller = async (plugin, _hook, exportName, request) => {
				const session = byName.get(plugin);
				if (session === undefined) throw new Error(`No loaded plugin is named ${plugin}.`);
				session.exportName = exportName;
				const outcome = await session.run(request.slice());
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
			const result = await turn.run(plugins, message.value, call);
			const newestFirst = [...plugins].sort((a, b) => b.order - a.order);
			this.turn = { profile: profile.id, result, plugins: newestFirst };
		} finally {
			for (const [session, exportName] of chosenExports) session.exportName = exportName;
			this.busy = null;
		}
	}

	/** Runs one request through the plugin with the edited pipeline input. */
	async runPipeline(session: PluginSession, profile: Profile): Promise<void> {
		this.error = null;
		const pipeline = profile.pipeline;
		const info = session.info;
		if (pipeline === undefined || info === null) return;
		const input = readJson(profile, this.pipelineFor(profile), 'Pipeline input');
		if (!input.ok) {
			this.error = input.error;
			return;
		}
		const call: RawExportCaller = async (exportName, inputs) => {
			const outcome = await session.runRaw({ export: exportName, inputs });
			if (outcome === null) return { error: busyError(session).error };
			if (outcome.result === null) {
				return { error: outcome.error ?? busyError(session).error };
			}
			return outcome.result;
		};
		this.busy = 'pipeline';
		try {
			const ran = await pipeline.run(info, input.value, call);
			if (ran.ok) this.pipeline = { profile: profile.id, run: ran.run };
			else this.error = ran.error;
		} finally {
			this.busy = null;
		}
	}
}

/** An imported config entry, and the session it was loaded as. */
export interface ImportedEntry {
	entry: ConfigEntry;
	/** Set once the plugin is loaded. */
	sessionId: string | null;
}

/** An imported host config (Bub's extism.json): its entries, and which are loaded. */
export class ConfigImport {
	/** The entries, in file order. */
	entries = $state.raw<ImportedEntry[]>([]);
	/** Why the file could not be read. */
	error = $state.raw<PlaygroundError | null>(null);

	readonly #config: ConfigCapability;

	constructor(config: ConfigCapability) {
		this.#config = config;
	}

	/** Reads a config file's text and reports its entries. */
	read(text: string): void {
		const parsed = this.#config.parse(text);
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
		session.abi.configured = { ...item.entry.hooks };
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
 * The host config for the loaded plugins of a profile, in the order they were opened: examples and URLs
 * by URL (with their hash), files by a path next to the config, since the host reads local paths.
 */
export function configForSessions(
	profile: Profile,
	config: ConfigCapability,
	sessions: readonly PluginSession[]
): unknown {
	const entries = sessions
		.filter((s) => takesPart(profile, s))
		.map((session, order): ConfigEntry => {
			const hash = session.sha256 ?? undefined;
			const source = session.source;
			const url =
				source.kind === 'example'
					? new URL(`examples/${source.name}.wasm`, document.baseURI).href
					: source.kind === 'url'
						? source.url
						: null;
			const wasm: ManifestWasmItem[] = url ? [{ kind: 'url', url, ...(hash ? { hash } : {}) }] : [];
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
				hooks: hookBindings(profile, session)
			};
		});
	return config.build(entries);
}
