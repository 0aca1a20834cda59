/**
 * Which revision of Bifrost's raw WASM ABI a module implements, read from its exports alone. Three exist in
 * public sources (`bifrost-wasm.fixtures.json`): revision 1 (the old README: `http_transport_intercept`, and
 * `pre_hook`/`post_hook` taking each JSON value as its own (ptr, len) pair), revision 2 (example code of the
 * same era: `http_intercept` and one JSON object per hook) and revision 3 (the current docs: `http_pre_hook`,
 * `http_post_hook`, `http_stream_chunk_hook`, `pre_hook`, `post_hook`, one JSON object each). `pre_hook`
 * exists in all three, so its parameter count is what tells revision 1 from the others.
 */
import type { ExportInfo, FuncSig, ModuleInfo, ValType } from '../../wasm/types';
import { EXTISM_ENV } from '../../wasm/types';

/** A revision of the ABI. */
export type Revision = 1 | 2 | 3;

/** Where each revision is described, for messages. */
export const REVISION_SOURCES: Record<Revision, string> = {
	1: "Bifrost's old hello-world README",
	2: "Bifrost's example code of the same period",
	3: "Bifrost's current docs (Writing WASM Plugins)"
};

/** The allocator the host calls to place inputs in the plugin's memory, and to free them and results. */
export interface Allocator {
	malloc: string;
	/** null when the module exports no free: the host then leaves the memory to the plugin. */
	free: string | null;
	/** Whether `free` takes `(ptr, size)` (Rust's dealloc needs the size) instead of `(ptr)`. */
	freeTakesSize: boolean;
}

/** What the exports say about a module. */
export interface RevisionReport {
	/** The revision the hooks match, or null when the module has no hooks of any revision. */
	revision: Revision | null;
	allocator: Allocator | null;
	/** Hook exports the module has, in the order the host calls them. */
	hooks: string[];
	/** Exports whose signature is not what the revision expects, or clues that contradict each other. */
	problems: string[];
	/** One sentence for the module panel. */
	detail: string;
}

const i32 = 'i32' as const;
const i64 = 'i64' as const;

function sig(params: number, results: ValType[]): FuncSig {
	return { params: Array.from({ length: params }, () => i32), results };
}

/** Expected signatures of every export a revision names (the allocator is checked separately). */
export const REVISION_EXPORTS: Record<Revision, Record<string, FuncSig>> = {
	1: {
		get_name: sig(0, [i64]),
		init: sig(2, [i32]),
		http_transport_intercept: sig(4, [i64]),
		pre_hook: sig(4, [i64]),
		post_hook: sig(6, [i64]),
		cleanup: sig(0, [i32])
	},
	2: {
		get_name: sig(0, [i64]),
		init: sig(2, [i32]),
		http_intercept: sig(2, [i64]),
		pre_hook: sig(2, [i64]),
		post_hook: sig(2, [i64]),
		http_stream_chunk_hook: sig(2, [i64]),
		cleanup: sig(0, [i32])
	},
	3: {
		get_name: sig(0, [i64]),
		init: sig(2, [i32]),
		http_pre_hook: sig(2, [i64]),
		pre_hook: sig(2, [i64]),
		post_hook: sig(2, [i64]),
		http_post_hook: sig(2, [i64]),
		http_stream_chunk_hook: sig(2, [i64]),
		cleanup: sig(0, [i32])
	}
};

/** Hook exports of each revision, in the order a request meets them. */
export const REVISION_HOOKS: Record<Revision, readonly string[]> = {
	1: ['http_transport_intercept', 'pre_hook', 'post_hook'],
	2: ['http_intercept', 'pre_hook', 'post_hook', 'http_stream_chunk_hook'],
	3: ['http_pre_hook', 'pre_hook', 'post_hook', 'http_post_hook', 'http_stream_chunk_hook']
};

/** A signature as WAT-like text: `(i32, i32) -> i64`. */
export function formatSig(s: FuncSig): string {
	const results = s.results.length === 0 ? '' : ` -> ${s.results.join(', ')}`;
	return `(${s.params.join(', ')})${results}`;
}

function sameSig(a: FuncSig, b: FuncSig): boolean {
	return (
		a.params.length === b.params.length &&
		a.params.every((t, i) => t === b.params[i]) &&
		a.results.length === b.results.length &&
		a.results.every((t, i) => t === b.results[i])
	);
}

/** Function exports by name, built once per inspection: detection asks many times, of up to 100,000. */
const functionMaps = new WeakMap<ModuleInfo, Map<string, ExportInfo>>();

function functions(info: ModuleInfo): Map<string, ExportInfo> {
	let map = functionMaps.get(info);
	if (!map) {
		map = new Map(info.exports.filter((e) => e.kind === 'function').map((e) => [e.name, e]));
		functionMaps.set(info, map);
	}
	return map;
}

/** The allocator pair: `plugin_malloc`/`plugin_free` (TinyGo) first, else `malloc`/`free`. */
export function findAllocator(info: ModuleInfo): Allocator | null {
	const fns = functions(info);
	const malloc = fns.has('plugin_malloc') ? 'plugin_malloc' : fns.has('malloc') ? 'malloc' : null;
	if (!malloc) return null;
	const free = fns.has('plugin_free') ? 'plugin_free' : fns.has('free') ? 'free' : null;
	const freeParams = free ? (fns.get(free)?.signature?.params.length ?? 1) : 0;
	return { malloc, free, freeTakesSize: freeParams === 2 };
}

/**
 * Whether the playground calls this module through its own allocator instead of the Extism SDK: it imports
 * nothing from Extism's kernel (current or pre-1.0) and exports `plugin_malloc` or `malloc`.
 */
export function isRawAbiModule(info: ModuleInfo): boolean {
	return (
		info.flavor === 'raw' &&
		!info.imports.some((i) => i.module === EXTISM_ENV) &&
		findAllocator(info) !== null
	);
}

function allocatorProblems(info: ModuleInfo, allocator: Allocator): string[] {
	const fns = functions(info);
	const problems: string[] = [];
	const malloc = fns.get(allocator.malloc)?.signature;
	if (malloc && !sameSig(malloc, sig(1, [i32]))) {
		problems.push(
			`${allocator.malloc} is ${formatSig(malloc)}; the host calls it as (i32) -> i32 (size in, pointer out).`
		);
	}
	const free = allocator.free ? fns.get(allocator.free)?.signature : undefined;
	if (free && !sameSig(free, sig(1, [])) && !sameSig(free, sig(2, []))) {
		problems.push(
			`${allocator.free} is ${formatSig(free)}; the host calls it as (i32) or (i32, i32) with no result.`
		);
	}
	return problems;
}

/** Reads the revision, allocator and hooks from a module's exports. */
export function detectRevision(info: ModuleInfo): RevisionReport {
	const fns = functions(info);
	const params = (name: string) => fns.get(name)?.signature?.params.length ?? null;
	const allocator = findAllocator(info);
	const problems: string[] = [];

	const clues: Record<Revision, string[]> = { 1: [], 2: [], 3: [] };
	if (fns.has('http_transport_intercept')) clues[1].push('http_transport_intercept');
	if (params('pre_hook') === 4) clues[1].push('pre_hook with 4 parameters');
	if (params('post_hook') === 6) clues[1].push('post_hook with 6 parameters');
	if (fns.has('http_intercept')) clues[2].push('http_intercept');
	for (const name of ['http_pre_hook', 'http_post_hook']) if (fns.has(name)) clues[3].push(name);
	const singleInput = ['pre_hook', 'post_hook', 'http_stream_chunk_hook'].filter(
		(name) => params(name) === 2
	);

	let revision: Revision | null = null;
	if (clues[1].length > 0) revision = 1;
	else if (clues[2].length > 0) revision = 2;
	else if (clues[3].length > 0 || singleInput.length > 0) revision = 3;

	if (revision !== null) {
		const others = ([1, 2, 3] as const).filter((r) => r !== revision && clues[r].length > 0);
		for (const other of others) {
			problems.push(
				`It mixes revisions: ${clues[revision].join(', ') || singleInput.join(', ')} belong to revision ${revision}, but ${clues[other].join(', ')} to revision ${other}.`
			);
		}
		for (const [name, expected] of Object.entries(REVISION_EXPORTS[revision])) {
			const actual = fns.get(name)?.signature;
			if (actual && !sameSig(actual, expected)) {
				problems.push(
					`${name} is ${formatSig(actual)}; revision ${revision} expects ${formatSig(expected)}.`
				);
			}
		}
	}
	if (allocator) problems.push(...allocatorProblems(info, allocator));
	if (!info.exports.some((e) => e.kind === 'memory' && e.name === 'memory')) {
		problems.push('It exports no memory named "memory"; the host reads and writes through it.');
	}

	const hooks = revision === null ? [] : REVISION_HOOKS[revision].filter((name) => fns.has(name));
	return { revision, allocator, hooks, problems, detail: describe(revision, allocator, hooks) };
}

function describe(revision: Revision | null, allocator: Allocator | null, hooks: string[]): string {
	if (!allocator) {
		return 'Not a Bifrost plugin: it exports no allocator (plugin_malloc or malloc) for the host to place inputs with.';
	}
	const alloc = `${allocator.malloc}/${allocator.free ?? '(no free)'}${allocator.freeTakesSize ? ' (ptr, size)' : ''}`;
	if (revision === null) {
		return `Exports the allocator ${alloc} but no hook of any Bifrost revision.`;
	}
	return `Bifrost revision ${revision} (${REVISION_SOURCES[revision]}): allocator ${alloc}; hooks ${hooks.join(', ')}.`;
}
