/**
 * The compiler worker: builds a plugin's source into a module off the main thread. wabt (for WAT) and
 * asc with binaryen (for AssemblyScript, several MB) load on the first build of their language and stay
 * loaded for the next ones. asc reads its files from memory: the project's, examples/_shared's and the
 * @extism/as-pdk sources, which are bundled with this worker as text.
 */
import * as Comlink from 'comlink';
import type wabtInit from 'wabt';
import { sha256Hex } from '../src/lib/bytes/hash';
import { endSentence } from '../src/lib/errors';
import {
	ascArguments,
	entryFile,
	lineColumnAt,
	projectPath,
	wabtDiagnostics,
	type BuildDiagnostic,
	type CompilerId,
	type SourceLanguage,
	type SourceProject
} from '../src/lib/source/project';
import { ASC_LIBRARY } from '../src/lib/source/library';
import type { BuildResult, CompilerApi } from './compiler-protocol';
import ascPackage from '../node_modules/assemblyscript/package.json';
import wabtPackage from '../node_modules/wabt/package.json';

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
type Asc = typeof import('assemblyscript/asc');

/** A diagnostic as asc reports it: its range names the file by path only, without the text. */
interface AscDiagnostic {
	message: string;
	/** 0 pedantic, 1 info, 2 warning, 3 error (asc's DiagnosticCategory). */
	category: number;
	range: { start: number; source: { normalizedPath: string } } | null;
}

const WAT: CompilerId = { name: 'wabt', version: wabtPackage.version };
const ASC: CompilerId = { name: 'assemblyscript', version: ascPackage.version };

/**
 * What `prepare` builds, so that the compiler's code is loaded and compiled (binaryen's optimiser passes
 * included) before the person's first build, which then takes a warm compiler's time.
 */
const WARM_UP: Record<SourceLanguage, SourceProject> = {
	assemblyscript: {
		language: 'assemblyscript',
		folder: '_warm-up',
		files: [
			{
				name: 'index.ts',
				text: 'export function run(): i32 {\n  let n = 0;\n  for (let i = 0; i < 8; i++) n += i;\n  return n;\n}\n'
			}
		]
	},
	wat: {
		language: 'wat',
		folder: '_warm-up',
		files: [
			{ name: 'warm-up.wat', text: '(module (func (export "run") (result i32) i32.const 0))\n' }
		]
	}
};

/** The message of something thrown, for a diagnostic or an error. */
function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/**
 * An asc diagnostic at its line and column (worked out from the file's text), or at the top of the entry
 * file when it has no place.
 */
function fromAsc(
	d: AscDiagnostic,
	project: SourceProject,
	files: ReadonlyMap<string, string>
): BuildDiagnostic | null {
	// Pedantic and info messages are noise here.
	const severity = d.category === 3 ? 'error' : d.category === 2 ? 'warning' : null;
	if (!severity) return null;
	const path = d.range?.source.normalizedPath;
	const text = path === undefined ? undefined : files.get(path);
	if (!d.range || path === undefined || text === undefined) {
		const file = path ?? entryFile(project).name;
		return { file, line: 1, column: 1, severity, message: d.message };
	}
	const prefix = `examples/${project.folder}/`;
	return {
		file: path.startsWith(prefix) ? path.slice(prefix.length) : path,
		...lineColumnAt(text, d.range.start),
		severity,
		message: d.message
	};
}

class Compiler implements CompilerApi {
	#wabt: Promise<Wabt> | null = null;
	#asc: Promise<Asc> | null = null;
	/** The builds asked for, one after another: asc is not made to run two at once. */
	#queue: Promise<unknown> = Promise.resolve();
	/** The languages `prepare` has warmed (or is warming). */
	#prepared = new Set<SourceLanguage>();

	async prepare(language: SourceLanguage): Promise<void> {
		if (this.#prepared.has(language)) return;
		this.#prepared.add(language);
		const warmed = await this.build(WARM_UP[language]);
		// A compiler that could not load is tried again by the next build, which says why.
		if (!warmed.ok) this.#prepared.delete(language);
	}

	build(project: SourceProject): Promise<BuildResult> {
		const next = this.#queue.then(() => this.#build(project));
		this.#queue = next.catch(() => {});
		return next;
	}

	async #build(project: SourceProject): Promise<BuildResult> {
		const start = performance.now();
		const compiler = project.language === 'wat' ? WAT : ASC;
		let loadMs = 0;
		const failed = (message: string, hint: string, diagnostics: BuildDiagnostic[] = []) =>
			({
				ok: false,
				error: { kind: 'build', message, hint },
				compiler,
				diagnostics,
				ms: performance.now() - start,
				loadMs
			}) as const;
		let wabt: Wabt | null = null;
		let asc: Asc | null = null;
		try {
			const loading = performance.now();
			const loaded = project.language === 'wat' ? this.#wabt : this.#asc;
			if (project.language === 'wat') {
				wabt = await (this.#wabt ??= import('wabt').then((m) => m.default()));
			} else {
				asc = await (this.#asc ??= import('assemblyscript/asc'));
			}
			// 0 when an earlier build (or `prepare`) had loaded it.
			loadMs = loaded ? 0 : performance.now() - loading;
		} catch (error) {
			this.#wabt = null;
			this.#asc = null;
			return failed(
				`The ${compiler.name} compiler could not start: ${messageOf(error)}.`,
				'Reload the page and build again; offline, the compiler must have loaded once before.'
			);
		}
		let built: { bytes: Uint8Array; diagnostics: BuildDiagnostic[] } | BuildResult;
		try {
			built = wabt
				? this.#wat(wabt, project, failed)
				: await this.#assemblyScript(asc as Asc, project, failed);
		} catch (error) {
			// asc aborts on some inputs instead of reporting them (an internal assertion).
			return failed(
				`The ${compiler.name} compiler stopped: ${messageOf(error)}.`,
				'Change the code near your last edit and build again; the last good module stays loaded.'
			);
		}
		if ('ok' in built) return built;
		const { bytes, diagnostics } = built;
		const sha256 = await sha256Hex(bytes);
		const ms = performance.now() - start;
		return Comlink.transfer({ ok: true, bytes, sha256, compiler, diagnostics, ms, loadMs }, [
			bytes.buffer
		]);
	}

	#wat(
		wabt: Wabt,
		project: SourceProject,
		failed: (m: string, h: string, d: BuildDiagnostic[]) => BuildResult
	): { bytes: Uint8Array; diagnostics: BuildDiagnostic[] } | BuildResult {
		const entry = entryFile(project);
		let module: ReturnType<Wabt['parseWat']> | undefined;
		try {
			module = wabt.parseWat(entry.name, entry.text, {});
			module.validate();
			return { bytes: module.toBinary({}).buffer.slice(), diagnostics: [] };
		} catch (error) {
			const diagnostics = wabtDiagnostics(messageOf(error), entry.name);
			return failed(
				`${entry.name} does not build: ${endSentence(`${diagnostics[0]?.message ?? 'wat2wasm gave no reason'}.`)}`,
				'Fix the marked line and build again; the last good module stays loaded.',
				diagnostics
			);
		} finally {
			module?.destroy();
		}
	}

	async #assemblyScript(
		asc: Asc,
		project: SourceProject,
		failed: (m: string, h: string, d: BuildDiagnostic[]) => BuildResult
	): Promise<{ bytes: Uint8Array; diagnostics: BuildDiagnostic[] } | BuildResult> {
		const files = new Map(ASC_LIBRARY);
		for (const file of project.files) files.set(projectPath(project, file.name), file.text);
		const diagnostics: BuildDiagnostic[] = [];
		let bytes: Uint8Array | null = null;
		const stderr = asc.createMemoryStream();
		const { error } = await asc.main(ascArguments(project), {
			stdout: asc.createMemoryStream(),
			stderr,
			// asc's package lookup in a browser climbs to `/` and may ask for `../node_modules/…`: every file
			// here sits under the one root, so leading `/`, `./` and `../` all mean that root.
			readFile: (name) => files.get(name.replace(/^(\.{0,2}\/)+/, '')) ?? null,
			writeFile: (name, contents) => {
				if (name.endsWith('.wasm') && typeof contents !== 'string') bytes = contents;
			},
			listFiles: () => [],
			reportDiagnostic: (d) => {
				const found = fromAsc(d as unknown as AscDiagnostic, project, files);
				if (found) diagnostics.push(found);
			}
		});
		const errors = diagnostics.filter((d) => d.severity === 'error');
		if (error || !bytes || errors.length > 0) {
			const first = errors[0]?.message ?? error?.message ?? stderr.toString().trim();
			return failed(
				`${entryFile(project).name} does not build: ${endSentence(`${first || 'asc wrote no module'}.`)}`,
				'Fix the marked line and build again; the last good module stays loaded.',
				diagnostics
			);
		}
		return { bytes, diagnostics };
	}
}

Comlink.expose(new Compiler());
