/// <reference types="node" />
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HM_PROVIDED } from '../../src/lib/abi/harmont/host-fns';
import {
	allowedHostProblem,
	CAPABILITY_KINDS,
	checkManifest,
	claimsOf,
	conflicts,
	HM_PLUGIN_API_VERSION,
	parseManifest,
	validateManifest,
	type PluginManifest
} from '../../src/lib/abi/harmont/manifest';
import { exportsOfKind } from '../../src/lib/abi/harmont/capabilities';
import { utf8Encode } from '../../src/lib/bytes/encoding';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixturesFile = join(root, 'tests/fixtures/harmont-extism.fixtures.json');
const fixtures = JSON.parse(readFileSync(fixturesFile, 'utf8'));
const sharedFile = join(root, '../shared/abi/harmont-extism.fixtures.json');
const templates: Record<string, string> = fixtures.validation_errors;

/** A fixture's error template with its `{placeholders}` filled in. */
function fill(key: string, values: Record<string, string | number>): string {
	const template = templates[key].replace(/\s{2,}[[(].*$/, '');
	return template.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k]));
}

const bytes = (v: unknown) => utf8Encode(JSON.stringify(v));

function manifest(over: Record<string, unknown> = {}): PluginManifest {
	const parsed = parseManifest(bytes({ ...fixtures.manifest_example, ...over }));
	if (!parsed.ok) throw new Error(parsed.error.message);
	return parsed.manifest;
}

describe('Harmont manifest fixtures', () => {
	it('the committed copy matches the shared fixtures when they are there', () => {
		if (!existsSync(sharedFile)) return;
		expect(fixtures).toEqual(JSON.parse(readFileSync(sharedFile, 'utf8')));
	});

	it('speaks the fixture API version', () => {
		expect(HM_PLUGIN_API_VERSION).toBe(fixtures.HM_PLUGIN_API_VERSION);
	});

	it('accepts manifest_example: every host fn it requires is provided', () => {
		const verdict = checkManifest(bytes(fixtures.manifest_example), HM_PROVIDED);
		expect(verdict.ok).toBe(true);
		if (!verdict.ok) return;
		expect(verdict.manifest.name).toBe('harmont-fixture-probe');
		expect(verdict.manifest.capabilities).toEqual([
			{
				kind: 'subcommand',
				fields: {
					verb: 'fixture-probe',
					about: 'Probe host-fn surface',
					args_schema: { args: [] },
					subcommands: []
				}
			}
		]);
		expect(claimsOf(verdict.manifest)).toEqual(['fixture-probe']);
	});

	it('knows every capability kind, each with the exports it makes the host call', () => {
		expect([...CAPABILITY_KINDS].sort()).toEqual(Object.keys(fixtures.capability_kinds).sort());
		for (const kind of CAPABILITY_KINDS) expect(exportsOfKind(kind).length).toBeGreaterThan(0);
		expect(fixtures.capability_kinds.lifecycle_hook.phase).toBe('before|after');
	});
});

describe('validation errors, with the host’s texts', () => {
	it('ManifestError::ApiVersion, and the HmError::PluginManifest it becomes', () => {
		const [error, ...rest] = validateManifest(manifest({ api_version: 2 }), HM_PROVIDED);
		expect(rest).toEqual([]);
		expect(error.name).toBe('ManifestError::ApiVersion');
		const values = { name: 'harmont-fixture-probe', found: 2, expected: 1 };
		expect(error.message).toBe(fill('ManifestError::ApiVersion', values));
		expect(error.hm).toBe(
			`HmError::PluginManifest: ${fill('HmError::PluginManifest', { ...values, found_api: 2, expected_api: 1 })}`
		);
		expect(templates['HmError::PluginManifest']).toContain('PluginLoad=5');
	});

	it('ManifestError::MissingHostFn for each required host fn this host lacks', () => {
		const errors = validateManifest(
			manifest({ required_host_fns: ['hm_log', 'hm_docker_ping', 'hm_tty_prompt'] }),
			HM_PROVIDED
		);
		expect(errors.map((e) => [e.name, e.path, e.message])).toEqual(
			['hm_docker_ping', 'hm_tty_prompt'].map((fn_name, i) => [
				'ManifestError::MissingHostFn',
				`required_host_fns[${i + 1}]`,
				fill('ManifestError::MissingHostFn', { name: 'harmont-fixture-probe', fn_name })
			])
		);
		// A mocked function counts as available.
		expect(
			validateManifest(
				manifest({ required_host_fns: ['hm_docker_ping'] }),
				new Set([...HM_PROVIDED, 'hm_docker_ping'])
			)
		).toEqual([]);
		// The HmError form needs a minimum hm version the fixtures do not give: not reported.
		expect(errors[0].hm).toBeUndefined();
		expect(templates['HmError::PluginMissingHostFn']).toContain('{min_hm_version}');
	});

	it('ManifestError::NoCapabilities', () => {
		const errors = validateManifest(manifest({ capabilities: [] }), HM_PROVIDED);
		expect(errors.map((e) => [e.name, e.message])).toEqual([
			[
				'ManifestError::NoCapabilities',
				fill('ManifestError::NoCapabilities', { name: 'harmont-fixture-probe' })
			]
		]);
	});

	it('ManifestError::BadRunnerName for an empty runner or one with whitespace', () => {
		for (const runner of ['', 'my runner']) {
			const errors = validateManifest(
				manifest({ capabilities: [{ kind: 'step_executor', runner, default: false }] }),
				HM_PROVIDED
			);
			expect(errors.map((e) => e.message)).toEqual([
				fill('ManifestError::BadRunnerName', { name: 'harmont-fixture-probe', runner })
			]);
		}
	});

	it('ManifestError::DuplicateSubcommandVerb', () => {
		const cap = fixtures.manifest_example.capabilities[0];
		const errors = validateManifest(manifest({ capabilities: [cap, cap] }), HM_PROVIDED);
		expect(errors.map((e) => [e.name, e.message])).toEqual([
			[
				'ManifestError::DuplicateSubcommandVerb',
				fill('ManifestError::DuplicateSubcommandVerb', {
					name: 'harmont-fixture-probe',
					verb: 'fixture-probe'
				})
			]
		]);
	});

	it('HmError::PluginConflict when two plugins claim the same verb, runner, default or format', () => {
		const a = manifest({
			name: 'a',
			capabilities: [
				{ kind: 'subcommand', verb: 'deploy' },
				{ kind: 'step_executor', runner: 'docker', default: true },
				{ kind: 'output_formatter', name: 'json', mime: 'application/json' }
			]
		});
		const b = manifest({
			name: 'b',
			capabilities: a.capabilities.map((c) => ({ kind: c.kind, ...c.fields }))
		});
		expect(conflicts([a, b]).map((c) => c.message)).toEqual(
			['deploy', 'runner:docker', 'default-runner', 'format:json'].map((verb) =>
				fill('HmError::PluginConflict', { plugin_a: 'a', plugin_b: 'b', verb })
			)
		);
		expect(conflicts([a, b])[0].plugins).toEqual(['a', 'b']);
		expect(conflicts([a, manifest()])).toEqual([]);
	});

	it('lists every error in the host’s order: version, host fns, capabilities', () => {
		const errors = validateManifest(
			manifest({ api_version: 0, required_host_fns: ['hm_docker_pull'], capabilities: [] }),
			HM_PROVIDED
		);
		expect(errors.map((e) => e.name)).toEqual([
			'ManifestError::ApiVersion',
			'ManifestError::MissingHostFn',
			'ManifestError::NoCapabilities'
		]);
	});

	it('the playground’s own check names allowed_hosts entries that can never match a host', () => {
		const errors = validateManifest(
			manifest({ allowed_hosts: ['api.github.com', '*.example.com', '*', 'https://x.dev/a'] }),
			HM_PROVIDED
		);
		expect(errors.map((e) => [e.name, e.path, e.message])).toEqual([
			[
				'Playground::AllowedHosts',
				'allowed_hosts[3]',
				"plugin 'harmont-fixture-probe': allowed_hosts entry 'https://x.dev/a' has a scheme: give the host name only"
			]
		]);
		expect(allowedHostProblem('example.com/path')).toMatch(/path/);
		expect(allowedHostProblem('example.com:8080')).toMatch(/port/);
		expect(allowedHostProblem('two words')).toMatch(/whitespace/);
		expect(allowedHostProblem('')).toMatch(/empty/);
		expect(allowedHostProblem('bad_host!')).toMatch(/not a host name/);
	});
});

describe('parsing hm_manifest output', () => {
	it.each([
		['', /empty/],
		['not json', /not JSON/],
		['[]', /object/],
		[JSON.stringify({ api_version: '1', name: 'x', version: '1' }), /api_version/],
		[JSON.stringify({ api_version: 1, name: 'x', version: '1', capabilities: {} }), /list/],
		[
			JSON.stringify({ api_version: 1, name: 'x', version: '1', capabilities: [{ kind: 'cron' }] }),
			/unknown variant "cron"/
		],
		[
			JSON.stringify({
				api_version: 1,
				name: 'x',
				version: '1',
				capabilities: [],
				allowed_hosts: [1]
			}),
			/"allowed_hosts" must be a list of strings/
		]
	])('rejects %j before validation', (text, message) => {
		const verdict = checkManifest(utf8Encode(text), HM_PROVIDED);
		expect(verdict.ok).toBe(false);
		if (verdict.ok) return;
		expect(verdict.manifest).toBeNull();
		expect(verdict.errors[0].message).toMatch(message);
	});

	it('defaults missing lists to empty, as serde(default) does', () => {
		const parsed = parseManifest(
			bytes({ api_version: 1, name: 'x', version: '1', capabilities: [] })
		);
		expect(parsed.ok && parsed.manifest.required_host_fns).toEqual([]);
		expect(parsed.ok && parsed.manifest.allowed_hosts).toEqual([]);
	});
});
