import { describe, expect, it } from 'vitest';
import {
	DEFAULT_TIMEOUT_MS,
	defaultSettings,
	isTimeoutMs,
	MAX_TIMEOUT_MS,
	withUsableTimeout
} from '../../src/lib/host/settings';
import { settingsDraft, settingsFromDraft } from '../../src/lib/host/settings-form';
import { parseManifest } from '../../src/lib/manifest/manifest';
import { applySettingsManifest, settingsManifest } from '../../src/lib/manifest/settings';
import { utf8Encode } from '../../src/lib/bytes/encoding';
import { concat, crc32, deflate, toBase64Url, varint } from '../../src/lib/share/binary';
import { decodeLink, encodeLink } from '../../src/lib/share/codec';
import type { ShareState } from '../../src/lib/share/state';
import { decodeWorkspaceFile, encodeWorkspaceFile } from '../../src/lib/share/workspace-file';

/** setTimeout fires at once from here on: the delay no longer fits a signed 32-bit integer. */
const TIMER_OVERFLOW = 2 ** 31;

const BASE = defaultSettings('example:greet');

/** A v1 fragment around any state, sealed with a correct checksum and no checks on the way out. */
async function seal(state: ShareState): Promise<string> {
	const json = utf8Encode(JSON.stringify(state));
	const body = concat([varint(json.byteLength), json]);
	const deflated = await deflate(body);
	const crc = new Uint8Array(4);
	new DataView(crc.buffer).setUint32(0, crc32(body));
	return `v1.${toBase64Url(concat([varint(deflated.byteLength), crc, deflated]))}`;
}

function shareState(timeoutMs: number): ShareState {
	return {
		v: 1,
		plugins: [
			{
				name: 'Greet',
				source: { kind: 'example', name: 'greet' },
				exportName: 'greet',
				input: 'hi',
				inputMode: 'text',
				settings: { ...BASE, timeoutMs }
			}
		],
		activeIndex: 0
	};
}

describe('the timeout range', () => {
	it('is 1 ms to 24 days, which every browser timer can wait', () => {
		expect(MAX_TIMEOUT_MS).toBe(24 * 86_400_000);
		expect(MAX_TIMEOUT_MS).toBeLessThan(TIMER_OVERFLOW);
		for (const ok of [1, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS]) expect(isTimeoutMs(ok)).toBe(true);
		for (const bad of [0, -1, 1.5, MAX_TIMEOUT_MS + 1, TIMER_OVERFLOW, Infinity, NaN, null, '10']) {
			expect(isTimeoutMs(bad)).toBe(false);
		}
	});
});

describe('every way a timeout comes in refuses one no timer can wait', () => {
	it('the settings form', () => {
		const draft = settingsDraft(BASE);
		const refused = settingsFromDraft({ ...draft, timeoutMs: TIMER_OVERFLOW }, BASE);
		expect(refused.ok).toBe(false);
		if (!refused.ok) {
			expect(refused.error.message).toBe(
				'The timeout must be a whole number of milliseconds from 1 to 2073600000 ms (24 days).'
			);
		}
		const longest = settingsFromDraft({ ...draft, timeoutMs: MAX_TIMEOUT_MS }, BASE);
		expect(longest.ok && longest.settings.timeoutMs).toBe(MAX_TIMEOUT_MS);
	});

	it("a manifest's timeout_ms, loaded or edited in Host settings", () => {
		const parsed = parseManifest({ wasm: [{ url: 'u' }], timeout_ms: TIMER_OVERFLOW });
		expect(parsed.ok ? null : parsed.error.message).toBe(
			'The manifest is invalid: timeout_ms must be at most 2073600000 milliseconds (24 days: a browser fires a longer timer at once); it is 2147483648.'
		);
		const longest = parseManifest({ wasm: [{ url: 'u' }], timeoutMs: MAX_TIMEOUT_MS });
		expect(longest.ok && longest.manifest.timeoutMs).toBe(MAX_TIMEOUT_MS);

		const wasm = { url: 'https://x.test/p.wasm' };
		const edited = { ...settingsManifest(BASE, wasm), timeout_ms: TIMER_OVERFLOW };
		const applied = applySettingsManifest(JSON.stringify(edited), wasm, BASE);
		expect(applied.ok ? null : applied.error.message).toMatch(/timeout_ms must be at most/);
	});

	it('a share link', async () => {
		const state = shareState(MAX_TIMEOUT_MS);
		const link = await encodeLink(state);
		const good = await decodeLink(link);
		expect(good.ok && good.state.plugins[0]?.settings.timeoutMs).toBe(MAX_TIMEOUT_MS);
		// The app never writes such a link now; one sealed by an older build, or by hand, is refused.
		const sealed = await encodeLink(shareState(MAX_TIMEOUT_MS + 1)).catch((e: Error) => e);
		expect(sealed).toBeInstanceOf(Error);
		const refused = await decodeLink(await seal(shareState(TIMER_OVERFLOW)));
		expect(refused.ok ? null : refused.error.message).toMatch(
			/timeoutMs.*a whole number from 1 to 2073600000/
		);
	});

	it('a workspace file', async () => {
		const file = await encodeWorkspaceFile(shareState(1000));
		const tampered = file.replace(/"timeoutMs": 1000\b/, `"timeoutMs": ${TIMER_OVERFLOW}`);
		expect(tampered).not.toBe(file);
		const decoded = await decodeWorkspaceFile(tampered);
		expect(decoded.ok ? null : decoded.error.message).toMatch(
			/timeoutMs.*a whole number from 1 to 2073600000/
		);
	});

	it('workspace state saved by an older build is brought into range', () => {
		expect(withUsableTimeout({ ...BASE, timeoutMs: TIMER_OVERFLOW }).timeoutMs).toBe(
			MAX_TIMEOUT_MS
		);
		expect(withUsableTimeout({ ...BASE, timeoutMs: 0 }).timeoutMs).toBe(DEFAULT_TIMEOUT_MS);
		expect(withUsableTimeout({ ...BASE, timeoutMs: Number.NaN }).timeoutMs).toBe(
			DEFAULT_TIMEOUT_MS
		);
		const fine = { ...BASE, timeoutMs: 5000 };
		expect(withUsableTimeout(fine)).toBe(fine);
	});
});
