import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PlaygroundError } from '../../src/lib/errors';
import { groupImports } from '../../src/lib/host/abi';
import { inspectModule, parseModule } from '../../src/lib/wasm/inspect';
import type { ModuleInfo } from '../../src/lib/wasm/types';

type Wabt = Awaited<ReturnType<typeof import('wabt')>>;
let wabt: Wabt;

beforeAll(async () => {
	wabt = await (await import('wabt')).default();
});

/** Assembles WAT with every feature the fixtures use switched on. */
function wat(text: string): Uint8Array {
	const features = {
		multi_value: true,
		simd: true,
		reference_types: true,
		threads: true,
		memory64: true
	};
	const mod = wabt.parseWat('fixture.wat', text, features);
	try {
		return mod.toBinary({}).buffer;
	} finally {
		mod.destroy();
	}
}

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

function uleb(n: number): number[] {
	const out: number[] = [];
	do {
		const low = n & 0x7f;
		n >>>= 7;
		out.push(n > 0 ? low | 0x80 : low);
	} while (n > 0);
	return out;
}

function str(s: string): number[] {
	const bytes = [...new TextEncoder().encode(s)];
	return [...uleb(bytes.length), ...bytes];
}

function section(id: number, content: number[]): number[] {
	return [id, ...uleb(content.length), ...content];
}

function mod(...sections: number[][]): Uint8Array {
	return Uint8Array.from([...HEADER, ...sections.flat()]);
}

function ascii(s: string): Uint8Array {
	return new TextEncoder().encode(s);
}

function info(bytes: Uint8Array): ModuleInfo {
	const r = inspectModule(bytes);
	if (!r.ok) throw new Error(`expected a module, got: ${r.error.message}`);
	return r.info;
}

function error(bytes: Uint8Array): PlaygroundError {
	const r = inspectModule(bytes);
	if (r.ok) throw new Error('expected an error, got a module');
	expect(r.error.kind).toBe('load');
	expect(r.error.hint.length).toBeGreaterThan(10);
	return r.error;
}

const PLUGIN_WAT = `(module
	(import "extism:host/env" "input_length" (func $input_length (result i64)))
	(import "extism:host/env" "output_set" (func (param i64 i64)))
	(import "extism:host/user" "kv_read" (func (param i64) (result i64)))
	(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
	(memory (export "memory") 1 16)
	(table (export "table") 1 funcref)
	(global (export "answer") i32 (i32.const 42))
	(func (export "greet") (result i32) i32.const 0)
	(func (export "pair") (param f32 f64) (result i64 i32) i64.const 1 i32.const 2)
	(func $helper (param i32))
	(func (export "last") (param i64) (result f64) f64.const 1)
	(export "input_len" (func $input_length)))`;

describe('inspectModule on valid modules', () => {
	it('reads exports with signatures, resolving function indices after the imported ones', () => {
		const m = info(wat(PLUGIN_WAT));
		expect(m.exports).toEqual([
			{ name: 'memory', kind: 'memory' },
			{ name: 'table', kind: 'table' },
			{ name: 'answer', kind: 'global' },
			{ name: 'greet', kind: 'function', signature: { params: [], results: ['i32'] } },
			{
				name: 'pair',
				kind: 'function',
				signature: { params: ['f32', 'f64'], results: ['i64', 'i32'] }
			},
			{ name: 'last', kind: 'function', signature: { params: ['i64'], results: ['f64'] } },
			{ name: 'input_len', kind: 'function', signature: { params: [], results: ['i64'] } }
		]);
	});

	it('reads imports with their signatures, in module order', () => {
		const m = info(wat(PLUGIN_WAT));
		expect(m.imports).toEqual([
			{
				module: 'extism:host/env',
				name: 'input_length',
				kind: 'function',
				signature: { params: [], results: ['i64'] }
			},
			{
				module: 'extism:host/env',
				name: 'output_set',
				kind: 'function',
				signature: { params: ['i64', 'i64'], results: [] }
			},
			{
				module: 'extism:host/user',
				name: 'kv_read',
				kind: 'function',
				signature: { params: ['i64'], results: ['i64'] }
			},
			{
				module: 'wasi_snapshot_preview1',
				name: 'fd_write',
				kind: 'function',
				signature: { params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'] }
			}
		]);
	});

	it('gives imports that group by namespace: Extism kernel, Extism user, WASI', () => {
		const groups = groupImports(info(wat(PLUGIN_WAT)).imports);
		expect([...groups].map(([module, list]) => [module, list.map((i) => i.name)])).toEqual([
			['extism:host/env', ['input_length', 'output_set']],
			['extism:host/user', ['kv_read']],
			['wasi_snapshot_preview1', ['fd_write']]
		]);
	});

	it('agrees with the engine on export and import names and kinds', () => {
		const bytes = wat(PLUGIN_WAT);
		const compiled = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
		const m = info(bytes);
		expect(m.exports.map(({ name, kind }) => ({ name, kind }))).toEqual(
			WebAssembly.Module.exports(compiled)
		);
		expect(m.imports.map(({ module, name, kind }) => ({ module, name, kind }))).toEqual(
			WebAssembly.Module.imports(compiled)
		);
	});

	it('classifies a module importing extism:host/env as extism, and notes WASI', () => {
		const bytes = wat(PLUGIN_WAT);
		const m = info(bytes);
		expect(m.flavor).toBe('extism');
		expect(m.needsWasi).toBe(true);
		expect(m.size).toBe(bytes.length);
	});

	it('classifies a module without Extism imports as raw', () => {
		const m = info(
			wat('(module (memory 2) (func (export "run") (param i32 i32) (result i32) i32.const 0))')
		);
		expect(m.flavor).toBe('raw');
		expect(m.needsWasi).toBe(false);
		expect(m.imports).toEqual([]);
	});

	it('classifies a module that imports only extism:host/user as raw', () => {
		const m = info(wat('(module (import "extism:host/user" "log" (func (param i64))))'));
		expect(m.flavor).toBe('raw');
	});

	it('classifies a WASI command as raw but needing WASI', () => {
		const m = info(
			wat(`(module
				(import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
				(memory (export "memory") 1)
				(func (export "_start")))`)
		);
		expect(m.flavor).toBe('raw');
		expect(m.needsWasi).toBe(true);
	});

	it('reads memory limits: no maximum is null', () => {
		expect(info(wat('(module (memory 3))')).memories).toEqual([
			{ minPages: 3, maxPages: null, imported: false, shared: false, memory64: false }
		]);
	});

	it('reads memory limits with a maximum, including multi-byte LEB128 values', () => {
		expect(info(wat('(module (memory 200 65536))')).memories).toEqual([
			{ minPages: 200, maxPages: 65536, imported: false, shared: false, memory64: false }
		]);
	});

	it('reads an imported memory and marks it imported', () => {
		const m = info(wat('(module (import "env" "memory" (memory 1 2)))'));
		expect(m.memories).toEqual([
			{ minPages: 1, maxPages: 2, imported: true, shared: false, memory64: false }
		]);
		expect(m.imports).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
	});

	it('reads shared and 64-bit memories', () => {
		expect(info(wat('(module (memory 1 4 shared))')).memories[0]).toMatchObject({
			minPages: 1,
			maxPages: 4,
			shared: true,
			memory64: false
		});
		expect(info(wat('(module (memory i64 2 8))')).memories[0]).toMatchObject({
			minPages: 2,
			maxPages: 8,
			shared: false,
			memory64: true
		});
	});

	it('reads v128 and reference types in signatures', () => {
		const m = info(
			wat('(module (func (export "v") (param v128 externref funcref) (result v128) local.get 0))')
		);
		expect(m.exports[0]?.signature).toEqual({
			params: ['v128', 'externref', 'funcref'],
			results: ['v128']
		});
	});

	it('reports an unknown value type as unknown and keeps reading', () => {
		// type section: one func type (param 0x6e) (result i32); 0x6e is anyref from the GC proposal.
		const bytes = mod(
			section(1, [1, 0x60, 1, 0x6e, 1, 0x7f]),
			section(3, [1, 0]),
			section(7, [1, ...str('f'), 0, 0])
		);
		expect(info(bytes).exports).toEqual([
			{ name: 'f', kind: 'function', signature: { params: ['unknown'], results: ['i32'] } }
		]);
	});

	it('consumes the heap type of (ref null $t) so later types stay in step', () => {
		const bytes = mod(
			section(1, [2, 0x60, 1, 0x63, 0x00, 0, 0x60, 0, 1, 0x7e]),
			section(3, [2, 0, 1]),
			section(7, [1, ...str('g'), 0, 1])
		);
		expect(info(bytes).exports[0]?.signature).toEqual({ params: [], results: ['i64'] });
	});

	it('lists custom sections by name, in order', () => {
		const bytes = Uint8Array.from([
			...wat('(module (func (export "f")))'),
			...section(0, [...str('producers'), 1, 2, 3]),
			...section(0, str('name'))
		]);
		expect(info(bytes).customSections).toEqual(['producers', 'name']);
	});

	it('skips sections it does not read (code, data, global, element, start)', () => {
		const m = info(
			wat(`(module
				(memory 1)
				(global $g (mut i32) (i32.const 1))
				(table 2 funcref)
				(elem (i32.const 0) $a $a)
				(data (i32.const 0) "hello")
				(start $a)
				(func $a)
				(func (export "b") (result i32) global.get $g))`)
		);
		expect(m.exports).toEqual([
			{ name: 'b', kind: 'function', signature: { params: [], results: ['i32'] } }
		]);
	});

	it('accepts an empty module', () => {
		expect(info(Uint8Array.from(HEADER))).toEqual({
			size: 8,
			flavor: 'raw',
			needsWasi: false,
			exports: [],
			imports: [],
			memories: [],
			customSections: [],
			hasStart: false
		});
	});

	it('gives each caller its own signature arrays', () => {
		const m = info(wat('(module (func (export "a") (param i32)) (func (export "b") (param i32)))'));
		m.exports[0]?.signature?.params.push('f64');
		expect(m.exports[1]?.signature?.params).toEqual(['i32']);
	});
});

describe('parseModule layout', () => {
	it('locates each section and the memory entries', () => {
		const bytes = wat('(module (memory 1 2) (func (export "f")))');
		const r = parseModule(bytes);
		if (!r.ok) throw new Error(r.error.message);
		const ids = r.layout.sections.map((s) => s.id);
		expect(ids).toEqual([1, 3, 5, 7, 10]);
		const mem = r.layout.sections.find((s) => s.id === 5);
		expect(mem && [...bytes.subarray(mem.start, mem.end)]).toEqual([5, 4, 1, 1, 1, 2]);
		expect(r.layout.memoryEntries).toHaveLength(1);
		const entry = r.layout.memoryEntries[0];
		expect(entry && [...bytes.subarray(entry.start, entry.end)]).toEqual([1, 1, 2]);
		expect(entry?.flags).toBe(1);
	});
});

describe('inspectModule errors', () => {
	it('says an empty file is empty', () => {
		expect(error(new Uint8Array()).message).toBe('The file is empty (0 bytes).');
	});

	it('recognises an HTML page', () => {
		const e = error(ascii('<!DOCTYPE html>\n<html><body>Not found</body></html>'));
		expect(e.message).toBe(
			'This is not a WebAssembly module: it starts with `<!DOCTYPE` — this looks like an HTML page, not a .wasm file.'
		);
		expect(e.hint).toMatch(/raw \.wasm/);
	});

	it('recognises HTML after a byte-order mark and leading whitespace', () => {
		const e = error(Uint8Array.from([0xef, 0xbb, 0xbf, ...ascii('\n  <html lang="en">')]));
		expect(e.message).toContain('starts with `<html`');
		expect(e.message).toContain('HTML page');
	});

	it('recognises JSON and points at manifests', () => {
		const e = error(ascii('{"wasm": [{"url": "https://example.com/p.wasm"}]}'));
		expect(e.message).toContain('starts with `{"wasm":`');
		expect(e.message).toContain('this looks like JSON, not a .wasm file');
		expect(e.hint).toMatch(/manifest/);
	});

	it('recognises WebAssembly text', () => {
		const e = error(ascii('(module (func))'));
		expect(e.message).toContain('WebAssembly text (WAT)');
		expect(e.hint).toMatch(/wat2wasm/);
	});

	it('calls other text a text file', () => {
		expect(error(ascii('hello world')).message).toContain(
			'starts with `hello` — this looks like a text file'
		);
		expect(error(ascii('   \n\n  ')).message).toContain('nothing but whitespace');
	});

	it('recognises gzip, zip and ELF files by their magic', () => {
		const gz = error(Uint8Array.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0]));
		expect(gz.message).toContain(
			'starts with the bytes 1f 8b 08 00 — this looks like a gzip-compressed file'
		);
		expect(gz.hint).toMatch(/Decompress/);
		expect(error(Uint8Array.from([0x50, 0x4b, 3, 4, 0])).message).toContain('a zip archive');
		expect(error(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1])).message).toContain(
			'native executable (ELF)'
		);
	});

	it('lists the first bytes of other binary files', () => {
		expect(error(Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x00])).message).toBe(
			'This is not a WebAssembly module: it starts with the bytes de ad be ef, not 00 61 73 6d ("\\0asm").'
		);
	});

	it('calls a short prefix of the magic a truncated header', () => {
		expect(error(Uint8Array.from([0x00, 0x61, 0x73])).message).toBe(
			'The file ends at byte 3 inside the module header (8 bytes); it is truncated: download it again.'
		);
		expect(error(Uint8Array.from(HEADER.slice(0, 6))).message).toContain('ends at byte 6');
	});

	it('rejects other binary versions', () => {
		const e = error(Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00]));
		expect(e.message).toBe(
			'Unsupported WebAssembly binary version 2 (0x00000002); only version 1 exists for core modules.'
		);
	});

	it('explains that a component is not a core module', () => {
		const e = error(Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]));
		expect(e.message).toMatch(/WebAssembly component/);
		expect(e.hint).toMatch(/core module/);
	});

	it('names the section a truncated file ends in', () => {
		const full = wat(PLUGIN_WAT);
		const r = parseModule(full);
		if (!r.ok) throw new Error(r.error.message);
		const code = r.layout.sections.find((s) => s.id === 10);
		if (!code) throw new Error('no code section');
		const cut = code.contentStart + 3;
		expect(error(full.subarray(0, cut)).message).toBe(
			`The file ends at byte ${cut} inside the code section; it is truncated: download it again.`
		);
	});

	it('names a section header that the file ends in', () => {
		expect(error(mod([1])).message).toBe(
			'The file ends at byte 9 inside the header of the type section; it is truncated: download it again.'
		);
		expect(error(mod([2, 0x80])).message).toContain('inside the header of the import section');
	});

	it('rejects LEB128 integers that are too long or too large', () => {
		expect(error(mod([1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00])).message).toBe(
			'Malformed LEB128 integer at byte 9 in the header of the type section: it is longer than 5 bytes.'
		);
		expect(error(mod([1, 0xff, 0xff, 0xff, 0xff, 0x7f])).message).toBe(
			'Malformed LEB128 integer at byte 9 in the header of the type section: it does not fit in 32 bits.'
		);
		expect(error(mod(section(3, [0x80, 0x80, 0x80, 0x80, 0x10]))).message).toContain(
			'at byte 10 in the function section: it does not fit in 32 bits'
		);
	});

	it('accepts the largest 32-bit LEB128 and a padded one', () => {
		const padded = mod([3, 0x81, 0x80, 0x80, 0x80, 0x00, 0x00]);
		expect(inspectModule(padded).ok).toBe(true);
		const r = inspectModule(
			mod(section(1, [1, 0x60, 0, 0]), section(3, [1, 0xff, 0xff, 0xff, 0xff, 0x0f]))
		);
		expect(r.ok).toBe(false);
		if (!r.ok) {
			expect(r.error.message).toBe(
				'The module is malformed: function 0 uses type 4294967295, but the type section declares only 1 type.'
			);
		}
	});

	it('reports an entry that runs past its section', () => {
		const bytes = mod(section(1, [1, 0x60]), section(0, str('after')));
		expect(error(bytes).message).toBe(
			"The type section is malformed: an entry at byte 12 runs past the section's end at byte 12."
		);
	});

	it('reports bytes left over after a section’s entries', () => {
		const bytes = mod(section(1, [1, 0x60, 0, 0, 0xaa]));
		expect(error(bytes).message).toBe(
			'The type section is malformed: it declares 5 bytes, but its entries end at byte 14, 1 byte before the section does.'
		);
	});

	it('rejects GC type forms clearly', () => {
		const e = error(mod(section(1, [1, 0x5f, 0])));
		expect(e.message).toBe(
			'Type 0 (byte 11) is a struct type (form 0x5f) from the garbage-collection or stack-switching proposals; the playground reads only function types (form 0x60).'
		);
		expect(e.hint).toMatch(/without the GC/);
		expect(error(mod(section(1, [1, 0x4e, 0]))).message).toContain(
			'a recursive type group (form 0x4e)'
		);
	});

	it('rejects unknown type forms as malformed', () => {
		expect(error(mod(section(1, [1, 0x40]))).message).toBe(
			'The type section is malformed: type 0 at byte 11 has unknown form 0x40; only function types (0x60) exist.'
		);
	});

	it('rejects an unknown import kind', () => {
		expect(error(mod(section(2, [1, ...str('env'), ...str('x'), 0x07]))).message).toBe(
			'The import section is malformed: import 0 ("env" "x") has unknown kind 0x07 at byte 17.'
		);
	});

	it('rejects an unknown export kind', () => {
		expect(error(mod(section(7, [1, ...str('f'), 0x09, 0]))).message).toContain(
			'export 0 ("f") has unknown kind 0x09'
		);
	});

	it('rejects names that are not UTF-8', () => {
		expect(error(mod(section(7, [1, 2, 0xc3, 0x28, 0, 0]))).message).toBe(
			'The export section is malformed: the name at byte 11 is not valid UTF-8.'
		);
	});

	it('rejects an export of a function that does not exist', () => {
		expect(error(mod(section(7, [1, ...str('ghost'), 0, 5]))).message).toBe(
			'The module is malformed: export "ghost" refers to function 5, but the module has only 0 functions.'
		);
	});

	it('rejects an import whose type index is out of range', () => {
		const bytes = mod(section(1, [1, 0x60, 0, 0]), section(2, [1, ...str('m'), ...str('f'), 0, 3]));
		expect(error(bytes).message).toBe(
			'The module is malformed: import "m" "f" uses type 3, but the type section declares only 1 type.'
		);
	});

	it('rejects unknown memory limits flags', () => {
		expect(error(mod(section(5, [1, 0x10, 1]))).message).toBe(
			'The memory section is malformed: memory 0 at byte 11 has unknown limits flags 0x10.'
		);
	});

	it('reports a custom section whose name runs past it', () => {
		const bytes = mod(section(0, [5, 0x61]), section(0, str('next')));
		expect(error(bytes).message).toContain('The custom section is malformed');
	});
});

/** Ends of the header and of every section, found by a walker independent of the parser. */
function sectionBoundaries(bytes: Uint8Array): Set<number> {
	const ends = new Set([8]);
	let pos = 8;
	while (pos < bytes.length) {
		pos++;
		let size = 0;
		let shift = 0;
		let b: number;
		do {
			b = bytes[pos++] ?? 0;
			size |= (b & 0x7f) << shift;
			shift += 7;
		} while (b & 0x80);
		pos += size;
		ends.add(pos);
	}
	return ends;
}

describe('inspectModule on truncated modules', () => {
	it('fails with "truncated" at every cut except section boundaries', () => {
		const full = wat(PLUGIN_WAT);
		const boundaries = sectionBoundaries(full);
		for (let length = 1; length < full.length; length++) {
			const r = inspectModule(full.subarray(0, length));
			if (boundaries.has(length)) expect(r.ok, `cut at ${length}`).toBe(true);
			else {
				expect(r.ok, `cut at ${length}`).toBe(false);
				if (!r.ok) expect(r.error.message).toMatch(/ends at byte \d+ inside .*truncated/);
			}
		}
	});
});

describe('inspectModule against the engine', () => {
	it('accepts every single-bit flip the engine accepts, reading the same imports and exports', () => {
		const original = wat(PLUGIN_WAT);
		let accepted = 0;
		for (let at = 0; at < original.length; at++) {
			for (let bit = 0; bit < 8; bit++) {
				const bytes = original.slice();
				bytes[at] = (bytes[at] ?? 0) ^ (1 << bit);
				const r = inspectModule(bytes);
				if (!WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)) continue;
				accepted++;
				if (!r.ok) throw new Error(`flip of bit ${bit} at byte ${at}: ${r.error.message}`);
				const compiled = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
				expect(r.info.exports.map(({ name, kind }) => ({ name, kind }))).toEqual(
					WebAssembly.Module.exports(compiled)
				);
				expect(r.info.imports.map(({ module, name, kind }) => ({ module, name, kind }))).toEqual(
					WebAssembly.Module.imports(compiled)
				);
			}
		}
		expect(accepted).toBeGreaterThan(50);
	});
});

describe('inspectModule never throws', () => {
	function isResult(r: ReturnType<typeof inspectModule>): boolean {
		if (r.ok) return Array.isArray(r.info.exports) && r.info.size >= 8;
		return r.error.kind === 'load' && r.error.message.length > 0 && r.error.hint.length > 0;
	}

	it('on arbitrary bytes', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => isResult(inspectModule(bytes))),
			{ numRuns: 2000 }
		);
	});

	it('on arbitrary bytes after a valid header', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 256 }), (tail) =>
				isResult(inspectModule(Uint8Array.from([...HEADER, ...tail])))
			),
			{ numRuns: 2000 }
		);
	});

	it('on truncated and bit-flipped valid modules, agreeing with the engine when it accepts them', () => {
		const original = wat(PLUGIN_WAT);
		const mutation = fc.record({
			cut: fc.nat({ max: original.length }),
			flips: fc.array(fc.tuple(fc.nat(), fc.nat({ max: 7 })), { maxLength: 4 })
		});
		fc.assert(
			fc.property(mutation, ({ cut, flips }) => {
				const bytes = original.slice(0, cut);
				for (const [at, bit] of flips) {
					if (bytes.length > 0) bytes[at % bytes.length] ^= 1 << bit;
				}
				const r = inspectModule(bytes);
				if (!isResult(r)) return false;
				if (!WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)) return true;
				if (!r.ok) return false;
				const compiled = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
				expect(r.info.exports.map(({ name, kind }) => ({ name, kind }))).toEqual(
					WebAssembly.Module.exports(compiled)
				);
				expect(r.info.imports.map(({ module, name, kind }) => ({ module, name, kind }))).toEqual(
					WebAssembly.Module.imports(compiled)
				);
				return true;
			}),
			{ numRuns: 2000 }
		);
	});
});
