// The profile registry: a profile registered in one line is detected from a module's exports and imports,
// called and decoded through its own encode/decode, shared in a link and restored from a saved workspace.
import wabtInit from 'wabt';
import { beforeAll, describe, expect, it } from 'vitest';
import { bifrostProfile } from '../../src/lib/abi/bifrost/profile';
import { bubProfile } from '../../src/lib/abi/bub/profile';
import {
	detectProfile,
	profileById,
	profiles,
	registerProfile,
	transportOf
} from '../../src/lib/abi/registry';
import { utf8Decode, utf8Encode } from '../../src/lib/bytes/encoding';
import { defaultSettings } from '../../src/lib/host/settings';
import { decodeLink, encodeLink } from '../../src/lib/share/codec';
import { fromWorkspace, toWorkspace } from '../../src/lib/share/state';
import { inspectModule } from '../../src/lib/wasm/inspect';
import type { ModuleInfo } from '../../src/lib/wasm/types';
import type { PluginState, WorkspaceState } from '../../src/lib/workspace/types';
import { AbiState, NO_ABI, profileOf } from '../../src/state/abi.svelte';
import type { PluginSession } from '../../src/state/plugin-session.svelte';
import { tinyProfile } from '../fixtures/abi/tiny-profile';

registerProfile(tinyProfile);

let wabt: Awaited<ReturnType<typeof wabtInit>>;
beforeAll(async () => {
	wabt = await wabtInit();
});

function moduleOf(wat: string): { bytes: Uint8Array; info: ModuleInfo } {
	const mod = wabt.parseWat('m.wat', wat, {});
	try {
		const bytes = mod.toBinary({}).buffer;
		const inspected = inspectModule(bytes);
		if (!inspected.ok) throw new Error(inspected.error.message);
		return { bytes, info: inspected.info };
	} finally {
		mod.destroy();
	}
}

const TINY = `(module
	(import "extism:host/env" "input_length" (func (result i64)))
	(memory (export "memory") 1)
	(func (export "tiny_greet") (result i32) (i32.const 0)))`;
const TINY_WITHOUT_KERNEL = `(module (func (export "tiny_greet") (result i32) (i32.const 0)))`;
const BUB = `(module
	(import "extism:host/env" "input_length" (func (result i64)))
	(func (export "build_prompt") (result i32) (i32.const 0)))`;
const RAW = `(module
	(memory (export "memory") 1)
	(func (export "malloc") (param i32) (result i32) (i32.const 1024))
	(func (export "get_name") (result i64) (i64.const 0)))`;

/** A session as the ABI state sees it: its module, its ABI state, and a plugin answering `answer`. */
function fakeSession(info: ModuleInfo, abi: AbiState, answer: string) {
	const sent: string[] = [];
	const session = {
		id: 'p1',
		name: 'tiny.wasm',
		source: { kind: 'file', name: 'tiny.wasm' },
		status: 'ready',
		info,
		abi,
		exportName: '',
		run: async (input: Uint8Array) => {
			sent.push(utf8Decode(input));
			return { output: utf8Encode(answer), code: 0, error: null };
		}
	};
	return { session: session as unknown as PluginSession, sent };
}

function pluginState(abi: PluginState['abi']): PluginState {
	return {
		id: 'p1',
		name: 'tiny.wasm',
		source: { kind: 'file', name: 'tiny.wasm' },
		sha256: null,
		settings: defaultSettings('file:tiny.wasm'),
		exportName: 'tiny_greet',
		input: '',
		inputMode: 'text',
		...(abi ? { abi } : {})
	};
}

describe('the profile registry', () => {
	it('keeps the built-in profiles in order (bub, Bifrost, Harmont, StudioBrain) and adds a registered one after them', () => {
		expect(profiles().map((p) => p.id)).toEqual([
			'bub',
			'bifrost',
			'harmont',
			'studiobrain',
			'tiny'
		]);
		expect(profileById('tiny')).toBe(tinyProfile);
	});

	it('detects a module from its exports and imports', () => {
		expect(detectProfile(moduleOf(TINY).info)).toBe(tinyProfile);
		// The same exports without the Extism kernel import are not a tiny plugin.
		expect(tinyProfile.detect(moduleOf(TINY_WITHOUT_KERNEL).info).matches).toBe(false);
		expect(detectProfile(moduleOf(TINY_WITHOUT_KERNEL).info)).toBeNull();
		expect(detectProfile(moduleOf(BUB).info)).toBe(bubProfile);
		expect(detectProfile(moduleOf(RAW).info)).toBe(bifrostProfile);
		// An example names its ABI when its module alone does not say.
		expect(detectProfile(moduleOf(TINY_WITHOUT_KERNEL).info, 'tiny')).toBe(tinyProfile);
	});

	it('sends raw modules through the raw transport, because a raw profile claims them', () => {
		expect(transportOf(moduleOf(RAW).info)).toBe('raw');
		expect(transportOf(moduleOf(TINY).info)).toBe('extism');
		expect(transportOf(moduleOf(BUB).info)).toBe('extism');
	});

	it('calls a hook with the profile’s own encode and reads the answer with its own decode', async () => {
		const abi = new AbiState();
		const { session, sent } = fakeSession(moduleOf(TINY).info, abi, 'ok Hello, Ada!');
		const profile = profileOf(session, []);
		expect(profile).toBe(tinyProfile);
		abi.setArgs('greet', '{"name": "Ada"}');
		await abi.callHook(session, tinyProfile, tinyProfile.hooks[0]);
		expect(abi.error).toBeNull();
		expect(sent).toEqual(['greet {"name":"Ada"}']);
		expect(session.exportName).toBe('tiny_greet');
		expect(abi.call).toMatchObject({
			hook: 'greet',
			export: 'tiny_greet',
			decoded: { status: 'value', value: 'Hello, Ada!', steps: [{ rule: 'ok → value' }] },
			followUps: []
		});
	});

	it('decodes an error answer with the profile’s rules', async () => {
		const abi = new AbiState();
		const { session } = fakeSession(moduleOf(TINY).info, abi, 'err no such person');
		await abi.callHook(session, tinyProfile, tinyProfile.hooks[0]);
		expect(abi.call?.decoded).toMatchObject({ status: 'error', value: 'no such person' });
	});

	it('shares the profile, hook and arguments in a link, and restores them from it', async () => {
		const { bytes } = moduleOf(TINY);
		const abi = new AbiState();
		abi.choose('tiny');
		abi.pick('greet');
		abi.setArgs('greet', '{"name": "Grace"}');
		const workspace: WorkspaceState = { v: 1, plugins: [pluginState(undefined)], activeId: 'p1' };
		const shared = abi.shared();
		expect(shared).toEqual({
			profile: 'tiny',
			hook: 'greet',
			bindings: {},
			hookArgs: { greet: { name: 'Grace' } }
		});
		const { state } = await fromWorkspace({
			workspace,
			modules: new Map([['p1', bytes]]),
			abi: new Map([['p1', shared!]])
		});
		const decoded = await decodeLink(await encodeLink(state));
		if (!decoded.ok) throw new Error(decoded.error.message);
		const opened = toWorkspace(decoded.state);
		const restored = new AbiState();
		restored.restoreShared(opened.plugins[0].abi!);
		expect(restored.chosen).toBe('tiny');
		expect(restored.hookName).toBe('greet');
		expect(JSON.parse(restored.argsFor(tinyProfile.hooks[0]))).toEqual({ name: 'Grace' });
	});

	it('a link naming a profile this build lacks leaves the choice to detection', () => {
		const abi = new AbiState();
		abi.restoreShared({ profile: 'harmont-next', hook: 'greet' });
		expect(abi.chosen).toBeNull();
		abi.restoreShared({ profile: NO_ABI });
		expect(abi.chosen).toBe(NO_ABI);
	});
});

describe('ABI state in the saved workspace', () => {
	it('is saved with the plugin and comes back after a reload', () => {
		const abi = new AbiState();
		abi.choose('tiny');
		abi.pick('greet');
		abi.setArgs('greet', '{"name": "Lin"');
		abi.configured = { greet: 'tiny_greet' };
		abi.messageText = '{"content": "hi"}';
		const saved = JSON.parse(JSON.stringify(pluginState(abi.snapshot()))) as PluginState;
		expect(saved.abi).toEqual({
			profile: 'tiny',
			hook: 'greet',
			args: { greet: '{"name": "Lin"' },
			configured: { greet: 'tiny_greet' },
			turnMessage: '{"content": "hi"}'
		});
		const back = new AbiState(saved.abi);
		expect(back.snapshot()).toEqual(saved.abi);
		// Text that is not JSON yet comes back exactly as typed.
		expect(back.argsFor(tinyProfile.hooks[0])).toBe('{"name": "Lin"');
		const { session } = fakeSession(moduleOf(TINY_WITHOUT_KERNEL).info, back, '');
		expect(profileOf(session, [])).toBe(tinyProfile);
	});

	it('leaves an untouched panel out of the saved plugin, and loads workspaces saved before it was kept', () => {
		expect(new AbiState().snapshot()).toBeUndefined();
		const old = new AbiState(pluginState(undefined).abi);
		expect(old.chosen).toBeNull();
		expect(old.argsFor(tinyProfile.hooks[0])).toBe(JSON.stringify({ name: 'Ada' }, null, 2));
	});
});
