/**
 * A plugin's source as the workspace autosave keeps it, so a reload brings back the text being edited and
 * whether Run must build it first. Saved state is read back defensively: a damaged or foreign value is
 * dropped (the plugin reopens without source) rather than stopping the whole workspace from reopening.
 */
import type { CompilerId, SourceFile, SourceLanguage } from './project';

/** A build of the source in the page: the module it gave and the compiler that gave it. */
export interface SavedBuild {
	/** sha256 of the built module (kept in storage like any loaded module). */
	sha256: string;
	compiler: CompilerId;
	/** The files it was built from, when they differ from the saved files (edited since). */
	files?: SourceFile[];
}

/** A plugin's source in saved workspace state; absent for plugins without one and in older workspaces. */
export interface SavedCode {
	language: SourceLanguage;
	/** The folder under `examples/` it builds in. */
	folder: string;
	/** The files as edited, the entry first. */
	files: SourceFile[];
	/** True when the files differ from those the loaded module was built from, so Run builds first. */
	changed: boolean;
	/** The last good build in the page; absent before one. */
	built?: SavedBuild;
	/** What a link said the first build gives, until that build checks it. */
	expected?: { sha256: string; compiler: CompilerId };
}

const LANGUAGES: readonly string[] = ['assemblyscript', 'wat'];

/** Reads saved source back; null for anything that is not one (an older build's state has none). */
export function readSavedCode(value: unknown): SavedCode | null {
	if (!isObject(value)) return null;
	const { language, folder, files, changed } = value;
	if (typeof language !== 'string' || !LANGUAGES.includes(language)) return null;
	if (typeof folder !== 'string' || folder === '' || /[/\\]|\.\./.test(folder)) return null;
	const read = readFiles(files);
	if (!read || typeof changed !== 'boolean') return null;
	const code: SavedCode = { language: language as SourceLanguage, folder, files: read, changed };
	const built = readBuild(value.built);
	if (built) code.built = built;
	const expected = isObject(value.expected) ? value.expected : null;
	const expectedCompiler = expected && readCompiler(expected.compiler);
	if (expected && isSha256(expected.sha256) && expectedCompiler) {
		code.expected = { sha256: expected.sha256, compiler: expectedCompiler };
	}
	return code;
}

function readBuild(value: unknown): SavedBuild | null {
	if (!isObject(value) || !isSha256(value.sha256)) return null;
	const compiler = readCompiler(value.compiler);
	if (!compiler) return null;
	const build: SavedBuild = { sha256: value.sha256, compiler };
	if (value.files !== undefined) {
		const files = readFiles(value.files);
		if (!files) return null;
		build.files = files;
	}
	return build;
}

function readFiles(value: unknown): SourceFile[] | null {
	if (!Array.isArray(value) || value.length === 0) return null;
	const files: SourceFile[] = [];
	for (const f of value) {
		if (!isObject(f) || typeof f.name !== 'string' || typeof f.text !== 'string') return null;
		files.push({ name: f.name, text: f.text });
	}
	return files;
}

function readCompiler(value: unknown): CompilerId | null {
	if (!isObject(value) || typeof value.name !== 'string' || typeof value.version !== 'string')
		return null;
	return { name: value.name, version: value.version };
}

function isSha256(value: unknown): value is string {
	return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}
