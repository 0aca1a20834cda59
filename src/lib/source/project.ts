/**
 * A plugin's source as the page edits and builds it: its language, its files and the folder it builds in,
 * plus the pure pieces of a build (the compiler's arguments, its diagnostics as data).
 */
import ascOptions from './asc-options.json';

/** The languages the page can build. */
export type SourceLanguage = 'assemblyscript' | 'wat';

/** The languages an example's source may be in; C is shown but not built in the page. */
export type ExampleLanguage = SourceLanguage | 'c';

/** One source file, by name within its folder. */
export interface SourceFile {
	name: string;
	text: string;
}

/** A plugin's source: the files of one folder, the entry (the file that is built) first. */
export interface SourceProject {
	language: SourceLanguage;
	/**
	 * The folder under `examples/` the files build in. AssemblyScript sources import `../_shared/…`, and
	 * the path is part of the module (abort messages name their file), so an example builds in its own
	 * folder to give the same bytes as `npm run examples`.
	 */
	folder: string;
	files: SourceFile[];
}

/** The compiler that built a module, by package name and version (`assemblyscript` 0.28.20, `wabt` 1.0.39). */
export interface CompilerId {
	name: string;
	version: string;
}

/** A compiler message, at a 1-based line and column of one file. */
export interface BuildDiagnostic {
	file: string;
	line: number;
	column: number;
	severity: 'error' | 'warning';
	message: string;
}

/** The entry file: the one that is built (other files are imported by it or linked). */
export function entryFile(project: SourceProject): SourceFile {
	const [entry] = project.files;
	if (!entry) throw new Error('a source project has at least one file');
	return entry;
}

/** The path of a project file as the compiler sees it, relative to the repository's root. */
export function projectPath(project: SourceProject, name: string): string {
	return `examples/${project.folder}/${name}`;
}

/**
 * True when an AssemblyScript entry is a raw-ABI plugin (it imports `../_shared/raw`): it builds with that
 * file's abort handler, which traps, instead of the Extism one, so its module imports nothing.
 */
export function isRawAssemblyScript(text: string): boolean {
	return /from\s+['"]\.\.\/_shared\/raw['"]/.test(text);
}

/**
 * The asc arguments for a project: the same entry, abort handler and flags as scripts/build-examples.mjs
 * (which builds no raw-ABI AssemblyScript example; templates build only here).
 */
export function ascArguments(project: SourceProject): string[] {
	const entry = entryFile(project);
	const path = projectPath(project, entry.name);
	if (!isRawAssemblyScript(entry.text)) {
		return [path, ascOptions.abortEntry, '--outFile', 'plugin.wasm', ...ascOptions.flags];
	}
	const flags = ascOptions.flags.map((f) => (f.startsWith('abort=') ? ascOptions.rawAbort : f));
	return [path, '--outFile', 'plugin.wasm', ...flags];
}

/**
 * wabt's errors (`file.wat:4:5: error: unexpected token …`, each followed by the source line and a caret
 * line) as diagnostics; a message without a position is kept at line 1, column 1.
 */
export function wabtDiagnostics(message: string, file: string): BuildDiagnostic[] {
	const found: BuildDiagnostic[] = [];
	for (const match of message.matchAll(/^(.*?):(\d+):(\d+): (error|warning): (.*)$/gm)) {
		found.push({
			file: match[1] || file,
			line: Number(match[2]),
			column: Number(match[3]),
			severity: match[4] === 'warning' ? 'warning' : 'error',
			message: match[5].trim()
		});
	}
	if (found.length > 0) return found;
	const text = message.replace(/^\w+ failed:\s*/, '').trim() || 'wat2wasm gave no reason';
	return [{ file, line: 1, column: 1, severity: 'error', message: text }];
}

/** The 1-based line and column of a character offset in `text`. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
	const before = text.slice(0, Math.max(0, offset));
	const lineStart = before.lastIndexOf('\n') + 1;
	return { line: before.split('\n').length, column: before.length - lineStart + 1 };
}

/** A diagnostic as one line of text: `index.ts:3:7: error: …`. */
export function formatDiagnostic(d: BuildDiagnostic): string {
	return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
}
