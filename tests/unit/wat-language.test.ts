// The WAT tokenizer, through CodeMirror's own parse: which text gets which token, on lines as wasm2wat prints
// them and on hand-written WAT (nested block comments, escaped quotes, hex floats).
import { ensureSyntaxTree } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { watLanguage } from '../../src/components/editor/wat-language';

/** Each token of `doc` as [text, token name], in order. */
function tokens(doc: string): [string, string][] {
	const state = EditorState.create({ doc, extensions: [watLanguage] });
	const tree = ensureSyntaxTree(state, doc.length, 5_000);
	if (!tree) throw new Error('no syntax tree');
	const out: [string, string][] = [];
	tree.iterate({
		enter: (node) => {
			if (!node.type.isTop) out.push([doc.slice(node.from, node.to), node.type.name]);
		}
	});
	return out;
}

/** The token name of the first token whose text is `text`. */
function kindOf(doc: string, text: string): string | undefined {
	return tokens(doc).find(([t]) => t === text)?.[1];
}

describe('watLanguage', () => {
	it('tells structure, types, names, instructions and numbers apart on a wasm2wat line', () => {
		const line = '  (func $add_1 (type 0) (param i32) (result i32)';
		expect(tokens(line)).toEqual([
			['(', 'paren'],
			['func', 'keyword'],
			['$add_1', 'variableName'],
			['(', 'paren'],
			['type', 'keyword'],
			['0', 'number'],
			[')', 'paren'],
			['(', 'paren'],
			['param', 'keyword'],
			['i32', 'typeName'],
			[')', 'paren'],
			['(', 'paren'],
			['result', 'keyword'],
			['i32', 'typeName'],
			[')', 'paren']
		]);
		expect(kindOf('    i64.store offset=8 align=4', 'i64.store')).toBe('operatorKeyword');
		expect(kindOf('    i64.store offset=8 align=4', 'offset=8')).toBe('attributeName');
		expect(kindOf('    br_if 1 (;@2;)', 'br_if')).toBe('controlKeyword');
		expect(kindOf('    br_if 1 (;@2;)', '(;@2;)')).toBe('blockComment');
		expect(kindOf('    f64.const -0x1.8p+3', '-0x1.8p+3')).toBe('number');
		expect(kindOf('    f32.const nan:0x200000', 'nan:0x200000')).toBe('number');
	});

	it('reads a string with escaped quotes and backslashes as one token', () => {
		const line = '  (export "a\\22b\\5c" (func 1)) (data "\\"quoted\\\\" "x")';
		expect(tokens(line).filter(([, kind]) => kind === 'string')).toEqual([
			['"a\\22b\\5c"', 'string'],
			['"\\"quoted\\\\"', 'string'],
			['"x"', 'string']
		]);
	});

	it('keeps nested block comments open across lines, and ends line comments at the line end', () => {
		const doc = '(; outer (; inner ;)\nstill comment ;) (module) ;; note (func\n(func)';
		const kinds = tokens(doc);
		expect(kinds.filter(([, kind]) => kind === 'blockComment').map(([t]) => t)).toEqual([
			'(; outer (; inner ;)',
			'still comment ;)'
		]);
		expect(kinds).toContainEqual([';; note (func', 'lineComment']);
		expect(kinds.filter(([t, kind]) => t === 'module' && kind === 'keyword')).toHaveLength(1);
		expect(kinds.filter(([t, kind]) => t === 'func' && kind === 'keyword')).toHaveLength(1);
	});
});
