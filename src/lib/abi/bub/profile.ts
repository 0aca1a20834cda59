/** The bub.extism.v1 profile: Bub's hooks, envelope and decoding rules as one `ExtismProfile`. */
import type { ModuleInfo } from '../../wasm/types';
import type { Decoded, ExtismProfile, HookSpec } from '../profile';
import { exportConfig, parseBubConfig } from './config';
import { adapt, decodeResponse, validate } from './decode';
import { diffState, encodeEnvelope, sanitizeState } from './envelope';
import { followUpsOf, pollIntervalsOf } from './followups';
import { BUB_ALL_HOOKS, BUB_HOOKS, bubHook } from './hooks';
import { isJsonObject } from './python';
import { runTurn } from './turn';

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

/** What Bub passes on for a decoded answer (see `readResponse`): nothing for an error or a rejected value. */
function passedOf(hook: string, decoded: Decoded): unknown {
	if (decoded.status === 'error' || decoded.issues.length > 0) return null;
	return adapt(hook, decoded.status === 'value' ? decoded.value : null);
}

/** Bub (bub-extism): an Extism plugin gets one JSON envelope per hook and answers with text or JSON. */
export const bubProfile: ExtismProfile = {
	id: 'bub',
	title: 'Bub (bub.extism.v1)',
	label: 'bub.extism.v1',
	host: 'Bub',
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
	decode: decodeResponse,
	validate,
	requestLabel: 'Envelope',
	stateSanitising: {
		arg: 'state',
		sanitize(state) {
			const sent = sanitizeState(state);
			return { sent, removed: diffState(state, sent) };
		}
	},
	followUps: {
		of: (hook, decoded, plugin) => followUpsOf(hook, passedOf(hook, decoded), plugin),
		intervals: (hook, decoded) =>
			hook === 'provide_channels' ? pollIntervalsOf(hook, passedOf(hook, decoded)) : null,
		repeatSeconds(hook, args, intervals) {
			if (hook !== 'channel.poll' || !isJsonObject(args) || typeof args.channel !== 'string') {
				return null;
			}
			return intervals[args.channel] ?? null;
		}
	},
	turn: {
		sampleMessage: BUB_HOOKS[0]?.args.message ?? {},
		freshInstance: true,
		run: (plugins, message, call) => runTurn(plugins, message, {}, call)
	},
	config: {
		name: 'Bub config',
		path: '~/.bub/extism.json',
		fileName: 'extism.json',
		parse: parseBubConfig,
		build: exportConfig
	}
};
