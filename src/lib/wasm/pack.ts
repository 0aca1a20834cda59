/**
 * A module's inspection in a form that is cheap to send between threads. Structured cloning 100,000 export
 * objects costs the receiving thread about a second; the same names as one string array, kinds and signature
 * numbers as typed arrays, and each distinct signature once, cost it a few milliseconds. The worker inspects
 * and packs; the main thread unpacks into plain `ModuleInfo` objects, which is fast in ordinary JavaScript.
 */
import type { ExportInfo, ExternKind, FuncSig, ImportInfo, ModuleInfo } from './types';

const KINDS: readonly ExternKind[] = ['function', 'table', 'memory', 'global', 'tag'];
/** Signature number of an item that has none (not a function). */
const NO_SIGNATURE = -1;

/** `ModuleInfo` as columns: the lists' fields side by side, signatures and import modules deduplicated. */
export interface PackedModuleInfo {
	/** Everything but the two long lists, as is. */
	rest: Omit<ModuleInfo, 'exports' | 'imports'>;
	/** Each distinct signature once; items refer to it by index. */
	signatures: FuncSig[];
	exportNames: string[];
	exportKinds: Uint8Array;
	exportSignatures: Int32Array;
	/** Each distinct import module name once; `importModule` indexes it. */
	importModules: string[];
	importModule: Uint32Array;
	importNames: string[];
	importKinds: Uint8Array;
	importSignatures: Int32Array;
}

/** Numbers each distinct signature in order of first use. */
class SignatureTable {
	readonly list: FuncSig[] = [];
	readonly #index = new Map<string, number>();

	number(sig: FuncSig | undefined): number {
		if (!sig) return NO_SIGNATURE;
		const key = `${sig.params.join(',')}>${sig.results.join(',')}`;
		let i = this.#index.get(key);
		if (i === undefined) {
			i = this.list.length;
			this.list.push(sig);
			this.#index.set(key, i);
		}
		return i;
	}
}

/** Packs an inspection for `postMessage` (see the module comment). */
export function packModuleInfo(info: ModuleInfo): PackedModuleInfo {
	const { exports, imports, ...rest } = info;
	const sigs = new SignatureTable();
	const modules = new Map<string, number>();
	const importModule = new Uint32Array(imports.length);
	imports.forEach((imp, i) => {
		let m = modules.get(imp.module);
		if (m === undefined) modules.set(imp.module, (m = modules.size));
		importModule[i] = m;
	});
	return {
		rest,
		exportNames: exports.map((e) => e.name),
		exportKinds: Uint8Array.from(exports, (e) => KINDS.indexOf(e.kind)),
		exportSignatures: Int32Array.from(exports, (e) => sigs.number(e.signature)),
		importModules: [...modules.keys()],
		importModule,
		importNames: imports.map((imp) => imp.name),
		importKinds: Uint8Array.from(imports, (imp) => KINDS.indexOf(imp.kind)),
		importSignatures: Int32Array.from(imports, (imp) => sigs.number(imp.signature)),
		signatures: sigs.list
	};
}

/**
 * The inspection again. Items with the same signature share one `FuncSig` object: treat it as read-only, as
 * every reader of `ModuleInfo` does.
 */
export function unpackModuleInfo(packed: PackedModuleInfo): ModuleInfo {
	const kind = (k: number | undefined): ExternKind => KINDS[k ?? 0] ?? 'function';
	const signature = (n: number | undefined): FuncSig | undefined =>
		n === undefined || n === NO_SIGNATURE ? undefined : packed.signatures[n];
	// Literal shapes, no spreads: this runs on the page for up to 100,000 items.
	const exports: ExportInfo[] = new Array<ExportInfo>(packed.exportNames.length);
	packed.exportNames.forEach((name, i) => {
		const sig = signature(packed.exportSignatures[i]);
		const k = kind(packed.exportKinds[i]);
		exports[i] = sig ? { name, kind: k, signature: sig } : { name, kind: k };
	});
	const imports: ImportInfo[] = new Array<ImportInfo>(packed.importNames.length);
	packed.importNames.forEach((name, i) => {
		const module = packed.importModules[packed.importModule[i] ?? 0] ?? '';
		const sig = signature(packed.importSignatures[i]);
		const k = kind(packed.importKinds[i]);
		imports[i] = sig ? { module, name, kind: k, signature: sig } : { module, name, kind: k };
	});
	return { ...packed.rest, exports, imports };
}
