/**
 * Bub's `~/.bub/extism.json`: `{"plugins": {"<name>": {"manifest": {...}, "wasi": bool, "hooks": {"<hook>":
 * "<export>"}}}}`. Validation follows bub-extism's config.py (pydantic models and `normalize_hook_bindings`)
 * with its error texts; the manifest goes through the playground's `parseManifest`. Modules given by a
 * local `path` are kept and reported as needing their .wasm file, since a browser cannot read paths.
 */
import { fail, type PlaygroundError, type Result } from '../../errors';
import {
	parseManifest,
	toManifestJson,
	type ManifestJson,
	type ManifestJsonWasm,
	type ParsedManifest
} from '../../manifest/manifest';
import { BUB_HOOK_NAMES } from './hooks';
import { isJsonObject, pyLoads } from './python';

/** A manifest module given by a local path, which the user has to supply as a file. */
export interface BubPathModule {
	/** Its position in the manifest's `wasm` list. */
	index: number;
	path: string;
	name?: string;
	hash?: string;
}

/** One plugin of an extism.json. */
export interface BubPluginEntry {
	/** The key under `plugins`; Bub registers it as `extism:<name>`. */
	name: string;
	/** Position in the file. Bub registers entries in file order, so a later entry answers first. */
	order: number;
	/** The manifest, its `wasm` holding only the modules a browser can load (data or url). */
	manifest: ParsedManifest;
	/** Modules given by `path`: each needs its .wasm file before the plugin can load. */
	needsFile: BubPathModule[];
	/** Whether Bub enables WASI for it. */
	wasi: boolean;
	/** Hook name → export name, as Bub binds them. */
	hooks: Record<string, string>;
}

/** A manifest module in JSON form, where Bub also allows a local `path`. */
export type BubManifestWasm = ManifestJsonWasm & { path?: string };

/** A manifest in Extism's JSON form, as Bub stores it. */
export type BubManifestJson = Omit<ManifestJson, 'wasm'> & { wasm: BubManifestWasm[] };

/** One entry of an extism.json as Bub writes it (`model_dump` order: manifest, hooks, wasi). */
export interface BubConfigEntryJson {
	manifest: BubManifestJson;
	hooks: Record<string, string>;
	wasi: boolean;
}

/** An extism.json. */
export interface BubConfigJson {
	plugins: Record<string, BubConfigEntryJson>;
}

const HINT = "Fix that entry in extism.json (its format is in bub-extism's README).";

function invalid(message: string, hint = HINT): { ok: false; error: PlaygroundError } {
	return fail('load', `The Bub config is invalid: ${message}`, hint);
}

function kindOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/** pydantic's lax bool: true/false, 0/1 and the usual words. */
function laxBool(value: unknown): boolean | null {
	if (typeof value === 'boolean') return value;
	if (value === 0 || value === 1) return value === 1;
	if (typeof value !== 'string') return null;
	const word = value.trim().toLowerCase();
	if (['1', 'on', 't', 'true', 'y', 'yes'].includes(word)) return true;
	if (['0', 'off', 'f', 'false', 'n', 'no'].includes(word)) return false;
	return null;
}

/** bub-extism's `normalize_hook_bindings`: known hook names, non-empty export names, both trimmed. */
function readHooks(
	value: unknown,
	at: string
): { ok: true; hooks: Record<string, string> } | { ok: false; error: PlaygroundError } {
	if (value === undefined || value === null) return { ok: true, hooks: {} };
	if (!isJsonObject(value))
		return invalid(`${at} must be an object of hook → export; it is ${kindOf(value)}.`);
	const hooks: Record<string, string> = {};
	for (const [hook, exportName] of Object.entries(value)) {
		if (typeof exportName !== 'string') {
			return invalid(`${at}.${hook} must be the name of an export; it is ${kindOf(exportName)}.`);
		}
		const name = hook.trim();
		if (!BUB_HOOK_NAMES.includes(name)) {
			const supported = [...BUB_HOOK_NAMES].sort().join(', ');
			return invalid(
				`${at}: unsupported hook '${name}'; expected one of: ${supported}`,
				'Use one of the hook names listed (spelling matters), or remove the binding.'
			);
		}
		if (exportName.trim() === '') {
			return invalid(
				`${at}: hook '${name}' requires a non-empty export name`,
				'Write the name of the wasm export that implements the hook.'
			);
		}
		hooks[name] = exportName.trim();
	}
	return { ok: true, hooks };
}

/**
 * Splits `path` modules out of a manifest: each is swapped for an empty inline module so `parseManifest`
 * still checks its name and hash, then dropped from the parsed list.
 */
function readManifest(
	value: unknown,
	at: string
):
	| { ok: true; manifest: ParsedManifest; needsFile: BubPathModule[] }
	| { ok: false; error: PlaygroundError } {
	if (!isJsonObject(value))
		return invalid(`${at} must be an Extism manifest object; it is ${kindOf(value)}.`);
	const needsFile: BubPathModule[] = [];
	const list = Array.isArray(value.wasm)
		? value.wasm
		: isJsonObject(value.wasm)
			? [value.wasm]
			: null;
	const swapped = list?.map((item: unknown, index) => {
		const onlyPath =
			isJsonObject(item) &&
			typeof item.path === 'string' &&
			item.path.trim() !== '' &&
			item.data === undefined &&
			item.url === undefined;
		if (!onlyPath) return item;
		const module: BubPathModule = { index, path: item.path as string };
		if (typeof item.name === 'string') module.name = item.name;
		if (typeof item.hash === 'string') module.hash = item.hash.toLowerCase();
		needsFile.push(module);
		return { ...item, path: undefined, data: '' };
	});
	const input = swapped === undefined ? value : { ...value, wasm: swapped };
	const parsed = parseManifest(input);
	if (!parsed.ok) {
		return {
			ok: false,
			error: { ...parsed.error, message: `${at}: ${parsed.error.message}` }
		};
	}
	const paths = new Set(needsFile.map((m) => m.index));
	const wasm = parsed.manifest.wasm.filter((_, i) => !paths.has(i));
	return { ok: true, manifest: { ...parsed.manifest, wasm }, needsFile };
}

/**
 * Reads an extism.json, as text or as a parsed object. Never throws: the first problem is returned as a
 * typed error naming the entry and field, as Bub would refuse the whole file.
 */
export function parseBubConfig(input: unknown): Result<{ entries: BubPluginEntry[] }> {
	let root = input;
	if (typeof input === 'string') {
		const parsed = pyLoads(input);
		if (!parsed.ok) {
			return fail(
				'load',
				`The Bub config is not valid JSON: ${parsed.message}.`,
				'Check the JSON syntax (quotes around keys, no trailing commas).'
			);
		}
		root = parsed.value;
	}
	if (!isJsonObject(root)) {
		return invalid(`Extism config file must contain a top-level mapping; it is ${kindOf(root)}.`);
	}
	const plugins = root.plugins ?? {};
	if (!isJsonObject(plugins)) {
		return invalid(`plugins must be an object of named entries; it is ${kindOf(plugins)}.`);
	}
	const entries: BubPluginEntry[] = [];
	for (const [name, raw] of Object.entries(plugins)) {
		const at = `plugins.${name}`;
		if (!isJsonObject(raw)) {
			return invalid(
				`${at} must be an object with "manifest", "hooks" and "wasi"; it is ${kindOf(raw)}.`
			);
		}
		if (raw.manifest === undefined) {
			return invalid(
				`${at} has no "manifest".`,
				'Add "manifest": {"wasm": [{"path": "plugin.wasm"}]} (a standard Extism manifest).'
			);
		}
		const manifest = readManifest(raw.manifest, `${at}.manifest`);
		if (!manifest.ok) return manifest;
		const hooks = readHooks(raw.hooks, `${at}.hooks`);
		if (!hooks.ok) return hooks;
		const wasi = raw.wasi === undefined ? false : laxBool(raw.wasi);
		if (wasi === null)
			return invalid(`${at}.wasi must be true or false; it is ${kindOf(raw.wasi)}.`);
		entries.push({
			name,
			order: entries.length,
			manifest: manifest.manifest,
			needsFile: manifest.needsFile,
			wasi,
			hooks: hooks.hooks
		});
	}
	return { ok: true, entries };
}

/** The manifest JSON with the path modules back in their places. */
function manifestJson(entry: BubPluginEntry): BubManifestJson {
	const json = toManifestJson(entry.manifest);
	const loadable = [...json.wasm];
	const wasm: BubManifestWasm[] = [];
	for (let i = 0; i < json.wasm.length + entry.needsFile.length; i++) {
		const module = entry.needsFile.find((m) => m.index === i);
		if (module === undefined) {
			const next = loadable.shift();
			if (next !== undefined) wasm.push(next);
			continue;
		}
		const item: BubManifestWasm = { path: module.path };
		if (module.name !== undefined) item.name = module.name;
		if (module.hash !== undefined) item.hash = module.hash;
		wasm.push(item);
	}
	return { ...json, wasm };
}

/** Entries back to extism.json's shape, in `order` (what `bub extism add` writes, minus formatting). */
export function exportConfig(entries: readonly BubPluginEntry[]): BubConfigJson {
	const sorted = [...entries].sort((a, b) => a.order - b.order);
	// fromEntries keeps a plugin named `__proto__` as a plain key.
	const plugins = Object.fromEntries(
		sorted.map((entry): [string, BubConfigEntryJson] => [
			entry.name,
			{ manifest: manifestJson(entry), hooks: { ...entry.hooks }, wasi: entry.wasi }
		])
	);
	return { plugins };
}

/** The config as Bub writes the file: two-space indent, non-ASCII as is, a final newline. */
export function formatConfig(entries: readonly BubPluginEntry[]): string {
	return `${JSON.stringify(exportConfig(entries), null, 2)}\n`;
}
