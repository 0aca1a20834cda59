/**
 * Which exported functions a person means to call. Toolchains export their runtime next to the plugin's
 * functions: allocators (TinyGo, C, Bifrost plugins), Binaryen's asyncify hooks (TinyGo), AssemblyScript's
 * `__new`/`__pin`/`__collect`, wasm-bindgen's and Emscripten's helpers, the component model's `cabi_*`, GHC's
 * `hs_init` and WASI's `_initialize`. Those are internal: offered, but apart and never by default. A WASI
 * command's `_start` is the program itself, so it is callable.
 */
import type { ExportInfo, ModuleInfo } from './types';

/** The export a WASI command runs as its program. */
export const COMMAND_EXPORT = '_start';

/** Exact names of runtime exports, with why they are internal. */
const INTERNAL_NAMES: Record<string, string> = {
	malloc: 'allocator',
	free: 'allocator',
	calloc: 'allocator',
	realloc: 'allocator',
	aligned_alloc: 'allocator',
	alloc: 'allocator',
	dealloc: 'allocator',
	allocate: 'allocator',
	deallocate: 'allocator',
	plugin_malloc: 'allocator (Bifrost)',
	plugin_free: 'allocator (Bifrost)',
	canonical_abi_realloc: 'allocator (Javy)',
	canonical_abi_free: 'allocator (Javy)',
	_initialize: 'WASI reactor initialiser',
	hs_init: 'Haskell runtime',
	hs_exit: 'Haskell runtime',
	stackSave: 'Emscripten runtime',
	stackRestore: 'Emscripten runtime',
	stackAlloc: 'Emscripten runtime',
	fflush: 'C library'
};

/** Name prefixes of runtime exports, with why they are internal. */
const INTERNAL_PREFIXES: [prefix: string, reason: string][] = [
	['asyncify_', 'asyncify (stack switching)'],
	['__', 'runtime or linker symbol'],
	['cabi_', 'component model ABI'],
	['emscripten_', 'Emscripten runtime'],
	['_emscripten_', 'Emscripten runtime']
];

/** The exported functions of a module, split for the Function picker. */
export interface ExportGroups {
	/** Plugin functions in export order, then `_start` when the module is a WASI command. */
	callable: string[];
	/** Runtime internals, in export order. */
	internal: string[];
	/** Whether the module is a WASI command (`_start` runs it as a program). */
	command: boolean;
}

/** Whether the module is a WASI command: it imports WASI and exports `_start` taking and returning nothing. */
export function isWasiCommand(info: Pick<ModuleInfo, 'exports' | 'needsWasi'>): boolean {
	return (
		info.needsWasi &&
		info.exports.some(
			(e) =>
				e.name === COMMAND_EXPORT &&
				e.kind === 'function' &&
				(e.signature === undefined ||
					(e.signature.params.length === 0 && e.signature.results.length === 0))
		)
	);
}

/** Why an exported function is runtime plumbing, or null when it is one of the plugin's own functions. */
export function internalReason(name: string, command: boolean): string | null {
	if (name === COMMAND_EXPORT)
		return command ? null : 'entry point of a module that is not a WASI command';
	const exact = Object.hasOwn(INTERNAL_NAMES, name) ? INTERNAL_NAMES[name] : undefined;
	if (exact) return exact;
	return INTERNAL_PREFIXES.find(([prefix]) => name.startsWith(prefix))?.[1] ?? null;
}

/**
 * The module's exported functions as the picker offers them. Memories, tables and globals are left out:
 * they cannot be called (the Module panel lists them).
 */
export function groupExports(info: Pick<ModuleInfo, 'exports' | 'needsWasi'>): ExportGroups {
	const command = isWasiCommand(info);
	const callable: string[] = [];
	const internal: string[] = [];
	for (const e of info.exports as readonly ExportInfo[]) {
		if (e.kind !== 'function' || (command && e.name === COMMAND_EXPORT)) continue;
		(internalReason(e.name, command) === null ? callable : internal).push(e.name);
	}
	if (command) callable.push(COMMAND_EXPORT);
	return { callable, internal, command };
}
