/** The bub.extism.v1 profile: Bub's hooks, envelope and decoding rules as one `ExtismProfile`. */
import type { ModuleInfo } from '../../wasm/types';
import type { ExtismProfile, HookSpec } from '../profile';
import { decodeResponse } from './decode';
import { encodeEnvelope } from './envelope';
import { BUB_ALL_HOOKS, bubHook } from './hooks';

/** Function export names, built once per inspection: each hook asks, of up to 100,000 exports. */
const exportSets = new WeakMap<ModuleInfo, Set<string>>();

function functionExports(info: ModuleInfo): Set<string> {
	let names = exportSets.get(info);
	if (!names) {
		names = new Set(info.exports.filter((e) => e.kind === 'function').map((e) => e.name));
		exportSets.set(info, names);
	}
	return names;
}

/**
 * The export Bub would call for a hook, or null when it would skip it. With a configured binding
 * (`hooks` in extism.json) only that export counts: Bub skips the hook, without calling, when the module
 * lacks it. Without one, the playground binds the hook's usual export (`channel_start`,
 * `tape_fetch_all`...) or an export named after the hook.
 */
export function bindExport(
	hook: HookSpec | string,
	info: ModuleInfo,
	configured?: Readonly<Record<string, string>>
): string | null {
	const spec = typeof hook === 'string' ? bubHook(hook) : hook;
	const name = typeof hook === 'string' ? hook : hook.name;
	const exports = functionExports(info);
	const bound = configured?.[name];
	if (bound !== undefined) return exports.has(bound) ? bound : null;
	if (spec !== undefined && exports.has(spec.defaultExport)) return spec.defaultExport;
	return exports.has(name) ? name : null;
}

/** Bub (bub-extism): an Extism plugin gets one JSON envelope per hook and answers with text or JSON. */
export const bubProfile: ExtismProfile = {
	id: 'bub',
	title: 'Bub (bub.extism.v1)',
	label: 'bub.extism.v1',
	description:
		'Bub is a hook-first AI agent framework in Python; its bub-extism bridge turns each entry of ~/.bub/extism.json into a Bub plugin. For every hook call it makes a fresh plugin instance (with no host functions of its own) and sends one UTF-8 JSON envelope {"abi_version": "bub.extism.v1", "hook": ..., "args": {...}} to the export bound to the hook. The answer is plain text or JSON: {"value": ...}, {"skip": true} to let the next plugin answer, or {"error": {"message": ...}} to fail the hook. The newest-registered plugin answers first.',
	transport: 'extism',
	hooks: BUB_ALL_HOOKS,
	detect(info) {
		if (info.flavor !== 'extism') {
			return {
				matches: false,
				detail:
					'not an Extism plugin: it does not import extism:host/env, so bub-extism cannot call it'
			};
		}
		const exports = functionExports(info);
		const hooks = BUB_ALL_HOOKS.filter((h) => exports.has(h.name) || exports.has(h.defaultExport));
		if (hooks.length === 0) {
			return {
				matches: false,
				detail: 'an Extism plugin, but none of its exports is named after a Bub hook'
			};
		}
		const names = hooks.map((h) => h.name).join(', ');
		const wasi = info.needsWasi
			? '; it imports WASI, so its extism.json entry needs "wasi": true'
			: '';
		return { matches: true, detail: `exports ${names}${wasi}` };
	},
	bind: (hook, info, bindings) => bindExport(hook, info, bindings),
	encode: encodeEnvelope,
	decode: decodeResponse
};
