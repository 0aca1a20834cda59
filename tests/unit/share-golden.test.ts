// Golden links: fragments made by each share format version, committed with what they must open as.
// Never regenerate or edit a golden: each stands for links already sent, which must keep opening exactly
// as they did. A new format version adds a new tests/fixtures/share/v<N>/ folder with new goldens; the old
// ones stay, and pass through the decoder's migration chain. See tests/fixtures/share/README.md.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromBase64 } from '../../src/lib/bytes/encoding';
import { decodeLink, encodeLink } from '../../src/lib/share/codec';
import { SHARE_VERSION } from '../../src/lib/share/state';

const ROOT = join(import.meta.dirname, '../fixtures/share');

/** Every golden as [version folder, name]. */
const goldens = readdirSync(ROOT)
	.filter((dir) => /^v\d+$/.test(dir))
	.flatMap((dir) =>
		readdirSync(join(ROOT, dir))
			.filter((file) => file.endsWith('.txt'))
			.map((file) => [dir, file.slice(0, -'.txt'.length)] as const)
	);

/** A fixture's JSON, with `{ "$bytes": "<base64>" }` turned back into bytes. */
function expected(dir: string, name: string): unknown {
	return JSON.parse(
		readFileSync(join(ROOT, dir, `${name}.json`), 'utf8'),
		(_key, value: unknown) => {
			if (typeof value !== 'object' || value === null || !('$bytes' in value)) return value;
			const bytes = fromBase64(String(value.$bytes));
			if (!bytes.ok) throw new Error(bytes.error.message);
			return bytes.bytes;
		}
	);
}

describe('golden share links', () => {
	it('has the goldens of every format version up to the current one', () => {
		const names = (dir: string) => goldens.filter(([d]) => d === dir).map(([, n]) => n);
		expect(names('v1').sort()).toEqual([
			'embed',
			'example',
			'inline-10k',
			'linked',
			'recorded',
			'workspace'
		]);
		for (let v = 1; v <= SHARE_VERSION; v++) expect(names(`v${v}`).length).toBeGreaterThan(0);
	});

	it.each(goldens)('%s/%s opens as it always has', async (dir, name) => {
		const link = readFileSync(join(ROOT, dir, `${name}.txt`), 'utf8').trim();
		const decoded = await decodeLink(link);
		if (!decoded.ok) throw new Error(decoded.error.message);
		expect({ params: decoded.params, state: decoded.state }).toEqual(expected(dir, name));
		expect(decoded.version).toBe(Number(dir.slice(1)));
	});

	it.each(goldens)('%s/%s opens the same after this build writes it again', async (dir, name) => {
		const first = await decodeLink(readFileSync(join(ROOT, dir, `${name}.txt`), 'utf8').trim());
		if (!first.ok) throw new Error(first.error.message);
		const again = await decodeLink(await encodeLink(first.state, first.params));
		if (!again.ok) throw new Error(again.error.message);
		expect(again.state).toEqual(first.state);
		expect(again.params).toEqual(first.params);
		// This build writes the oldest format that holds the state: v1 stays v1, source needs v2.
		expect(again.version).toBe(first.state.v);
	});
});
