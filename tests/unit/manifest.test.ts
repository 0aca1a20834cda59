import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toBase64, utf8Encode } from '../../src/lib/bytes/encoding';
import type { PlaygroundError } from '../../src/lib/errors';
import {
	parseManifest,
	toManifestJson,
	verifyHash,
	type ManifestWasmItem,
	type ParsedManifest
} from '../../src/lib/manifest/manifest';

const WASM = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
const WASM_SHA256 = '93a44bbb96c751218e4c00d479e4c14358122a389acca16205b1e4d0dc5f9476';
const ABC_SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

function parsed(input: unknown): ParsedManifest {
	const r = parseManifest(input);
	if (!r.ok) throw new Error(r.error.message);
	return r.manifest;
}

function problem(input: unknown): PlaygroundError {
	const r = parseManifest(input);
	if (r.ok) throw new Error('expected the manifest to be rejected');
	expect(r.error.kind).toBe('load');
	return r.error;
}

describe('parseManifest', () => {
	it('reads the native snake_case JSON form with base64 data', () => {
		const text = JSON.stringify({
			wasm: [{ data: toBase64(WASM), name: 'main', hash: WASM_SHA256.toUpperCase() }],
			config: { greeting: 'hi' },
			allowed_hosts: ['api.example.com', '*.cdn.example.com'],
			memory: { max_pages: 16, max_http_response_bytes: 1024, max_var_bytes: 256 },
			timeout_ms: 5000,
			allowed_paths: { '/tmp': '/tmp' }
		});
		expect(parsed(text)).toEqual({
			wasm: [{ kind: 'data', data: WASM, name: 'main', hash: WASM_SHA256 }],
			config: { greeting: 'hi' },
			allowedHosts: ['api.example.com', '*.cdn.example.com'],
			memory: { maxPages: 16, maxHttpResponseBytes: 1024, maxVarBytes: 256 },
			timeoutMs: 5000
		});
	});

	it('reads the JS SDK camelCase object form with byte arrays', () => {
		const m = parsed({
			wasm: [{ data: WASM }, { data: [1, 2, 3] }],
			allowedHosts: ['x.com'],
			memory: { maxPages: 2, maxHttpResponseBytes: null, maxVarBytes: 10 },
			timeoutMs: 100
		});
		expect(m.wasm).toEqual([
			{ kind: 'data', data: WASM },
			{ kind: 'data', data: Uint8Array.from([1, 2, 3]) }
		]);
		expect(m.allowedHosts).toEqual(['x.com']);
		expect(m.memory).toEqual({ maxPages: 2, maxHttpResponseBytes: null, maxVarBytes: 10 });
		expect(m.timeoutMs).toBe(100);
		expect(m.config).toEqual({});
	});

	it('copies byte arrays so later changes to the input do not leak in', () => {
		const data = WASM.slice();
		const m = parsed({ wasm: [{ data }] });
		data[0] = 0xff;
		const item = m.wasm[0];
		expect(item?.kind === 'data' && item.data[0]).toBe(0);
	});

	it('reads url items with headers and method', () => {
		const m = parsed({
			wasm: [
				{
					url: 'https://example.com/p.wasm',
					headers: { Authorization: 'Bearer x' },
					method: 'POST',
					name: 'lib'
				}
			]
		});
		expect(m.wasm).toEqual([
			{
				kind: 'url',
				url: 'https://example.com/p.wasm',
				headers: { Authorization: 'Bearer x' },
				method: 'POST',
				name: 'lib'
			}
		]);
	});

	it('accepts a URL object', () => {
		expect(parsed({ wasm: [{ url: new URL('https://example.com/a.wasm') }] }).wasm[0]).toEqual({
			kind: 'url',
			url: 'https://example.com/a.wasm'
		});
	});

	it('accepts a single module object instead of a list', () => {
		expect(parsed('{ "wasm": { "url": "https://example.com/p.wasm" } }').wasm).toEqual([
			{ kind: 'url', url: 'https://example.com/p.wasm' }
		]);
	});

	it('treats missing and null optional fields as empty', () => {
		expect(
			parsed({
				wasm: [{ data: [] }],
				config: null,
				allowed_hosts: null,
				memory: null,
				timeout_ms: null
			})
		).toEqual({
			wasm: [{ kind: 'data', data: new Uint8Array() }],
			config: {},
			allowedHosts: [],
			memory: { maxPages: null, maxHttpResponseBytes: null, maxVarBytes: null },
			timeoutMs: null
		});
	});

	it('says a local path cannot be read, naming it', () => {
		const e = problem({ wasm: [{ url: 'https://a/b.wasm' }, { path: './target/plugin.wasm' }] });
		expect(e.message).toBe(
			'wasm[1] points at the local path "./target/plugin.wasm", which a browser cannot read.'
		);
		expect(e.hint).toMatch(/file picker/);
	});

	it('rejects text that is not JSON', () => {
		const e = problem('{ wasm: [] ');
		expect(e.message).toMatch(/^The manifest is not valid JSON: /);
		expect(e.hint).toMatch(/JSON syntax/);
	});

	it('rejects a manifest that is not an object', () => {
		expect(problem('[1]').message).toBe(
			'The manifest is invalid: it must be a JSON object with a "wasm" field; it is an array.'
		);
		expect(problem(null).message).toContain('it is null');
	});

	it('rejects a missing or empty wasm list', () => {
		expect(problem({}).message).toBe(
			'The manifest is invalid: it has no "wasm" field, so it names no module.'
		);
		expect(problem({ wasm: [] }).message).toBe(
			'The manifest is invalid: the "wasm" list is empty; it needs at least one module.'
		);
		expect(problem({ wasm: 'x.wasm' }).message).toContain('wasm must be a list of modules');
	});

	it('names the exact field that is wrong', () => {
		const cases: [unknown, string][] = [
			[{ wasm: [{ data: [] }, { url: 42 }] }, 'wasm[1].url must be a string; it is a number (42).'],
			[{ wasm: [{ url: '  ' }] }, 'wasm[0].url is empty.'],
			[
				{ wasm: [3] },
				'wasm[0] must be an object with "data", "url" or "path"; it is a number (3).'
			],
			[
				{ wasm: [{ name: 'x' }] },
				'wasm[0] has none of "data", "url" or "path"; each module needs one of them.'
			],
			[
				{ wasm: [{ data: [], url: 'u' }] },
				'wasm[0] has both "data" and "url"; a module comes from exactly one of data, url or path.'
			],
			[
				{ wasm: [{ data: [1, 256] }] },
				'wasm[0].data[1] must be a byte (a whole number from 0 to 255); it is a number (256).'
			],
			[
				{ wasm: [{ data: true }] },
				'wasm[0].data must be base64 text or an array of bytes; it is a boolean (true).'
			],
			[
				{ wasm: [{ url: 'u', headers: { 'X-Id': 7 } }] },
				'wasm[0].headers.X-Id must be a string; it is a number (7).'
			],
			[
				{ wasm: [{ url: 'u', headers: ['a'] }] },
				'wasm[0].headers must be an object of strings; it is an array.'
			],
			[{ wasm: [{ url: 'u', method: 1 }] }, 'wasm[0].method must be a string; it is a number (1).'],
			[
				{ wasm: [{ url: 'u', name: false }] },
				'wasm[0].name must be a string; it is a boolean (false).'
			],
			[
				{ wasm: [{ url: 'u' }], config: { debug: true } },
				'config.debug must be a string; it is a boolean (true).'
			],
			[
				{ wasm: [{ url: 'u' }], config: { 'a b': 1 } },
				'config["a b"] must be a string; it is a number (1).'
			],
			[
				{ wasm: [{ url: 'u' }], config: 'x' },
				'config must be an object of strings; it is the string "x".'
			],
			[
				{ wasm: [{ url: 'u' }], allowed_hosts: 'x.com' },
				'allowed_hosts must be a list of host names; it is the string "x.com".'
			],
			[
				{ wasm: [{ url: 'u' }], allowedHosts: ['a', 2] },
				'allowedHosts[1] must be a string; it is a number (2).'
			],
			[{ wasm: [{ url: 'u' }], memory: 5 }, 'memory must be an object; it is a number (5).'],
			[
				{ wasm: [{ url: 'u' }], memory: { max_pages: -1 } },
				'memory.max_pages must be a whole number of pages; it is a number (-1).'
			],
			[
				{ wasm: [{ url: 'u' }], memory: { maxPages: 1.5 } },
				'memory.maxPages must be a whole number of pages; it is a number (1.5).'
			],
			[
				{ wasm: [{ url: 'u' }], memory: { max_pages: 70000 } },
				'memory.max_pages must be at most 65536 pages; it is 70000.'
			],
			[
				{ wasm: [{ url: 'u' }], memory: { max_var_bytes: '1' } },
				'memory.max_var_bytes must be a whole number of bytes; it is the string "1".'
			],
			[
				{ wasm: [{ url: 'u' }], timeout_ms: 0 },
				'timeout_ms must be a whole number of milliseconds, at least 1; it is a number (0).'
			],
			[
				{ wasm: [{ url: 'u' }], timeoutMs: '5s' },
				'timeoutMs must be a whole number of milliseconds, at least 1; it is the string "5s".'
			]
		];
		for (const [input, message] of cases) {
			expect(problem(input).message).toBe(`The manifest is invalid: ${message}`);
		}
	});

	it('names the single-object form as "wasm"', () => {
		expect(problem({ wasm: { url: 1 } }).message).toContain('wasm.url must be a string');
	});

	it('rejects base64 that does not decode, saying where', () => {
		const e = problem({ wasm: [{ data: 'AGFz!W0=' }] });
		expect(e.message).toBe(
			'The manifest is invalid: wasm[0].data is not valid base64. The base64 text has a character that is not base64, "!", at position 5.'
		);
	});

	it('lowercases a hash and rejects one of the wrong length or alphabet', () => {
		expect(parsed({ wasm: [{ url: 'u', hash: ABC_SHA256.toUpperCase() }] }).wasm[0]?.hash).toBe(
			ABC_SHA256
		);
		const short = problem({ wasm: [{ url: 'u', hash: ABC_SHA256.slice(0, 40) }] });
		expect(short.message).toBe(
			'The manifest is invalid: wasm[0].hash must be a SHA-256: 64 hex digits; it has 40 hex digits.'
		);
		expect(short.hint).toMatch(/sha256sum/);
		expect(problem({ wasm: [{ url: 'u', hash: 'z'.repeat(64) }] }).message).toContain(
			'it has characters that are not hex digits'
		);
	});

	it('keeps a config key named __proto__ as an ordinary key', () => {
		const m = parsed('{ "wasm": [{ "url": "u" }], "config": { "__proto__": "x", "a": "b" } }');
		expect(Object.keys(m.config)).toEqual(['__proto__', 'a']);
		expect(Object.getPrototypeOf(m.config)).toBe(Object.prototype);
		expect(JSON.parse(JSON.stringify(toManifestJson(m))).config).toEqual(
			JSON.parse('{ "__proto__": "x", "a": "b" }')
		);
	});

	it('prefers snake_case when both spellings are present', () => {
		expect(parsed({ wasm: [{ url: 'u' }], timeout_ms: 1, timeoutMs: 2 }).timeoutMs).toBe(1);
	});
});

describe('verifyHash', () => {
	it('returns the SHA-256 when there is no hash to check', async () => {
		expect(await verifyHash({}, 0, utf8Encode('abc'))).toEqual({ ok: true, sha256: ABC_SHA256 });
	});

	it('accepts a matching hash in any case', async () => {
		const r = await verifyHash({ hash: ABC_SHA256.toUpperCase() }, 0, utf8Encode('abc'));
		expect(r).toEqual({ ok: true, sha256: ABC_SHA256 });
	});

	it('names the item and both hashes when they differ', async () => {
		const r = await verifyHash(
			{ name: 'main', url: 'https://example.com/p.wasm', hash: WASM_SHA256 },
			2,
			utf8Encode('abc')
		);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.error.kind).toBe('load');
		expect(r.error.message).toBe(
			`wasm[2] ("main", https://example.com/p.wasm) does not match the manifest's hash: expected ${WASM_SHA256}, got ${ABC_SHA256}.`
		);
		expect(r.error.hint).toMatch(/file changed .* or the hash is wrong/);
	});

	it('names an item without name or url by its index alone', async () => {
		const r = await verifyHash({ hash: ABC_SHA256 }, 0, WASM);
		if (r.ok) throw new Error('expected a mismatch');
		expect(r.error.message).toMatch(/^wasm\[0\] does not match/);
		expect(r.error.message).toContain(WASM_SHA256);
	});

	it('works on items straight from parseManifest', async () => {
		const m = parsed({ wasm: [{ data: toBase64(WASM), hash: WASM_SHA256 }] });
		const item = m.wasm[0];
		if (item?.kind !== 'data') throw new Error('expected a data item');
		expect(await verifyHash(item, 0, item.data)).toEqual({ ok: true, sha256: WASM_SHA256 });
	});
});

describe('toManifestJson', () => {
	const full: ParsedManifest = {
		wasm: [
			{ kind: 'data', data: WASM, name: 'main', hash: WASM_SHA256 },
			{ kind: 'url', url: 'https://example.com/lib.wasm', headers: { A: 'b' }, method: 'GET' }
		],
		config: { k: 'v' },
		allowedHosts: ['*.example.com'],
		memory: { maxPages: 4, maxHttpResponseBytes: null, maxVarBytes: 64 },
		timeoutMs: 250
	};

	it('writes the native snake_case form with base64 data', () => {
		expect(toManifestJson(full)).toEqual({
			wasm: [
				{ data: 'AGFzbQEAAAA=', name: 'main', hash: WASM_SHA256 },
				{ url: 'https://example.com/lib.wasm', headers: { A: 'b' }, method: 'GET' }
			],
			config: { k: 'v' },
			allowed_hosts: ['*.example.com'],
			memory: { max_pages: 4, max_var_bytes: 64 },
			timeout_ms: 250
		});
	});

	it('leaves out empty fields unless asked to include them', () => {
		const bare: ParsedManifest = {
			wasm: [{ kind: 'url', url: 'u' }],
			config: {},
			allowedHosts: [],
			memory: { maxPages: null, maxHttpResponseBytes: null, maxVarBytes: null },
			timeoutMs: null
		};
		expect(toManifestJson(bare)).toEqual({ wasm: [{ url: 'u' }] });
		expect(toManifestJson(bare, { includeEmpty: true })).toEqual({
			wasm: [{ url: 'u' }],
			config: {},
			allowed_hosts: [],
			memory: { max_pages: null, max_http_response_bytes: null, max_var_bytes: null },
			timeout_ms: null
		});
	});

	it('does not share arrays or objects with the manifest', () => {
		const json = toManifestJson(full);
		if (json.config) json.config['k'] = 'changed';
		json.allowed_hosts?.push('evil.com');
		expect(full.config).toEqual({ k: 'v' });
		expect(full.allowedHosts).toEqual(['*.example.com']);
	});

	const nullableCount = (max: number) => fc.option(fc.integer({ min: 0, max }), { nil: null });
	const common = fc.record(
		{
			name: fc.string(),
			hash: fc.stringMatching(/^[0-9a-f]{64}$/)
		},
		{ requiredKeys: [] }
	);
	const item: fc.Arbitrary<ManifestWasmItem> = fc.oneof(
		fc.tuple(fc.uint8Array({ maxLength: 64 }), common).map(([data, c]) => ({
			kind: 'data' as const,
			data,
			...c
		})),
		fc
			.tuple(
				fc.webUrl(),
				fc.record(
					{
						headers: fc.dictionary(fc.string({ minLength: 1 }), fc.string()),
						method: fc.constantFrom('GET', 'POST')
					},
					{ requiredKeys: [] }
				),
				common
			)
			.map(([url, extra, c]) => ({ kind: 'url' as const, url, ...extra, ...c }))
	);
	const manifest: fc.Arbitrary<ParsedManifest> = fc.record({
		wasm: fc.array(item, { minLength: 1, maxLength: 3 }),
		config: fc.dictionary(fc.string(), fc.string()),
		allowedHosts: fc.array(fc.domain()),
		memory: fc.record({
			maxPages: nullableCount(65536),
			maxHttpResponseBytes: nullableCount(1 << 30),
			maxVarBytes: nullableCount(1 << 30)
		}),
		timeoutMs: fc.option(fc.integer({ min: 1, max: 1e9 }), { nil: null })
	});

	it('round-trips through parseManifest, as an object and as JSON text', () => {
		fc.assert(
			fc.property(manifest, fc.boolean(), (m, includeEmpty) => {
				const json = toManifestJson(m, { includeEmpty });
				expect(parsed(json)).toEqual(m);
				expect(parsed(JSON.stringify(json))).toEqual(m);
			}),
			{ numRuns: 500 }
		);
	});
});
