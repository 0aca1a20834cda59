import { describe, expect, it } from 'vitest';
import { utf8Encode } from '../../src/lib/bytes/encoding';
import { defaultSettings } from '../../src/lib/host/settings';
import {
	code,
	embedSnippet,
	escapeAttribute,
	escapeText,
	issueMarkdown,
	markdownUrl
} from '../../src/lib/share/markdown';
import type { SharedPlugin, ShareState } from '../../src/lib/share/state';
import type { EndEvent } from '../../src/lib/trace/types';

const URL = 'https://user.github.io/repo/#v1.abc';

const GREET: SharedPlugin = {
	name: 'Greet',
	source: { kind: 'example', name: 'greet' },
	exportName: 'greet',
	input: 'Wörld',
	inputMode: 'text',
	settings: defaultSettings('example:greet')
};

function state(...plugins: SharedPlugin[]): ShareState {
	return { v: 1, plugins, activeIndex: 0 };
}

function recorded(end: Partial<EndEvent>): SharedPlugin {
	const input = utf8Encode('Wörld');
	return {
		...GREET,
		recorded: {
			output: null,
			trace: {
				id: 1,
				pluginId: 'p',
				pluginName: 'Greet',
				export: 'greet',
				startedAt: 0,
				events: [
					{ type: 'start', t: 0, export: 'greet', input: { size: input.length, head: input } },
					{
						type: 'end',
						t: 2,
						status: 'ok',
						duration: 2.04,
						inputSize: input.length,
						outputSize: 2048,
						memoryPages: 2,
						...end
					}
				],
				dropped: 0
			}
		}
	};
}

describe('issueMarkdown', () => {
	it('links the workspace and sums up the recorded call', () => {
		expect(issueMarkdown(URL, state(recorded({})))).toBe(
			[
				'[Open "Greet" in Plugin Playground](https://user.github.io/repo/#v1.abc)',
				'',
				'- **Plugin:** `Greet` (built-in example `greet`)',
				'- **Export:** `greet`',
				'- **Input:** 6 B, text',
				'- **Result:** ok in 2.0 ms, 2 KiB of output (recorded in the link)',
				''
			].join('\n')
		);
	});

	it('quotes a failed call, escaped, and says when nothing was run', () => {
		const failed = recorded({
			status: 'error',
			error: { kind: 'trap', message: 'unreachable in *main* <b>\nat [0x10]', hint: '' }
		});
		expect(issueMarkdown(URL, state(failed))).toContain(
			'- **Result:** **The plugin trapped** after 2.0 ms: unreachable in \\*main\\* \\<b\\> at \\[0x10\\] (recorded in the link)'
		);
		expect(issueMarkdown(URL, state(GREET))).toContain(
			'- **Result:** not run yet; open the link and run it'
		);
	});

	it('describes every kind of source, and a workspace of several plugins', () => {
		const big: SharedPlugin = {
			...GREET,
			name: 'big.wasm',
			source: { kind: 'file-only', name: 'big.wasm', sha256: 'b'.repeat(64), size: 3 * 1024 * 1024 }
		};
		const url: SharedPlugin = {
			...GREET,
			source: { kind: 'url', url: 'https://x.test/p.wasm', sha256: 'a'.repeat(64) }
		};
		const inline: SharedPlugin = {
			...GREET,
			inputMode: 'hex',
			input: '00 ff zz',
			source: { kind: 'inline', name: 'p.wasm', bytes: new Uint8Array(1536) }
		};
		const md = issueMarkdown(URL, state(big, url, inline));
		expect(md).toContain(
			'- **Plugin:** `big.wasm` (3 MiB file, not in the link: whoever opens it must load `big.wasm` themselves)'
		);
		expect(md).toContain('- **Workspace:** 3 plugins; the link opens all of them.');
		expect(issueMarkdown(URL, { ...state(big, url), activeIndex: 1 })).toContain(
			'(from `https://x.test/p.wasm`, sha256 `aaaaaaaaaaaa`…)'
		);
		const inlineMd = issueMarkdown(URL, { ...state(big, inline), activeIndex: 1 });
		expect(inlineMd).toContain('(1.5 KiB, carried in the link)');
		expect(inlineMd).toContain('- **Input:** not valid hex, hex');
	});

	it('keeps hostile names inside their code spans and the link intact', () => {
		const evil = { ...GREET, name: '`x` ](javascript:alert(1)) [y', exportName: '``' };
		const md = issueMarkdown('https://a.test/p (1)/#v1.x', state(evil));
		expect(md.split('\n')[0]).toBe(
			'[Open "\\`x\\` \\](javascript:alert(1)) \\[y" in Plugin Playground](https://a.test/p%20%281%29/#v1.x)'
		);
		expect(md).toContain('- **Plugin:** `` `x` ](javascript:alert(1)) [y ``');
		expect(md).toContain('- **Export:** ``` `` ```');
	});

	it('links an empty workspace without a summary', () => {
		expect(issueMarkdown(URL, { v: 1, plugins: [], activeIndex: null })).toBe(
			'[Open in Plugin Playground](https://user.github.io/repo/#v1.abc)\n'
		);
	});
});

describe('Markdown escaping', () => {
	it('makes code spans that show their text exactly', () => {
		expect(code('plain')).toBe('`plain`');
		expect(code('a`b')).toBe('``a`b``');
		expect(code('`start')).toBe('`` `start ``');
		expect(code(' both ')).toBe('`  both  `');
		expect(code('   ')).toBe('`   `');
		expect(code('two\nlines')).toBe('`two lines`');
		expect(code('')).toBe('(empty)');
	});

	it('escapes the marks that open markup mid-line', () => {
		expect(escapeText('*a* _b_ [c](d) <e> `f` | ~g~ &amp; \\')).toBe(
			'\\*a\\* \\_b\\_ \\[c\\](d) \\<e\\> \\`f\\` \\| \\~g\\~ \\&amp; \\\\'
		);
		expect(escapeText('line one\n  line two')).toBe('line one line two');
	});

	it('percent-encodes what would end a link target', () => {
		expect(markdownUrl('https://a.test/a b(c)<d>\\e#v1.x')).toBe(
			'https://a.test/a%20b%28c%29%3Cd%3E%5Ce#v1.x'
		);
	});
});

describe('embedSnippet', () => {
	it('embeds the link in embed mode, sized and titled', () => {
		expect(embedSnippet(URL, state(GREET))).toBe(
			'<iframe src="https://user.github.io/repo/#v1.abc&amp;embed=1" title="Greet in Plugin Playground" width="100%" height="520" style="border: 0" loading="lazy" allow="clipboard-write"></iframe>'
		);
		expect(embedSnippet(`${URL}&embed=1`, state(GREET), { width: 640, height: '50vh' })).toContain(
			'src="https://user.github.io/repo/#v1.abc&amp;embed=1" title="Greet in Plugin Playground" width="640" height="50vh"'
		);
	});

	it('escapes every attribute, so a name cannot close the tag', () => {
		const evil = { ...GREET, name: `"><script>alert('x')</script>` };
		const html = embedSnippet(URL, state(evil), { width: '1" onload="x', height: 1 });
		expect(html).toContain(
			'title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; in Plugin Playground"'
		);
		expect(html).toContain('width="1&quot; onload=&quot;x"');
		expect(html.match(/</g)).toHaveLength(2);
		expect(escapeAttribute(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
	});
});
