// Plugins made of several modules linked by name (Extism manifests) travel in links and workspace files:
// each linked module by the same rules as a main module, sharing its plugin's inline budget.
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/lib/bytes/hash';
import { defaultSettings } from '../../src/lib/host/settings';
import { decodeLink, encodeLink } from '../../src/lib/share/codec';
import type { ShareResult } from '../../src/lib/share/errors';
import {
	fromWorkspace,
	INLINE_LIMIT_BYTES,
	SHARE_LIMITS,
	toWorkspace,
	verifyModule,
	type SharedPlugin,
	type ShareState
} from '../../src/lib/share/state';
import { issueMarkdown } from '../../src/lib/share/markdown';
import { decodeWorkspaceFile, encodeWorkspaceFile } from '../../src/lib/share/workspace-file';
import type { PluginSource, PluginState } from '../../src/lib/workspace/types';
import { sealLink } from '../fixtures/share/seal';
import { noise } from '../fixtures/share/noise';

const MAIN = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1);
const SHOUTER = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 2);
const LIB = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 3);

const MANIFEST: PluginSource = { kind: 'manifest', name: 'shout.json', manifest: {} };

async function manifestPlugin(
	source: PluginSource = MANIFEST,
	modules: [string, Uint8Array][] = [
		['shouter', SHOUTER],
		['lib', LIB]
	]
): Promise<PluginState> {
	return {
		id: 'm',
		name: 'shout.json',
		source,
		sha256: await sha256Hex(MAIN),
		linked: await Promise.all(
			modules.map(async ([name, bytes]) => ({ name, sha256: await sha256Hex(bytes) }))
		),
		settings: defaultSettings('manifest:shout.json'),
		exportName: 'shout_it',
		input: 'Hello',
		inputMode: 'text'
	};
}

function linkedBytes(modules: [string, Uint8Array][]) {
	return new Map([['m', new Map(modules)]]);
}

async function share(plugin: PluginState, modules: [string, Uint8Array][], limit?: number) {
	return fromWorkspace(
		{
			workspace: { v: 1, plugins: [plugin], activeId: plugin.id },
			modules: new Map([[plugin.id, MAIN]]),
			linked: linkedBytes(modules)
		},
		limit
	);
}

const TWO: [string, Uint8Array][] = [
	['shouter', SHOUTER],
	['lib', LIB]
];

describe('sending a plugin of several modules', () => {
	it('carries small linked modules inline, in manifest order, and they come back by name', async () => {
		const { state, notes } = await share(await manifestPlugin(), TWO);
		expect(notes).toEqual([]);
		expect(state.plugins[0]?.source).toEqual({ kind: 'inline', name: 'shout.json', bytes: MAIN });
		expect(state.plugins[0]?.linked).toEqual([
			{ name: 'shouter', source: { kind: 'inline', name: 'shouter', bytes: SHOUTER } },
			{ name: 'lib', source: { kind: 'inline', name: 'lib', bytes: LIB } }
		]);
		const decoded = await decodeLink(await encodeLink(state));
		if (!decoded.ok) throw new Error(decoded.error.message);
		expect(decoded.state).toEqual(state);
		const opened = toWorkspace(decoded.state);
		expect(opened.plugins[0]?.linked.map((l) => l.name)).toEqual(['shouter', 'lib']);
		expect(opened.plugins[0]?.missing).toBeNull();
	});

	it('sends modules a manifest gives by URL by that URL and their hash; files carry their bytes', async () => {
		const source: PluginSource = {
			kind: 'manifest',
			name: 'shout.json',
			manifest: {
				wasm: [
					{ name: 'shouter', url: 'https://x.test/shouter.wasm' },
					{ name: 'lib', data: 'AGFzbQEAAAAD' },
					{ name: 'main', url: 'https://x.test/main.wasm' }
				]
			}
		};
		const plugin = await manifestPlugin(source);
		const link = await share(plugin, TWO);
		expect(link.state.plugins[0]?.source).toEqual({
			kind: 'url',
			url: 'https://x.test/main.wasm',
			sha256: await sha256Hex(MAIN)
		});
		expect(link.state.plugins[0]?.linked).toEqual([
			{
				name: 'shouter',
				source: {
					kind: 'url',
					url: 'https://x.test/shouter.wasm',
					sha256: await sha256Hex(SHOUTER)
				}
			},
			{ name: 'lib', source: { kind: 'inline', name: 'lib', bytes: LIB } }
		]);
		const file = await share(plugin, TWO, Infinity);
		expect(file.state.plugins[0]?.linked?.[0]?.source).toEqual({
			kind: 'inline',
			name: 'shouter',
			bytes: SHOUTER,
			url: 'https://x.test/shouter.wasm'
		});
	});

	it('counts all of a plugin’s modules against one inline budget; the rest are named, not carried', async () => {
		// Each fits alone; together they do not, so the second goes file-only with a note naming it.
		const half = noise(Math.floor(INLINE_LIMIT_BYTES * 0.6));
		const other = noise(Math.floor(INLINE_LIMIT_BYTES * 0.6), 7);
		const modules: [string, Uint8Array][] = [
			['shouter', half],
			['lib', other]
		];
		const { state, notes } = await share(await manifestPlugin(MANIFEST, modules), modules);
		const linked = state.plugins[0]?.linked ?? [];
		expect(linked[0]?.source.kind).toBe('inline');
		expect(linked[1]?.source).toEqual({
			kind: 'file-only',
			name: 'lib',
			sha256: await sha256Hex(other),
			size: other.byteLength
		});
		expect(notes).toHaveLength(1);
		expect(notes[0]?.kind).toBe('file-only');
		expect(notes[0]?.message).toContain('The module "lib" linked into "shout.json"');
		expect(notes[0]?.message).toContain('export a workspace file');

		const opened = toWorkspace(state);
		expect(opened.plugins[0]?.missing).toContain('whose module "lib"');
		expect(opened.plugins[0]?.missing).toContain(await sha256Hex(other));
	});

	it('sends a built-in example by name alone: it brings its own linked modules', async () => {
		const plugin = await manifestPlugin({ kind: 'example', name: 'linked-shout' });
		const { state, notes } = await share(plugin, TWO);
		expect(notes).toEqual([]);
		expect(state.plugins[0]?.source).toEqual({
			kind: 'example',
			name: 'linked-shout',
			sha256: await sha256Hex(MAIN)
		});
		expect(state.plugins[0]).not.toHaveProperty('linked');
	});

	it('leaves out a plugin whose linked module is not loaded, saying which, and only that', async () => {
		const { state, notes } = await share(await manifestPlugin(), [['shouter', SHOUTER]]);
		expect(state.plugins).toEqual([]);
		expect(state.activeIndex).toBeNull();
		expect(notes).toEqual([
			{
				pluginId: 'm',
				name: 'shout.json',
				kind: 'left-out',
				message:
					'"shout.json" is left out: the bytes of its linked module "lib" are not loaded, so there is nothing to put in the link or to name it by. Reload the plugin, then share again.'
			}
		]);
	});

	it('leaves out a plugin that links more modules than the cap', async () => {
		const many = Array.from(
			{ length: SHARE_LIMITS.linkedModules + 1 },
			(_, i): [string, Uint8Array] => [`m${i}`, LIB]
		);
		const { state, notes } = await share(await manifestPlugin(MANIFEST, many), many);
		expect(state.plugins).toEqual([]);
		expect(notes[0]?.message).toContain(
			`links ${SHARE_LIMITS.linkedModules + 1} modules into its main one`
		);
	});
});

describe('the Markdown summary of a plugin of several modules', () => {
	it('lists its linked modules and how each travels', async () => {
		const { state } = await share(await manifestPlugin(), TWO);
		expect(issueMarkdown('https://x.test/#v1.abc', state)).toContain(
			'- **Linked modules:** `shouter` (9 B, carried in the link), `lib` (9 B, carried in the link)\n'
		);
	});
});

describe('workspace files with a plugin of several modules', () => {
	it('round-trip it, storing each module once by hash', async () => {
		const { state } = await share(await manifestPlugin(), TWO, Infinity);
		const twice: ShareState = { ...state, plugins: [...state.plugins, ...state.plugins] };
		const text = await encodeWorkspaceFile(twice);
		const blobs = (JSON.parse(text) as { blobs: Record<string, string> }).blobs;
		expect(Object.keys(blobs).sort()).toEqual(
			(await Promise.all([MAIN, SHOUTER, LIB].map((b) => sha256Hex(b)))).sort()
		);
		const decoded = await decodeWorkspaceFile(text);
		if (!decoded.ok) throw new Error(decoded.error.message);
		expect(decoded.state).toEqual(twice);
	});
});

const BASE: Record<string, unknown> = {
	name: 'shout.json',
	source: { kind: 'inline', name: 'shout.json', bytes: 0 },
	exportName: 'shout_it',
	input: 'x',
	inputMode: 'text',
	settings: defaultSettings('n')
};

async function open(linkedField: unknown, source: unknown = BASE.source) {
	const plugin = { ...BASE, source, linked: linkedField };
	return decodeLink(await sealLink({ v: 1, plugins: [plugin], activeIndex: 0 }, [MAIN, SHOUTER]));
}

function expectRefused(result: ShareResult<object>, reason: string, ...parts: string[]) {
	if (result.ok) throw new Error('expected the link to be refused');
	expect(result.error.reason).toBe(reason);
	for (const part of parts) expect(result.error.message).toContain(part);
}

const SHOUT = { name: 'shouter', source: { kind: 'inline', name: 'shouter', bytes: 1 } };

describe('links with linked modules are read strictly', () => {
	it('opens a well-formed one', async () => {
		const result = await open([SHOUT]);
		if (!result.ok) throw new Error(result.error.message);
		expect(result.state.plugins[0]?.linked).toEqual([
			{ name: 'shouter', source: { kind: 'inline', name: 'shouter', bytes: SHOUTER } }
		]);
	});

	it('refuses bad shapes, naming the field', async () => {
		const cases: [unknown, string][] = [
			[[], 'plugins[0].linked should be a list of at least one module'],
			[{}, 'plugins[0].linked should be a list'],
			[[SHOUT, SHOUT], 'plugins[0].linked[1].name should be a name no other module'],
			[[{ ...SHOUT, name: 'main' }], 'plugins[0].linked[0].name should be a name no other module'],
			[[{ ...SHOUT, extra: 1 }], 'plugins[0].linked[0].extra should be absent'],
			[[{ name: 'shouter' }], 'plugins[0].linked[0].source.kind should be one of'],
			[
				[{ name: 'shouter', source: { kind: 'example', name: 'greet' } }],
				'plugins[0].linked[0].source.kind should be one of "url", "inline", "file-only"'
			],
			[
				[{ name: 'shouter', source: { kind: 'url', url: 'https://x.test/a.wasm', sha256: 'x' } }],
				'plugins[0].linked[0].source.sha256 should be a sha256'
			],
			[[{ ...SHOUT, source: { ...SHOUT.source, bytes: 5 } }], 'plugins[0].linked[0].source.bytes']
		];
		for (const [linked, message] of cases) {
			expectRefused(await open(linked), 'corrupted', message);
		}
	});

	it('refuses linked modules on a built-in example, which brings its own', async () => {
		expectRefused(
			await open([SHOUT], { kind: 'example', name: 'linked-shout' }),
			'corrupted',
			'plugins[0].linked should be absent for a built-in example'
		);
	});

	it('refuses more linked modules than the cap, naming it', async () => {
		const many = Array.from({ length: SHARE_LIMITS.linkedModules + 1 }, (_, i) => ({
			...SHOUT,
			name: `m${i}`
		}));
		expectRefused(
			await open(many),
			'too-large',
			`plugins[0].linked holds ${SHARE_LIMITS.linkedModules + 1} items`,
			`at most ${SHARE_LIMITS.linkedModules}`
		);
	});

	it('leaves a file-only linked module out of the opened plugin, saying which', async () => {
		const state: ShareState = {
			v: 1,
			plugins: [
				{
					...(BASE as unknown as SharedPlugin),
					source: { kind: 'inline', name: 'shout.json', bytes: MAIN },
					linked: [
						{
							name: 'shouter',
							source: { kind: 'file-only', name: 'shouter', sha256: 'a'.repeat(64), size: 70_000 }
						}
					]
				}
			],
			activeIndex: 0
		};
		const opened = toWorkspace(state);
		expect(opened.plugins[0]?.missing).toBe(
			`This link names "shout.json", whose module "shouter" (68 KiB, sha256 ${'a'.repeat(64)}) it does not contain: with the plugin's other modules it was too big to travel in a link. "shout.json" cannot run without it, so it was not opened. Load the manifest yourself, or ask the sender for a workspace file, which carries every module.`
		);
	});
});

describe('verifyModule for a linked module', () => {
	it('refuses changed bytes, naming the module, the plugin and both hashes', () => {
		const right = 'a'.repeat(64);
		const wrong = 'b'.repeat(64);
		const result = verifyModule(
			{ kind: 'url', url: 'https://x.test/shouter.wasm', sha256: right },
			wrong,
			{ plugin: 'shout.json', module: 'shouter' }
		);
		if (result.ok) throw new Error('expected a refusal');
		expect(result.error.kind).toBe('load');
		expect(result.error.message).toBe(
			`The module "shouter" at https://x.test/shouter.wasm, linked into "shout.json", is not the one this link was made with: the link expects sha256 ${right}, the bytes have ${wrong}. "shout.json" was not loaded.`
		);
		expect(
			verifyModule({ kind: 'url', url: 'u', sha256: right }, right, {
				plugin: 'p',
				module: 'm'
			})
		).toEqual({ ok: true, warning: null });
	});
});
