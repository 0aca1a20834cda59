/**
 * The contract between the main thread and `compiler.ts`, which builds a plugin's source into a module:
 * WAT with wabt's wat2wasm, AssemblyScript with asc and the @extism/as-pdk sources. The main thread
 * imports these types only, so neither the worker nor a compiler lands in the page bundle.
 */
import type { PlaygroundError } from '../src/lib/errors';
import type {
	BuildDiagnostic,
	CompilerId,
	SourceLanguage,
	SourceProject
} from '../src/lib/source/project';

/** A build's figures, for the status line and the bench. */
export interface BuildFigures {
	/** The whole build, ms, loading the compiler included. */
	ms: number;
	/** Of which loading the compiler (0 once it is loaded). */
	loadMs: number;
}

/** A finished build: the module's bytes (transferred), their sha256, and any warnings. */
export interface BuildOk extends BuildFigures {
	ok: true;
	bytes: Uint8Array;
	sha256: string;
	compiler: CompilerId;
	diagnostics: BuildDiagnostic[];
}

/** A failed build: why, with the compiler's messages at their line and column. */
export interface BuildFailed extends BuildFigures {
	ok: false;
	error: PlaygroundError;
	compiler: CompilerId | null;
	diagnostics: BuildDiagnostic[];
}

/** What a build gives back. */
export type BuildResult = BuildOk | BuildFailed;

/** The Comlink-exposed API of the compiler worker. */
export interface CompilerApi {
	/** Builds a project; a source that does not compile is a failed result with diagnostics, as data. */
	build(project: SourceProject): Promise<BuildResult>;
	/**
	 * Loads a language's compiler and warms it with a tiny build, so that the person's first build takes a
	 * warm compiler's time; a compiler that cannot load is left to the next build to report.
	 */
	prepare(language: SourceLanguage): Promise<void>;
}
