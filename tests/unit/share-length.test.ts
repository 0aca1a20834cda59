import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/lib/bytes/encoding';
import { defaultSettings } from '../../src/lib/host/settings';
import { encodeLink } from '../../src/lib/share/codec';
import { explainLength, isLong, LINK_WARN_LENGTH } from '../../src/lib/share/length';
import type { SharedPlugin, ShareState } from '../../src/lib/share/state';
import { noise } from '../fixtures/share/noise';

const PLUGIN: SharedPlugin = {
	name: 'Greet',
	source: { kind: 'example', name: 'greet' },
	exportName: 'greet',
	input: 'hi',
	inputMode: 'text',
	settings: defaultSettings('example:greet')
};

function state(plugin: Partial<SharedPlugin>): ShareState {
	return { v: 1, plugins: [{ ...PLUGIN, ...plugin }], activeIndex: 0 };
}

describe('link length', () => {
	it('warns past 8,000 characters', () => {
		expect(LINK_WARN_LENGTH).toBe(8000);
		expect(isLong(8000)).toBe(false);
		expect(isLong(8001)).toBe(true);
	});

	it('gives the length of a short link without a warning', async () => {
		const report = await explainLength(state({}));
		expect(report.length).toBe((await encodeLink(state({}))).length);
		expect(report.warn).toBe(false);
		expect(report.message).toBe(`The link is ${report.length} characters.`);
		expect(report.parts[0]!.part).toBe('rest');
	});

	it('splits the length into parts that add up to it, largest first', async () => {
		const report = await explainLength(
			state({ input: 'x'.repeat(300), kv: { k: noise(500, 3) } }),
			{ embed: true }
		);
		expect(report.parts.reduce((n, p) => n + p.chars, 0)).toBe(report.length);
		expect(report.parts.map((p) => p.part)).toEqual(['kv', 'rest', 'inputs']);
		expect(report.length).toBe(
			(
				await encodeLink(state({ input: 'x'.repeat(300), kv: { k: noise(500, 3) } }), {
					embed: true
				})
			).length
		);
	});

	it('names inline plugins when their bytes make the link long, and says what to do', async () => {
		const source = { kind: 'inline' as const, name: 'p.wasm', bytes: noise(9000, 1) };
		const report = await explainLength(state({ name: 'Big one', source }));
		expect(report.warn).toBe(true);
		expect(report.parts[0]!.part).toBe('plugins');
		expect(report.parts[0]!.chars).toBeGreaterThan(11_000);
		expect(report.message).toMatch(
			/^The link is 12,\d{3} characters, more than the 8,000 that chat apps, mail and issue trackers pass on reliably\. Most of it is plugin bytes \(about 1\d,\d{3} characters\): "Big one" travels inside the link\. Put it at a URL and load it from there, so the link carries only the address and hash, or export a workspace file instead\.$/
		);
	});

	it('points at KV data, recorded results or inputs when they dominate', async () => {
		const kv = await explainLength(state({ kv: { blob: noise(9000, 2) } }));
		expect(kv.message).toMatch(
			/Most of it is KV data \(about [\d,]+ characters\): untick "Include KV data"/
		);
		const trace = {
			id: 1,
			pluginId: 'p',
			pluginName: 'Greet',
			export: 'greet',
			startedAt: 0,
			events: [],
			dropped: 0
		};
		const recorded = await explainLength(state({ recorded: { output: noise(9000, 4), trace } }));
		expect(recorded.message).toMatch(
			/Most of it is recorded results .*: share without the recorded result/
		);
		const input = await explainLength(state({ input: toHex(noise(6000, 5)), inputMode: 'hex' }));
		expect(input.message).toMatch(/Most of it is inputs .*: shorten the input/);
	});
});
