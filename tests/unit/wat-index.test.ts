// Finding exports, imports and definitions in WAT text as wabt's wasm2wat prints it, names with odd bytes
// included. The texts come from wabt itself (WAT -> binary -> WAT), so the tests follow wabt's real output.
import wabtInit from 'wabt';
import { describe, expect, it } from 'vitest';
import {
	countLines,
	exportTarget,
	findDefinition,
	findExport,
	findImport,
	lineAt,
	watQuote
} from '../../src/lib/wasm/wat-index';

const wabt = await wabtInit();

/** A WAT string literal with every byte escaped, so any name survives the parser. */
const lit = (s: string) =>
	`"${[...new TextEncoder().encode(s)].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('')}"`;

/** WAT source -> binary (with names) -> WAT text, as the WAT view shows it. */
function roundTrip(source: string): string {
	const parsed = wabt.parseWat('t.wat', source, { multi_value: true });
	const binary = parsed.toBinary({ write_debug_names: true }).buffer;
	parsed.destroy();
	const read = wabt.readWasm(binary, { readDebugNames: true, multi_value: true });
	try {
		read.applyNames();
		return read.toText({ foldExprs: false, inlineExport: false });
	} finally {
		read.destroy();
	}
}

/** The text of a found line. */
const textOf = (text: string, line: { from: number; to: number } | null) =>
	line ? text.slice(line.from, line.to) : null;

const ODD = [
	'greet',
	'say "hi"',
	'back\\slash',
	'héllo ✓ 😀',
	'tab\tnew\nline\u0001\u007f',
	'',
	// Looks like a field of its own: the escapes keep it on its line.
	'x" (func $main))\n  (export "main'
];

describe('watQuote', () => {
	it('writes printable ASCII as is and escapes the rest as wabt does', () => {
		expect(watQuote('greet')).toBe('"greet"');
		expect(watQuote('a"b\\c')).toBe('"a\\22b\\5cc"');
		expect(watQuote('é\n\u007f~ ')).toBe('"\\c3\\a9\\0a\\7f~ "');
		expect(watQuote('')).toBe('""');
	});
});

describe('findExport and findImport', () => {
	const exports = ODD.map((name) => `(export ${lit(name)} (func $main))`).join('\n');
	const source = `(module
		(import ${lit('env "x"')} ${lit('log\\ü')} (func $log (param i32)))
		(import "extism:host/env" "output_set" (func $out (param i64 i64)))
		(import ${lit('x" (func $main (type ')} "m" (memory 1))
		(func $main (result i32) (i32.const 1))
		(func (param i32) (result i32 i32) (local.get 0) (local.get 0))
		(global $g (mut i32) (i32.const 0))
		(export "anon" (func 3))
		(export "g" (global $g))
		(export "mem" (memory 0))
		(export "log" (func $log))
		${exports})`;
	const text = roundTrip(source);

	it('finds the line of every export, whatever bytes its name has', () => {
		for (const name of ODD) {
			const line = textOf(text, findExport(text, name));
			const field = `  (export ${watQuote(name)} (func $main))`;
			// The module's last field also closes the module.
			expect([field, `${field})`], name).toContain(line);
		}
	});

	it('does not match a name that only contains another', () => {
		expect(findExport(text, 'gree')).toBeNull();
		expect(findExport(text, 'main')).toBeNull();
		expect(findExport(text, 'nope')).toBeNull();
	});

	it('finds imports by module and name', () => {
		expect(textOf(text, findImport(text, 'env "x"', 'log\\ü'))).toBe(
			'  (import "env \\22x\\22" "log\\5c\\c3\\bc" (func $log (type 0)))'
		);
		expect(textOf(text, findImport(text, 'extism:host/env', 'output_set'))).toContain(
			'"output_set" (func $out'
		);
		expect(findImport(text, 'extism:host/env', 'output')).toBeNull();
		expect(findImport(text, 'env', 'log\\ü')).toBeNull();
	});

	it('follows an export to the function, global, memory or import it names', () => {
		const definition = (name: string) => {
			const line = findExport(text, name);
			const target = line && exportTarget(text, line);
			return textOf(text, target && findDefinition(text, target));
		};
		expect(definition('greet')).toMatch(/^ {2}\(func \$main \(type \d+\) \(result i32\)$/);
		expect(definition('x" (func $main))\n  (export "main')).toMatch(/^ {2}\(func \$main /);
		expect(definition('anon')).toMatch(/^ {2}\(func \(;3;\) \(type \d+\) \(param i32\)/);
		expect(definition('g')).toBe('  (global $g (mut i32) (i32.const 0))');
		expect(definition('log')).toMatch(/^ {2}\(import .* \(func \$log \(type 0\)\)\)$/);
		// The memory is imported under a module name that spells a function's definition.
		expect(definition('mem')).toMatch(/^ {2}\(import "x\\22 \(func \$main \(type " "m" \(memory/);
	});

	it('reads an export line into its kind and reference', () => {
		const line = findExport(text, 'anon');
		expect(line && exportTarget(text, line)).toEqual({ kind: 'func', ref: '3' });
		expect(exportTarget(text, lineAt(text, 0))).toBeNull();
	});
});

describe('findDefinition', () => {
	it('tells $f from $f.1 and finds nothing for a reference the text lacks', () => {
		const text =
			'(module\n  (func $f.1 (type 0))\n  (func $f (type 0))\n  (export "f" (func $f)))\n';
		expect(textOf(text, findDefinition(text, { kind: 'func', ref: '$f' }))).toBe(
			'  (func $f (type 0))'
		);
		expect(findDefinition(text, { kind: 'func', ref: '$g' })).toBeNull();
		expect(findDefinition(text, { kind: 'global', ref: '$f' })).toBeNull();
	});
});

describe('lineAt and countLines', () => {
	it('gives the line around an offset and counts lines', () => {
		const text = 'ab\ncd\n\nef';
		expect(lineAt(text, 0)).toEqual({ from: 0, to: 2 });
		expect(lineAt(text, 4)).toEqual({ from: 3, to: 5 });
		expect(lineAt(text, 6)).toEqual({ from: 6, to: 6 });
		expect(lineAt(text, 9)).toEqual({ from: 7, to: 9 });
		expect(countLines(text)).toBe(4);
		expect(countLines(`${text}\n`)).toBe(4);
		expect(countLines('')).toBe(0);
		expect(countLines('x')).toBe(1);
	});
});
