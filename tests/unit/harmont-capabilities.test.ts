/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
	capabilityCall,
	encodeRequest,
	HARMONT_EXPORTS,
	harmontExport,
	requestProblem,
	SAMPLE_BUILD_EVENT
} from '../../src/lib/abi/harmont/capabilities';
import {
	decodeAnswer,
	parsePluginError,
	PLUGIN_RUNTIME_EXIT,
	pluginPanicMessage
} from '../../src/lib/abi/harmont/decode';
import {
	HM_HOST_FNS,
	HM_KV_SCOPES,
	HM_LEVELS,
	HM_PROVIDED,
	integerBlock,
	keyringKey,
	kvKey,
	optionBytesJson,
	parseLevel
} from '../../src/lib/abi/harmont/host-fns';
import {
	EXPORT_SUCCESSORS,
	HOST_FN_SUCCESSORS,
	nativeSuccessor
} from '../../src/lib/abi/harmont/native';
import { availableHostFns, harmontProfile, hmImportRows } from '../../src/lib/abi/harmont/profile';
import { mockCandidates } from '../../src/lib/host/abi';
import { utf8Decode, utf8Encode } from '../../src/lib/bytes/encoding';
import { EXTISM_USER, type ModuleInfo } from '../../src/lib/wasm/types';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = JSON.parse(
	readFileSync(join(root, 'tests/fixtures/harmont-extism.fixtures.json'), 'utf8')
);
const exportsFixture = fixtures.capability_exports;
const json = (v: unknown) => utf8Encode(JSON.stringify(v));
const text = (s: string) => utf8Encode(s);

describe('capability exports', () => {
	it('covers every export of the fixtures, hm_manifest first and required', () => {
		const names = Object.keys(exportsFixture).filter((k) => !k.startsWith('_'));
		expect(HARMONT_EXPORTS.map((e) => e.name)).toEqual(names);
		expect(exportsFixture.hm_manifest.required).toBe(true);
		expect(harmontExport('hm_manifest')?.capability).toBeNull();
	});

	it.each(['hm_subcommand_run', 'hm_executor_run'])(
		'%s is prefilled with the fixture request and sent as that JSON',
		(name) => {
			const spec = harmontExport(name);
			expect(spec?.args).toEqual(exportsFixture[name].in);
			const encoded = encodeRequest(name, exportsFixture[name].in);
			expect(encoded.ok && JSON.parse(utf8Decode(encoded.bytes))).toEqual(exportsFixture[name].in);
		}
	);

	it('hm_hook_on_event sends {event, phase}, with an illustrative BuildEvent', () => {
		const sample = harmontExport('hm_hook_on_event')?.args as Record<string, unknown>;
		const vector = exportsFixture.hm_hook_on_event.in;
		expect(Object.keys(sample)).toEqual(Object.keys(vector));
		expect(sample.phase).toBe(vector.phase);
		expect(sample.event).toEqual(SAMPLE_BUILD_EVENT);
		expect(harmontExport('hm_output_on_event')?.args).toEqual(SAMPLE_BUILD_EVENT);
		expect(exportsFixture.hm_output_on_event.in).toBe('<BuildEvent>');
	});

	it.each(['hm_manifest', 'hm_output_finalize'])('%s gets no input at all', (name) => {
		expect(exportsFixture[name].in).toBe('empty');
		const encoded = encodeRequest(name, { ignored: true });
		expect(encoded.ok && encoded.bytes.length).toBe(0);
	});

	it('prefills the call a declared capability makes, from its declaration', () => {
		const cap = (kind: string, fields: Record<string, unknown>) => ({ kind, fields }) as never;
		expect(capabilityCall(cap('subcommand', fixtures.manifest_example.capabilities[0]))).toEqual({
			export: 'hm_subcommand_run',
			args: exportsFixture.hm_subcommand_run.in
		});
		const step = capabilityCall(cap('step_executor', { runner: 'docker' }));
		expect(step.export).toBe('hm_executor_run');
		expect(step.args).toEqual({
			...exportsFixture.hm_executor_run.in,
			step: { ...exportsFixture.hm_executor_run.in.step, runner: 'docker' }
		});
		expect(
			capabilityCall(cap('lifecycle_hook', { events: ['build_end'], phase: 'after' }))
		).toEqual({
			export: 'hm_hook_on_event',
			args: { event: { ...SAMPLE_BUILD_EVENT, kind: 'build_end' }, phase: 'after' }
		});
		expect(capabilityCall(cap('output_formatter', { name: 'json' })).export).toBe(
			'hm_output_on_event'
		);
	});

	it('refuses requests serde would not read, naming the field', () => {
		expect(requestProblem('hm_subcommand_run', { verb_path: 'x', args: {}, env: {} })).toMatch(
			/verb_path/
		);
		expect(requestProblem('hm_subcommand_run', { verb_path: [], args: {}, env: { A: 1 } })).toMatch(
			/env/
		);
		expect(
			requestProblem('hm_executor_run', { ...exportsFixture.hm_executor_run.in, cache_lookup: {} })
		).toMatch(/cache_lookup/);
		expect(requestProblem('hm_hook_on_event', { event: {}, phase: 'during' })).toMatch(/phase/);
		const refused = encodeRequest('hm_hook_on_event', []);
		expect(!refused.ok && refused.error.message).toBe(
			'hm_hook_on_event request: must be a JSON object.'
		);
		const unknown = encodeRequest('hm_nope', {});
		expect(!unknown.ok && unknown.error.hint).toContain('hm_subcommand_run');
	});
});

describe('decoding answers', () => {
	it.each([
		['hm_subcommand_run', exportsFixture.hm_subcommand_run.out],
		['hm_executor_run', exportsFixture.hm_executor_run.out],
		['hm_hook_on_event', exportsFixture.hm_hook_on_event.out_continue]
	])('%s: the fixture answer is a valid value', (name, out) => {
		const decoded = decodeAnswer(name, json(out), 0);
		expect(decoded.status).toBe('value');
		expect(decoded.value).toEqual(out);
		expect(decoded.issues).toEqual([]);
	});

	it('hm_hook_on_event: abort stops the build with its reason', () => {
		const decoded = decodeAnswer(
			'hm_hook_on_event',
			json(exportsFixture.hm_hook_on_event.out_abort),
			0
		);
		expect(decoded.status).toBe('value');
		expect(decoded.steps.at(-1)).toEqual({ rule: '"abort" → the build stops', detail: '...' });
		const bad = decodeAnswer('hm_hook_on_event', json({ kind: 'abort' }), 0);
		expect(bad.issues).toEqual([{ path: 'reason', message: 'an abort needs a string reason' }]);
		expect(decodeAnswer('hm_hook_on_event', json({ kind: 'stop' }), 0).status).toBe('error');
	});

	it('hm_output_on_event answers nothing; hm_output_finalize raw bytes', () => {
		expect(exportsFixture.hm_output_on_event.out).toBe('empty');
		expect(decodeAnswer('hm_output_on_event', new Uint8Array(0), 0).status).toBe('skip');
		expect(exportsFixture.hm_output_finalize.out).toBe('raw bytes');
		const done = decodeAnswer('hm_output_finalize', text('Build OK\n'), 0);
		expect([done.status, done.value]).toEqual(['value', 'Build OK\n']);
	});

	it('hm_manifest: the verdict decides; a rejection names its error', () => {
		const ok = decodeAnswer('hm_manifest', json(fixtures.manifest_example), 0, {
			available: HM_PROVIDED
		});
		expect(ok.status).toBe('value');
		expect(ok.verdict?.ok).toBe(true);
		const bad = harmontProfile.decode(
			'hm_manifest',
			json({ ...fixtures.manifest_example, capabilities: [] }),
			0
		);
		expect(bad.status).toBe('error');
		expect(bad.value).toBe(
			"ManifestError::NoCapabilities: plugin 'harmont-fixture-probe': declared no capabilities"
		);
		expect(bad.issues).toEqual([{ path: 'capabilities', message: bad.value }]);
	});

	it('a failed call is a PluginError, reported as HmError::PluginPanic (PluginRuntime=6)', () => {
		expect(exportsFixture._errors).toContain('PluginError = {code, message, doc_url}');
		const pluginError = { code: 'probe.failed', message: 'disk full', doc_url: 'https://x.dev/e' };
		const decoded = decodeAnswer('hm_subcommand_run', new Uint8Array(0), 1, {
			errorText: JSON.stringify(pluginError),
			pluginName: 'probe'
		});
		expect(decoded.status).toBe('error');
		expect(decoded.pluginError).toEqual(pluginError);
		const template = fixtures.validation_errors['HmError::PluginPanic'];
		expect(template).toContain(`PluginRuntime=${PLUGIN_RUNTIME_EXIT}`);
		expect(decoded.value).toBe(
			template
				.replace(/\s+\[.*$/, '')
				.replace('{name}', 'probe')
				.replace('{capability}', 'hm_subcommand_run')
				.replace('{message}', 'disk full')
		);
		expect(decoded.value).toBe(pluginPanicMessage('probe', 'hm_subcommand_run', 'disk full'));
		// Through the profile, with the error text the SDK hands over and the plugin's name.
		const viaProfile = harmontProfile.decode(
			'hm_executor_run',
			new Uint8Array(0),
			1,
			'plain text',
			'greet'
		);
		expect(viaProfile.value).toBe("plugin 'greet' panicked during 'hm_executor_run': plain text");
		// Without a name, Harmont's own placeholder stays.
		expect(harmontProfile.decode('hm_executor_run', new Uint8Array(0), 1, 'x').value).toBe(
			"plugin '{name}' panicked during 'hm_executor_run': x"
		);
		expect(parsePluginError('plain text')).toEqual({
			json: false,
			error: { code: '', message: 'plain text', doc_url: null }
		});
	});

	it('an answer that is not JSON, or not the type, is an error', () => {
		expect(decodeAnswer('hm_subcommand_run', text('ok'), 0).status).toBe('error');
		const wrong = decodeAnswer('hm_executor_run', json({ exit_code: '0', artifacts: {} }), 0);
		expect(wrong.issues.map((i) => i.path)).toEqual(['exit_code', 'artifacts']);
	});
});

describe('hm_* host functions', () => {
	const fnFixture: Record<string, string[]> = fixtures.host_fns;

	it('lists every host fn of the fixtures with its argument and result types', () => {
		expect(HM_HOST_FNS.map((f) => f.name)).toEqual(Object.keys(fnFixture));
		for (const f of HM_HOST_FNS) {
			const expected = [...f.args, ...(f.result === null ? [] : [`-> ${f.result}`])];
			expect(expected, f.name).toEqual(fnFixture[f.name]);
		}
		expect(fixtures.host_fns_namespace.startsWith(EXTISM_USER)).toBe(true);
	});

	it('provides every host fn manifest_example requires; the rest need mocks', () => {
		for (const name of fixtures.manifest_example.required_host_fns) {
			expect(HM_PROVIDED.has(name), name).toBe(true);
		}
		expect(HM_PROVIDED.has('hm_docker_ping')).toBe(false);
		expect(HM_PROVIDED.has('hm_write_stdout')).toBe(true);
	});

	it('reads Level and KvScope as the fixture enums, as JSON', () => {
		expect([...HM_LEVELS]).toEqual(fixtures.enums.Level);
		expect([...HM_KV_SCOPES]).toEqual(fixtures.enums.KvScope);
		expect(parseLevel(json('warn'))).toEqual({ ok: true, level: 'warn' });
		expect(parseLevel(text('warn')).ok).toBe(false);
		for (const scope of fixtures.enums.KvScope) {
			expect(kvKey(json(scope), 'runs')).toEqual({ ok: true, key: `${scope}/runs` });
		}
		expect(kvKey(json('global'), 'runs').ok).toBe(false);
	});

	it('encodes results as Harmont’s types: Option<Vec<u8>> JSON, little-endian integers', () => {
		expect(optionBytesJson(undefined)).toBe('null');
		expect(optionBytesJson(text('12'))).toBe('[49,50]');
		expect([...integerBlock(0, 4)]).toEqual([0, 0, 0, 0]);
		expect([...integerBlock(258, 4)]).toEqual([2, 1, 0, 0]);
		expect(keyringKey(json({ service: 'hm', account: 'me', secret: 's' }))).toEqual({
			ok: true,
			key: 'keyring/hm/me',
			secret: 's'
		});
		expect(keyringKey(json({ service: 'hm' })).ok).toBe(false);
	});
});

describe('native successors (seed 002)', () => {
	it('maps every Extism-era export to its native successor', () => {
		expect(EXPORT_SUCCESSORS.map((s) => s.extism)).toEqual(HARMONT_EXPORTS.map((e) => e.name));
		expect(nativeSuccessor('hm_executor_run')?.native).toBe(
			'RawPlugin::execute_step (StepExecutor)'
		);
		expect(nativeSuccessor('hm_output_finalize')?.native).toMatch(/^removed/);
	});

	it('accounts for every host fn', () => {
		const covered = (name: string) =>
			HOST_FN_SUCCESSORS.some((s) =>
				s.extism
					.split(' / ')
					.some((part, i, all) =>
						part.endsWith('*')
							? name.startsWith(part.slice(0, -1))
							: part === name || (i > 0 && `${all[0].replace(/_[a-z]+$/, '')}_${part}` === name)
					)
			);
		for (const f of HM_HOST_FNS) expect(covered(f.name), f.name).toBe(true);
	});
});

describe('the profile', () => {
	const info = (exports: string[], imports: string[] = []) =>
		({
			flavor: 'extism',
			exports: exports.map((name) => ({ name, kind: 'function' })),
			imports: imports.map((name) => ({ module: EXTISM_USER, name, kind: 'function' }))
		}) as never;

	it('detects Harmont plugins by hm_manifest and names their hm_* imports', () => {
		const found = harmontProfile.detect(info(['hm_manifest', 'hm_subcommand_run'], ['hm_log']));
		expect(found).toEqual({
			matches: true,
			detail: 'exports hm_manifest, hm_subcommand_run; imports hm_log'
		});
		expect(harmontProfile.detect(info(['hm_subcommand_run'])).matches).toBe(false);
	});

	it('provides the browser-meaningful hm_* imports, offers mocks for the rest, and counts mocks as available', () => {
		const module = info(['hm_manifest'], ['hm_log', 'hm_docker_ping', 'hm_nonsense']) as ModuleInfo;
		const sig = { params: ['i64' as const], results: ['i64' as const] };
		const imports = module.imports.map((i) => ({ ...i, signature: sig }));
		expect(mockCandidates([{ ...module, imports }], { wasi: false }).map((i) => i.name)).toEqual([
			'hm_docker_ping',
			'hm_nonsense'
		]);
		const mocked = new Set([`${EXTISM_USER}/hm_docker_ping`]);
		expect(hmImportRows(module, mocked).map((r) => [r.name, r.provider])).toEqual([
			['hm_log', 'playground'],
			['hm_docker_ping', 'mock'],
			['hm_nonsense', 'missing']
		]);
		expect(hmImportRows(module, mocked)[2].doc).toMatch(/never had hm_nonsense/);
		const available = availableHostFns(mocked);
		expect(available.has('hm_docker_ping') && available.has('hm_log')).toBe(true);
		expect(availableHostFns(['other:ns/hm_tty_prompt']).has('hm_tty_prompt')).toBe(false);
	});

	it('binds each export to itself when the module has it', () => {
		const module = info(['hm_manifest']);
		expect(harmontProfile.bind(HARMONT_EXPORTS[0], module)).toBe('hm_manifest');
		expect(harmontProfile.bind(HARMONT_EXPORTS[1], module)).toBeNull();
	});
});
