import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/lib/host/settings';
import { issueMarkdown, markdownUrl } from '../../src/lib/share/markdown';
import type { ShareState } from '../../src/lib/share/state';

const URL = 'https://user.github.io/repo/#v1.abc';

/** Every way a line can end for CommonMark (CR, LF, CRLF) or for some viewer (NEL, VT, FF, LS, PS). */
const LINE_END = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/;

/** Pieces of text that mean something to Markdown, HTML or a terminal. */
const HOSTILE = [
	'\r',
	'\n',
	'\r\n',
	'\u2028',
	'\u2029',
	'\u0085',
	'\v',
	'\f',
	'\0',
	'\u001b[31m',
	'\t',
	' ',
	'`',
	'``',
	'[',
	']',
	'](javascript:alert(1))',
	'![x](https://evil.test/x.png)',
	'\\',
	'|',
	'<script>',
	'</a>',
	'&amp;',
	'*',
	'_',
	'~',
	'# ',
	'- ',
	'1. ',
	'> ',
	'---'
];

/** Names made of hostile pieces and arbitrary code points (lone surrogates included). */
const names = fc
	.array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'binary', maxLength: 4 })), {
		maxLength: 12
	})
	.map((parts) => parts.join(''));

function state(name: string): ShareState {
	return {
		v: 1,
		plugins: [
			{
				name,
				source: { kind: 'example', name: 'greet' },
				exportName: name,
				input: '',
				inputMode: 'text',
				settings: defaultSettings('example:greet')
			}
		],
		activeIndex: 0
	};
}

/** How the name should read once rendered: one line, and each invisible control character shown as U+FFFD. */
function shown(name: string): string {
	return name
		.replace(/\s*(?:\r\n|[\n\r\v\f\u0085\u2028\u2029])\s*/gu, ' ')
		.replace(/\p{Cc}/gu, (c) => (c === '\t' ? c : '\uFFFD'));
}

/**
 * The text of a link that takes up the whole line, as CommonMark reads it: every `\` escapes the ASCII
 * punctuation after it, and nothing may open a nested link, a code span or HTML, or end the text early.
 * Null when the line is not exactly one link to `target`.
 */
function linkText(line: string, target: string): string | null {
	if (!line.startsWith('[')) return null;
	let text = '';
	for (let i = 1; i < line.length; i++) {
		const c = line[i] ?? '';
		if (c === '\\') {
			const next = line[i + 1] ?? '';
			if (!/^[!-/:-@[-`{-~]$/.test(next)) return null;
			text += next;
			i++;
		} else if (c === ']') {
			return line.slice(i) === `](${target})` ? text : null;
		} else if ('[`<'.includes(c)) {
			return null;
		} else {
			text += c;
		}
	}
	return null;
}

/** A code span at the start of `text`, as CommonMark reads it, and what follows it; null when none. */
function codeSpan(text: string): { content: string; rest: string } | null {
	const fence = /^`+/.exec(text)?.[0];
	if (!fence) return null;
	const closing = new RegExp(`(?<!\`)${fence}(?!\`)`, 'g');
	closing.lastIndex = fence.length;
	const end = closing.exec(text);
	if (!end) return null;
	let content = text.slice(fence.length, end.index);
	if (/^ .* $/su.test(content) && content.trim() !== '') content = content.slice(1, -1);
	return { content, rest: text.slice(end.index + fence.length) };
}

describe('issueMarkdown with any plugin name', () => {
	it('never lets a name start a new line', () => {
		fc.assert(
			fc.property(names, (name) => {
				const lines = issueMarkdown(URL, state(name)).split(LINE_END);
				expect(lines).toHaveLength(7);
				expect(lines[1]).toBe('');
				expect(lines.slice(2, 6).map((line) => /^- \*\*\w+:\*\* /.exec(line)?.[0])).toEqual([
					'- **Plugin:** ',
					'- **Export:** ',
					'- **Input:** ',
					'- **Result:** '
				]);
				expect(lines[6]).toBe('');
			}),
			{ numRuns: 500 }
		);
	});

	it('never lets a name break out of the link text, which shows the name as written', () => {
		fc.assert(
			fc.property(names, (name) => {
				const [first = ''] = issueMarkdown(URL, state(name)).split('\n');
				expect(linkText(first, markdownUrl(URL))).toBe(
					`Open "${shown(name)}" in Plugin Playground`
				);
			}),
			{ numRuns: 500 }
		);
	});

	it('keeps a name inside its code span, which shows it as written', () => {
		fc.assert(
			fc.property(
				names.filter((name) => shown(name) !== ''),
				(name) => {
					const lines = issueMarkdown(URL, state(name)).split('\n');
					const plugin = codeSpan((lines[2] ?? '').slice('- **Plugin:** '.length));
					expect(plugin).toEqual({ content: shown(name), rest: ' (built-in example `greet`)' });
					const exported = codeSpan((lines[3] ?? '').slice('- **Export:** '.length));
					expect(exported).toEqual({ content: shown(name), rest: '' });
				}
			),
			{ numRuns: 500 }
		);
	});

	it('writes no control character but the line feeds between its own lines', () => {
		fc.assert(
			fc.property(names, (name) => {
				const text = issueMarkdown(URL, state(name));
				expect(/[\p{Cc}\u2028\u2029]/u.test(text.replaceAll('\n', '').replaceAll('\t', ''))).toBe(
					false
				);
			}),
			{ numRuns: 300 }
		);
	});
});
