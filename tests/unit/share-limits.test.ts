// What a link or workspace file may ask for (SHARE_LIMITS): over a cap it is refused naming the cap and the
// number asked for, except plugins past the cap, which are left out with a notice.
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/lib/host/settings';
import { decodeLink, encodeLink, MAX_BODY_BYTES } from '../../src/lib/share/codec';
import type { ShareResult } from '../../src/lib/share/errors';
import {
	fromWorkspace,
	SHARE_LIMITS,
	toWorkspace,
	type SharedPlugin,
	type ShareState
} from '../../src/lib/share/state';
import { decodeWorkspaceFile, encodeWorkspaceFile } from '../../src/lib/share/workspace-file';
import type { PluginState } from '../../src/lib/workspace/types';
import { GREET_PLUGIN, sealLink as seal } from '../fixtures/share/seal';

const PLUGIN = GREET_PLUGIN;

function stateOf(plugins: SharedPlugin[], activeIndex: number | null = 0): ShareState {
	return { v: 1, plugins, activeIndex };
}

/** A plugin whose KV namespace holds `count` one-byte entries, as link JSON (blob indexes from `first`). */
function withKv(count: number, first = 0): Record<string, unknown> {
	const kv = Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, first + i]));
	return { ...PLUGIN, kv };
}

function expectRefused(result: ShareResult<object>, ...parts: string[]): void {
	expect(result.ok).toBe(false);
	if (result.ok) return;
	expect(result.error.reason).toBe('too-large');
	for (const part of parts) expect(result.error.message).toContain(part);
	expect(result.error.hint).not.toBe('');
}

describe('links over a cap are refused, naming the cap and what the link asked for', () => {
	it('a 15 MiB name stops at the decompressed-size cap, before it is parsed', async () => {
		const link = await seal(stateOf([{ ...PLUGIN, name: 'A'.repeat(15 * 1024 * 1024) }]));
		// Deflate makes it tiny: this is the finding's 21K-character link.
		expect(link.length).toBeLessThan(25_000);
		expectRefused(await decodeLink(link), 'unpacks to more than 4 MiB');
	});

	it('a name longer than the name cap', async () => {
		const result = await decodeLink(await seal(stateOf([{ ...PLUGIN, name: 'A'.repeat(5000) }])));
		expectRefused(result, 'plugins[0].name holds 5,000 characters', 'at most 1,024');
	});

	it('an export, namespace, config key or hook longer than the name cap', async () => {
		const long = 'x'.repeat(SHARE_LIMITS.nameChars + 1);
		const settings = defaultSettings('ns');
		const cases: [SharedPlugin, string][] = [
			[{ ...PLUGIN, exportName: long }, 'plugins[0].exportName'],
			[{ ...PLUGIN, settings: { ...settings, namespace: long } }, 'plugins[0].settings.namespace'],
			[{ ...PLUGIN, settings: { ...settings, config: { [long]: 'v' } } }, 'settings.config key'],
			[{ ...PLUGIN, abi: { hook: long } }, 'plugins[0].abi.hook']
		];
		for (const [plugin, where] of cases) {
			expectRefused(await decodeLink(await seal(stateOf([plugin]))), where, '1,025 characters');
		}
	});

	it('a text (input, config value, hook argument) longer than the text cap', async () => {
		const long = 'x'.repeat(SHARE_LIMITS.textChars + 1);
		const settings = defaultSettings('ns');
		const cases: [SharedPlugin, string][] = [
			[{ ...PLUGIN, input: long }, 'plugins[0].input'],
			[
				{ ...PLUGIN, settings: { ...settings, config: { a: long } } },
				'plugins[0].settings.config.a'
			],
			[
				{ ...PLUGIN, abi: { hookArgs: { h: { deep: [long] } } } },
				'plugins[0].abi.hookArgs.h.deep[0]'
			]
		];
		for (const [plugin, where] of cases) {
			expectRefused(await decodeLink(await seal(stateOf([plugin]))), where, '1,048,577 characters');
		}
	});

	it('more KV entries than a link may write, in one namespace or over several', async () => {
		const blobs = Array.from({ length: 1200 }, () => Uint8Array.of(7));
		expectRefused(
			await decodeLink(await seal(stateOf([withKv(1001) as unknown as SharedPlugin]), blobs)),
			'plugins[0].kv holds 1,001 entries',
			'at most 1,000'
		);
		const two = stateOf([withKv(600), withKv(600, 600)] as unknown as SharedPlugin[]);
		expectRefused(await decodeLink(await seal(two, blobs)), 'holds 1,200 KV entries');
	});

	it('more KV bytes than a link may write', async () => {
		const big = new Uint8Array(SHARE_LIMITS.kvBytes);
		const plugin = { ...PLUGIN, kv: { a: 0 } };
		expectRefused(
			await decodeLink(await seal(stateOf([plugin as unknown as SharedPlugin]), [big])),
			'holds 1,048,577 bytes of KV data'
		);
	});

	it('a workspace file over a cap is refused the same way', async () => {
		const kv = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`k${i}`, 'Bw==']));
		const text = JSON.stringify({
			format: 'plugin-playground.workspace',
			version: 1,
			state: stateOf([{ ...PLUGIN, kv } as unknown as SharedPlugin]),
			blobs: {}
		});
		const result = await decodeWorkspaceFile(text);
		expectRefused(result, 'state.plugins[0].kv holds 1,001 entries', 'at most 1,000');
	});

	it('the writer never makes a link that would unpack past the cap', async () => {
		const huge = stateOf([{ ...PLUGIN, input: 'x'.repeat(SHARE_LIMITS.textChars) }]);
		const four = stateOf(Array.from({ length: 4 }, () => huge.plugins[0] as SharedPlugin));
		expect(4 * SHARE_LIMITS.textChars).toBeGreaterThanOrEqual(MAX_BODY_BYTES);
		await expect(encodeLink(four)).rejects.toThrow(/too big for a link.*a link may hold 4 MiB/);
	});
});

describe('plugins past the cap are left out with a notice', () => {
	it('a link listing 300 plugins opens the first 16 and says so', async () => {
		const plugins = Array.from({ length: 300 }, (_, i) => ({ ...PLUGIN, name: `p${i}` }));
		const decoded = await decodeLink(await seal(stateOf(plugins, 299)));
		if (!decoded.ok) throw new Error(decoded.error.message);
		const opened = toWorkspace(decoded.state);
		expect(opened.plugins.map((p) => p.state.name)).toEqual(
			plugins.slice(0, SHARE_LIMITS.plugins).map((p) => p.name)
		);
		expect(opened.notices).toEqual([expect.stringContaining('lists 300 plugins')]);
		expect(opened.notices[0]).toContain('at most 16');
		// The active plugin was left out: the first one is shown instead of none.
		expect(opened.workspace.activeId).toBe(opened.plugins[0]?.state.id);
	});

	it('a share within the cap opens whole, with no notice', () => {
		const opened = toWorkspace(
			stateOf(
				Array.from({ length: 16 }, () => PLUGIN),
				15
			)
		);
		expect(opened.plugins).toHaveLength(16);
		expect(opened.notices).toEqual([]);
		expect(opened.workspace.activeId).toBe(opened.plugins[15]?.state.id);
	});
});

describe('the sender is told what a share leaves out for the caps', () => {
	function examplePlugin(i: number, namespace = `ns${i}`): PluginState {
		return {
			id: `id${i}`,
			name: `plugin ${i}`,
			source: { kind: 'example', name: 'greet' },
			sha256: null,
			settings: defaultSettings(namespace),
			exportName: 'greet',
			input: '',
			inputMode: 'text'
		};
	}

	it('plugins past 16 are left out with a note each', async () => {
		const plugins = Array.from({ length: 20 }, (_, i) => examplePlugin(i));
		const { state, notes } = await fromWorkspace({
			workspace: { v: 1, plugins, activeId: 'id0' },
			modules: new Map()
		});
		expect(state.plugins).toHaveLength(16);
		expect(notes.map((n) => [n.pluginId, n.kind])).toEqual(
			[16, 17, 18, 19].map((i) => [`id${i}`, 'left-out'])
		);
		expect(notes[0]?.message).toContain('at most 16 plugins');
	});

	it('KV data over the caps is left out with a note; what fits still travels', async () => {
		const entries = (n: number) =>
			new Map(Array.from({ length: n }, (_, i) => [`k${i}`, Uint8Array.of(i & 0xff)]));
		const { state, notes } = await fromWorkspace({
			workspace: { v: 1, plugins: [0, 1, 2].map((i) => examplePlugin(i)), activeId: null },
			modules: new Map(),
			kv: new Map([
				['ns0', entries(900)],
				['ns1', entries(200)],
				['ns2', new Map([['big', new Uint8Array(SHARE_LIMITS.kvBytes)]])]
			])
		});
		expect(Object.keys(state.plugins[0]?.kv ?? {})).toHaveLength(900);
		expect(state.plugins[1]?.kv).toBeUndefined();
		expect(state.plugins[2]?.kv).toBeUndefined();
		expect(notes.map((n) => [n.pluginId, n.kind])).toEqual([
			['id1', 'kv-left-out'],
			['id2', 'kv-left-out']
		]);
		expect(notes[0]?.message).toContain('1,100 KV entries');
		expect(notes[1]?.message).toContain('at most 1 MiB');
		// What the writer carries, the reader opens.
		const decoded = await decodeLink(await encodeLink(state));
		expect(decoded.ok).toBe(true);
		expect((await decodeWorkspaceFile(await encodeWorkspaceFile(state))).ok).toBe(true);
	});
});
