import { describe, expect, it } from 'vitest';
import { PLAYGROUND_FUNCTIONS } from '../../src/lib/host/abi';
import {
	assemblyScriptImports,
	hostFunctionLine,
	missingImportAdvice
} from '../../src/lib/host/explain';
import type { ImportInfo } from '../../src/lib/wasm/types';

const fn = (module: string, name: string): ImportInfo => ({
	module,
	name,
	kind: 'function',
	signature: { params: ['i64'], results: [] }
});

describe('hostFunctionLine', () => {
	it('writes the name and the signature', () => {
		expect(PLAYGROUND_FUNCTIONS.map(hostFunctionLine)).toEqual([
			'kv_read(i64) -> i64',
			'kv_write(i64, i64)',
			'log(i64)'
		]);
	});
});

describe('assemblyScriptImports', () => {
	it('declares every playground function with u64 offsets', () => {
		const code = assemblyScriptImports();
		expect(code).toContain(
			"@external('extism:host/user', 'kv_read')\ndeclare function kv_read(key: u64): u64;"
		);
		expect(code).toContain('declare function kv_write(key: u64, value: u64): void;');
		expect(code).toContain('declare function log(message: u64): void;');
	});
});

describe('missingImportAdvice', () => {
	it('tells to turn WASI on', () => {
		const wasi = [fn('wasi_snapshot_preview1', 'fd_write')];
		expect(missingImportAdvice('wasi_snapshot_preview1', wasi, 'off')).toContain(
			'set WASI to "auto" or "on"'
		);
		expect(missingImportAdvice('wasi_snapshot_preview1', wasi, 'auto')).toContain('Turn WASI on');
	});

	it('names what the playground provides instead of a missing user function', () => {
		const advice = missingImportAdvice(
			'extism:host/user',
			[fn('extism:host/user', 'hello_world')],
			'auto'
		);
		expect(advice).toContain('kv_read, kv_write and log');
		expect(advice).toContain('"hello_world"');
		expect(advice).toContain('Host function mocks');
	});

	it('points at the PDK for an unknown kernel function', () => {
		const advice = missingImportAdvice(
			'extism:host/env',
			[fn('extism:host/env', 'a'), fn('extism:host/env', 'b')],
			'auto'
		);
		expect(advice).toMatch(/^"a", "b" are not Extism kernel functions/);
	});

	it('lists the modules the playground links for an unknown module', () => {
		expect(missingImportAdvice('env', [fn('env', 'abort')], 'auto')).toContain(
			'Nothing provides module "env"'
		);
	});

	it('says only functions are linked', () => {
		const memory: ImportInfo = { module: 'env', name: 'memory', kind: 'memory' };
		expect(missingImportAdvice('env', [memory], 'auto')).toContain('imports a memory');
	});
});
