import { HM_PROVIDED } from '../abi/harmont/host-fns';
import { formatCount } from '../list/page';
import {
	EXTISM_ENV,
	EXTISM_USER,
	LEGACY_ENV,
	LEGACY_PREFIX,
	WASI_P1,
	WASI_UNSTABLE,
	type ExternKind,
	type FuncSig,
	type ImportInfo,
	type ModuleInfo
} from '../wasm/types';

/**
 * Who satisfies an import: the playground's own host functions, the Extism kernel, WASI, a mock, another
 * module of the plugin's manifest (linked by name), or nobody.
 */
export type ImportProvider = 'playground' | 'extism' | 'wasi' | 'mock' | 'linked' | 'missing';

/** How the Module panel labels each provider of an import. */
export const PROVIDER_LABEL: Record<ImportProvider, string> = {
	playground: 'playground',
	extism: 'Extism',
	wasi: 'WASI',
	mock: 'mock',
	linked: 'linked module',
	missing: 'missing'
};

/** One host function the playground provides, as documented in the UI and README. */
export interface HostFunctionDoc {
	name: string;
	signature: FuncSig;
	/** How to call it, in one or two sentences. */
	doc: string;
}

const i64 = 'i64' as const;

/** The playground's user host functions, all in `extism:host/user`, all taking Extism memory offsets. */
export const PLAYGROUND_FUNCTIONS: readonly HostFunctionDoc[] = [
	{
		name: 'kv_read',
		signature: { params: [i64], results: [i64] },
		doc: 'Takes the offset of a block holding the key (UTF-8) and returns the offset of a block holding the value bytes. A missing key returns an empty block (length 0), never 0.'
	},
	{
		name: 'kv_write',
		signature: { params: [i64, i64], results: [] },
		doc: "Takes the offsets of a key block and a value block. The write is durable as soon as the call returns, even if the plugin traps or is stopped later. Keys live in the plugin's namespace."
	},
	{
		name: 'log',
		signature: { params: [i64], results: [] },
		doc: 'Takes the offset of a UTF-8 message and adds it to the trace at level info.'
	}
];

/** The kernel functions the Extism JS SDK links into every plugin. */
export const EXTISM_KERNEL: readonly string[] = [
	'alloc',
	'free',
	'load_u8',
	'load_u64',
	'store_u8',
	'store_u64',
	'input_offset',
	'input_length',
	'input_load_u8',
	'input_load_u64',
	'output_set',
	'error_set',
	'error_get',
	'config_get',
	'var_get',
	'var_set',
	'http_request',
	'http_status_code',
	'http_headers',
	'length',
	'length_unsafe',
	'log_warn',
	'log_info',
	'log_debug',
	'log_error',
	'log_trace',
	'get_log_level'
];

/** The playground's own functions, and Harmont's `hm_*` ones that it provides for Harmont plugins. */
const PLAYGROUND_NAMES = new Set([...PLAYGROUND_FUNCTIONS.map((f) => f.name), ...HM_PROVIDED]);
const KERNEL_NAMES = new Set(EXTISM_KERNEL);

/** Options that change which imports can be satisfied. */
export interface LinkOptions {
	wasi: boolean;
	/** `module/name` keys of imports the user has mocked. */
	mocked?: ReadonlySet<string>;
	/**
	 * The other modules of a manifest, by name, with the kind of each export: an import from a module of
	 * that name is linked to its export and to nothing else, as the Extism SDKs do.
	 */
	linked?: ReadonlyMap<string, ReadonlyMap<string, ExternKind>>;
}

/** `module/name`, the key used for mocks and lookups. */
export function importKey(imp: Pick<ImportInfo, 'module' | 'name'>): string {
	return `${imp.module}/${imp.name}`;
}

/** Says who provides one import under the given options. */
export function providerOf(imp: ImportInfo, opts: LinkOptions): ImportProvider {
	const module = opts.linked?.get(imp.module);
	if (module) return module.get(imp.name) === imp.kind ? 'linked' : 'missing';
	if (imp.kind !== 'function') return 'missing';
	if (imp.module === EXTISM_USER && PLAYGROUND_NAMES.has(imp.name)) return 'playground';
	if (imp.module === EXTISM_ENV && KERNEL_NAMES.has(imp.name)) return 'extism';
	if (imp.module === WASI_P1 && opts.wasi) return 'wasi';
	// Skips building the key when nothing is mocked: this runs for each of up to 50,000 imports.
	if (opts.mocked?.size && opts.mocked.has(importKey(imp))) return 'mock';
	return 'missing';
}

/** Every import nobody will provide, in module order. */
export function missingImports(imports: readonly ImportInfo[], opts: LinkOptions): ImportInfo[] {
	return imports.filter((imp) => providerOf(imp, opts) === 'missing');
}

/**
 * Whether a mock can stand in for an import: a function of a host module, not one of the Extism kernel
 * (current or pre-1.0), of WASI, or of another module of the manifest.
 */
export function mockable(imp: ImportInfo, opts: Pick<LinkOptions, 'linked'> = {}): boolean {
	return (
		imp.kind === 'function' &&
		imp.module !== EXTISM_ENV &&
		imp.module !== WASI_P1 &&
		imp.module !== WASI_UNSTABLE &&
		!(imp.module === LEGACY_ENV && imp.name.startsWith(LEGACY_PREFIX)) &&
		!opts.linked?.has(imp.module)
	);
}

/**
 * The imports of a plugin's modules that a mock can stand in for, each `module/name` once: missing ones
 * that `mockable` allows. None for a plugin built with a pre-1.0 PDK, which no mock can make run.
 */
export function mockCandidates(
	infos: readonly (Pick<ModuleInfo, 'imports' | 'flavor'> | null)[],
	opts: Omit<LinkOptions, 'mocked'>
): ImportInfo[] {
	if (infos.some((info) => info?.flavor === 'extism-legacy')) return [];
	const seen = new Set<string>();
	const out: ImportInfo[] = [];
	for (const info of infos) {
		for (const imp of missingImports(info?.imports ?? [], opts)) {
			const key = importKey(imp);
			if (!mockable(imp, opts) || seen.has(key)) continue;
			seen.add(key);
			out.push(imp);
		}
	}
	return out;
}

/** Import namespaces a host provides (or once did): anything else names another Wasm module. */
const HOST_MODULES: ReadonlySet<string> = new Set([
	EXTISM_ENV,
	EXTISM_USER,
	WASI_P1,
	WASI_UNSTABLE,
	LEGACY_ENV
]);

/** What to do about imports from `module`, which no host provides: link a module of that name. */
export function linkWithManifest(module: string): string {
	return `Nothing provides module "${module}": it is probably another Wasm module this one is meant to be linked with. Load an Extism manifest that lists both, the other one named "${module}" (wasm: [{ "name": "${module}", "url": … }, { "name": "main", "url": … }]). If "${module}" is a host module instead, mock its functions under Host function mocks.`;
}

/** Imports grouped by module name, keeping first-seen order. */
export function groupImports(imports: readonly ImportInfo[]): Map<string, ImportInfo[]> {
	const groups = new Map<string, ImportInfo[]>();
	for (const imp of imports) {
		const list = groups.get(imp.module) ?? [];
		list.push(imp);
		groups.set(imp.module, list);
	}
	return groups;
}

/** How many names a message lists before it only counts the rest: a hostile module can miss 50,000. */
export const LISTED_NAMES = 20;

/** `"a", "b"`, or for a long list its first `LISTED_NAMES` and how many more. */
export function quotedNames(names: readonly string[]): string {
	const listed = names
		.slice(0, LISTED_NAMES)
		.map((name) => `"${name}"`)
		.join(', ');
	const rest = names.length - LISTED_NAMES;
	return rest > 0 ? `${listed} and ${formatCount(rest)} more` : listed;
}

/** The user-facing explanation for a set of missing imports: what is missing and what to do. */
export function describeMissing(
	missing: readonly ImportInfo[],
	wasiOff: boolean,
	linked: ReadonlySet<string> = new Set()
): { message: string; hint: string } {
	const names = missing
		.slice(0, LISTED_NAMES)
		.map((m) =>
			m.kind === 'function' ? `"${m.module}" "${m.name}"` : `${m.kind} "${m.module}" "${m.name}"`
		);
	const message =
		missing.length === 1
			? `Import ${names[0]} is not provided.`
			: missing.length > LISTED_NAMES
				? `${formatCount(missing.length)} imports are not provided, first ${LISTED_NAMES}: ${names.join(', ')}.`
				: `${missing.length} imports are not provided: ${names.join(', ')}.`;
	const needsWasi = missing.some((m) => m.module === WASI_P1);
	const fromLinked = missing.find((m) => linked.has(m.module));
	const foreign = missing.find((m) => !HOST_MODULES.has(m.module) && !linked.has(m.module));
	const hint =
		needsWasi && wasiOff
			? 'The module imports WASI: turn WASI on in Host settings.'
			: fromLinked
				? `The manifest's module "${fromLinked.module}" does not export a ${fromLinked.kind} "${fromLinked.name}": check the names in the manifest and the module, or rebuild the module so it exports it.`
				: missing.some((m) => m.module === WASI_UNSTABLE)
					? `"${WASI_UNSTABLE}" is WASI's snapshot from before preview 1, which no Extism SDK links: rebuild the plugin for wasm32-wasip1 ("${WASI_P1}").`
					: foreign
						? linkWithManifest(foreign.module)
						: missing.some((m) => m.kind !== 'function')
							? 'The playground only provides functions; rebuild the plugin without importing memories, tables or globals.'
							: 'Mock it under Host function mocks (return a fixed value, echo the input, look it up in a table, or fail), or rebuild the plugin against the host functions the playground provides (see About the host ABI).';
	return { message, hint };
}
