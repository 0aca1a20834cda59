// Bub's extism.json: validation with bub-extism's texts, path modules reported as needing their file,
// a round trip back to the same JSON; and the profile's detect/bind.
import { describe, expect, it } from 'vitest';
import {
	exportConfig,
	formatConfig,
	parseBubConfig,
	type BubPluginEntry
} from '../../src/lib/abi/bub/config';
import { bindExport, bubProfile } from '../../src/lib/abi/bub/profile';
import { toBase64 } from '../../src/lib/bytes/encoding';
import type { PlaygroundError } from '../../src/lib/errors';
import type { ModuleInfo } from '../../src/lib/wasm/types';

const WASM = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
const HASH = '93a44bbb96c751218e4c00d479e4c14358122a389acca16205b1e4d0dc5f9476';

/** The README's example config, plus a module given inline. */
const README_CONFIG = {
	plugins: {
		prompt: {
			manifest: { wasm: [{ path: '/absolute/path/to/prompt.wasm' }] },
			hooks: { build_prompt: 'build_prompt' }
		},
		model: {
			manifest: {
				wasm: [{ path: '/absolute/path/to/model.wasm' }],
				allowed_hosts: ['api.example.com'],
				config: { provider: 'demo' }
			},
			wasi: true,
			hooks: { run_model: 'run_model' }
		},
		inline: {
			manifest: {
				wasm: [
					{ data: toBase64(WASM), name: 'main' },
					{ path: './lib.wasm', name: 'lib', hash: HASH }
				]
			},
			hooks: { ' system_prompt ': ' sys ' }
		}
	}
};

function entries(input: unknown): BubPluginEntry[] {
	const result = parseBubConfig(input);
	if (!result.ok) throw new Error(result.error.message);
	return result.entries;
}

function problem(input: unknown): PlaygroundError {
	const result = parseBubConfig(input);
	if (result.ok) throw new Error('expected the config to be rejected');
	expect(result.error.kind).toBe('load');
	return result.error;
}

describe('parseBubConfig', () => {
	it('reads the README example, keeping path modules as "needs the .wasm file"', () => {
		const [prompt, model, inline] = entries(JSON.stringify(README_CONFIG));
		expect(prompt).toMatchObject({
			name: 'prompt',
			order: 0,
			wasi: false,
			hooks: { build_prompt: 'build_prompt' },
			needsFile: [{ index: 0, path: '/absolute/path/to/prompt.wasm' }]
		});
		expect(prompt?.manifest.wasm).toEqual([]);
		expect(model).toMatchObject({ order: 1, wasi: true, hooks: { run_model: 'run_model' } });
		expect(model?.manifest).toMatchObject({
			allowedHosts: ['api.example.com'],
			config: { provider: 'demo' }
		});
		expect(inline?.needsFile).toEqual([{ index: 1, path: './lib.wasm', name: 'lib', hash: HASH }]);
		expect(inline?.manifest.wasm).toEqual([{ kind: 'data', data: WASM, name: 'main' }]);
		expect(inline?.hooks).toEqual({ system_prompt: 'sys' });
	});

	it('round-trips to the same JSON', () => {
		const first = exportConfig(entries(README_CONFIG));
		expect(first.plugins.inline?.manifest.wasm).toEqual([
			{ data: toBase64(WASM), name: 'main' },
			{ path: './lib.wasm', name: 'lib', hash: HASH }
		]);
		expect(first.plugins.inline?.hooks).toEqual({ system_prompt: 'sys' });
		expect(Object.keys(first.plugins)).toEqual(['prompt', 'model', 'inline']);
		expect(Object.keys(first.plugins.model ?? {})).toEqual(['manifest', 'hooks', 'wasi']);
		expect(exportConfig(entries(first))).toEqual(first);
		expect(entries(formatConfig(entries(first)))).toEqual(entries(first));
		expect(formatConfig(entries(first))).toMatch(/^\{\n {2}"plugins": \{\n[\s\S]*\}\n$/);
	});

	it('reads an empty file as no plugins', () => {
		expect(entries('{}')).toEqual([]);
		expect(entries({ plugins: {} })).toEqual([]);
	});

	it("rejects unknown hooks and empty exports with bub-extism's texts", () => {
		expect(
			problem({
				plugins: { p: { manifest: { wasm: [{ path: 'a.wasm' }] }, hooks: { build_promt: 'x' } } }
			}).message
		).toBe(
			"The Bub config is invalid: plugins.p.hooks: unsupported hook 'build_promt'; expected one of: build_prompt, build_tape_context, dispatch_outbound, load_state, on_error, onboard_config, provide_channels, provide_tape_store, register_cli_commands, render_outbound, resolve_session, run_model, run_model_stream, save_state, system_prompt"
		);
		expect(
			problem({
				plugins: { p: { manifest: { wasm: [{ path: 'a.wasm' }] }, hooks: { run_model: ' ' } } }
			}).message
		).toBe(
			"The Bub config is invalid: plugins.p.hooks: hook 'run_model' requires a non-empty export name"
		);
	});

	it('rejects the wrong shapes, naming the entry', () => {
		expect(problem('[]').message).toContain('Extism config file must contain a top-level mapping');
		expect(problem('{"plugins": [1]}').message).toContain('plugins must be an object');
		expect(problem({ plugins: { p: 5 } }).message).toContain('plugins.p must be an object');
		expect(problem({ plugins: { p: { hooks: {} } } }).message).toContain(
			'plugins.p has no "manifest"'
		);
		expect(problem({ plugins: { p: { manifest: [] } } }).message).toContain(
			'plugins.p.manifest must be an Extism manifest object'
		);
		expect(problem({ plugins: { p: { manifest: { wasm: [] } } } }).message).toContain(
			'plugins.p.manifest: The manifest is invalid: the "wasm" list is empty'
		);
		expect(
			problem({ plugins: { p: { manifest: { wasm: [{ path: 'a', url: 'https://x/a.wasm' }] } } } })
				.message
		).toContain('exactly one of data, url or path');
		expect(
			problem({ plugins: { p: { manifest: { wasm: [{ path: 'a', hash: 'abc' }] } } } }).message
		).toContain('hash must be a SHA-256');
		expect(
			problem({ plugins: { p: { manifest: { wasm: [{ path: 'a' }] }, hooks: { run_model: 1 } } } })
				.message
		).toContain('plugins.p.hooks.run_model must be the name of an export');
		expect(
			problem({ plugins: { p: { manifest: { wasm: [{ path: 'a' }] }, wasi: 'maybe' } } }).message
		).toContain('plugins.p.wasi must be true or false');
		expect(problem('{"plugins": {').message).toContain(
			'The Bub config is not valid JSON: Expecting property name enclosed in double quotes'
		);
	});

	it("accepts pydantic's lax booleans for wasi", () => {
		const config = (wasi: unknown) => ({
			plugins: { p: { manifest: { wasm: [{ path: 'a' }] }, wasi } }
		});
		expect(entries(config('yes'))[0]?.wasi).toBe(true);
		expect(entries(config(0))[0]?.wasi).toBe(false);
	});
});

function moduleInfo(exports: string[], flavor: ModuleInfo['flavor'] = 'extism'): ModuleInfo {
	return {
		size: 100,
		flavor,
		needsWasi: false,
		exports: [
			...exports.map((name) => ({ name, kind: 'function' as const })),
			{ name: 'memory', kind: 'memory' }
		],
		imports: [],
		memories: [],
		customSections: []
	};
}

describe('bubProfile', () => {
	it('detects Extism plugins exporting hook names or their usual exports', () => {
		expect(bubProfile.detect(moduleInfo(['run_model']))).toEqual({
			matches: true,
			detail: 'exports run_model'
		});
		expect(bubProfile.detect(moduleInfo(['tape_list_tapes', 'build_prompt'])).detail).toBe(
			'exports build_prompt, tape_store.list_tapes'
		);
		expect(bubProfile.detect(moduleInfo(['greet'])).matches).toBe(false);
		expect(bubProfile.detect(moduleInfo(['run_model'], 'raw')).matches).toBe(false);
		expect(bubProfile.detect({ ...moduleInfo(['run_model']), needsWasi: true }).detail).toContain(
			'"wasi": true'
		);
	});

	it('binds the configured export, else the usual export, else the hook name', () => {
		const info = moduleInfo(['run_model', 'my_model', 'channel_start', 'channel.stop']);
		expect(bindExport('run_model', info)).toBe('run_model');
		expect(bindExport('run_model', info, { run_model: 'my_model' })).toBe('my_model');
		expect(bindExport('run_model', info, { run_model: 'missing' })).toBeNull();
		expect(bindExport('channel.start', info)).toBe('channel_start');
		expect(bindExport('channel.stop', info)).toBe('channel.stop');
		expect(bindExport('build_prompt', info)).toBeNull();
		const hook = bubProfile.hooks.find((h) => h.name === 'run_model');
		expect(hook && bubProfile.bind(hook, info)).toBe('run_model');
	});

	it('lists 15 hooks and 9 follow-up calls, each with realistic arguments', () => {
		expect(bubProfile.hooks.filter((h) => !h.followUp)).toHaveLength(15);
		expect(bubProfile.hooks.filter((h) => h.followUp).map((h) => h.name)).toEqual([
			'channel.start',
			'channel.poll',
			'channel.send',
			'channel.stop',
			'tape_store.list_tapes',
			'tape_store.fetch_all',
			'tape_store.append',
			'tape_store.reset',
			'cli_command'
		]);
		for (const hook of bubProfile.hooks) {
			expect(bubProfile.encode(hook.name, hook.args).ok, hook.name).toBe(true);
		}
	});
});
