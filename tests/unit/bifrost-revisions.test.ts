import { beforeAll, describe, expect, it } from 'vitest';
import { BIFROST_HOOKS, findHook } from '../../src/lib/abi/bifrost/hooks';
import { bifrostProfile, hookGroups } from '../../src/lib/abi/bifrost/profile';
import { detectRevision, findAllocator, isRawAbiModule } from '../../src/lib/abi/bifrost/revisions';
import { inspectModule } from '../../src/lib/wasm/inspect';
import type { ModuleInfo } from '../../src/lib/wasm/types';

type Wabt = Awaited<ReturnType<typeof import('wabt')>>;
let wabt: Wabt;

beforeAll(async () => {
	wabt = await (await import('wabt')).default();
});

/** An export: its parameter count (all i32) and its result type. */
type Fn = [params: number, result: 'i32' | 'i64' | null];

/** Assembles a module exporting `memory` (unless told not to), the given functions and imports. */
function module(fns: Record<string, Fn>, extra = ''): ModuleInfo {
	const funcs = Object.entries(fns).map(([name, [params, result]]) => {
		const ps = params > 0 ? `(param ${Array(params).fill('i32').join(' ')})` : '';
		const body = result === null ? '' : `(result ${result}) ${result}.const 0`;
		return `(func (export "${name}") ${ps} ${body})`;
	});
	const text = `(module ${extra} ${extra.includes('memory') ? '' : '(memory (export "memory") 1)'} ${funcs.join(' ')})`;
	const mod = wabt.parseWat('fixture.wat', text, {});
	try {
		const inspected = inspectModule(mod.toBinary({}).buffer);
		if (!inspected.ok) throw new Error(inspected.error.message);
		return inspected.info;
	} finally {
		mod.destroy();
	}
}

const R1: Record<string, Fn> = {
	plugin_malloc: [1, 'i32'],
	plugin_free: [1, null],
	get_name: [0, 'i64'],
	init: [2, 'i32'],
	http_transport_intercept: [4, 'i64'],
	pre_hook: [4, 'i64'],
	post_hook: [6, 'i64'],
	cleanup: [0, 'i32']
};

const R3: Record<string, Fn> = {
	malloc: [1, 'i32'],
	free: [2, null],
	get_name: [0, 'i64'],
	init: [2, 'i32'],
	http_pre_hook: [2, 'i64'],
	http_post_hook: [2, 'i64'],
	http_stream_chunk_hook: [2, 'i64'],
	pre_hook: [2, 'i64'],
	post_hook: [2, 'i64'],
	cleanup: [0, 'i32']
};

describe('revision detection from exports', () => {
	it('reads revision 1 (old README) with the TinyGo allocator names', () => {
		const report = detectRevision(module(R1));
		expect(report.revision).toBe(1);
		expect(report.allocator).toEqual({
			malloc: 'plugin_malloc',
			free: 'plugin_free',
			freeTakesSize: false
		});
		expect(report.hooks).toEqual(['http_transport_intercept', 'pre_hook', 'post_hook']);
		expect(report.problems).toEqual([]);
		expect(report.detail).toMatch(/^Bifrost revision 1 .*plugin_malloc\/plugin_free/);
	});

	it('tells revision 1 from 3 by pre_hook’s parameter count alone', () => {
		const r1 = module({ malloc: [1, 'i32'], free: [1, null], pre_hook: [4, 'i64'] });
		const r3 = module({ malloc: [1, 'i32'], free: [1, null], pre_hook: [2, 'i64'] });
		expect(detectRevision(r1).revision).toBe(1);
		expect(detectRevision(r3).revision).toBe(3);
		expect(detectRevision(module({ malloc: [1, 'i32'], post_hook: [6, 'i64'] })).revision).toBe(1);
	});

	it('reads revision 3 (current docs) with free(ptr, size)', () => {
		const report = detectRevision(module(R3));
		expect(report.revision).toBe(3);
		expect(report.allocator).toEqual({ malloc: 'malloc', free: 'free', freeTakesSize: true });
		expect(report.hooks).toEqual([
			'http_pre_hook',
			'pre_hook',
			'post_hook',
			'http_post_hook',
			'http_stream_chunk_hook'
		]);
		expect(report.problems).toEqual([]);
	});

	it('reads revision 2 from http_intercept', () => {
		const report = detectRevision(
			module({ plugin_malloc: [1, 'i32'], http_intercept: [2, 'i64'], pre_hook: [2, 'i64'] })
		);
		expect(report.revision).toBe(2);
		expect(report.hooks).toEqual(['http_intercept', 'pre_hook']);
	});

	it('prefers plugin_malloc over malloc and works without a free', () => {
		const info = module({ plugin_malloc: [1, 'i32'], malloc: [1, 'i32'], get_name: [0, 'i64'] });
		expect(findAllocator(info)).toEqual({
			malloc: 'plugin_malloc',
			free: null,
			freeTakesSize: false
		});
		expect(detectRevision(info)).toMatchObject({ revision: null, hooks: [] });
		expect(detectRevision(info).detail).toMatch(/no hook of any Bifrost revision/);
	});

	it('reports signatures that do not match the revision', () => {
		const report = detectRevision(
			module({ ...R1, post_hook: [4, 'i64'], get_name: [0, 'i32'], plugin_malloc: [2, 'i32'] })
		);
		expect(report.revision).toBe(1);
		expect(report.problems).toEqual(
			expect.arrayContaining([
				'post_hook is (i32, i32, i32, i32) -> i64; revision 1 expects (i32, i32, i32, i32, i32, i32) -> i64.',
				'get_name is () -> i32; revision 1 expects () -> i64.',
				'plugin_malloc is (i32, i32) -> i32; the host calls it as (i32) -> i32 (size in, pointer out).'
			])
		);
	});

	it('reports a module that mixes revisions', () => {
		const report = detectRevision(module({ ...R1, http_pre_hook: [2, 'i64'] }));
		expect(report.revision).toBe(1);
		expect(report.problems[0]).toMatch(
			/mixes revisions: .* revision 1, but http_pre_hook to revision 3/
		);
	});

	it('reports a missing memory export', () => {
		const report = detectRevision(module(R3, '(memory 1)'));
		expect(report.problems).toContain(
			'It exports no memory named "memory"; the host reads and writes through it.'
		);
	});

	it('is not Bifrost without an allocator, and not raw when it imports the Extism kernel', () => {
		const noAlloc = module({ pre_hook: [2, 'i64'] });
		expect(detectRevision(noAlloc).allocator).toBeNull();
		expect(detectRevision(noAlloc).detail).toMatch(/^Not a Bifrost plugin/);
		expect(isRawAbiModule(noAlloc)).toBe(false);
		expect(isRawAbiModule(module(R3))).toBe(true);
		const extism = module(
			{ malloc: [1, 'i32'] },
			'(import "extism:host/env" "input_length" (func (result i64)))'
		);
		expect(isRawAbiModule(extism)).toBe(false);
	});
});

describe('bifrostProfile detect / bind / encode', () => {
	it('detects both revisions and explains problems', () => {
		expect(bifrostProfile.detect(module(R1))).toMatchObject({ matches: true });
		expect(bifrostProfile.detect(module(R3)).detail).toMatch(/revision 3/);
		expect(bifrostProfile.detect(module({ pre_hook: [2, 'i64'] })).matches).toBe(false);
		const extism = module(R3, '(import "extism:host/env" "input_length" (func (result i64)))');
		expect(bifrostProfile.detect(extism)).toEqual({
			matches: false,
			detail: 'Imports the Extism kernel (extism:host/env): an Extism plugin, not a Bifrost one.'
		});
		expect(bifrostProfile.detect(module({ ...R3, get_name: [0, 'i32'] })).detail).toMatch(
			/Problems: get_name is \(\) -> i32/
		);
	});

	it('binds only the hooks of the module’s revision', () => {
		const r1 = module(R1);
		const r3 = module(R3);
		const bound = (info: ModuleInfo) =>
			BIFROST_HOOKS.filter((h) => bifrostProfile.bind(h, info) !== null).map((h) => h.name);
		expect(bound(r1)).toEqual([
			'get_name',
			'init',
			'r1.http_transport_intercept',
			'r1.pre_hook',
			'r1.post_hook',
			'cleanup'
		]);
		expect(bound(r3)).toEqual([
			'get_name',
			'init',
			'http_pre_hook',
			'pre_hook',
			'post_hook',
			'http_post_hook',
			'http_stream_chunk_hook',
			'cleanup'
		]);
		expect(bifrostProfile.bind(findHook('r1.pre_hook')!, r1)).toBe('pre_hook');
		expect(bound(module({ malloc: [1, 'i32'], pre_hook: [2, 'i64'] }))).toEqual(['pre_hook']);
	});

	it('encodes revision 1 arguments as one input per named value, in order', () => {
		const hook = findHook('r1.post_hook')!;
		const encoded = bifrostProfile.encode(hook.name, hook.args, module(R1));
		expect(encoded.ok).toBe(true);
		if (!encoded.ok) return;
		expect(encoded.call.export).toBe('post_hook');
		const texts = encoded.call.inputs.map((b) => new TextDecoder().decode(b));
		expect(texts.map((t) => JSON.parse(t))).toEqual([hook.args.ctx, hook.args.resp, null]);
		expect(texts[2]).toBe('null');
	});

	it('encodes revision 3 arguments as one JSON object', () => {
		const hook = findHook('pre_hook')!;
		const encoded = bifrostProfile.encode('pre_hook', hook.args, module(R3));
		expect(encoded.ok && encoded.call.inputs.length).toBe(1);
		if (!encoded.ok) return;
		expect(JSON.parse(new TextDecoder().decode(encoded.call.inputs[0]))).toEqual(hook.args);
	});

	it('says why a call cannot be encoded', () => {
		const r3 = module(R3);
		const message = (r: ReturnType<typeof bifrostProfile.encode>) => (r.ok ? '' : r.error.message);
		expect(message(bifrostProfile.encode('r1.pre_hook', {}, r3))).toBe(
			'r1.pre_hook is a hook of revision 1, but this module implements revision 3.'
		);
		expect(message(bifrostProfile.encode('nope', {}, r3))).toMatch(/^Bifrost has no hook "nope"/);
		expect(message(bifrostProfile.encode('r1.pre_hook', { ctx: {} }, module(R1)))).toBe(
			'r1.pre_hook takes 2 JSON values (ctx, req); "req" missing.'
		);
		expect(message(bifrostProfile.encode('pre_hook', [], r3))).toMatch(/must be a JSON object/);
		const noPost = module({ malloc: [1, 'i32'], pre_hook: [2, 'i64'] });
		expect(message(bifrostProfile.encode('post_hook', {}, noPost))).toBe(
			'The module does not export post_hook, so Bifrost would skip post_hook.'
		);
	});

	it('prefills every hook with arguments its calling convention can encode', () => {
		for (const hook of BIFROST_HOOKS) {
			if (hook.params) expect(Object.keys(hook.args)).toEqual([...hook.params]);
			else expect(Object.keys(hook.args).length).toBeGreaterThan(0);
		}
	});
});

describe('the Hook picker groups', () => {
	it('groups every hook by the revisions that call it that way, shared hooks first', () => {
		const groups = hookGroups(BIFROST_HOOKS);
		expect(groups.map((g) => g.label)).toEqual([
			'Revisions 1, 2 and 3',
			'Revision 1',
			'Revisions 2 and 3',
			'Revision 2',
			'Revision 3'
		]);
		expect(groups.flatMap((g) => g.hooks).sort((a, b) => a.name.localeCompare(b.name))).toEqual(
			[...BIFROST_HOOKS].sort((a, b) => a.name.localeCompare(b.name))
		);
		const names = (label: string) =>
			groups.find((g) => g.label === label)?.hooks.map((h) => h.name);
		expect(names('Revision 1')).toEqual([
			'r1.http_transport_intercept',
			'r1.pre_hook',
			'r1.post_hook'
		]);
		expect(names('Revision 3')).toEqual(['http_pre_hook', 'http_post_hook']);
		expect(names('Revisions 2 and 3')).toContain('http_stream_chunk_hook');
		expect(bifrostProfile.groups?.(null)).toEqual(groups);
	});
});
