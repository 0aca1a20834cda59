/**
 * Host settings as an Extism manifest and back. The Host settings panel shows the manifest equivalent to the
 * settings in force and applies an edited one. The module is already loaded, so the manifest's `wasm` only
 * names it (a URL with its hash, or a path for bytes that came from a file) and has to stay as shown.
 */
import { fail, type Result } from '../errors';
import { DEFAULT_MAX_PAGES, DEFAULT_TIMEOUT_MS, type HostSettings } from '../host/settings';
import { findJsonError, parseJson } from '../workspace/io';
import type { PluginSource } from '../workspace/types';
import { MAIN_MODULE, nameModules } from '../wasm/module-set';
import {
	parseManifest,
	toManifestJson,
	type ManifestJson,
	type ManifestJsonWasm,
	type ParsedManifest
} from './manifest';

/** A module as the settings manifest names it: Extism's `url` or `data` item, or a native `path` item. */
export type SettingsWasm = ManifestJsonWasm | { path: string; name?: string; hash?: string };

/** The manifest equivalent to a plugin's host settings. */
export type SettingsManifest = Omit<ManifestJson, 'wasm'> & { wasm: SettingsWasm[] };

/**
 * How a manifest names the loaded module: its URL (resolved against `baseUrl`) for examples and downloads,
 * and for files, which a browser cannot name by path, the path a native host would load it from. The
 * hash pins the exact bytes either way.
 */
export function sourceWasm(
	source: PluginSource,
	sha256: string | null,
	baseUrl: string
): SettingsWasm {
	const hash = sha256 === null ? {} : { hash: sha256 };
	switch (source.kind) {
		case 'example':
			return { url: new URL(`examples/${source.name}.wasm`, baseUrl).href, ...hash };
		case 'url':
			return { url: source.url, ...hash };
		case 'file':
			return { path: source.name, ...hash };
		case 'manifest': {
			const parsed = parseManifest(source.manifest);
			const item = parsed.ok ? parsed.manifest.wasm[0] : undefined;
			const name = item?.name === undefined ? {} : { name: item.name };
			if (item?.kind !== 'url') {
				return { path: `${source.name.replace(/\.json$/i, '')}.wasm`, ...name, ...hash };
			}
			const out: ManifestJsonWasm = { url: resolve(item.url, baseUrl) };
			if (item.headers !== undefined) out.headers = { ...item.headers };
			if (item.method !== undefined) out.method = item.method;
			return { ...out, ...name, ...hash };
		}
	}
}

/**
 * How a manifest names every module of the plugin: `sourceWasm`'s one module, or for a plugin of several
 * modules (a manifest's, or an example's, which the example build writes as `<name>.linked-<i>.wasm`) each
 * module under its name, main last, hashes pinning the loaded bytes.
 */
export function sourceWasmList(
	source: PluginSource,
	sha256: string | null,
	baseUrl: string,
	linked: readonly { name: string; sha256: string }[]
): SettingsWasm[] {
	const main = sourceWasm(source, sha256, baseUrl);
	if (linked.length === 0) return [main];
	if (source.kind === 'example') {
		return [
			...linked.map((l, i) => ({
				name: l.name,
				url: new URL(`examples/${source.name}.linked-${i}.wasm`, baseUrl).href,
				hash: l.sha256
			})),
			{ ...main, name: MAIN_MODULE }
		];
	}
	const parsed = source.kind === 'manifest' ? parseManifest(source.manifest) : null;
	const named = parsed?.ok ? nameModules(parsed.manifest.wasm) : null;
	if (source.kind !== 'manifest' || !parsed?.ok || !named?.ok) {
		return [main, ...linked.map((l) => ({ path: l.name, hash: l.sha256 }))];
	}
	const base = source.name.replace(/\.json$/i, '');
	return parsed.manifest.wasm.map((item, i) => {
		const name = named.names[i];
		const hash = i === named.main ? sha256 : linked.find((l) => l.name === name)?.sha256;
		const pinned = hash ? { hash } : {};
		if (item.kind !== 'url') return { path: `${base}.${i}.wasm`, name, ...pinned };
		const out: ManifestJsonWasm = { url: resolve(item.url, baseUrl) };
		if (item.headers !== undefined) out.headers = { ...item.headers };
		if (item.method !== undefined) out.method = item.method;
		return { ...out, name, ...pinned };
	});
}

function resolve(url: string, baseUrl: string): string {
	try {
		return new URL(url, baseUrl).href;
	} catch {
		return url;
	}
}

/**
 * The manifest equivalent to the settings, every field written out (`null` where there is no limit) so it
 * doubles as a template to edit.
 */
export function settingsManifest(
	settings: HostSettings,
	wasm: SettingsWasm | SettingsWasm[]
): SettingsManifest {
	const parsed: ParsedManifest = {
		wasm: [],
		config: settings.config,
		allowedHosts: settings.allowedHosts,
		memory: settings.memory,
		timeoutMs: settings.timeoutMs
	};
	return {
		...toManifestJson(parsed, { includeEmpty: true }),
		wasm: Array.isArray(wasm) ? wasm : [wasm]
	};
}

/**
 * Settings with a manifest's fields applied over `base` (which keeps the log level, WASI, fresh-instance
 * and namespace choices, none of which a manifest has). A limit the manifest leaves out gets the
 * playground's default, as when a manifest is loaded.
 */
export function settingsFromManifest(m: ParsedManifest, base: HostSettings): HostSettings {
	return {
		...base,
		config: { ...m.config },
		allowedHosts: [...m.allowedHosts],
		timeoutMs: m.timeoutMs ?? DEFAULT_TIMEOUT_MS,
		memory: {
			maxPages: m.memory.maxPages ?? DEFAULT_MAX_PAGES,
			maxHttpResponseBytes: m.memory.maxHttpResponseBytes,
			maxVarBytes: m.memory.maxVarBytes
		}
	};
}

/**
 * Reads an edited settings manifest: the settings it gives over `base`, or an error naming the field.
 * `wasm` is the module as shown; the manifest must still name it. `"max_pages": null` keeps the module's
 * own maximum, while leaving the field out gets the default cap.
 */
export function applySettingsManifest(
	text: string,
	wasm: SettingsWasm | SettingsWasm[],
	base: HostSettings
): Result<{ settings: HostSettings }> {
	const syntax = findJsonError(text);
	const root = syntax === null ? parseJson(text) : undefined;
	if (root === undefined) {
		return fail(
			'load',
			`The manifest is not valid JSON: ${syntax?.message ?? 'it does not parse'}.`,
			'Fix the JSON (quotes around keys, no trailing commas), or reset the text to the settings in force.'
		);
	}
	if (!isObject(root)) {
		return fail(
			'load',
			'The manifest is invalid: it must be a JSON object with a "wasm" field.',
			'Reset the text to the settings in force and edit from there.'
		);
	}
	if (canonical(root.wasm) !== canonical(Array.isArray(wasm) ? wasm : [wasm])) {
		return fail(
			'load',
			'The manifest\'s "wasm" no longer names the loaded module; this editor changes host settings only.',
			'Keep "wasm" as it was shown. To run another module, load it with Paste manifest or Open file.'
		);
	}
	// The module was checked above and may be a `path`, which parseManifest refuses in a browser; an empty
	// stand-in lets it check every other field.
	const parsed = parseManifest({ ...root, wasm: [{ data: [] }] });
	if (!parsed.ok) return parsed;
	const settings = settingsFromManifest(parsed.manifest, base);
	const memory = root.memory;
	if (isObject(memory)) {
		const maxPages = memory.max_pages !== undefined ? memory.max_pages : memory.maxPages;
		if (maxPages === null) settings.memory.maxPages = null;
	}
	return { ok: true, settings };
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON with object keys sorted, so two values compare equal whatever their key order. */
function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (isObject(value)) {
		const keys = Object.keys(value).sort();
		return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'undefined';
}
