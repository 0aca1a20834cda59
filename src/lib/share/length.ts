/**
 * How long a share link is, whether that is a problem, and which part of the workspace makes it so.
 */
import { encodeLink } from './codec';
import type { SharedPlugin, ShareParams, ShareState } from './state';

/**
 * Past this many characters a link gets a warning. RFC 9110 (§4.1) asks every sender and recipient of an
 * address to handle at least 8,000; beyond that, chat apps, mail clients, link shorteners and issue
 * trackers start to cut or refuse links, each at its own length.
 */
export const LINK_WARN_LENGTH = 8000;

/** The parts of a workspace that a link's length is split into. */
export type LengthPart = 'plugins' | 'kv' | 'recorded' | 'inputs' | 'rest';

/** What each part is called in messages. */
export const LENGTH_PART_LABELS: Record<LengthPart, string> = {
	plugins: 'plugin bytes',
	kv: 'KV data',
	recorded: 'recorded results',
	inputs: 'inputs',
	rest: 'settings, names and layout'
};

/** A link's length, explained. */
export interface LengthReport {
	/** Characters of the fragment, without the page address before the `#`. */
	length: number;
	warn: boolean;
	/** About how many characters each part adds, largest first; parts that add nothing are left out. */
	parts: { part: LengthPart; chars: number }[];
	/** One or two sentences for the Share dialog; past the warning, what to do about it. */
	message: string;
}

/** True when a link of this many characters should carry a warning. */
export function isLong(length: number): boolean {
	return length > LINK_WARN_LENGTH;
}

/** What a state without one part looks like; the difference in link length is what that part costs. */
const WITHOUT: Record<Exclude<LengthPart, 'rest'>, (p: SharedPlugin) => SharedPlugin> = {
	plugins: (p) =>
		p.source.kind === 'inline' ? { ...p, source: { kind: 'example', name: '' } } : p,
	kv: (p) => omit(p, 'kv'),
	recorded: (p) => omit(p, 'recorded'),
	inputs: (p) => ({ ...p, input: '' })
};

function omit(plugin: SharedPlugin, key: 'kv' | 'recorded'): SharedPlugin {
	const copy = { ...plugin };
	delete copy[key];
	return copy;
}

/**
 * Measures the link for a state and splits its length by part. Compression works across parts, so each
 * part's share is measured as how much shorter the link gets without it, and the rest is the remainder.
 */
export async function explainLength(
	state: ShareState,
	params: Partial<ShareParams> = {}
): Promise<LengthReport> {
	const length = (await encodeLink(state, params)).length;
	const parts: LengthReport['parts'] = [];
	for (const [part, drop] of Object.entries(WITHOUT) as [
		Exclude<LengthPart, 'rest'>,
		(p: SharedPlugin) => SharedPlugin
	][]) {
		const without = await encodeLink({ ...state, plugins: state.plugins.map(drop) }, params);
		const chars = length - without.length;
		if (chars > 0) parts.push({ part, chars });
	}
	const rest = length - parts.reduce((n, p) => n + p.chars, 0);
	if (rest > 0) parts.push({ part: 'rest', chars: rest });
	parts.sort((a, b) => b.chars - a.chars);
	return { length, warn: isLong(length), parts, message: lengthMessage(state, length, parts[0]) };
}

function lengthMessage(
	state: ShareState,
	length: number,
	top: LengthReport['parts'][number] | undefined
): string {
	const size = `The link is ${count(length)} characters`;
	if (!isLong(length) || !top) return `${size}.`;
	const most = `Most of it is ${LENGTH_PART_LABELS[top.part]} (about ${count(top.chars)} characters)`;
	return `${size}, more than the ${count(LINK_WARN_LENGTH)} that chat apps, mail and issue trackers pass on reliably. ${most}: ${advice(state, top.part)}`;
}

function advice(state: ShareState, part: LengthPart): string {
	switch (part) {
		case 'plugins': {
			const names = state.plugins
				.filter((p) => p.source.kind === 'inline')
				.map((p) => `"${p.name}"`);
			const them = names.length === 1 ? 'it' : 'them';
			return `${names.join(', ')} ${names.length === 1 ? 'travels' : 'travel'} inside the link. Put ${them} at a URL and load ${them} from there, so the link carries only the address and hash, or export a workspace file instead.`;
		}
		case 'kv':
			return 'untick "Include KV data", or export a workspace file instead.';
		case 'recorded':
			return 'share without the recorded result (whoever opens the link can run the call), or export a workspace file instead.';
		case 'inputs':
			return 'shorten the input, or export a workspace file instead.';
		case 'rest':
			return 'close the plugins you do not need to show, or export a workspace file instead.';
	}
}

function count(n: number): string {
	return n.toLocaleString('en-US');
}
