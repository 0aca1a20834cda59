/**
 * Finding things in the WAT text that wabt's `wasm2wat` prints (folded off, exports not inlined): each
 * top-level field starts a line indented by two spaces, names are quoted with wabt's escapes, and
 * identifiers are sanitised to plain id characters. Searches anchor on those shapes, so a name that
 * contains WAT-looking text cannot fake a match.
 */

/** One line of the WAT text, as offsets: `from` is its first character, `to` its end (before "\n"). */
export interface WatLine {
	from: number;
	to: number;
}

/** What an export points to: its kind as WAT spells it and its reference (`$name` or an index). */
export interface WatRef {
	kind: string;
	ref: string;
}

const HEX = '0123456789abcdef';

/**
 * A name as wabt quotes it: its UTF-8 bytes, with control bytes, `"`, `\`, DEL and every non-ASCII byte
 * written as a `\hh` escape.
 */
export function watQuote(name: string): string {
	let out = '"';
	for (const b of new TextEncoder().encode(name)) {
		out +=
			b < 0x20 || b >= 0x7f || b === 0x22 || b === 0x5c
				? `\\${HEX[b >> 4]}${HEX[b & 15]}`
				: String.fromCharCode(b);
	}
	return out + '"';
}

/** The line holding `offset`. */
export function lineAt(text: string, offset: number): WatLine {
	const from = text.lastIndexOf('\n', offset - 1) + 1;
	const end = text.indexOf('\n', offset);
	return { from, to: end === -1 ? text.length : end };
}

/** The line of the top-level field that starts with `head`, or null. */
function findField(text: string, head: string): WatLine | null {
	const at = text.indexOf(`\n  ${head}`);
	return at === -1 ? null : lineAt(text, at + 1);
}

/** The `(export "name" …)` line of an export, or null when the text has none. */
export function findExport(text: string, name: string): WatLine | null {
	return findField(text, `(export ${watQuote(name)} (`);
}

/** The `(import "module" "name" …)` line of an import, or null when the text has none. */
export function findImport(text: string, module: string, name: string): WatLine | null {
	return findField(text, `(import ${watQuote(module)} ${watQuote(name)} (`);
}

/** What the export on `line` points to, e.g. `{ kind: 'func', ref: '$greet' }`, or null. */
export function exportTarget(text: string, line: WatLine): WatRef | null {
	// The module's last field carries the module's closing parenthesis too.
	const match = /^ {2}\(export "(?:[^"\\]|\\[0-9a-f]{2})*" \(([a-z]+) ([^\s()]+)\)\)\)?$/.exec(
		text.slice(line.from, line.to)
	);
	return match ? { kind: match[1], ref: match[2] } : null;
}

/**
 * The line that defines what `target` refers to: its own field (`(func $greet (type 1)`) or the import that
 * provides it (`(import "m" "n" (func $h (type 0)))`). An unnamed item is referred to by index and defined
 * with the index in a comment, `(func (;3;) …`. Null when the text has neither.
 */
export function findDefinition(text: string, target: WatRef): WatLine | null {
	const id = /^\d+$/.test(target.ref) ? `(;${target.ref};)` : target.ref;
	// The trailing space keeps `$f` from matching `$f.1`; a reference in an export ends with ")" instead.
	const field = `(${target.kind} ${id} `;
	const own = text.indexOf(`\n  ${field}`);
	// In an import line the descriptor follows a closing quote, which never occurs inside a quoted name.
	const imported = text.indexOf(`" ${field}`);
	const at = own === -1 ? imported : imported === -1 ? own + 1 : Math.min(own + 1, imported);
	return at === -1 ? null : lineAt(text, at);
}

/** How many lines the text has (a final newline does not start another). */
export function countLines(text: string): number {
	if (text === '') return 0;
	let lines = 1;
	for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
	return text.endsWith('\n') ? lines - 1 : lines;
}
