import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PAGES, defaultSettings, type HostSettings } from '../../src/lib/host/settings';
import { parseManifest } from '../../src/lib/manifest/manifest';
import {
	applySettingsManifest,
	settingsFromManifest,
	settingsManifest,
	sourceWasm,
	type SettingsWasm
} from '../../src/lib/manifest/settings';

const BASE = 'https://play.example/sub/';
const HASH = 'ab'.repeat(32);

describe('sourceWasm', () => {
	it('names examples and downloads by URL, files by path, with the hash', () => {
		expect(sourceWasm({ kind: 'example', name: 'greet' }, HASH, BASE)).toEqual({
			url: 'https://play.example/sub/examples/greet.wasm',
			hash: HASH
		});
		expect(sourceWasm({ kind: 'url', url: 'https://x.example/p.wasm' }, null, BASE)).toEqual({
			url: 'https://x.example/p.wasm'
		});
		expect(sourceWasm({ kind: 'file', name: 'plugin.wasm' }, HASH, BASE)).toEqual({
			path: 'plugin.wasm',
			hash: HASH
		});
	});

	it("keeps a manifest's URL item, and names inline data by a path", () => {
		const fromUrl = {
			kind: 'manifest' as const,
			name: 'm.json',
			manifest: { wasm: [{ url: 'examples/a.wasm', name: 'main', headers: { a: 'b' } }] }
		};
		expect(sourceWasm(fromUrl, HASH, BASE)).toEqual({
			url: 'https://play.example/sub/examples/a.wasm',
			headers: { a: 'b' },
			name: 'main',
			hash: HASH
		});
		const inline = {
			kind: 'manifest' as const,
			name: 'vowels.json',
			manifest: { wasm: [{ data: 'AGFzbQ==' }] }
		};
		expect(sourceWasm(inline, HASH, BASE)).toEqual({ path: 'vowels.wasm', hash: HASH });
	});
});

describe('settingsManifest', () => {
	it('writes every manifest field, nulls included', () => {
		const settings = defaultSettings('n');
		settings.config = { vowels: 'o' };
		const wasm: SettingsWasm = { path: 'p.wasm' };
		expect(settingsManifest(settings, wasm)).toEqual({
			wasm: [wasm],
			config: { vowels: 'o' },
			allowed_hosts: [],
			memory: { max_pages: DEFAULT_MAX_PAGES, max_http_response_bytes: null, max_var_bytes: null },
			timeout_ms: 10_000
		});
	});
});

const count = fc.option(fc.integer({ min: 1, max: 65536 }), { nil: null });
const settingsArb: fc.Arbitrary<HostSettings> = fc.record({
	config: fc.dictionary(fc.string(), fc.string()),
	allowedHosts: fc.array(fc.domain()),
	logLevel: fc.constantFrom('trace', 'debug', 'info', 'warn', 'error', 'silent'),
	timeoutMs: fc.integer({ min: 1, max: 600_000 }),
	wasi: fc.constantFrom('auto', 'on', 'off'),
	memory: fc.record({ maxPages: count, maxHttpResponseBytes: count, maxVarBytes: count }),
	freshInstance: fc.boolean(),
	namespace: fc.string(),
	mocks: fc.constant({})
});

describe('applySettingsManifest', () => {
	const wasm: SettingsWasm = { url: 'https://x.example/p.wasm', hash: HASH };

	it('reads back the settings it was written from', () => {
		fc.assert(
			fc.property(settingsArb, (settings) => {
				const text = JSON.stringify(settingsManifest(settings, wasm), null, 2);
				const back = applySettingsManifest(text, wasm, settings);
				expect(back.ok && back.settings).toEqual(settings);
			})
		);
	});

	it('applies edits over the base, keeping the settings a manifest has not', () => {
		const base = { ...defaultSettings('ns'), logLevel: 'debug' as const, wasi: 'on' as const };
		const text = JSON.stringify({
			wasm: [{ hash: HASH, url: 'https://x.example/p.wasm' }],
			config: { vowels: 'o' },
			memory: { max_pages: 8 }
		});
		const got = applySettingsManifest(text, wasm, base);
		expect(got.ok && got.settings).toEqual({
			...base,
			config: { vowels: 'o' },
			memory: { maxPages: 8, maxHttpResponseBytes: null, maxVarBytes: null }
		});
	});

	it('tells "max_pages": null (the module\'s own maximum) from a missing one (the default)', () => {
		const base = defaultSettings('ns');
		const withNull = applySettingsManifest(
			JSON.stringify({ wasm: [wasm], memory: { max_pages: null } }),
			wasm,
			base
		);
		expect(withNull.ok && withNull.settings.memory.maxPages).toBe(null);
		const without = applySettingsManifest(JSON.stringify({ wasm: [wasm] }), wasm, base);
		expect(without.ok && without.settings.memory.maxPages).toBe(DEFAULT_MAX_PAGES);
	});

	it('accepts a path item, which parseManifest alone refuses in a browser', () => {
		const path: SettingsWasm = { path: 'p.wasm', hash: HASH };
		expect(parseManifest({ wasm: [path] }).ok).toBe(false);
		expect(
			applySettingsManifest(JSON.stringify({ wasm: [path] }), path, defaultSettings('n')).ok
		).toBe(true);
	});

	const rejects: [string, string, string][] = [
		['bad JSON', '{"wasm": [', 'not valid JSON: '],
		['an array', '[]', 'must be a JSON object'],
		['another module', JSON.stringify({ wasm: [{ url: 'https://x.example/q.wasm' }] }), '"wasm"'],
		[
			'a number as config value',
			JSON.stringify({ wasm: [wasm], config: { vowels: 3 } }),
			'config.vowels must be a string'
		],
		[
			'negative pages',
			JSON.stringify({ wasm: [wasm], memory: { max_pages: -1 } }),
			'memory.max_pages'
		]
	];
	for (const [name, text, message] of rejects) {
		it(`rejects ${name}, naming the field`, () => {
			const got = applySettingsManifest(text, wasm, defaultSettings('n'));
			expect(got.ok).toBe(false);
			expect(!got.ok && got.error.message).toContain(message);
		});
	}
});

describe('settingsFromManifest', () => {
	it('gives a manifest without limits the playground defaults', () => {
		const parsed = parseManifest({ wasm: [{ url: 'https://x.example/p.wasm' }] });
		if (!parsed.ok) throw new Error(parsed.error.message);
		const base = {
			...defaultSettings('ns'),
			timeoutMs: 5,
			memory: { maxPages: 1, maxHttpResponseBytes: 1, maxVarBytes: 1 }
		};
		const got = settingsFromManifest(parsed.manifest, base);
		expect(got.timeoutMs).toBe(10_000);
		expect(got.memory).toEqual({
			maxPages: DEFAULT_MAX_PAGES,
			maxHttpResponseBytes: null,
			maxVarBytes: null
		});
	});
});
