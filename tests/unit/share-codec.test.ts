import { describe, expect, it } from 'vitest';
import { utf8Encode } from '../../src/lib/bytes/encoding';
import { defaultSettings } from '../../src/lib/host/settings';
import { concat, crc32, deflate, toBase64Url, varint } from '../../src/lib/share/binary';
import {
	decodeLink,
	encodeLink,
	fragmentOf,
	MAX_BODY_BYTES,
	readParams,
	shareUrl,
	withParams
} from '../../src/lib/share/codec';
import type { ShareErrorReason, ShareResult } from '../../src/lib/share/errors';
import type { ShareState } from '../../src/lib/share/state';

const STATE: ShareState = {
	v: 1,
	plugins: [
		{
			name: 'Greet',
			source: { kind: 'example', name: 'greet' },
			exportName: 'greet',
			input: 'Wörld 🌍',
			inputMode: 'text',
			settings: defaultSettings('example:greet')
		}
	],
	activeIndex: 0
};

/** Builds a v1 fragment around any JSON text and blobs, with a correct checksum unless told otherwise. */
async function seal(json: string, blobs: Uint8Array[] = [], crc?: number): Promise<string> {
	const jsonBytes = utf8Encode(json);
	const body = concat([
		varint(jsonBytes.byteLength),
		jsonBytes,
		...blobs.flatMap((b) => [varint(b.byteLength), b])
	]);
	return frame(await deflate(body), crc ?? crc32(body));
}

function frame(deflated: Uint8Array, crc: number): string {
	const check = new Uint8Array(4);
	new DataView(check.buffer).setUint32(0, crc);
	return `v1.${toBase64Url(concat([varint(deflated.byteLength), check, deflated]))}`;
}

/** The state as JSON, with a change applied to it. */
function stateJson(change: (state: Record<string, unknown>) => void): string {
	const json = JSON.parse(JSON.stringify(STATE)) as Record<string, unknown>;
	change(json);
	return JSON.stringify(json);
}

function plugin0(state: Record<string, unknown>): Record<string, unknown> {
	return (state.plugins as Record<string, unknown>[])[0] as Record<string, unknown>;
}

function expectError(result: ShareResult<object>, reason: ShareErrorReason, message: RegExp): void {
	if (result.ok) throw new Error('expected an error');
	expect(result.error.kind).toBe('load');
	expect(result.error.reason).toBe(reason);
	expect(result.error.message).toMatch(message);
	expect(result.error.hint).not.toBe('');
}

describe('encodeLink', () => {
	it('writes v1, a dot and base64url, with switches only when asked', async () => {
		const link = await encodeLink(STATE);
		expect(link).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
		expect(await encodeLink(STATE, { embed: true })).toBe(`${link}&embed=1`);
		expect(await encodeLink(STATE, { embed: true, autorun: true })).toBe(
			`${link}&embed=1&autorun=1`
		);
	});

	it('refuses a state that would not open, naming the field', async () => {
		const plugins = [
			{ ...STATE.plugins[0]!, settings: { ...STATE.plugins[0]!.settings, timeoutMs: NaN } }
		];
		await expect(encodeLink({ ...STATE, plugins })).rejects.toThrow(
			'This workspace cannot be shared: plugins[0].settings.timeoutMs should be a whole number from 1 to 2073600000, but it is NaN.'
		);
	});

	it('drops fields the format does not have, so they cannot leak in unversioned', async () => {
		const extra = { ...STATE.plugins[0]!, later: 'a field added to the app after v1' };
		const decoded = await decodeLink(await encodeLink({ ...STATE, plugins: [extra] }));
		expect(decoded.ok && decoded.state).toEqual(STATE);
	});
});

describe('decodeLink', () => {
	it('reads a fragment with or without "#", inside a whole URL, and across line breaks', async () => {
		const link = await encodeLink(STATE, { embed: true });
		const wrapped = `https://user.github.io/repo/?x=1#${link.slice(0, 40)}\n${link.slice(40, 90)}\r\n\t${link.slice(90)}`;
		for (const text of [link, `#${link}`, `https://user.github.io/repo/#${link}`, wrapped]) {
			const decoded = await decodeLink(text);
			if (!decoded.ok) throw new Error(decoded.error.message);
			expect(decoded.state).toEqual(STATE);
			expect(decoded.params).toEqual({ embed: true, autorun: false });
			expect(decoded.version).toBe(1);
		}
	});

	it('gives every byte field its own buffer', async () => {
		const bytes = Uint8Array.of(1, 2, 3);
		const kv = { a: bytes, b: Uint8Array.of(4) };
		const decoded = await decodeLink(
			await encodeLink({ ...STATE, plugins: [{ ...STATE.plugins[0]!, kv }] })
		);
		if (!decoded.ok) throw new Error(decoded.error.message);
		const back = decoded.state.plugins[0]!.kv!;
		expect(back.a).toEqual(bytes);
		expect(back.a!.buffer).not.toBe(back.b!.buffer);
		expect(back.a!.buffer.byteLength).toBe(3);
	});

	it('says when there is nothing to read', async () => {
		expectError(await decodeLink(''), 'empty', /nothing after its "#"/);
		expectError(await decodeLink('#'), 'empty', /nothing after its "#"/);
		expectError(await decodeLink('https://x.test/app/#'), 'empty', /nothing after/);
	});

	it('says when the fragment is some other anchor, not a share link', async () => {
		expectError(
			await decodeLink('#section-2'),
			'foreign',
			/^"section-2" is not a Plugin Playground share link: the part after "#" of a share link starts with "v1\." or "v2\."\.$/
		);
		expectError(await decodeLink('v1x.abc'), 'foreign', /not a Plugin Playground share link/);
		expectError(await decodeLink('V1.abc'), 'foreign', /not a Plugin Playground share link/);
	});

	it('explains a link from a newer playground, naming both versions', async () => {
		const result = await decodeLink('v7.AAAA');
		expectError(
			result,
			'future-version',
			/^This link was made by a newer version of the playground \(format v7\); this one reads links up to v2\.$/
		);
		expect(!result.ok && result.error.hint).toMatch(
			/Update the page.*or ask the sender for a workspace file/
		);
		expectError(
			await decodeLink(`v12345678901234567890.x`),
			'future-version',
			/\(format v12345678901234567890\)/
		);
	});

	it('refuses version numbers no playground writes', async () => {
		expectError(
			await decodeLink('v0.AAAA'),
			'corrupted',
			/format "v0", which no playground writes/
		);
		expectError(await decodeLink('v01.AAAA'), 'corrupted', /format "v01"/);
	});

	it('says a cut link is cut, and by how much', async () => {
		const link = await encodeLink(STATE);
		expectError(await decodeLink('v1'), 'truncated', /stops right after "v1"/);
		expectError(await decodeLink('v1.'), 'truncated', /cut short right after its start/);
		const payload = link.length - 3;
		expectError(
			await decodeLink(link.slice(0, 103)),
			'truncated',
			new RegExp(
				`^The link is cut short: it has 100 of the ${payload} characters that should follow "v1\\."`
			)
		);
		expectError(await decodeLink(link.slice(0, -1)), 'truncated', /cut short/);
	});

	it('points at a character that cannot be in a link', async () => {
		const link = await encodeLink(STATE);
		const bad = `${link.slice(0, 10)}%20${link.slice(10)}`;
		expectError(
			await decodeLink(bad),
			'corrupted',
			/a character that cannot be in it, "%", at position 11 after the "#"/
		);
		expectError(
			await decodeLink(`${link.slice(0, 10)} ${link.slice(11)}`),
			'corrupted',
			/U\+0020, at position 11/
		);
	});

	it('notices characters added to the end of a link', async () => {
		const link = await encodeLink(STATE);
		expectError(await decodeLink(`${link}.`), 'corrupted', /"\."/);
		expectError(
			await decodeLink(`${link}xyz`),
			'corrupted',
			/has 3 characters more than it should/
		);
	});

	it('catches a changed character through the checksum', async () => {
		const json = JSON.stringify(STATE);
		const wrong = await seal(json, [], 12345);
		expectError(await decodeLink(wrong), 'corrupted', /do not match the checksum it carries/);
	});

	it('says a damaged compressed stream is damaged', async () => {
		const junk = Uint8Array.from({ length: 40 }, (_, i) => (i * 97 + 13) & 0xff);
		junk[0] = 0xff; // BTYPE 11 is reserved: no inflater accepts it.
		expectError(await decodeLink(frame(junk, 0)), 'corrupted', /does not decompress/);
	});

	it('refuses a link that unpacks to more than any real one', async () => {
		const zeros = new Uint8Array(MAX_BODY_BYTES + 1);
		const link = frame(await deflate(zeros), crc32(zeros));
		expect(link.length).toBeLessThan(40_000);
		expectError(await decodeLink(link), 'too-large', /unpacks to more than 4 MiB/);
	});

	it('names the first field that breaks the format, even when the checksum is right', async () => {
		const cases: [string, RegExp][] = [
			['{', /its JSON part does not parse/],
			['[]', /the state should be an object, but it is a list of 0/],
			[stateJson((s) => (s.v = 3)), /v should be 1 or 2, but it is 3/],
			[stateJson((s) => (s.v = 2)), /its state says format v2, but the link starts with "v1\."/],
			[
				stateJson((s) => (plugin0(s).code = { language: 'wat', folder: 'x', files: [] })),
				/plugins\[0\]\.code should be absent \(format v1 has no such field\)/
			],
			[stateJson((s) => (s.activeIndex = 1)), /activeIndex should be null or 0 to 0, but it is 1/],
			[
				stateJson((s) => ((plugin0(s).settings as Record<string, unknown>).timeoutMs = -3)),
				/plugins\[0\]\.settings\.timeoutMs should be a whole number from 1 to 2073600000, but it is -3/
			],
			[
				stateJson((s) => (plugin0(s).source = { kind: 'ftp', url: 'x' })),
				/plugins\[0\]\.source\.kind should be one of "example", "url", "inline", "file-only", but it is "ftp"/
			],
			[
				stateJson((s) => (plugin0(s).source = { kind: 'url', url: 'x', sha256: 'ABC' })),
				/plugins\[0\]\.source\.sha256 should be a sha256 \(64 lowercase hex digits\), but it is "ABC"/
			],
			[
				stateJson((s) => (plugin0(s).source = { kind: 'inline', name: 'x', bytes: 0 })),
				/plugins\[0\]\.source\.bytes should be bytes, but the link holds none, but it is 0/
			],
			[
				stateJson((s) => (plugin0(s).kv = { 'a key': 'text' })),
				/plugins\[0\]\.kv\["a key"\] should be bytes, but the link holds none/
			],
			[
				stateJson((s) => (s.extra = true)),
				/extra should be absent \(format v1 has no such field\), but it is true/
			],
			[
				stateJson((s) => (plugin0(s).abi = { hookArgs: { h: nest(70) } })),
				/plugins\[0\]\.abi\.hookArgs\.h(\[0\])+ should be nested at most 64 deep/
			]
		];
		for (const [json, message] of cases) {
			const result = await decodeLink(await seal(json));
			expectError(result, 'corrupted', message);
			expect(!result.ok && result.error.message).toMatch(
				/^The link passed its checksum, but what it holds breaks the link format: /
			);
		}
	});

	it('checks byte fields against the blocks the link holds', async () => {
		const json = stateJson((s) => (plugin0(s).kv = { a: 0, b: 1 }));
		expectError(
			await decodeLink(await seal(json, [Uint8Array.of(7)])),
			'corrupted',
			/kv\.b should be a byte block number from 0 to 0, but it is 1/
		);
		const ok = await decodeLink(await seal(json, [Uint8Array.of(7), Uint8Array.of(8, 9)]));
		expect(ok.ok && ok.state.plugins[0]!.kv).toEqual({
			a: Uint8Array.of(7),
			b: Uint8Array.of(8, 9)
		});
	});

	it('says when a byte block is cut short inside a sealed link', async () => {
		const jsonBytes = utf8Encode(JSON.stringify(STATE));
		const body = concat([varint(jsonBytes.byteLength), jsonBytes, varint(10), Uint8Array.of(1, 2)]);
		expectError(
			await decodeLink(frame(await deflate(body), crc32(body))),
			'corrupted',
			/byte block 0 is cut short/
		);
	});
});

function nest(depth: number): unknown {
	let value: unknown = 1;
	for (let i = 0; i < depth; i++) value = [value];
	return value;
}

describe('switches and addresses', () => {
	it('reads only embed=1 and autorun=1, ignoring anything else', () => {
		expect(readParams('v1.x&embed=1&autorun=1')).toEqual({ embed: true, autorun: true });
		expect(readParams('v1.x&embed=0&autorun&theme=dark')).toEqual({ embed: false, autorun: false });
		expect(readParams('v1.x')).toEqual({ embed: false, autorun: false });
	});

	it('turns switches on and off in a fragment or a whole URL, keeping other parameters', () => {
		expect(withParams('v1.x', { embed: true })).toBe('v1.x&embed=1');
		expect(withParams('v1.x&embed=1', { embed: true })).toBe('v1.x&embed=1');
		expect(withParams('v1.x&embed=1&autorun=1', { embed: false })).toBe('v1.x&autorun=1');
		expect(withParams('https://a.test/p/?q=1#v1.x&theme=dark', { embed: true })).toBe(
			'https://a.test/p/?q=1#v1.x&theme=dark&embed=1'
		);
	});

	it('puts the state after "#", never in the query, replacing any old fragment', () => {
		expect(shareUrl('https://user.github.io/repo/', 'v1.x')).toBe(
			'https://user.github.io/repo/#v1.x'
		);
		expect(shareUrl('https://user.github.io/repo/?a=1#v1.old', 'v1.new')).toBe(
			'https://user.github.io/repo/?a=1#v1.new'
		);
		expect(fragmentOf('https://a.test/#v1.x\n&embed=1')).toBe('v1.x&embed=1');
	});
});
