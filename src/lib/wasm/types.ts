/** A WebAssembly value type as it appears in a signature. */
export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref' | 'unknown';

/** A function signature. */
export interface FuncSig {
	params: ValType[];
	results: ValType[];
}

/** The kinds of things a module can import or export. */
export type ExternKind = 'function' | 'table' | 'memory' | 'global' | 'tag';

/** One export, with its signature when it is a function. */
export interface ExportInfo {
	name: string;
	kind: ExternKind;
	signature?: FuncSig;
}

/** One import, with its signature when it is a function. */
export interface ImportInfo {
	module: string;
	name: string;
	kind: ExternKind;
	signature?: FuncSig;
}

/** A linear memory's limits, in 64 KiB pages. */
export interface MemoryInfo {
	minPages: number;
	maxPages: number | null;
	imported: boolean;
	shared: boolean;
	memory64: boolean;
}

/**
 * What kind of plugin a module is: an Extism PDK plugin imports `extism:host/env`; one built with a pre-1.0
 * PDK imports the kernel from `env` as `extism_*` (`extism-legacy`); anything else is raw.
 */
export type ModuleFlavor = 'extism' | 'extism-legacy' | 'raw';

/** Everything the playground learns from a module's bytes before instantiating it. */
export interface ModuleInfo {
	/** Size of the module in bytes. */
	size: number;
	flavor: ModuleFlavor;
	/** True when it imports anything from WASI (`wasi_snapshot_preview1` or `wasi_unstable`). */
	needsWasi: boolean;
	exports: ExportInfo[];
	imports: ImportInfo[];
	memories: MemoryInfo[];
	/** Names of custom sections (`name`, `producers`, ...), in order. */
	customSections: string[];
	/** True when the module has a start function, which runs as soon as it is instantiated. */
	hasStart?: boolean;
}

/** Import namespace of Extism's kernel functions. */
export const EXTISM_ENV = 'extism:host/env';
/** Import namespace of user host functions. */
export const EXTISM_USER = 'extism:host/user';
/** Import namespace of WASI preview 1. */
export const WASI_P1 = 'wasi_snapshot_preview1';
/** Import namespace of WASI's snapshot before preview 1, which no Extism SDK links. */
export const WASI_UNSTABLE = 'wasi_unstable';
/** Import namespace of pre-1.0 Extism PDKs, whose kernel imports are named `extism_*`. */
export const LEGACY_ENV = 'env';
/** Prefix of the kernel imports of pre-1.0 Extism PDKs (`env` `extism_input_length`...). */
export const LEGACY_PREFIX = 'extism_';
/** Bytes in a wasm page. */
export const PAGE_SIZE = 65536;
