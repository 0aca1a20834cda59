import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/lib/bytes/hash';
import { defaultSettings } from '../../src/lib/host/settings';
import { decodeLink, encodeLink } from '../../src/lib/share/codec';
import {
	autorunAllowed,
	fromWorkspace,
	INLINE_LIMIT_BYTES,
	missingMessage,
	toWorkspace,
	verifyModule,
	type RecordedCall,
	type ShareInput,
	type ShareState
} from '../../src/lib/share/state';
import type { PluginSource, PluginState, WorkspaceState } from '../../src/lib/workspace/types';
import { defaultNamespace } from '../../src/lib/workspace/types';
import { noise } from '../fixtures/share/noise';

const SMALL = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0);
const BIG = noise(INLINE_LIMIT_BYTES + 1024);

function plugin(id: string, source: PluginSource, sha256: string | null = null): PluginState {
	return {
		id,
		name: `${id} name`,
		source,
		sha256,
		settings: defaultSettings(defaultNamespace(source)),
		exportName: 'run',
		input: `${id} input`,
		inputMode: 'text'
	};
}

function workspace(
	plugins: PluginState[],
	activeId: string | null = plugins[0]?.id ?? null
): WorkspaceState {
	return { v: 1, plugins, activeId, layout: { left: 20, right: 30 } };
}

const RECORDED: RecordedCall = {
	output: Uint8Array.of(1, 2),
	trace: {
		id: 1,
		pluginId: 'a',
		pluginName: 'a name',
		export: 'run',
		startedAt: 0,
		events: [],
		dropped: 0
	}
};

describe('fromWorkspace', () => {
	it('sends examples by name with their hash, small files inline, and URL plugins by URL', async () => {
		const ws = workspace([
			plugin('a', { kind: 'example', name: 'greet' }, 'e'.repeat(64)),
			plugin('b', { kind: 'file', name: 'small.wasm' }),
			plugin('c', { kind: 'url', url: 'https://x.test/small.wasm' })
		]);
		const modules = new Map([
			['b', SMALL],
			['c', SMALL]
		]);
		const { state, notes } = await fromWorkspace({ workspace: ws, modules });
		expect(notes).toEqual([]);
		expect(state.plugins.map((p) => p.source)).toEqual([
			{ kind: 'example', name: 'greet', sha256: 'e'.repeat(64) },
			{ kind: 'inline', name: 'small.wasm', bytes: SMALL },
			{ kind: 'url', url: 'https://x.test/small.wasm', sha256: await sha256Hex(SMALL) }
		]);
		expect(state.activeIndex).toBe(0);
		expect(state.layout).toEqual({ left: 20, right: 30 });
		expect(state.plugins[1]).toMatchObject({
			name: 'b name',
			exportName: 'run',
			input: 'b input',
			inputMode: 'text'
		});
	});

	it('sends a big module by URL with its sha256', async () => {
		const sha256 = await sha256Hex(BIG);
		const ws = workspace([plugin('u', { kind: 'url', url: 'https://x.test/big.wasm' })]);
		const { state, notes } = await fromWorkspace({ workspace: ws, modules: new Map([['u', BIG]]) });
		expect(state.plugins[0]!.source).toEqual({
			kind: 'url',
			url: 'https://x.test/big.wasm',
			sha256
		});
		expect(notes).toEqual([]);
	});

	it("sends a big manifest plugin by its module's URL", async () => {
		const manifest = { wasm: [{ url: 'https://x.test/m.wasm' }] };
		const ws = workspace([
			plugin('m', { kind: 'manifest', name: 'm.json', manifest }, 'f'.repeat(64))
		]);
		const { state } = await fromWorkspace({ workspace: ws, modules: new Map([['m', BIG]]) });
		expect(state.plugins[0]!.source).toEqual({
			kind: 'url',
			url: 'https://x.test/m.wasm',
			sha256: 'f'.repeat(64)
		});
	});

	it('names a big file plugin without carrying it, and says so plainly', async () => {
		const ws = workspace([plugin('f', { kind: 'file', name: 'big.wasm' }, 'b'.repeat(64))]);
		const { state, notes } = await fromWorkspace({ workspace: ws, modules: new Map([['f', BIG]]) });
		expect(state.plugins[0]!.source).toEqual({
			kind: 'file-only',
			name: 'big.wasm',
			sha256: 'b'.repeat(64),
			size: BIG.byteLength
		});
		expect(notes).toEqual([
			{
				pluginId: 'f',
				name: 'f name',
				kind: 'file-only',
				message:
					'"f name" (33 KiB) cannot travel in a link: it compresses to more than the 32 KiB a link carries, and it was loaded from a file, so there is no address to link to. The link names it with its size and sha256, and whoever opens it must load the same file. To send the plugin itself, export a workspace file instead.'
			}
		]);
	});

	it('carries every module inline when there is no limit (workspace files)', async () => {
		const ws = workspace([plugin('f', { kind: 'file', name: 'big.wasm' })]);
		const { state } = await fromWorkspace(
			{ workspace: ws, modules: new Map([['f', BIG]]) },
			Infinity
		);
		expect(state.plugins[0]!.source).toMatchObject({ kind: 'inline', name: 'big.wasm' });
		expect(state.plugins[0]!.source.kind === 'inline' && state.plugins[0]!.source.bytes).toBe(BIG);
	});

	it('leaves out a plugin whose bytes and hash are unknown, keeping the active one active', async () => {
		const ws = workspace(
			[
				plugin('x', { kind: 'file', name: 'gone.wasm' }),
				plugin('a', { kind: 'example', name: 'greet' })
			],
			'a'
		);
		const { state, notes } = await fromWorkspace({ workspace: ws, modules: new Map() });
		expect(state.plugins.map((p) => p.name)).toEqual(['a name']);
		expect(state.activeIndex).toBe(0);
		expect(notes[0]).toMatchObject({ pluginId: 'x', kind: 'left-out' });
		expect(notes[0]!.message).toMatch(/^"x name" is left out: its bytes are not loaded/);
	});

	it('carries KV data once per namespace, sorted, and ABI state and recorded calls by plugin', async () => {
		const a = plugin('a', { kind: 'example', name: 'kv-counter' });
		const b = { ...plugin('b', { kind: 'example', name: 'kv-counter' }), id: 'b' };
		const input: ShareInput = {
			workspace: workspace([a, b]),
			modules: new Map(),
			kv: new Map([
				[
					a.settings.namespace,
					new Map([
						['z', Uint8Array.of(1)],
						['a', Uint8Array.of(2)]
					])
				]
			]),
			abi: new Map([['b', { profile: 'bub.extism.v1', hook: 'build_prompt' }]]),
			recorded: new Map([['a', RECORDED]])
		};
		const { state } = await fromWorkspace(input);
		expect(Object.keys(state.plugins[0]!.kv!)).toEqual(['a', 'z']);
		expect(state.plugins[1]!.kv).toBeUndefined();
		expect(state.plugins[0]!.abi).toBeUndefined();
		expect(state.plugins[1]!.abi).toEqual({ profile: 'bub.extism.v1', hook: 'build_prompt' });
		expect(state.plugins[0]!.recorded).toBe(RECORDED);
	});

	it('carries an empty KV store when asked, so the receiver sees it empty too', async () => {
		const a = plugin('a', { kind: 'example', name: 'kv-counter' });
		const { state } = await fromWorkspace({
			workspace: workspace([a]),
			modules: new Map(),
			kv: new Map([[a.settings.namespace, new Map()]])
		});
		expect(state.plugins[0]!.kv).toEqual({});
	});
});

describe('toWorkspace', () => {
	const shared: ShareState = {
		v: 1,
		plugins: [
			{
				name: 'Greet',
				source: { kind: 'example', name: 'greet', sha256: 'e'.repeat(64) },
				exportName: 'greet',
				input: 'hi',
				inputMode: 'text',
				settings: defaultSettings('example:greet'),
				// A key that an object literal would turn into the prototype.
				kv: Object.fromEntries([['__proto__', Uint8Array.of(1)]]),
				recorded: RECORDED
			},
			{
				name: 'Remote',
				source: { kind: 'url', url: 'https://x.test/r.wasm', sha256: 'a'.repeat(64) },
				exportName: 'run',
				input: '',
				inputMode: 'json',
				settings: defaultSettings('url:https://x.test/r.wasm')
			},
			{
				name: 'Mirror',
				source: { kind: 'inline', name: 'm.wasm', bytes: SMALL, url: 'https://x.test/m.wasm' },
				exportName: 'm',
				input: '',
				inputMode: 'hex',
				settings: defaultSettings('url:https://x.test/m.wasm'),
				abi: { hook: 'pre_hook' }
			},
			{
				name: 'Big',
				source: { kind: 'file-only', name: 'big.wasm', sha256: 'b'.repeat(64), size: 2_000_000 },
				exportName: 'main',
				input: '',
				inputMode: 'text',
				settings: defaultSettings('file:big.wasm')
			}
		],
		activeIndex: 2,
		layout: { left: 18, right: 22 }
	};

	it('opens plugins with new ids, their sources, hashes, and the active one', () => {
		const opened = toWorkspace(shared);
		expect(opened.workspace.activeId).toBe('shared-3');
		expect(opened.workspace.layout).toEqual({ left: 18, right: 22 });
		expect(opened.workspace.plugins.map((p) => [p.id, p.source, p.sha256])).toEqual([
			['shared-1', { kind: 'example', name: 'greet' }, 'e'.repeat(64)],
			['shared-2', { kind: 'url', url: 'https://x.test/r.wasm' }, 'a'.repeat(64)],
			['shared-3', { kind: 'url', url: 'https://x.test/m.wasm' }, null],
			['shared-4', { kind: 'file', name: 'big.wasm' }, 'b'.repeat(64)]
		]);
		expect(opened.plugins[2]!.source).toBe(shared.plugins[2]!.source);
		expect(opened.plugins[2]!.abi).toEqual({ hook: 'pre_hook' });
		expect(toWorkspace(shared, (i) => `p${i}`).workspace.activeId).toBe('p2');
	});

	it('tells exactly what is missing for a file-only plugin', () => {
		const opened = toWorkspace(shared);
		expect(opened.plugins.map((p) => p.missing === null)).toEqual([true, true, true, false]);
		expect(opened.plugins[3]!.missing).toBe(
			`This link names "big.wasm" (1.9 MiB, sha256 ${'b'.repeat(64)}) but does not contain it: the sender loaded it from a file too big to travel in a link. Load that file here (it is checked against the hash), or ask the sender for a workspace file, which carries every plugin.`
		);
		expect(
			missingMessage({ kind: 'file-only', name: 'x', sha256: 'c'.repeat(64), size: 10 })
		).toMatch(/"x" \(10 B,/);
	});

	it('gives KV entries by namespace and ties recorded calls to the new plugin', () => {
		const opened = toWorkspace(shared);
		expect([...opened.kv]).toEqual([['example:greet', new Map([['__proto__', Uint8Array.of(1)]])]]);
		expect(opened.plugins[0]!.recorded!.trace.pluginId).toBe('shared-1');
		expect(opened.plugins[0]!.recorded!.output).toBe(RECORDED.output);
		expect(RECORDED.trace.pluginId).toBe('a');
	});

	it('opens what was shared: workspace → link → workspace keeps every plugin field', async () => {
		const ws = workspace(
			[
				{ ...plugin('a', { kind: 'file', name: 'a.wasm' }), inputMode: 'hex', input: '00 01' },
				plugin('b', { kind: 'example', name: 'echo' }, 'd'.repeat(64))
			],
			'b'
		);
		const { state } = await fromWorkspace({ workspace: ws, modules: new Map([['a', SMALL]]) });
		const decoded = await decodeLink(await encodeLink(state));
		if (!decoded.ok) throw new Error(decoded.error.message);
		const opened = toWorkspace(decoded.state, (i) => ws.plugins[i]!.id);
		expect(opened.workspace).toEqual({
			...ws,
			plugins: ws.plugins.map((p) => ({ ...p, sha256: p.sha256 }))
		});
		expect(opened.plugins[0]!.source).toEqual({ kind: 'inline', name: 'a.wasm', bytes: SMALL });
	});
});

describe('verifyModule', () => {
	const right = 'a'.repeat(64);
	const wrong = 'b'.repeat(64);

	it('refuses a URL whose bytes changed, naming both hashes', () => {
		const result = verifyModule(
			{ kind: 'url', url: 'https://x.test/p.wasm', sha256: right },
			wrong
		);
		expect(result).toEqual({
			ok: false,
			error: {
				kind: 'load',
				message: `The plugin at https://x.test/p.wasm is not the one this link was made with: the link expects sha256 ${right}, the bytes have ${wrong}. It was not loaded.`,
				hint: 'Ask the sender for a new link or a workspace file. If you trust the new version, load the URL yourself.'
			}
		});
		expect(verifyModule({ kind: 'url', url: 'u', sha256: right }, right)).toEqual({
			ok: true,
			warning: null
		});
	});

	it('refuses a picked file that is not the one named', () => {
		const result = verifyModule(
			{ kind: 'file-only', name: 'big.wasm', sha256: right, size: 1 },
			wrong
		);
		expect(!result.ok && result.error.message).toBe(
			`That file is not the "big.wasm" this link names: the link expects sha256 ${right}, the bytes have ${wrong}. It was not loaded.`
		);
	});

	it('opens a changed built-in example with a warning', () => {
		const result = verifyModule({ kind: 'example', name: 'greet', sha256: right }, wrong);
		expect(result.ok && result.warning).toMatch(
			/^The built-in example "greet" has changed since this link was made \(the link expects sha256 a+, the bytes have b+\)/
		);
		expect(verifyModule({ kind: 'example', name: 'greet' }, wrong)).toEqual({
			ok: true,
			warning: null
		});
		expect(verifyModule({ kind: 'inline', name: 'x', bytes: SMALL }, wrong)).toEqual({
			ok: true,
			warning: null
		});
	});
});

describe('autorunAllowed', () => {
	const example: ShareState = {
		v: 1,
		plugins: [
			{
				name: 'Greet',
				source: { kind: 'example', name: 'greet' },
				exportName: 'greet',
				input: '',
				inputMode: 'text',
				settings: defaultSettings('example:greet')
			}
		],
		activeIndex: 0
	};
	const on = { embed: false, autorun: true };

	it('runs only a link of built-in examples that asks to', () => {
		expect(autorunAllowed(example, on)).toBe(true);
		expect(autorunAllowed(example, { ...on, autorun: false })).toBe(false);
		expect(autorunAllowed({ ...example, activeIndex: null }, on)).toBe(false);
		const inline = {
			...example.plugins[0]!,
			source: { kind: 'inline' as const, name: 'x', bytes: SMALL }
		};
		expect(autorunAllowed({ ...example, plugins: [...example.plugins, inline] }, on)).toBe(false);
	});
});
