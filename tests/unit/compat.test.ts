import { beforeAll, describe, expect, it } from 'vitest';
import {
	describeMissing,
	mockCandidates,
	missingImports,
	providerOf
} from '../../src/lib/host/abi';
import { classifyCallError, notCallable } from '../../src/lib/host/classify';
import { legacyPdk, missingImportAdvice } from '../../src/lib/host/explain';
import { grownBytes, inputRefusal, MemoryLedger } from '../../src/lib/host/memory-cap';
import { reservedBytes } from '../../src/lib/host/memory-budget';
import { defaultSettings } from '../../src/lib/host/settings';
import {
	applySettingsManifest,
	settingsManifest,
	sourceWasmList
} from '../../src/lib/manifest/settings';
import { inspectModule } from '../../src/lib/wasm/inspect';
import { linkedExports, nameModules, needsWasi } from '../../src/lib/wasm/module-set';
import { fromWorkspace } from '../../src/lib/share/state';
import type { ImportInfo, ModuleInfo } from '../../src/lib/wasm/types';
import type { PluginState } from '../../src/lib/workspace/types';

type Wabt = Awaited<ReturnType<typeof import('wabt')>>;
let wabt: Wabt;
beforeAll(async () => {
	wabt = await (await import('wabt')).default();
});

function inspect(text: string): ModuleInfo {
	const mod = wabt.parseWat('fixture.wat', text, {});
	try {
		const r = inspectModule(mod.toBinary({}).buffer);
		if (!r.ok) throw new Error(r.error.message);
		return r.info;
	} finally {
		mod.destroy();
	}
}

const fn = (module: string, name: string): ImportInfo => ({
	module,
	name,
	kind: 'function',
	signature: { params: ['i64'], results: ['i64'] }
});

describe('what a module is', () => {
	it('a module importing env extism_* is an Extism plugin of a pre-1.0 PDK', () => {
		const info = inspect(`(module
			(import "env" "extism_input_length" (func (result i64)))
			(import "env" "extism_output_set" (func (param i64 i64)))
			(func (export "run") (result i32) i32.const 0))`);
		expect(info.flavor).toBe('extism-legacy');
		expect(info.needsWasi).toBe(false);
	});

	it('env imports without the extism_ prefix (AssemblyScript abort) do not make it a pre-1.0 plugin', () => {
		const info = inspect(`(module (import "env" "abort" (func (param i32 i32 i32 i32))))`);
		expect(info.flavor).toBe('raw');
	});

	it('needs WASI exactly when it imports wasi_snapshot_preview1 or wasi_unstable', () => {
		const p1 = inspect(
			`(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32))))`
		);
		const unstable = inspect(
			`(module (import "wasi_unstable" "fd_write" (func (param i32 i32 i32 i32) (result i32))))`
		);
		const user = inspect(
			`(module (import "extism:host/user" "hello_world" (func (param i64) (result i64))))`
		);
		expect([p1.needsWasi, unstable.needsWasi, user.needsWasi]).toEqual([true, true, false]);
	});
});

describe('the pre-1.0 PDK message', () => {
	it('names the era, the old imports, their current names and how to rebuild', () => {
		const { message, hint } = legacyPdk([
			fn('env', 'extism_input_length'),
			fn('env', 'extism_alloc')
		]);
		expect(message).toContain('pre-1.0 Extism PDK (Extism 0.x');
		expect(message).toContain('"extism_input_length", "extism_alloc"');
		expect(message).toContain('"extism_input_length" is now "extism:host/env" "input_length"');
		expect(hint).toMatch(/^Rebuild it with a current \(1\.x\) PDK: Rust extism-pdk 1\.x/);
		expect(missingImportAdvice('env', [fn('env', 'extism_alloc')], 'auto')).toBe(hint);
	});
});

describe('manifests of several modules', () => {
	it('main is the module named "main", else the last; the others go by name, hash or index', () => {
		expect(nameModules([{ name: 'lhs' }, { name: 'main' }, { name: 'rhs' }])).toEqual({
			ok: true,
			names: ['lhs', 'main', 'rhs'],
			main: 1
		});
		const hash = 'ab'.repeat(32);
		expect(nameModules([{}, { hash }, {}])).toEqual({
			ok: true,
			names: ['0', hash, 'main'],
			main: 2
		});
	});

	it('refuses two modules of one name, and a set without main, naming them', () => {
		const twice = nameModules([{ name: 'side' }, { name: 'side' }, {}]);
		expect(twice.ok).toBe(false);
		if (!twice.ok)
			expect(twice.error.message).toContain('wasm[0] and wasm[1] are both named "side"');
		const none = nameModules([{ name: 'a' }, { name: 'b' }]);
		expect(none.ok).toBe(false);
		if (!none.ok)
			expect(none.error.message).toContain('None of the manifest\'s 2 modules is named "main"');
	});

	it('an import from another module of the set is linked, by name and kind, before host modules', () => {
		const upper = inspect(
			`(module (func (export "host_reflect") (param i64) (result i64) local.get 0) (memory (export "memory") 1))`
		);
		const linked = linkedExports([{ name: 'extism:host/user', info: upper }]);
		const opts = { wasi: false, linked };
		expect(providerOf(fn('extism:host/user', 'host_reflect'), opts)).toBe('linked');
		// The module of that name answers for the whole namespace: kv_read is not the playground's here.
		expect(providerOf(fn('extism:host/user', 'kv_read'), opts)).toBe('missing');
		expect(providerOf({ module: 'extism:host/user', name: 'memory', kind: 'memory' }, opts)).toBe(
			'linked'
		);
		expect(
			providerOf({ module: 'extism:host/user', name: 'host_reflect', kind: 'global' }, opts)
		).toBe('missing');
	});

	it('WASI is needed when any module of the set imports it', () => {
		const plain = inspect('(module)');
		const wasi = inspect(
			`(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32))))`
		);
		expect(needsWasi(plain, [{ name: 'side', info: wasi }])).toBe(true);
		expect(needsWasi(plain, [{ name: 'side', info: plain }])).toBe(false);
	});

	it('a missing export of a linked module is named with what to check', () => {
		const { hint } = describeMissing([fn('shouter', 'shout')], false, new Set(['shouter']));
		expect(hint).toContain('The manifest\'s module "shouter" does not export a function "shout"');
	});

	it('an import from a module nobody provides points at a manifest that links it', () => {
		const { message, hint } = describeMissing([fn('rhs', 'add_one')], true);
		expect(message).toBe('Import "rhs" "add_one" is not provided.');
		expect(hint).toContain('Load an Extism manifest that lists both, the other one named "rhs"');
		expect(hint).not.toContain('WASI');
	});
});

describe('what the mock list offers', () => {
	const imports: ImportInfo[] = [
		fn('extism:host/user', 'hello_world'),
		{ module: 'wasi_snapshot_preview1', name: 'fd_write', kind: 'function' },
		{ module: 'wasi_unstable', name: 'fd_write', kind: 'function' },
		fn('extism:host/env', 'not_a_kernel_function'),
		fn('side', 'run_test'),
		fn('other', 'thing')
	];
	const info = { imports, flavor: 'extism' as const };

	it('only host functions, never WASI, the Extism kernel or a linked module, each once', () => {
		const side = linkedExports([{ name: 'side', info: inspect('(module)') }]);
		const offered = mockCandidates([info, info], { wasi: false, linked: side });
		expect(offered.map((i) => `${i.module} ${i.name}`)).toEqual([
			'extism:host/user hello_world',
			'other thing'
		]);
	});

	it('nothing for a plugin of a pre-1.0 PDK', () => {
		expect(mockCandidates([{ imports, flavor: 'extism-legacy' }], { wasi: false })).toEqual([]);
	});

	it('with WASI on (auto, the module imports it) WASI imports are not missing at all', () => {
		expect(missingImports(imports, { wasi: true }).map((i) => i.module)).not.toContain(
			'wasi_snapshot_preview1'
		);
	});
});

describe('an export that takes parameters', () => {
	it('is named as not callable, with its signature and what to do, instead of a BigInt error', () => {
		const [message, hint] = notCallable('host_reflect', { params: ['i64'], results: ['i64'] });
		expect(message).toBe(
			'Export "host_reflect" takes parameters (i64) -> i64, so it is not an Extism function: Extism calls an export with no arguments (the input travels through the kernel) and reads back an i32 or nothing.'
		);
		expect(hint).toContain('load a manifest that links this module');
	});
});

describe('Max memory as native max_pages', () => {
	it('counts growth from instantiation, not the initial memory', () => {
		expect(grownBytes(17, 17)).toBe(0);
		expect(grownBytes(19, 17)).toBe(2 * 65536);
		expect(grownBytes(null, 17)).toBe(0);
	});

	it('an input larger than Max memory is refused before the call; one that fits is not', () => {
		expect(inputRefusal(17 * 65536, 17)).toBeNull();
		expect(inputRefusal(10 ** 9, null)).toBeNull();
		expect(inputRefusal(17 * 65536 + 1, 17)?.message).toMatch(
			/^The input \(1\.1 MiB\) is larger than Max memory \(17 pages, 1\.1 MiB\)/
		);
	});

	it('the input counts beside growth, blocks and vars, and the refusal says so', () => {
		const ledger = new MemoryLedger();
		const cap = 100 * 1024;
		const lengthOf = () => 0;
		expect(
			ledger.admit({ bytes: 10, what: 'alloc' }, 50 * 1024, cap, lengthOf, 40 * 1024)
		).toBeNull();
		const refused = ledger.admit(
			{ bytes: 20 * 1024, what: 'alloc' },
			50 * 1024,
			cap,
			lengthOf,
			40 * 1024
		);
		expect(refused?.message).toContain(
			'(linear memory grown by 50 KiB since it started, the input 40 KiB,'
		);
	});

	it('reserves Max memory plus the initial memory against the tab budget, at most the budget', () => {
		expect(reservedBytes(17, 17, 2 ** 32)).toBe(34 * 65536);
		expect(reservedBytes(65536, 10, 2 ** 32)).toBe(2 ** 32);
		expect(reservedBytes(null, 10, 2 ** 30)).toBe(2 ** 30);
	});

	it('a trap at the top of initial + Max memory is a limit error that says both', () => {
		const error = classifyCallError(
			{ name: 'RuntimeError', message: 'unreachable' },
			{ exportName: 'hog', hostFailure: null, memoryPages: 65, maxPages: 64, initialPages: 1 }
		);
		expect(error.kind).toBe('limit');
		expect(error.message).toBe(
			'Export "hog" trapped (unreachable) with its memory at 65 pages (4.1 MiB), grown from 1 page (64 KiB), under a Max memory of 64 pages (4 MiB) of growth: an allocation was most likely refused.'
		);
	});
});

describe('the settings manifest of a plugin of several modules', () => {
	const main = 'aa'.repeat(32);
	const side = 'bb'.repeat(32);

	it('names every module under its name, main last, each pinned by its hash', () => {
		const source = {
			kind: 'manifest' as const,
			name: 'shout.json',
			manifest: {
				wasm: [
					{ name: 'shouter', url: 'shouter.wasm' },
					{ name: 'main', data: 'AGFzbQEAAAA=' }
				]
			}
		};
		const wasm = sourceWasmList(source, main, 'https://play.example/', [
			{ name: 'shouter', sha256: side }
		]);
		expect(wasm).toEqual([
			{ url: 'https://play.example/shouter.wasm', name: 'shouter', hash: side },
			{ path: 'shout.1.wasm', name: 'main', hash: main }
		]);
		// The editor's manifest round-trips: the same modules, the settings applied.
		const text = JSON.stringify({ ...settingsManifest(defaultSettings('n'), wasm), timeout_ms: 5 });
		const applied = applySettingsManifest(text, wasm, defaultSettings('n'));
		expect(applied.ok && applied.settings.timeoutMs).toBe(5);
		const dropped = JSON.stringify(settingsManifest(defaultSettings('n'), wasm.slice(1)));
		expect(applySettingsManifest(dropped, wasm, defaultSettings('n')).ok).toBe(false);
	});

	it('a plugin of one module keeps its single entry', () => {
		expect(sourceWasmList({ kind: 'file', name: 'p.wasm' }, main, 'https://x/', [])).toEqual([
			{ path: 'p.wasm', hash: main }
		]);
	});
});

describe('links and workspace files with a plugin of several modules', () => {
	it('carry it with its linked modules, beside the others (more in share-linked.test.ts)', async () => {
		const settings = defaultSettings('n');
		const base = { settings, exportName: 'run', input: '', inputMode: 'text' as const };
		const bytes = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0);
		const shouter = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0);
		const linked: PluginState = {
			...base,
			id: 'm',
			name: 'shout.json',
			source: { kind: 'manifest', name: 'shout.json', manifest: {} },
			sha256: 'aa'.repeat(32),
			linked: [{ name: 'shouter', sha256: 'bb'.repeat(32) }]
		};
		const single: PluginState = {
			...base,
			id: 's',
			name: 'p.wasm',
			source: { kind: 'file', name: 'p.wasm' },
			sha256: null
		};
		for (const limit of [undefined, Infinity]) {
			const { state, notes } = await fromWorkspace(
				{
					workspace: { v: 1, plugins: [linked, single], activeId: 's' },
					modules: new Map([
						['m', bytes],
						['s', bytes]
					]),
					linked: new Map([['m', new Map([['shouter', shouter]])]])
				},
				limit
			);
			expect(notes).toEqual([]);
			expect(state.plugins.map((p) => p.name)).toEqual(['shout.json', 'p.wasm']);
			expect(state.plugins[0]?.linked).toEqual([
				{ name: 'shouter', source: { kind: 'inline', name: 'shouter', bytes: shouter } }
			]);
			expect(state.activeIndex).toBe(1);
		}
	});
});
