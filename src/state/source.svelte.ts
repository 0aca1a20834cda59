/**
 * A plugin's source in the page: the text being edited, its builds in the compiler worker, and the module
 * each good build loads into the plugin's session (same worker settings, KV namespace and history). The
 * compiler worker is one for the tab, started by the first build.
 */
import { fail, type PlaygroundError } from '../lib/errors';
import { download } from '../lib/net/download';
import {
	entryFile,
	type BuildDiagnostic,
	type CompilerId,
	type ExampleLanguage,
	type SourceFile,
	type SourceLanguage,
	type SourceProject
} from '../lib/source/project';
import type { SavedCode } from '../lib/source/saved';
import type { SharedCode } from '../lib/share/state';
import type { ExampleMeta } from '../lib/workspace/types';
import type { BuildResult, CompilerApi } from '../../workers/compiler-protocol';
import { templateProject, type PluginTemplate } from '../lib/source/templates';
import type { PluginSession } from './plugin-session.svelte';
import { LazyWorker } from './lazy-worker';
import type { Workspace } from './workspace.svelte';

/** Starts the compiler worker. Vite bundles the worker, and the compilers it imports lazily, from this URL. */
function spawnWorker(): Worker {
	return new Worker(new URL('../../workers/compiler.ts', import.meta.url), {
		type: 'module',
		name: 'compiler'
	});
}

/** The tab's compiler worker: started on the first build, kept for the next ones. */
class CompilerClient {
	readonly #worker = new LazyWorker<CompilerApi>(spawnWorker);

	/** Builds `project` in the worker; a worker that fails to start or dies is a failed build. */
	async build(project: SourceProject): Promise<BuildResult> {
		const started = performance.now();
		try {
			return await this.#worker.call<BuildResult>((api) => api.build(project));
		} catch (error) {
			this.#worker.stop();
			const reason = error instanceof Error ? error.message : String(error);
			return {
				...fail(
					'build',
					`The compiler stopped: ${reason}.`,
					'Build again; if it keeps failing, reload the page.'
				),
				compiler: null,
				diagnostics: [],
				ms: performance.now() - started,
				loadMs: 0
			};
		}
	}

	/** Loads and warms a language's compiler in the background; a failure waits for the next build. */
	prepare(language: SourceLanguage): void {
		this.#worker.call((api) => api.prepare(language)).catch(() => {});
	}
}

/** The tab's one compiler. */
const compiler = new CompilerClient();

/** Builds a project in the tab's compiler worker, without loading it anywhere (the bench times this). */
export function compile(project: SourceProject): Promise<BuildResult> {
	return compiler.build(project);
}

/** A finished build's figures, for the status line. */
export interface BuildFigures {
	ms: number;
	loadMs: number;
	size: number;
	sha256: string;
	compiler: CompilerId;
}

/** What a module built from this source should hash to, as a share link says; checked after the rebuild. */
export interface ExpectedBuild {
	sha256: string;
	compiler: CompilerId;
}

/** Where the source is: not read yet, being read, editable, being built, or unreadable. */
export type SourceStatus = 'idle' | 'opening' | 'ready' | 'building' | 'unavailable';

/** Project files as one comparable string, so "changed since the last build" is a string comparison. */
function fingerprint(files: readonly SourceFile[]): string {
	return JSON.stringify(files.map((f) => [f.name, f.text]));
}

export class SourceState {
	/** The source as edited now; null until it is read. */
	project = $state.raw<SourceProject | null>(null);
	/** An example's language when the page cannot build it (C): the source is shown, read-only. */
	readOnly = $state<ExampleLanguage | null>(null);
	/** Where the source is. */
	status = $state<SourceStatus>('idle');
	/** The last build's messages (errors of a failed build, or warnings of a good one). */
	diagnostics = $state.raw<BuildDiagnostic[]>([]);
	/** Figures of the last good build. */
	built = $state.raw<BuildFigures | null>(null);
	/** Why the last build failed (the last good module stays loaded), or why the source could not be read. */
	error = $state.raw<PlaygroundError | null>(null);
	/** A rebuilt module that differs from the one a link described, said plainly. */
	mismatch = $state<string | null>(null);
	/** True when the source came with the plugin (a template, a link) rather than from the examples. */
	adopted = $state(false);
	/** Whether the person opened (true) or closed (false) the Source pane; null until they choose. */
	shown = $state<boolean | null>(null);
	/** What the next build should give, from a share link; cleared once checked. */
	expected = $state.raw<ExpectedBuild | null>(null);
	/** The text of the files the loaded module was built from; null when the loaded module is not built from them. */
	#builtFrom = $state<string | null>(null);
	/** The last good build in this page (or before a reload): its files travel in share links. */
	#lastBuild: { files: SourceFile[]; sha256: string; compiler: CompilerId } | null = null;
	/** True while the session holds a stand-in module, not one built from this source. */
	#standIn = false;
	/** The export a link named, chosen again once the first build brings it. */
	#wantedExport: string | null = null;

	readonly #session: PluginSession;

	constructor(session: PluginSession) {
		this.#session = session;
	}

	/** Whether the Source pane is open: as the person chose, else open for source that came with the plugin. */
	get visible(): boolean {
		return this.shown ?? this.adopted;
	}

	/** Whether the Source pane has anything to show for this plugin. */
	available(meta: ExampleMeta | undefined): boolean {
		return this.project !== null || meta?.sources !== undefined;
	}

	/** True when the source differs from what the loaded module was built from, so Run builds first. */
	get changed(): boolean {
		return this.project !== null && fingerprint(this.project.files) !== this.#builtFrom;
	}

	/** Reads a built-in example's source files; the loaded module was built from them. */
	async openExample(meta: ExampleMeta): Promise<void> {
		if (this.status !== 'idle') return;
		const language = meta.language;
		const names = meta.sources ?? [];
		if (!language || names.length === 0) {
			this.status = 'unavailable';
			this.error = fail(
				'load',
				`The source of ${meta.name} is not shipped with this build.`,
				'Rebuild the app with npm run build.'
			).error;
			return;
		}
		this.status = 'opening';
		const files: SourceFile[] = [];
		for (const name of names) {
			const got = await download(`examples/${meta.name}/src/${name}`);
			if (!got.ok) {
				this.status = 'unavailable';
				this.error = got.error;
				return;
			}
			files.push({ name, text: new TextDecoder().decode(got.bytes) });
		}
		if (language === 'c') this.readOnly = 'c';
		this.project = { language: language === 'c' ? 'wat' : language, folder: meta.name, files };
		this.#builtFrom = fingerprint(files);
		this.status = 'ready';
	}

	/**
	 * Takes a project whose module is not built yet (a template, a link's source): the next Run builds it;
	 * `expected` is what a link says the build gives.
	 */
	adopt(
		project: SourceProject,
		loaded: boolean,
		expected: ExpectedBuild | null = null,
		exportName: string | null = null
	): void {
		this.project = project;
		this.#builtFrom = loaded ? fingerprint(project.files) : null;
		this.expected = expected;
		this.#wantedExport = exportName;
		this.#standIn = !loaded;
		this.adopted = true;
		this.status = 'ready';
	}

	/**
	 * The source to share: that of the loaded module, when it was built here, or a link's source not built
	 * yet (it travels on as it came, with the module it should build); null otherwise.
	 */
	shared(): (SharedCode & { sha256: string }) | null {
		const project = this.project;
		const build = this.#lastBuild;
		const expected = this.#standIn ? this.expected : null;
		const from =
			build && build.sha256 === this.#session.sha256
				? build
				: expected && { files: project?.files ?? [], ...expected };
		if (!project || !from) return null;
		return {
			language: project.language,
			folder: project.folder,
			files: from.files.map((f) => ({ ...f })),
			compiler: { ...from.compiler },
			sha256: from.sha256
		};
	}

	/**
	 * The source as the workspace saves it; null when there is nothing of the page's own to keep (an
	 * example's shipped source, unedited, is read again after a reload).
	 */
	saved(): SavedCode | null {
		const project = this.project;
		if (!project || this.readOnly) return null;
		const changed = this.changed;
		const build = this.#lastBuild;
		if (!this.adopted && !changed && !build) return null;
		const files = project.files.map((f) => ({ ...f }));
		const code: SavedCode = { language: project.language, folder: project.folder, files, changed };
		if (build) {
			code.built = { sha256: build.sha256, compiler: { ...build.compiler } };
			if (build.files !== project.files) code.built.files = build.files.map((f) => ({ ...f }));
		}
		if (this.expected) code.expected = $state.snapshot(this.expected) as ExpectedBuild;
		return code;
	}

	/**
	 * Takes back saved source after a reload, once the session loaded its module: a saved build counts
	 * only when that module is the one loaded (its bytes may be gone from storage).
	 */
	restore(saved: SavedCode, exportName: string): void {
		const project: SourceProject = {
			language: saved.language,
			folder: saved.folder,
			files: saved.files
		};
		const build = saved.built?.sha256 === this.#session.sha256 ? saved.built : undefined;
		this.project = project;
		this.#lastBuild = build
			? { files: build.files ?? project.files, sha256: build.sha256, compiler: build.compiler }
			: null;
		const builtFiles = build
			? build.files
			: this.#session.source.kind === 'example'
				? undefined
				: null;
		// Saved files that changed since the build, without the build's own, match no loaded module.
		this.#builtFrom =
			builtFiles === null || (saved.changed && !builtFiles)
				? null
				: fingerprint(builtFiles ?? project.files);
		this.#standIn = !build && this.#session.source.kind !== 'example';
		this.expected = saved.expected ?? null;
		if (this.#standIn) {
			// The stand-in module lacks the export; Run brings it with the build.
			this.#wantedExport = exportName;
			this.#session.exportName = exportName;
		}
		this.adopted = true;
		this.status = 'ready';
	}

	/** Replaces the entry file's text (the editor edits the entry file). */
	setText(text: string): void {
		const project = this.project;
		if (!project || this.readOnly) return;
		const [entry, ...rest] = project.files;
		if (!entry || entry.text === text) return;
		this.project = { ...project, files: [{ ...entry, text }, ...rest] };
	}

	/** Builds the source and, when it builds, loads the module into the session; false when it failed. */
	/**
	 * Gets the compiler ready while the person reads and edits (the pane is open): loaded and warm, the
	 * first build takes a warm build's time instead of the compiler's first load.
	 */
	prepareCompiler(): void {
		if (this.project && !this.readOnly) compiler.prepare(this.project.language);
	}

	async build(): Promise<boolean> {
		const project = this.project;
		if (!project || this.readOnly || this.status === 'building') return false;
		this.status = 'building';
		const from = fingerprint(project.files);
		const result = await compiler.build($state.snapshot(project) as SourceProject);
		this.status = 'ready';
		this.diagnostics = result.diagnostics;
		if (!result.ok) {
			// A template's or a link's plugin holds only a stand-in until its first good build.
			const kept = this.#standIn ? '' : ' The last good module is still loaded.';
			this.error = { ...result.error, message: result.error.message + kept };
			return false;
		}
		this.error = null;
		this.built = {
			ms: result.ms,
			loadMs: result.loadMs,
			size: result.bytes.byteLength,
			sha256: result.sha256,
			compiler: result.compiler
		};
		this.#checkExpected(result.sha256, result.compiler);
		const loaded = await this.#session.load(result.bytes, result.sha256);
		if (!loaded.ok) return false;
		this.#standIn = false;
		this.#builtFrom = from;
		this.#lastBuild = { files: project.files, sha256: result.sha256, compiler: result.compiler };
		const wanted = this.#wantedExport;
		this.#wantedExport = null;
		if (wanted && this.#session.callable.includes(wanted)) this.#session.exportName = wanted;
		return true;
	}

	/** Builds first when the source changed since the loaded module was built; false when that build failed. */
	async buildIfChanged(): Promise<boolean> {
		if (!this.changed || this.readOnly) return true;
		return this.build();
	}

	/** The file being edited. */
	get entry(): SourceFile | null {
		return this.project ? entryFile(this.project) : null;
	}

	#checkExpected(sha256: string, built: CompilerId): void {
		const expected = this.expected;
		if (!expected) return;
		this.expected = null;
		if (expected.sha256 === sha256) {
			this.mismatch = null;
			return;
		}
		this.mismatch =
			`The rebuilt module differs from the one the link was made with: sha256 ${sha256.slice(0, 12)}… ` +
			`(${built.name} ${built.version}) here, ${expected.sha256.slice(0, 12)}… ` +
			`(${expected.compiler.name} ${expected.compiler.version}) in the link. ` +
			'Another compiler version gives other bytes; the plugin runs as built here.';
	}
}

/** The example a session is, when the examples catalogue ships its source. */
export function exampleWithSource(
	session: PluginSession,
	examples: readonly ExampleMeta[]
): ExampleMeta | undefined {
	const source = session.source;
	if (source.kind !== 'example') return undefined;
	return examples.find((e) => e.name === source.name && e.sources);
}

/** Each session's source state, created on first use. */
const states = new WeakMap<PluginSession, SourceState>();

/**
 * The source a share carries for a session, with the sha256 of the module it builds: that of its module
 * when it was built in the page, or a link's source not built yet.
 */
export function sharedCodeOf(session: PluginSession): (SharedCode & { sha256: string }) | null {
	return states.get(session)?.shared() ?? null;
}

/** The source the workspace saves for a session, if it has any of its own. */
export function savedCodeOf(session: PluginSession): SavedCode | null {
	return states.get(session)?.saved() ?? null;
}

/** The source state of a session; the session's Run builds first when its source changed. */
export function sourceOf(session: PluginSession): SourceState {
	let state = states.get(session);
	if (!state) {
		const created = new SourceState(session);
		session.beforeRun = () => created.buildIfChanged();
		states.set(session, created);
		state = created;
	}
	return state;
}

/** The smallest module (magic and version): stands in for a plugin whose source is not built yet. */
export const EMPTY_MODULE = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);

/**
 * Opens a new plugin from a template and builds it (the person asked for it): its tab opens at once with
 * the source, and the module, export and input follow the build. Returns the build's success.
 */
export async function openTemplate(
	workspace: Workspace,
	template: PluginTemplate
): Promise<boolean> {
	const project = await templateProject(template);
	const file = new File([EMPTY_MODULE], `${project.folder}.wasm`, { type: 'application/wasm' });
	const session = await workspace.loadFile(file);
	if (!session) return false;
	session.name = template.title;
	session.input = template.input;
	const source = sourceOf(session);
	source.adopt(project, false, null, template.export);
	return source.build();
}
