import { describe, expect, it } from 'vitest';
import { inspectModule } from '../../src/lib/wasm/inspect';
import { packModuleInfo, unpackModuleInfo } from '../../src/lib/wasm/pack';
import type { ModuleInfo } from '../../src/lib/wasm/types';

async function inspect(wat: string): Promise<ModuleInfo> {
	const wabt = await (await import('wabt')).default();
	const mod = wabt.parseWat('m.wat', wat, {});
	const r = inspectModule(mod.toBinary({}).buffer);
	mod.destroy();
	if (!r.ok) throw new Error(r.error.message);
	return r.info;
}

describe('packModuleInfo / unpackModuleInfo', () => {
	it('round-trips every field of an inspection, kinds and signatures included', async () => {
		const info = await inspect(`(module
			(import "extism:host/env" "alloc" (func (param i64) (result i64)))
			(import "extism:host/user" "kv_write" (func (param i64 i64)))
			(import "env" "memory" (memory 1 2))
			(import "env" "g" (global i32))
			(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
			(table (export "table") 1 funcref)
			(global (export "answer") i32 (i32.const 42))
			(func (export "run") (result i32) (i32.const 0))
			(func (export "other") (result i32) (i32.const 1))
			(func (export "take") (param i64 i64)))`);
		const packed = packModuleInfo(info);
		expect(unpackModuleInfo(packed)).toEqual(info);
		expect(unpackModuleInfo(structuredClone(packed))).toEqual(info);
	});

	it('stores each signature and import module name once', async () => {
		const funcs = Array.from(
			{ length: 50 },
			(_, i) => `(func (export "f${i}") (result i32) (i32.const ${i}))`
		);
		const imports = Array.from(
			{ length: 50 },
			(_, i) => `(import "extism:host/user" "m${i}" (func))`
		);
		const info = await inspect(`(module ${imports.join(' ')} ${funcs.join(' ')})`);
		const packed = packModuleInfo(info);
		expect(packed.signatures).toHaveLength(2);
		expect(packed.importModules).toEqual(['extism:host/user']);
		expect(packed.exportNames).toHaveLength(50);
		expect(unpackModuleInfo(packed)).toEqual(info);
	});
});
