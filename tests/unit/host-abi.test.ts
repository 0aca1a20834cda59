import { describe, expect, it } from 'vitest';
import {
	describeMissing,
	EXTISM_KERNEL,
	groupImports,
	importKey,
	missingImports,
	PLAYGROUND_FUNCTIONS,
	providerOf,
	quotedNames
} from '../../src/lib/host/abi';
import { inspectModule } from '../../src/lib/wasm/inspect';
import type { ImportInfo } from '../../src/lib/wasm/types';

function fn(module: string, name: string): ImportInfo {
	return { module, name, kind: 'function', signature: { params: [], results: [] } };
}

const ON = { wasi: true };
const OFF = { wasi: false };

describe('providerOf', () => {
	it('gives the playground its own user functions', () => {
		for (const f of PLAYGROUND_FUNCTIONS) {
			expect(providerOf(fn('extism:host/user', f.name), OFF)).toBe('playground');
		}
	});

	it('gives Extism every kernel function, and only in extism:host/env', () => {
		for (const name of EXTISM_KERNEL)
			expect(providerOf(fn('extism:host/env', name), OFF)).toBe('extism');
		expect(providerOf(fn('extism:host/user', 'alloc'), OFF)).toBe('missing');
		expect(providerOf(fn('extism:host/env', 'kv_read'), OFF)).toBe('missing');
	});

	it('gives WASI only when WASI is on', () => {
		const imp = fn('wasi_snapshot_preview1', 'fd_write');
		expect(providerOf(imp, ON)).toBe('wasi');
		expect(providerOf(imp, OFF)).toBe('missing');
	});

	it('lets a mock satisfy any function import', () => {
		const imp = fn('extism:host/user', 'hello_world');
		expect(providerOf(imp, OFF)).toBe('missing');
		expect(providerOf(imp, { wasi: false, mocked: new Set([importKey(imp)]) })).toBe('mock');
	});

	it('never provides memories, tables or globals, even when mocked', () => {
		const memory: ImportInfo = { module: 'env', name: 'memory', kind: 'memory' };
		expect(providerOf(memory, { wasi: true, mocked: new Set(['env/memory']) })).toBe('missing');
	});

	it('does not match names across modules', () => {
		expect(providerOf(fn('env', 'log'), ON)).toBe('missing');
	});
});

describe('importKey and groupImports', () => {
	it('joins module and name with a slash', () => {
		expect(importKey(fn('extism:host/user', 'kv_read'))).toBe('extism:host/user/kv_read');
	});

	it('groups by module in first-seen order', () => {
		const imports = [
			fn('extism:host/env', 'alloc'),
			fn('wasi_snapshot_preview1', 'fd_write'),
			fn('extism:host/env', 'free'),
			fn('extism:host/user', 'kv_read')
		];
		const groups = groupImports(imports);
		expect([...groups.keys()]).toEqual([
			'extism:host/env',
			'wasi_snapshot_preview1',
			'extism:host/user'
		]);
		expect(groups.get('extism:host/env')?.map((i) => i.name)).toEqual(['alloc', 'free']);
	});
});

describe('missingImports and describeMissing', () => {
	it('lists what nobody provides, in module order', () => {
		const imports = [
			fn('extism:host/env', 'alloc'),
			fn('extism:host/user', 'hello_world'),
			fn('wasi_snapshot_preview1', 'fd_write'),
			fn('extism:host/user', 'kv_write')
		];
		expect(missingImports(imports, ON).map(importKey)).toEqual(['extism:host/user/hello_world']);
		expect(missingImports(imports, OFF).map(importKey)).toEqual([
			'extism:host/user/hello_world',
			'wasi_snapshot_preview1/fd_write'
		]);
	});

	it('describes one missing function and points at mocks and the playground functions', () => {
		const d = describeMissing([fn('extism:host/user', 'hello_world')], true);
		expect(d.message).toBe('Import "extism:host/user" "hello_world" is not provided.');
		expect(d.hint).toMatch(/Mock it under Host function mocks/);
		expect(d.hint).toMatch(/About the host ABI/);
	});

	it('counts several and tells the user to turn WASI on when it is off', () => {
		const d = describeMissing(
			[fn('extism:host/user', 'x'), fn('wasi_snapshot_preview1', 'fd_write')],
			true
		);
		expect(d.message).toBe(
			'2 imports are not provided: "extism:host/user" "x", "wasi_snapshot_preview1" "fd_write".'
		);
		expect(d.hint).toBe('The module imports WASI: turn WASI on in Host settings.');
	});

	it('lists the first 20 of 50,000 missing imports and counts the rest', () => {
		const missing = Array.from({ length: 50_000 }, (_, i) => fn('extism:host/user', `m${i}`));
		const { message } = describeMissing(missing, false);
		expect(
			message.startsWith('50,000 imports are not provided, first 20: "extism:host/user" "m0", ')
		).toBe(true);
		expect(message.endsWith('"extism:host/user" "m19".')).toBe(true);
		expect(message).not.toContain('"m20"');
		expect(message.length).toBeLessThan(1000);
	});

	it('quotes short name lists whole and long ones up to 20 with a count of the rest', () => {
		expect(quotedNames(['a', 'b'])).toBe('"a", "b"');
		const many = quotedNames(Array.from({ length: 25 }, (_, i) => `n${i}`));
		expect(many.endsWith('"n19" and 5 more')).toBe(true);
		expect(many).not.toContain('"n20"');
	});

	it('does not suggest WASI when it is already on', () => {
		const d = describeMissing([fn('wasi_snapshot_preview1', 'sock_accept')], false);
		expect(d.hint).not.toMatch(/turn WASI on/);
	});

	it('names the kind of a missing non-function import and says to rebuild', () => {
		const d = describeMissing([{ module: 'env', name: 'memory', kind: 'memory' }], false);
		expect(d.message).toBe('Import memory "env" "memory" is not provided.');
		expect(d.hint).toMatch(/only provides functions/);
	});

	it('works on imports read by inspectModule', async () => {
		const wabt = await (await import('wabt')).default();
		const mod = wabt.parseWat(
			'plugin.wat',
			`(module
				(import "extism:host/env" "output_set" (func (param i64 i64)))
				(import "extism:host/user" "kv_read" (func (param i64) (result i64)))
				(import "extism:host/user" "hello_world" (func (param i64) (result i64)))
				(import "env" "memory" (memory 1))
				(import "wasi_snapshot_preview1" "random_get" (func (param i32 i32) (result i32))))`,
			{}
		);
		const r = inspectModule(mod.toBinary({}).buffer);
		mod.destroy();
		if (!r.ok) throw new Error(r.error.message);
		const missing = missingImports(r.info.imports, OFF);
		expect(missing.map(importKey)).toEqual([
			'extism:host/user/hello_world',
			'env/memory',
			'wasi_snapshot_preview1/random_get'
		]);
		expect(describeMissing(missing, true).message).toBe(
			'3 imports are not provided: "extism:host/user" "hello_world", memory "env" "memory", "wasi_snapshot_preview1" "random_get".'
		);
	});
});
