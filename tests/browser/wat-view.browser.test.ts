// The WAT view's state with its real worker and wabt: a built example, a 2 MB module, the cache, a module
// wabt cannot read, and a late answer for a module no longer shown.
import { afterEach, describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { findDefinition, exportTarget, findExport, findImport } from '../../src/lib/wasm/wat-index';
import { WatView } from '../../src/state/wat-view.svelte';
import { bigModule } from '../fixtures/big-module';
import { exampleBytes, examples } from './helpers';

const views: WatView[] = [];
afterEach(() => {
	for (const v of views.splice(0)) v.dispose();
});

function newView(): WatView {
	const view = new WatView();
	views.push(view);
	return view;
}

/** Records main-thread tasks over 50 ms while `work` runs; resolves with the longest. */
async function longestTaskDuring(work: () => Promise<void>): Promise<number> {
	const tasks: number[] = [];
	// Only tasks that start from here: the task that built the test's module is reported too.
	const t0 = performance.now();
	const observer = new PerformanceObserver((list) => {
		for (const entry of list.getEntries()) if (entry.startTime >= t0) tasks.push(entry.duration);
	});
	observer.observe({ type: 'longtask' });
	await new Promise((resolve) => setTimeout(resolve, 0));
	await work();
	// Entries are delivered after the task that produced them.
	await new Promise((resolve) => setTimeout(resolve, 100));
	observer.disconnect();
	return Math.max(0, ...tasks);
}

describe('WatView', () => {
	it('converts a built example and finds its exports, imports and definitions', async () => {
		const view = newView();
		const bytes = await exampleBytes('greet');
		await view.show([{ name: 'greet', bytes, sha256: 'greet-test' }]);
		expect(view.status).toBe('ready');
		const text = view.text ?? '';
		expect(text.startsWith('(module')).toBe(true);
		const exported = findExport(text, 'greet');
		expect(exported).not.toBeNull();
		// The export points to a function defined in the text (by index: the examples carry no names).
		const target = exported && exportTarget(text, exported);
		expect(target?.kind).toBe('func');
		const definition = target && findDefinition(text, target);
		expect(definition && text.slice(definition.from, definition.to)).toMatch(
			/^ {2}\(func (\$\S+|\(;\d+;\)) \(type \d+\)/
		);
		expect(findImport(text, 'extism:host/env', 'output_set')).not.toBeNull();
		expect(view.stats).toMatchObject({ moduleBytes: bytes.byteLength, watChars: text.length });
		expect(view.stats?.lines).toBe(text.split('\n').length - 1);
		// The caller keeps its bytes: the view sends a copy.
		expect(bytes.byteLength).toBeGreaterThan(0);
	});

	it('converts every built example (AssemblyScript, C, WAT)', async () => {
		const view = newView();
		const all = await examples();
		expect(all.length).toBeGreaterThan(10);
		for (const example of all) {
			const bytes = await exampleBytes(example.name);
			await view.show([{ name: example.name, bytes }]);
			expect(view.error, example.name).toBeNull();
			expect(view.text?.startsWith('(module'), example.name).toBe(true);
			if (example.export)
				expect(findExport(view.text ?? '', example.export), example.name).not.toBeNull();
		}
	});

	it('converts a module using features beyond the MVP, memory64, SIMD and exceptions among them', async () => {
		const wabt = await wabtInit();
		const all = {
			exceptions: true,
			threads: true,
			simd: true,
			relaxed_simd: true,
			tail_call: true,
			memory64: true,
			multi_memory: true,
			multi_value: true,
			bulk_memory: true
		};
		const parsed = wabt.parseWat(
			'features.wat',
			`(module
				(memory $wide i64 1)
				(memory $shared 1 1 shared)
				(tag $oops (param i32))
				(func $pair (export "pair") (param i32) (result i32 i32) (local.get 0) (local.get 0))
				(func (export "simd") (result v128)
					(i32x4.add (v128.const i32x4 1 2 3 4) (v128.const i32x4 5 6 7 8)))
				(func (export "bulk") (memory.copy $wide $wide (i64.const 0) (i64.const 8) (i64.const 4)))
				(func (export "atomic") (result i32) (i32.atomic.load $shared (i32.const 0)))
				(func (export "sat") (param f32) (result i32) (i32.extend8_s (i32.trunc_sat_f32_s (local.get 0))))
				(func (export "tail") (param i32) (result i32 i32) (return_call $pair (local.get 0)))
				(func (export "throws") (throw $oops (i32.const 1)))
				(func (export "relaxed") (param v128 v128) (result v128)
					(i32x4.relaxed_laneselect (local.get 0) (local.get 1) (local.get 0))))`,
			all
		);
		const bytes = parsed.toBinary({ write_debug_names: true }).buffer.slice();
		parsed.destroy();
		const view = newView();
		await view.show([{ name: 'features', bytes }]);
		expect(view.error).toBeNull();
		const text = view.text ?? '';
		for (const piece of [
			'(memory $wide i64 1)',
			'(memory $shared 1 1 shared)',
			'(result i32 i32)',
			'i32x4.add',
			'memory.copy',
			'i32.atomic.load',
			'i32.trunc_sat_f32_s',
			'return_call $pair',
			'throw $oops',
			'i32x4.relaxed_laneselect'
		]) {
			expect(text).toContain(piece);
		}
	});

	it('shows a module again from its cache at once', async () => {
		const view = newView();
		const bytes = await exampleBytes('count-vowels');
		await view.show([{ name: 'count-vowels', bytes }]);
		const first = view.text;
		expect(view.stats?.ms).toBeGreaterThan(0);
		const again = view.show([{ name: 'count-vowels', bytes }], 0, {
			kind: 'export',
			name: 'count_vowels'
		});
		// No round trip to the worker: the text is there before the promise settles.
		expect(view.status).toBe('ready');
		expect(view.text).toBe(first);
		await again;
		expect(view.stats?.ms).toBe(0);
		expect(view.target?.at).toEqual({ kind: 'export', name: 'count_vowels' });
	});

	it('converts a 2 MB module in the worker without a long main-thread task', async () => {
		const view = newView();
		const { bytes, functions } = bigModule(2 * 1024 * 1024);
		let started = 0;
		const longest = await longestTaskDuring(async () => {
			started = performance.now();
			await view.show([{ name: 'big', bytes }]);
		});
		const elapsed = performance.now() - started;
		expect(view.status).toBe('ready');
		const text = view.text ?? '';
		console.log(
			`[wat-view] ${bytes.byteLength} B module -> ${text.length} chars, ${view.stats?.lines} lines; ` +
				`worker ${view.stats?.ms.toFixed(0)} ms, round trip ${elapsed.toFixed(0)} ms, longest task ${longest.toFixed(0)} ms`
		);
		expect(view.stats?.lines).toBeGreaterThan(500_000);
		const last = findExport(text, `f${functions - 1}`);
		expect(last && text.slice(last.from, last.to)).toContain(`(func $add_${functions - 1})`);
		// Converting on the page would hold it for seconds; a loaded machine stretches a task, never that far.
		expect(longest).toBeLessThan(1_000);
	});

	it('reports a module wabt cannot read as an error, and keeps working', async () => {
		const view = newView();
		await view.show([
			{ name: 'broken', bytes: Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 9]) }
		]);
		expect(view.status).toBe('failed');
		expect(view.text).toBeNull();
		expect(view.error?.kind).toBe('load');
		expect(view.error?.message).toMatch(/^wasm2wat could not read this module: .*section/);
		await view.show([{ name: 'echo', bytes: await exampleBytes('echo') }]);
		expect(view.status).toBe('ready');
		expect(view.error).toBeNull();
	});

	it('drops the answer for a module that is no longer shown', async () => {
		const view = newView();
		const big = bigModule(512 * 1024).bytes;
		const small = await exampleBytes('echo');
		const modules = [
			{ name: 'big', bytes: big },
			{ name: 'echo', bytes: small }
		];
		const slow = view.show(modules, 0);
		const fast = view.select(1);
		await Promise.all([slow, fast]);
		expect(view.index).toBe(1);
		expect(view.module?.name).toBe('echo');
		expect(view.stats?.moduleBytes).toBe(small.byteLength);
		expect(view.text).not.toContain('$add_0');
	});
});
