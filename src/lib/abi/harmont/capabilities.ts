/**
 * Harmont's capability exports (Extism era) as hooks: what the host sends each one, what it expects back,
 * and which declared capability makes the host call it. Request shapes are those of
 * `harmont-extism.fixtures.json`; BuildEvent's fields are not in the fixtures, so its sample is marked
 * as illustrative.
 */
import { fail, type PlaygroundError } from '../../errors';
import { utf8Encode } from '../../bytes/encoding';
import type { HookSpec } from '../profile';
import type { Capability, CapabilityKind } from './manifest';

const NIL = '00000000-0000-0000-0000-000000000000';

/** A BuildEvent for samples. Illustrative: the fixtures name the type without its fields. */
export const SAMPLE_BUILD_EVENT = { kind: 'step_start', run_id: NIL, step_id: NIL, key: 'build' };

/** A capability export: the hook spec, the capability kind that declares it, and its input's form. */
export interface CapabilityExport extends HookSpec {
	/** The capability kind whose declaration makes the host call it; null for `hm_manifest`. */
	capability: CapabilityKind | null;
	/** `json`: the arguments are sent as JSON; `empty`: no input at all. */
	input: 'json' | 'empty';
}

/** Every `hm_*` export the Extism-era host called, in the fixtures' order. */
export const HARMONT_EXPORTS: readonly CapabilityExport[] = [
	{
		name: 'hm_manifest',
		summary: 'Declares the plugin: API version, capabilities, host functions it needs.',
		doc: 'Called once when the plugin loads, with no input. The host rejects the plugin, with a named error, when api_version is not 1, a required host function is missing from this build, no capability is declared, a runner name is empty or has whitespace, or a subcommand verb repeats.',
		args: {},
		expects: 'a PluginManifest as JSON',
		combine: 'once per plugin, at load',
		defaultExport: 'hm_manifest',
		capability: null,
		input: 'empty'
	},
	{
		name: 'hm_subcommand_run',
		summary: 'Runs a CLI subcommand the plugin declared (hm <verb> ...).',
		doc: 'Called when the user runs a verb of a subcommand capability; verb_path is the verb and its nested subcommands, args the parsed arguments, env the environment. Two plugins claiming one verb is an HmError::PluginConflict.',
		args: { verb_path: ['fixture-probe'], args: {}, env: {} },
		expects: '{exit_code, message}: the exit code hm exits with, and a message or null',
		combine: 'one plugin per verb',
		defaultExport: 'hm_subcommand_run',
		capability: 'subcommand',
		input: 'json'
	},
	{
		name: 'hm_executor_run',
		summary: 'Executes one build step with the runner the plugin declared.',
		doc: 'Called for each step whose runner is this plugin’s (or for every step when it is the default runner). The step comes with the workspace archive, environment, working directory, run and step ids, the cache lookup and the parent snapshot.',
		args: {
			step: {
				key: 'build',
				label: null,
				cmd: 'true',
				image: null,
				env: null,
				timeout_seconds: null,
				cache: null,
				runner: 'noop',
				runner_args: null
			},
			workspace_archive_id: NIL,
			env: {},
			workdir: '/workspace',
			run_id: NIL,
			step_id: NIL,
			cache_lookup: { kind: 'miss_no_commit' },
			parent_snapshot: null
		},
		expects: '{exit_code, committed_snapshot, artifacts}',
		combine: 'one runner per step',
		defaultExport: 'hm_executor_run',
		capability: 'step_executor',
		input: 'json'
	},
	{
		name: 'hm_hook_on_event',
		summary: 'Observes a build event before or after it happens, and may abort the build.',
		doc: 'Called for the events and phase a lifecycle_hook capability declares, within its timeout_ms. {"kind": "continue"} lets the build go on; {"kind": "abort", "reason": ...} stops it. The event here is an illustrative BuildEvent.',
		args: { event: SAMPLE_BUILD_EVENT, phase: 'before' },
		expects: '{"kind": "continue"} or {"kind": "abort", "reason": "..."}',
		combine: 'every hook for the event; any abort stops the build',
		defaultExport: 'hm_hook_on_event',
		capability: 'lifecycle_hook',
		input: 'json'
	},
	{
		name: 'hm_output_on_event',
		summary: 'Receives every build event for an output format (--format <name>).',
		doc: 'Called with each BuildEvent (illustrative here) while a build runs with this formatter; the answer is ignored, output is written through hm_write_stdout.',
		args: SAMPLE_BUILD_EVENT,
		expects: 'nothing (empty output)',
		combine: 'the one formatter chosen with --format',
		defaultExport: 'hm_output_on_event',
		capability: 'output_formatter',
		input: 'json'
	},
	{
		name: 'hm_output_finalize',
		summary: 'Ends the formatter’s output when the build ends.',
		doc: 'Called once with no input after the last event; the raw bytes it returns are written out as they are.',
		args: {},
		expects: 'raw bytes',
		combine: 'the one formatter chosen with --format',
		defaultExport: 'hm_output_finalize',
		capability: 'output_formatter',
		input: 'empty'
	}
];

/** The export spec of a name, or undefined. */
export function harmontExport(name: string): CapabilityExport | undefined {
	return HARMONT_EXPORTS.find((e) => e.name === name);
}

/** The exports a declared capability kind makes the host call. */
export function exportsOfKind(kind: CapabilityKind): CapabilityExport[] {
	return HARMONT_EXPORTS.filter((e) => e.capability === kind);
}

/**
 * The call the host makes for a declared capability: its export and a request filled in from the
 * declaration (the verb, the runner, the first event and the phase).
 */
export function capabilityCall(cap: Capability): { export: string; args: unknown } {
	const f = cap.fields;
	const [first] = exportsOfKind(cap.kind);
	switch (cap.kind) {
		case 'subcommand':
			return {
				export: first.name,
				args: { verb_path: [typeof f.verb === 'string' ? f.verb : ''], args: {}, env: {} }
			};
		case 'step_executor': {
			const args = first.args as { step: Record<string, unknown> };
			const runner = typeof f.runner === 'string' ? f.runner : '';
			return { export: first.name, args: { ...args, step: { ...args.step, runner } } };
		}
		case 'lifecycle_hook': {
			const events = Array.isArray(f.events) ? f.events : [];
			const kind = typeof events[0] === 'string' ? events[0] : SAMPLE_BUILD_EVENT.kind;
			const phase = f.phase === 'after' ? 'after' : 'before';
			return { export: first.name, args: { event: { ...SAMPLE_BUILD_EVENT, kind }, phase } };
		}
		case 'output_formatter':
			return { export: first.name, args: SAMPLE_BUILD_EVENT };
	}
}

/** The bytes Harmont's host sends an export: nothing, or the request as JSON once its shape is checked. */
export function encodeRequest(
	name: string,
	args: unknown
): { ok: true; bytes: Uint8Array } | { ok: false; error: PlaygroundError } {
	const spec = harmontExport(name);
	if (!spec) {
		return fail(
			'call',
			`Harmont has no export "${name}".`,
			`Pick one of: ${HARMONT_EXPORTS.map((e) => e.name).join(', ')}.`
		);
	}
	if (spec.input === 'empty') return { ok: true, bytes: new Uint8Array(0) };
	const problem = requestProblem(name, args);
	if (problem) {
		return fail(
			'call',
			`${name} request: ${problem}.`,
			'Pick the export again to restore the sample request.'
		);
	}
	return { ok: true, bytes: utf8Encode(JSON.stringify(args)) };
}

/** What is wrong with a request's shape for Harmont's serde types, or null. */
export function requestProblem(name: string, args: unknown): string | null {
	if (!isObject(args)) return 'must be a JSON object';
	switch (name) {
		case 'hm_subcommand_run':
			if (!Array.isArray(args.verb_path) || !args.verb_path.every((v) => typeof v === 'string')) {
				return '"verb_path" must be a list of strings';
			}
			if (!isObject(args.args)) return '"args" must be an object';
			return stringMap(args.env) ? null : '"env" must map names to strings';
		case 'hm_executor_run':
			if (!isObject(args.step)) return '"step" must be an object';
			if (typeof args.step.key !== 'string') return '"step.key" must be a string';
			for (const key of ['workspace_archive_id', 'workdir', 'run_id', 'step_id']) {
				if (typeof args[key] !== 'string') return `"${key}" must be a string`;
			}
			if (!isObject(args.cache_lookup) || typeof args.cache_lookup.kind !== 'string') {
				return '"cache_lookup" must be an object with a "kind"';
			}
			return stringMap(args.env) ? null : '"env" must map names to strings';
		case 'hm_hook_on_event':
			if (!isObject(args.event)) return '"event" must be a BuildEvent object';
			return args.phase === 'before' || args.phase === 'after'
				? null
				: '"phase" must be "before" or "after"';
		default:
			return null;
	}
}

function stringMap(v: unknown): boolean {
	return isObject(v) && Object.values(v).every((s) => typeof s === 'string');
}

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}
