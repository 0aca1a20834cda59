import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/lib/host/settings';
import {
	decodeLink,
	encodeLink,
	fragmentOf,
	readParams,
	withParams
} from '../../src/lib/share/codec';
import type { ShareState } from '../../src/lib/share/state';

const STATE: ShareState = {
	v: 1,
	plugins: [
		{
			name: 'Greet',
			source: { kind: 'example', name: 'greet' },
			exportName: 'greet',
			input: 'hi',
			inputMode: 'text',
			settings: defaultSettings('example:greet')
		}
	],
	activeIndex: 0
};

describe('a further "#" after a share fragment', () => {
	it('opens the link when the payload before it is intact', async () => {
		const link = await encodeLink(STATE, { embed: true });
		for (const text of [
			`${link}#x`,
			`#${link}#x`,
			`${link}##`,
			`https://user.github.io/repo/?q=1#${link}#section-2`,
			`https://user.github.io/repo/#${link}#v1.abc&autorun=1`
		]) {
			const decoded = await decodeLink(text);
			if (!decoded.ok) throw new Error(`${text}: ${decoded.error.message}`);
			expect(decoded.state).toEqual(STATE);
			expect(decoded.params).toEqual({ embed: true, autorun: false });
		}
	});

	it('keeps the switches before it, and ignores any after it', () => {
		expect(readParams('v1.x&embed=1#x')).toEqual({ embed: true, autorun: false });
		expect(readParams('v1.x&autorun=1#&embed=1')).toEqual({ embed: false, autorun: true });
		expect(fragmentOf('v1.x&embed=1#x')).toBe('v1.x&embed=1');
		expect(fragmentOf('https://a.test/#v1.x&embed=1#x')).toBe('v1.x&embed=1');
	});

	it('is dropped when switches are changed', () => {
		expect(withParams('https://a.test/#v1.x#junk', { embed: true })).toBe(
			'https://a.test/#v1.x&embed=1'
		);
		expect(withParams('v1.x&embed=1#junk', { embed: false, autorun: true })).toBe('v1.x&autorun=1');
	});

	it('still reports a cut or damaged payload before it', async () => {
		const link = await encodeLink(STATE);
		const cut = await decodeLink(`${link.slice(0, -4)}#x`);
		expect(cut.ok ? null : cut.error.reason).toBe('truncated');
		const changed = await decodeLink(`${link.slice(0, -1)}${link.endsWith('A') ? 'B' : 'A'}#x`);
		expect(changed.ok ? null : changed.error.reason).toBe('corrupted');
		const foreign = await decodeLink('https://a.test/#section#v1.abc');
		expect(foreign.ok ? null : foreign.error.reason).toBe('foreign');
	});
});
