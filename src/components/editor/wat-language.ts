/**
 * WebAssembly text format (WAT) highlighting for CodeMirror: a small line tokenizer, enough to tell
 * keywords, instructions, types, names, numbers, strings and comments apart. Shared by the WAT view and
 * any later WAT editor.
 */
import { HighlightStyle, StreamLanguage, type StringStream } from '@codemirror/language';
import { tags } from '@lezer/highlight';

/** Nesting depth of `(; … ;)` block comments (they nest in WAT). */
interface WatState {
	commentDepth: number;
}

/** Words that build the module's structure rather than run. */
const KEYWORDS = new Set([
	'module',
	'type',
	'func',
	'param',
	'result',
	'local',
	'global',
	'memory',
	'table',
	'elem',
	'data',
	'import',
	'export',
	'start',
	'mut',
	'tag',
	'offset',
	'item',
	'declare',
	'shared',
	'rec',
	'sub',
	'final',
	'field',
	'struct',
	'array',
	'then',
	'else'
]);

/** Value and reference types. */
const TYPES = new Set([
	'i32',
	'i64',
	'f32',
	'f64',
	'v128',
	'funcref',
	'externref',
	'anyref',
	'eqref',
	'i31ref',
	'structref',
	'arrayref',
	'nullref',
	'nullfuncref',
	'nullexternref',
	'exnref',
	'i8',
	'i16'
]);

/** Instructions that shape control flow, shown apart from the rest. */
const CONTROL = new Set([
	'block',
	'loop',
	'if',
	'end',
	'br',
	'br_if',
	'br_table',
	'br_on_null',
	'br_on_non_null',
	'br_on_cast',
	'br_on_cast_fail',
	'return',
	'return_call',
	'return_call_indirect',
	'return_call_ref',
	'call',
	'call_indirect',
	'call_ref',
	'unreachable',
	'try',
	'try_table',
	'catch',
	'catch_all',
	'throw',
	'throw_ref',
	'rethrow',
	'delegate'
]);

const NUMBER =
	/^[-+]?(?:0x[0-9a-fA-F_]+(?:\.[0-9a-fA-F_]*)?(?:[pP][-+]?[0-9_]+)?|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9_]+)?|inf|nan(?::0x[0-9a-fA-F_]+)?)(?![^\s()";])/;

/** Reads the rest of a block comment, counting nested ones. */
function blockComment(stream: StringStream, state: WatState): string {
	while (!stream.eol()) {
		if (stream.match('(;')) state.commentDepth++;
		else if (stream.match(';)')) {
			state.commentDepth--;
			if (state.commentDepth === 0) break;
		} else stream.next();
	}
	return 'blockComment';
}

/**
 * Moves past the closing quote of a string (or to the line's end). It jumps with `indexOf`: a data segment
 * prints as a string of megabytes on one line.
 */
function stringEnd(stream: StringStream): void {
	const line = stream.string;
	for (let from = stream.pos; ;) {
		const quote = line.indexOf('"', from);
		if (quote === -1) {
			stream.skipToEnd();
			return;
		}
		let slashes = 0;
		while (quote - slashes - 1 >= stream.pos && line[quote - slashes - 1] === '\\') slashes++;
		if (slashes % 2 === 0) {
			stream.pos = quote + 1;
			return;
		}
		from = quote + 1;
	}
}

/** The WAT tokenizer. */
function token(stream: StringStream, state: WatState): string | null {
	if (state.commentDepth > 0) return blockComment(stream, state);
	if (stream.eatSpace()) return null;
	if (stream.match(';;')) {
		stream.skipToEnd();
		return 'lineComment';
	}
	if (stream.match('(;')) {
		state.commentDepth = 1;
		return blockComment(stream, state);
	}
	const ch = stream.next();
	if (ch === '(' || ch === ')') return 'paren';
	if (ch === '"') {
		stringEnd(stream);
		return 'string';
	}
	stream.backUp(1);
	if (stream.match(NUMBER)) return 'number';
	if (stream.match(/^\$[^\s()";]+/)) return 'variableName';
	const word = stream.match(/^[^\s()";]+/);
	if (!word || word === true) {
		stream.next();
		return null;
	}
	const text = word[0];
	if (KEYWORDS.has(text)) return 'keyword';
	if (TYPES.has(text)) return 'typeName';
	if (CONTROL.has(text)) return 'controlKeyword';
	// `offset=8`, `align=4` on memory instructions.
	if (text.includes('=')) return 'attributeName';
	return 'operatorKeyword';
}

/** The WAT language, for `StreamLanguage`-aware extensions (highlighting, bracket matching). */
export const watLanguage = StreamLanguage.define<WatState>({
	name: 'wat',
	startState: () => ({ commentDepth: 0 }),
	copyState: (state) => ({ ...state }),
	token,
	languageData: { commentTokens: { line: ';;', block: { open: '(;', close: ';)' } } }
});

/** WAT token colours from app.css's custom properties, so they hold their contrast in both themes. */
export const watHighlight = HighlightStyle.define([
	{ tag: tags.keyword, color: 'var(--accent)', fontWeight: '600' },
	{ tag: tags.controlKeyword, color: 'var(--accent)' },
	{ tag: tags.typeName, color: 'var(--focus)' },
	{ tag: tags.variableName, color: 'var(--warn)' },
	{ tag: tags.number, color: 'var(--ok)' },
	{ tag: tags.string, color: 'var(--ok)' },
	{ tag: tags.attributeName, color: 'var(--muted)' },
	{ tag: [tags.lineComment, tags.blockComment], color: 'var(--muted)', fontStyle: 'italic' },
	{ tag: tags.paren, color: 'var(--muted)' }
]);
