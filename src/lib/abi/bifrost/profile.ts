/**
 * Bifrost's raw WASM plugin ABI as a profile: detection from exports, hook binding per revision, encoding
 * arguments as the JSON inputs the host writes with the plugin's allocator, and decoding packed answers.
 */
import { fail } from '../../errors';
import type { ModuleInfo } from '../../wasm/types';
import type { Decoded, HookGroup, PipelineCapability, RawCall, RawProfile } from '../profile';
import { decodeHook, withDecodedBodies } from './decode';
import { BIFROST_HOOKS, encodeArgs, findHook, isJsonObject, type BifrostHook } from './hooks';
import { runPipeline, sampleInput } from './pipeline';
import { detectRevision, isRawAbiModule, type Revision } from './revisions';

/** `revision 1`, `revisions 2 and 3`, `revisions 1, 2 and 3`. */
function revisionsText(revisions: readonly Revision[]): string {
	if (revisions.length === 1) return `revision ${revisions[0]}`;
	return `revisions ${revisions.slice(0, -1).join(', ')} and ${revisions.at(-1)}`;
}

/**
 * The Hook picker's groups: hooks by the revisions that call them that way (`Revision 1`, `Revisions 2
 * and 3`...), the revisions' shared hooks first, then in revision order.
 */
export function hookGroups(hooks: readonly BifrostHook[]): HookGroup[] {
	const groups = new Map<string, { revisions: readonly Revision[]; hooks: BifrostHook[] }>();
	for (const hook of hooks) {
		const key = hook.revisions.join(',');
		const group = groups.get(key) ?? { revisions: hook.revisions, hooks: [] };
		group.hooks.push(hook);
		groups.set(key, group);
	}
	return [...groups.values()]
		.sort((a, b) => a.revisions[0] - b.revisions[0] || b.revisions.length - a.revisions.length)
		.map((g) => {
			const text = revisionsText(g.revisions);
			return { label: text[0].toUpperCase() + text.slice(1), hooks: g.hooks };
		});
}

function functionExports(info: ModuleInfo): string[] {
	return info.exports.filter((e) => e.kind === 'function').map((e) => e.name);
}

/** One request through a Bifrost plugin, every hook of its revision in Bifrost's order. */
const pipeline: PipelineCapability = {
	sampleInput,
	async run(info, input, call) {
		const revision = detectRevision(info).revision;
		if (revision === null) {
			return fail(
				'call',
				'The module exports no Bifrost hooks of any revision, so there is no pipeline to run.',
				'Load a Bifrost plugin (Bifrost hello) or pick another ABI.'
			);
		}
		if (!isJsonObject(input)) {
			return fail(
				'call',
				'Pipeline input must be an object with config, context, httpRequest, request and provider.',
				'Press Reset input to start again from the sample.'
			);
		}
		const run = await runPipeline(
			revision,
			{ ...sampleInput(), ...input, exports: functionExports(info) },
			call
		);
		return { ok: true, run };
	}
};

/** Whether a module of this revision (null: no hooks at all) calls `hook` this way. */
function hookApplies(hook: BifrostHook, revision: Revision | null): boolean {
	return revision === null ? hook.revisions.length === 3 : hook.revisions.includes(revision);
}

/** The Bifrost profile. */
export const bifrostProfile: RawProfile = {
	id: 'bifrost',
	title: 'Bifrost WASM plugins',
	label: 'Bifrost',
	host: 'Bifrost',
	description:
		'Bifrost (an LLM gateway) loads plugins as raw WebAssembly, without Extism. The host allocates memory with the plugin’s own malloc, writes JSON there, calls a hook with (ptr, len) pairs and reads the answer from a packed u64, (ptr << 32) | len, then frees both. Revision 1 passes each JSON value as its own pair; revisions 2 and 3 pass one JSON object per hook. HTTP bodies travel as base64.',
	transport: 'raw',
	hooks: BIFROST_HOOKS,
	claims: isRawAbiModule,
	groups: () => hookGroups(BIFROST_HOOKS),
	display: withDecodedBodies,
	pipeline,

	detect(info: ModuleInfo) {
		if (info.flavor !== 'raw') {
			return {
				matches: false,
				detail:
					info.flavor === 'extism'
						? 'Imports the Extism kernel (extism:host/env): an Extism plugin, not a Bifrost one.'
						: 'Imports the pre-1.0 Extism kernel (env extism_*): an old Extism plugin, not a Bifrost one.'
			};
		}
		const report = detectRevision(info);
		const hasName = info.exports.some((e) => e.kind === 'function' && e.name === 'get_name');
		const matches = isRawAbiModule(info) && (report.revision !== null || hasName);
		const problems = report.problems.length > 0 ? ` Problems: ${report.problems.join(' ')}` : '';
		return { matches, detail: `${report.detail}${problems}` };
	},

	bind(hook, info) {
		const bifrost = findHook(hook.name);
		if (!bifrost) return null;
		const { revision, allocator } = detectRevision(info);
		if (!allocator || !hookApplies(bifrost, revision)) return null;
		const exported = info.exports.some(
			(e) => e.kind === 'function' && e.name === bifrost.defaultExport
		);
		return exported ? bifrost.defaultExport : null;
	},

	encode(hookName, args, info) {
		const hook = findHook(hookName);
		if (!hook) {
			return fail(
				'call',
				`Bifrost has no hook "${hookName}".`,
				`Pick one of: ${BIFROST_HOOKS.map((h) => h.name).join(', ')}.`
			);
		}
		const { revision, allocator } = detectRevision(info);
		if (!allocator) {
			return fail(
				'call',
				'The module exports no allocator (plugin_malloc or malloc), so the host has nowhere to write the input.',
				'Export malloc(size) -> ptr (and free) from the plugin.'
			);
		}
		if (!hookApplies(hook, revision)) {
			return fail(
				'call',
				`${hook.name} is a hook of ${revisionsText(hook.revisions)}, but this module implements revision ${revision ?? 'unknown'}.`,
				'Pick a hook of the module’s revision: its list shows only those.'
			);
		}
		if (!info.exports.some((e) => e.kind === 'function' && e.name === hook.defaultExport)) {
			return fail(
				'call',
				`The module does not export ${hook.defaultExport}, so Bifrost would skip ${hook.name}.`,
				'Pick a hook the module exports.'
			);
		}
		const encoded = encodeArgs(hook, args);
		if (!encoded.ok) return encoded;
		const call: RawCall = { export: hook.defaultExport, inputs: encoded.inputs };
		return { ok: true, call };
	},

	decode(hookName, result): Decoded {
		const hook = findHook(hookName);
		if (hook) return decodeHook(hook, result);
		return {
			status: 'error',
			value: `Bifrost has no hook "${hookName}".`,
			steps: [],
			issues: []
		};
	}
};
