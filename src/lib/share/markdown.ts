/**
 * Snippets to paste elsewhere: Markdown for an issue (the link and what the call did) and an `<iframe>` that
 * embeds the workspace. Every piece of workspace text is escaped for where it lands, so a plugin named
 * `</iframe><script>` or an error with `*stars*` shows as written.
 */
import { formatBytes, fromHex, utf8Encode } from '../bytes/encoding';
import { ERROR_TITLES } from '../errors';
import { endOf } from '../trace/build';
import { withParams } from './codec';
import type { SharedPlugin, SharedSource, ShareState } from './state';

/** The product name used in snippets. */
const PRODUCT = 'Plugin Playground';

/** The longest error message quoted in an issue; the link holds the whole of it. */
const MESSAGE_CHARS = 300;

/** Markdown for an issue or a chat: a link to the workspace and a summary of its active plugin's call. */
export function issueMarkdown(url: string, state: ShareState): string {
	const plugin = state.plugins[state.activeIndex ?? 0];
	const link = `[${plugin ? `Open ${escapeText(`"${plugin.name}"`)} in ${PRODUCT}` : `Open in ${PRODUCT}`}](${markdownUrl(url)})`;
	if (!plugin) return `${link}\n`;
	const lines = [
		`- **Plugin:** ${code(plugin.name)} ${describeSource(plugin.source)}`,
		...(plugin.linked
			? [
					`- **Linked modules:** ${plugin.linked.map((l) => `${code(l.name)} ${describeSource(l.source)}`).join(', ')}`
				]
			: []),
		`- **Export:** ${code(plugin.exportName)}`,
		`- **Input:** ${describeInput(plugin)}`,
		`- **Result:** ${describeResult(plugin)}`
	];
	if (state.plugins.length > 1) {
		lines.push(`- **Workspace:** ${state.plugins.length} plugins; the link opens all of them.`);
	}
	return `${link}\n\n${lines.join('\n')}\n`;
}

function describeSource(source: SharedSource): string {
	switch (source.kind) {
		case 'example':
			return `(built-in example ${code(source.name)})`;
		case 'url':
			return `(from ${code(source.url)}, sha256 ${code(source.sha256.slice(0, 12))}…)`;
		case 'inline':
			return `(${formatBytes(source.bytes.byteLength)}, carried in the link)`;
		case 'file-only':
			return `(${formatBytes(source.size)} file, not in the link: whoever opens it must load ${code(source.name)} themselves)`;
	}
}

function describeInput(plugin: SharedPlugin): string {
	const start = plugin.recorded?.trace.events.find((e) => e.type === 'start');
	const size =
		start?.type === 'start'
			? start.input.size
			: plugin.inputMode === 'hex'
				? (() => {
						const bytes = fromHex(plugin.input);
						return bytes.ok ? bytes.bytes.byteLength : null;
					})()
				: utf8Encode(plugin.input).byteLength;
	return `${size === null ? 'not valid hex' : formatBytes(size)}, ${plugin.inputMode}`;
}

function describeResult(plugin: SharedPlugin): string {
	const end = plugin.recorded ? endOf(plugin.recorded.trace) : undefined;
	if (!end)
		return plugin.recorded
			? 'did not finish (recorded in the link)'
			: 'not run yet; open the link and run it';
	const time = `${end.duration.toFixed(1)} ms`;
	if (end.status === 'ok') {
		return `ok in ${time}, ${formatBytes(end.outputSize)} of output (recorded in the link)`;
	}
	const title = end.error ? ERROR_TITLES[end.error.kind] : 'error';
	const message = end.error?.message ?? '';
	const quoted = message.length > MESSAGE_CHARS ? `${message.slice(0, MESSAGE_CHARS)}…` : message;
	return `**${escapeText(title)}** after ${time}${quoted ? `: ${escapeText(quoted.replace(/\s+/g, ' '))}` : ''} (recorded in the link)`;
}

/** Size of the embedded workspace; numbers are pixels, strings are used as written (`100%`). */
export interface EmbedSize {
	width: number | string;
	height: number | string;
}

/** Tall enough for the call panel, output and the first trace lines; as wide as the page it sits in. */
export const DEFAULT_EMBED_SIZE: EmbedSize = { width: '100%', height: 520 };

/** An `<iframe>` that shows the workspace in embed mode (the link with `&embed=1`). */
export function embedSnippet(
	url: string,
	state: ShareState,
	size: EmbedSize = DEFAULT_EMBED_SIZE
): string {
	const plugin = state.plugins[state.activeIndex ?? 0];
	const title = plugin ? `${plugin.name} in ${PRODUCT}` : PRODUCT;
	const attributes: [string, string | number][] = [
		['src', withParams(url, { embed: true })],
		['title', title],
		['width', size.width],
		['height', size.height],
		['style', 'border: 0'],
		['loading', 'lazy'],
		['allow', 'clipboard-write']
	];
	return `<iframe ${attributes.map(([name, value]) => `${name}="${escapeAttribute(String(value))}"`).join(' ')}></iframe>`;
}

const ENTITIES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;'
};

/** Text safe inside a double-quoted HTML attribute (and a single-quoted one). */
export function escapeAttribute(text: string): string {
	return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/**
 * Where Markdown (CR, LF, CRLF) or a viewer (NEL, LS, PS, VT, FF) may start a new line, with the spaces
 * around it: a name must never start a line of its own, where `#`, `-` or `1.` would become markup.
 */
const LINE_BREAK = /\s*[\n\r\v\f\u0085\u2028\u2029]\s*/gu;

/**
 * `text` on one line: each line break (and the spaces around it) becomes one space, and every other control
 * character but tab becomes U+FFFD, since renderers drop or mangle them (NUL) and they cannot be seen.
 */
function oneLine(text: string): string {
	return text.replace(LINE_BREAK, ' ').replace(/\p{Cc}/gu, (c) => (c === '\t' ? c : '\uFFFD'));
}

/**
 * Plain text that Markdown shows as written, inside a line that starts with a list marker: on one line, with
 * the marks that open markup mid-line escaped (`#`, `-` or `1.` only act at the start of a line).
 */
export function escapeText(text: string): string {
	return oneLine(text).replace(/[\\`*_[\]<>|~&]/g, '\\$&');
}

/**
 * A code span that shows `text` exactly, on one line: the fence is one backtick longer than any run inside,
 * and a space pads text that starts or ends with a backtick or a space (Markdown strips one from each side).
 */
export function code(text: string): string {
	const flat = oneLine(text);
	if (flat === '') return '(empty)';
	const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
	const fence = '`'.repeat(longest + 1);
	const pad = /^[` ]|[` ]$/.test(flat) && flat.trim() !== '' ? ' ' : '';
	return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A URL that stays one Markdown link target: spaces, brackets and angle brackets percent-encoded. */
export function markdownUrl(url: string): string {
	// encodeURIComponent leaves brackets as they are, and they would end the link target early.
	return url.replace(/[\s()<>\\]/g, (c) =>
		c === '(' ? '%28' : c === ')' ? '%29' : encodeURIComponent(c)
	);
}
