import { describe, expect, it } from 'vitest';
import { groupExports, internalReason, isWasiCommand } from '../../src/lib/wasm/exports';
import type { ExportInfo, ModuleInfo } from '../../src/lib/wasm/types';

type Info = Pick<ModuleInfo, 'exports' | 'needsWasi'>;

const fn = (name: string, params: number = 0, results: number = 0): ExportInfo => ({
	name,
	kind: 'function',
	signature: { params: Array(params).fill('i32'), results: Array(results).fill('i32') }
});
const memory: ExportInfo = { name: 'memory', kind: 'memory' };
const global = (name: string): ExportInfo => ({ name, kind: 'global' });

describe('groupExports', () => {
	it('TinyGo WASI command: only _start is callable, the runtime is internal', () => {
		// The export list of a TinyGo `-target wasip1` build.
		const info: Info = {
			needsWasi: true,
			exports: [
				memory,
				fn('malloc', 1, 1),
				fn('free', 1),
				fn('calloc', 2, 1),
				fn('realloc', 2, 1),
				fn('_start'),
				fn('asyncify_start_unwind', 1),
				fn('asyncify_stop_unwind'),
				fn('asyncify_start_rewind', 1),
				fn('asyncify_stop_rewind'),
				fn('asyncify_get_state', 0, 1)
			]
		};
		expect(groupExports(info)).toEqual({
			callable: ['_start'],
			internal: [
				'malloc',
				'free',
				'calloc',
				'realloc',
				'asyncify_start_unwind',
				'asyncify_stop_unwind',
				'asyncify_start_rewind',
				'asyncify_stop_rewind',
				'asyncify_get_state'
			],
			command: true
		});
	});

	it('TinyGo Extism plugin: its functions first, _start last, allocators internal', () => {
		const info: Info = {
			needsWasi: true,
			exports: [memory, fn('malloc', 1, 1), fn('greet', 0, 1), fn('_start'), fn('count', 0, 1)]
		};
		const groups = groupExports(info);
		expect(groups.callable).toEqual(['greet', 'count', '_start']);
		expect(groups.internal).toEqual(['malloc']);
	});

	it('AssemblyScript with --exportRuntime, Rust and C reactors: runtime symbols are internal', () => {
		const info: Info = {
			needsWasi: true,
			exports: [
				fn('count_vowels', 0, 1),
				fn('__new', 2, 1),
				fn('__pin', 1, 1),
				fn('__unpin', 1),
				fn('__collect'),
				global('__rtti_base'),
				global('__data_end'),
				global('__heap_base'),
				{ name: '__indirect_function_table', kind: 'table' },
				fn('_initialize'),
				fn('hs_init', 2),
				fn('cabi_realloc', 4, 1),
				fn('__wbindgen_malloc', 2, 1),
				fn('stackSave', 0, 1),
				fn('emscripten_stack_init'),
				memory
			]
		};
		expect(groupExports(info)).toEqual({
			callable: ['count_vowels'],
			internal: [
				'__new',
				'__pin',
				'__unpin',
				'__collect',
				'_initialize',
				'hs_init',
				'cabi_realloc',
				'__wbindgen_malloc',
				'stackSave',
				'emscripten_stack_init'
			],
			command: false
		});
	});

	it('_start of a module that is not a WASI command is internal', () => {
		// No WASI imports: the SDK runs `_start` itself at instantiation.
		expect(groupExports({ needsWasi: false, exports: [fn('_start'), fn('run')] })).toEqual({
			callable: ['run'],
			internal: ['_start'],
			command: false
		});
		// A `_start` with parameters is no WASI entry point.
		expect(isWasiCommand({ needsWasi: true, exports: [fn('_start', 1)] })).toBe(false);
	});

	it('Bifrost raw-ABI plugin: hooks callable, its allocator internal', () => {
		const info: Info = {
			needsWasi: false,
			exports: [
				memory,
				fn('plugin_malloc', 1, 1),
				fn('plugin_free', 1),
				fn('get_name', 0, 1),
				fn('pre_hook', 2, 1)
			]
		};
		expect(groupExports(info).callable).toEqual(['get_name', 'pre_hook']);
		expect(groupExports(info).internal).toEqual(['plugin_malloc', 'plugin_free']);
	});

	it('a module of internals only has nothing callable to default to', () => {
		expect(groupExports({ needsWasi: false, exports: [fn('malloc', 1, 1), memory] })).toEqual({
			callable: [],
			internal: ['malloc'],
			command: false
		});
	});
});

describe('internalReason', () => {
	it('names why an export is internal, and passes plugin functions', () => {
		expect(internalReason('malloc', false)).toBe('allocator');
		expect(internalReason('asyncify_get_state', false)).toContain('asyncify');
		expect(internalReason('__heap_base', false)).toContain('runtime');
		expect(internalReason('_start', true)).toBeNull();
		expect(internalReason('greet', false)).toBeNull();
		// Names that only look like internals are the plugin's own.
		expect(internalReason('mallocate_seats', false)).toBeNull();
		expect(internalReason('_private', false)).toBeNull();
		expect(internalReason('toString', false)).toBeNull();
		expect(internalReason('constructor', false)).toBeNull();
	});
});
