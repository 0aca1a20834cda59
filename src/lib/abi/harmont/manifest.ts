/**
 * Harmont's `PluginManifest` (what `hm_manifest` returns) read and validated as its Extism-era host did
 * before using a plugin, with the host's own error texts (crates/hm/src/plugin/manifest.rs at 18a7589,
 * as `harmont-extism.fixtures.json` records them). One check is the playground's: `allowed_hosts`, which
 * Harmont handed to Extism's manifest without a named error of its own.
 */
import { utf8Decode } from '../../bytes/encoding';

/** The plugin API version this host speaks (`HM_PLUGIN_API_VERSION` of the Extism era). */
export const HM_PLUGIN_API_VERSION = 1;

/** The four capability kinds a manifest can declare. */
export type CapabilityKind = 'subcommand' | 'step_executor' | 'lifecycle_hook' | 'output_formatter';

/** The capability kinds, in the order the fixtures list them. */
export const CAPABILITY_KINDS: readonly CapabilityKind[] = [
	'subcommand',
	'step_executor',
	'lifecycle_hook',
	'output_formatter'
];

/** One declared capability: its kind and the rest of its fields as the plugin wrote them. */
export interface Capability {
	kind: CapabilityKind;
	fields: Record<string, unknown>;
}

/** A manifest as read: the fields the host checks, typed; anything else kept as given. */
export interface PluginManifest {
	api_version: number;
	name: string;
	version: string;
	description: string | null;
	capabilities: Capability[];
	required_host_fns: string[];
	allowed_hosts: string[];
	config_schema: unknown;
}

/** A named rejection: the host's error variant and its message. */
export interface ManifestError {
	/** `ManifestError::ApiVersion`, `ManifestError::MissingHostFn`...; `Playground::…` for the playground's own. */
	name: string;
	message: string;
	/** What the plugin author (or the playground user) can do about it. */
	fix: string;
	/** The manifest field it is about (`api_version`, `required_host_fns[3]`...). */
	path: string;
	/** The `HmError` the host reported it as, when its text is known (exit category PluginLoad, 5). */
	hm?: string;
}

/** The verdict on a manifest: accepted, or rejected with every error in the order the host checks. */
export type ManifestVerdict =
	| { ok: true; manifest: PluginManifest }
	| { ok: false; manifest: PluginManifest | null; errors: ManifestError[] };

/** Reads `hm_manifest`'s output; a manifest that does not deserialize is rejected before validation. */
export function parseManifest(
	output: Uint8Array
): { ok: true; manifest: PluginManifest } | { ok: false; error: ManifestError } {
	const bad = (path: string, detail: string): { ok: false; error: ManifestError } => ({
		ok: false,
		error: {
			name: 'PluginManifest (deserialize)',
			message: `hm_manifest did not return a PluginManifest: ${detail}`,
			fix: 'Return the manifest as JSON with api_version, name, version, capabilities, required_host_fns and allowed_hosts.',
			path
		}
	});
	if (output.length === 0) return bad('', 'the output is empty');
	let value: unknown;
	try {
		value = JSON.parse(utf8Decode(output));
	} catch (e) {
		return bad('', `not JSON (${e instanceof Error ? e.message : String(e)})`);
	}
	if (!isObject(value)) return bad('', 'expected a JSON object');
	const api = value.api_version;
	if (typeof api !== 'number' || !Number.isInteger(api) || api < 0) {
		return bad('api_version', '"api_version" must be an unsigned integer');
	}
	for (const key of ['name', 'version'] as const) {
		if (typeof value[key] !== 'string') return bad(key, `"${key}" must be a string`);
	}
	const description = value.description ?? null;
	if (description !== null && typeof description !== 'string') {
		return bad('description', '"description" must be a string or null');
	}
	const caps = value.capabilities;
	if (!Array.isArray(caps)) return bad('capabilities', '"capabilities" must be a list');
	const capabilities: Capability[] = [];
	for (const [i, cap] of caps.entries()) {
		const kind = isObject(cap) ? cap.kind : undefined;
		const known = CAPABILITY_KINDS.find((k) => k === kind);
		if (!isObject(cap) || !known) {
			return bad(
				`capabilities[${i}].kind`,
				`capabilities[${i}]: unknown variant ${JSON.stringify(kind ?? null)}, expected one of ${CAPABILITY_KINDS.join(', ')}`
			);
		}
		const fields = Object.fromEntries(Object.entries(cap).filter(([k]) => k !== 'kind'));
		capabilities.push({ kind: known, fields });
	}
	const lists: Record<'required_host_fns' | 'allowed_hosts', string[]> = {
		required_host_fns: [],
		allowed_hosts: []
	};
	for (const key of ['required_host_fns', 'allowed_hosts'] as const) {
		const list = value[key] ?? [];
		if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) {
			return bad(key, `"${key}" must be a list of strings`);
		}
		lists[key] = list as string[];
	}
	return {
		ok: true,
		manifest: {
			api_version: api,
			name: value.name as string,
			version: value.version as string,
			description,
			capabilities,
			...lists,
			config_schema: value.config_schema ?? null
		}
	};
}

/**
 * Validates a manifest as Harmont's host did, in its order: API version, required host functions against
 * those this host has (`available`), at least one capability, runner names, distinct subcommand verbs;
 * then the playground's check of `allowed_hosts`. Harmont stopped at the first error; all are listed.
 */
export function validateManifest(
	manifest: PluginManifest,
	available: ReadonlySet<string>
): ManifestError[] {
	const name = manifest.name;
	const errors: ManifestError[] = [];
	if (manifest.api_version !== HM_PLUGIN_API_VERSION) {
		errors.push({
			name: 'ManifestError::ApiVersion',
			message: `plugin '${name}': api_version mismatch (plugin: ${manifest.api_version}, host: ${HM_PLUGIN_API_VERSION})`,
			fix: `Build the plugin against the Extism-era SDK, which declares api_version ${HM_PLUGIN_API_VERSION} (version 2 is the native-dylib ABI).`,
			path: 'api_version',
			hm: `HmError::PluginManifest: plugin '${name}': API version mismatch (plugin=${manifest.api_version}, host=${HM_PLUGIN_API_VERSION})`
		});
	}
	manifest.required_host_fns.forEach((fnName, i) => {
		if (available.has(fnName)) return;
		errors.push({
			name: 'ManifestError::MissingHostFn',
			message: `plugin '${name}': required host fn '${fnName}' is not available in this hm build`,
			fix: `Drop ${fnName} from required_host_fns, or, when the plugin imports it, mock it under Host function mocks: the playground then counts it as available.`,
			path: `required_host_fns[${i}]`
		});
	});
	if (manifest.capabilities.length === 0) {
		errors.push({
			name: 'ManifestError::NoCapabilities',
			message: `plugin '${name}': declared no capabilities`,
			fix: 'Declare at least one capability: subcommand, step_executor, lifecycle_hook or output_formatter.',
			path: 'capabilities'
		});
	}
	const verbs = new Set<string>();
	manifest.capabilities.forEach((cap, i) => {
		if (cap.kind === 'step_executor') {
			const runner = cap.fields.runner;
			if (typeof runner !== 'string' || runner === '' || /\s/.test(runner)) {
				errors.push({
					name: 'ManifestError::BadRunnerName',
					message: `plugin '${name}': StepExecutorSpec.runner '${typeof runner === 'string' ? runner : ''}' is empty or contains whitespace`,
					fix: 'Name the runner with one word without spaces, e.g. "docker".',
					path: `capabilities[${i}].runner`
				});
			}
		}
		if (cap.kind === 'subcommand' && typeof cap.fields.verb === 'string') {
			const verb = cap.fields.verb;
			if (verbs.has(verb)) {
				errors.push({
					name: 'ManifestError::DuplicateSubcommandVerb',
					message: `plugin '${name}': declared the same subcommand verb twice ('${verb}')`,
					fix: 'Give each subcommand capability its own verb.',
					path: `capabilities[${i}].verb`
				});
			}
			verbs.add(verb);
		}
	});
	manifest.allowed_hosts.forEach((host, i) => {
		const problem = allowedHostProblem(host);
		if (problem === null) return;
		errors.push({
			name: 'Playground::AllowedHosts',
			message: `plugin '${name}': allowed_hosts entry '${host}' ${problem}`,
			fix: 'List bare host names ("api.example.com") or wildcard patterns ("*.example.com"); Extism matches only the host of a URL.',
			path: `allowed_hosts[${i}]`
		});
	});
	return errors;
}

/** Why an `allowed_hosts` entry can never match a request's host, or null when it can. */
export function allowedHostProblem(entry: string): string | null {
	if (entry.trim() === '') return 'is empty';
	if (/\s/.test(entry)) return 'contains whitespace';
	if (entry.includes('://')) return 'has a scheme: give the host name only';
	if (/[/?#]/.test(entry)) return 'has a path: give the host name only';
	if (/:\d*$/.test(entry)) return 'has a port: Extism matches host names without ports';
	if (entry !== '*' && !/^(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(entry)) {
		return 'is not a host name or a *.domain pattern';
	}
	return null;
}

/** Reads and validates `hm_manifest`'s output in one step. */
export function checkManifest(output: Uint8Array, available: ReadonlySet<string>): ManifestVerdict {
	const parsed = parseManifest(output);
	if (!parsed.ok) return { ok: false, manifest: null, errors: [parsed.error] };
	const errors = validateManifest(parsed.manifest, available);
	return errors.length === 0
		? { ok: true, manifest: parsed.manifest }
		: { ok: false, manifest: parsed.manifest, errors };
}

/** What a manifest claims, in `HmError::PluginConflict`'s terms: a verb, `runner:<r>`, `default-runner`, `format:<n>`. */
export function claimsOf(manifest: PluginManifest): string[] {
	return manifest.capabilities.flatMap((cap) => {
		const f = cap.fields;
		switch (cap.kind) {
			case 'subcommand':
				return typeof f.verb === 'string' ? [f.verb] : [];
			case 'step_executor':
				return [
					...(typeof f.runner === 'string' ? [`runner:${f.runner}`] : []),
					...(f.default === true ? ['default-runner'] : [])
				];
			case 'output_formatter':
				return typeof f.name === 'string' ? [`format:${f.name}`] : [];
			default:
				return [];
		}
	});
}

/** Two plugins claiming one thing: `HmError::PluginConflict`. */
export interface PluginConflict {
	/** The plugin loaded first, then the one that clashes with it. */
	plugins: [string, string];
	claim: string;
	message: string;
}

/** Every claim two of these manifests make, in load order. */
export function conflicts(manifests: readonly PluginManifest[]): PluginConflict[] {
	const owner = new Map<string, string>();
	const out: PluginConflict[] = [];
	for (const m of manifests) {
		for (const claim of new Set(claimsOf(m))) {
			const first = owner.get(claim);
			if (first === undefined) owner.set(claim, m.name);
			else {
				out.push({
					plugins: [first, m.name],
					claim,
					message: `plugin conflict: both '${first}' and '${m.name}' claim '${claim}'`
				});
			}
		}
	}
	return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}
