/**
 * A plugin made of several modules, as an Extism manifest lists them: one is the main module (the one
 * named "main", else the last), the others are linked into it by name. An import whose module name is the
 * name of another module of the set is answered by that module's export of the same name and kind, and by
 * nothing else (the Extism JS SDK looks names up before host modules).
 */
import { fail, type Result } from '../errors';
import type { ExternKind, ImportInfo, ModuleInfo } from './types';

/** The name the Extism SDKs give the module they call. */
export const MAIN_MODULE = 'main';

/** How a manifest item is named: its `name`, else its `hash`, else its index (the SDK's rule). */
export interface NamedItem {
	name?: string;
	hash?: string;
}

/** The names the modules of a manifest link under, and which one is main; errors name the clash. */
export function nameModules(
	items: readonly NamedItem[]
): Result<{ names: string[]; main: number }> {
	const last = items.length - 1;
	const names = items.map(
		(item, i) => item.name ?? (i === last ? MAIN_MODULE : (item.hash ?? String(i)))
	);
	const seen = new Map<string, number>();
	for (const [i, name] of names.entries()) {
		const earlier = seen.get(name);
		if (earlier !== undefined) {
			return fail(
				'load',
				`The manifest's modules wasm[${earlier}] and wasm[${i}] are both named "${name}"; each module needs a name of its own, since imports find modules by name.`,
				'Give each module a distinct "name" in the manifest; the one to call is named "main" (or is the last one).'
			);
		}
		seen.set(name, i);
	}
	const main = names.indexOf(MAIN_MODULE);
	if (main < 0) {
		return fail(
			'load',
			`None of the manifest's ${items.length} modules is named "main" (the last one is named "${names[last]}"), so there is nothing to call.`,
			'Name the module whose exports you call "main", or leave the last module unnamed.'
		);
	}
	return { ok: true, names, main };
}

/** One module of a set with its name and inspection. */
export interface SetMember {
	name: string;
	info: ModuleInfo;
}

/** Each linked module's exports by name, with their kinds: what imports from it can find. */
export function linkedExports(
	members: readonly SetMember[]
): Map<string, ReadonlyMap<string, ExternKind>> {
	return new Map(
		members.map((m) => [m.name, new Map(m.info.exports.map((e) => [e.name, e.kind] as const))])
	);
}

/** The inspection of a whole set: WASI is needed when any module imports it. */
export function needsWasi(main: ModuleInfo, linked: readonly SetMember[]): boolean {
	return main.needsWasi || linked.some((m) => m.info.needsWasi);
}

/** Every module of the set with its imports, main first: what a link check walks. */
export function setImports(
	main: ModuleInfo,
	linked: readonly SetMember[]
): { module: string; imports: readonly ImportInfo[] }[] {
	return [
		{ module: MAIN_MODULE, imports: main.imports },
		...linked.map((m) => ({ module: m.name, imports: m.info.imports }))
	];
}
