import { describe, expect, it } from 'vitest';
import { toBase64 } from '../../src/lib/bytes/encoding';
import { sha256Hex } from '../../src/lib/bytes/hash';
import { defaultSettings } from '../../src/lib/host/settings';
import type { ShareErrorReason, ShareResult } from '../../src/lib/share/errors';
import type { SharedPlugin, ShareState } from '../../src/lib/share/state';
import {
	decodeWorkspaceFile,
	encodeWorkspaceFile,
	WORKSPACE_FILE_FORMAT,
	workspaceFileName
} from '../../src/lib/share/workspace-file';

/** A module far bigger than any link carries. */
const MODULE = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 31 + (i >> 7)) & 0xff);

const PLUGIN: SharedPlugin = {
	name: 'big.wasm',
	source: { kind: 'inline', name: 'big.wasm', bytes: MODULE },
	exportName: 'run',
	input: 'x',
	inputMode: 'text',
	settings: defaultSettings('file:big.wasm'),
	kv: { key: Uint8Array.of(0, 1, 2) }
};

const STATE: ShareState = {
	v: 1,
	plugins: [PLUGIN, { ...PLUGIN, name: 'same module again' }],
	activeIndex: 1,
	layout: { left: 20, right: 20 }
};

function expectError(result: ShareResult<object>, reason: ShareErrorReason, message: RegExp): void {
	if (result.ok) throw new Error('expected an error');
	expect(result.error.reason).toBe(reason);
	expect(result.error.message).toMatch(message);
	expect(result.error.hint).not.toBe('');
}

function asJson(value: unknown): unknown {
	return JSON.parse(
		JSON.stringify(value, (_key, v: unknown) =>
			v instanceof Uint8Array ? { $bytes: toBase64(v) } : v
		)
	);
}

/** A valid file's JSON, changed. */
async function edited(change: (file: Record<string, unknown>) => void): Promise<string> {
	const file = JSON.parse(await encodeWorkspaceFile(STATE)) as Record<string, unknown>;
	change(file);
	return JSON.stringify(file);
}

describe('workspace files', () => {
	it('round-trips a workspace with a module of any size', async () => {
		const decoded = await decodeWorkspaceFile(await encodeWorkspaceFile(STATE));
		if (!decoded.ok) throw new Error(decoded.error.message);
		// Bytes compared as base64: toEqual walks a typed array element by element, slowly.
		expect(asJson(decoded.state)).toEqual(asJson(STATE));
		expect(decoded.state.plugins[0]!.source).toMatchObject({ kind: 'inline', name: 'big.wasm' });
	});

	it('stores each module once, by its sha256, and other bytes as base64 in place', async () => {
		const sha256 = await sha256Hex(MODULE);
		const text = await encodeWorkspaceFile(STATE);
		expect(text.endsWith('}\n')).toBe(true);
		const file = JSON.parse(text) as {
			format: string;
			version: number;
			state: { plugins: { source: unknown; kv: unknown }[] };
			blobs: Record<string, string>;
		};
		expect(file.format).toBe(WORKSPACE_FILE_FORMAT);
		expect(file.version).toBe(1);
		expect(file.blobs).toEqual({ [sha256]: toBase64(MODULE) });
		expect(file.state.plugins[0]!.source).toEqual({
			kind: 'inline',
			name: 'big.wasm',
			bytes: sha256
		});
		expect(file.state.plugins[1]!.kv).toEqual({ key: 'AAEC' });
	});

	it('names a download by the time it was made', () => {
		expect(workspaceFileName(new Date('2026-05-01T10:20:30.456Z'))).toBe(
			'workspace-2026-05-01T10-20-30.json'
		);
	});

	it('says what is wrong with a file that is empty, cut or not JSON', async () => {
		const text = await encodeWorkspaceFile(STATE);
		expectError(await decodeWorkspaceFile(' \n'), 'empty', /^The file is empty\.$/);
		expectError(
			await decodeWorkspaceFile('\0asm\x01'),
			'foreign',
			/not a workspace file: it is not JSON/
		);
		expectError(
			await decodeWorkspaceFile(text.slice(0, 5000)),
			'truncated',
			/^The workspace file is cut short/
		);
		expectError(await decodeWorkspaceFile('{"format": x}'), 'corrupted', /its JSON does not parse/);
	});

	it('tells other playground files and future versions apart', async () => {
		expectError(
			await decodeWorkspaceFile('{"format": "plugin-playground.trace", "version": 1}'),
			'foreign',
			/not a Plugin Playground workspace file: its "format" is "plugin-playground\.trace", where "plugin-playground\.workspace" was expected/
		);
		expectError(await decodeWorkspaceFile('[1]'), 'foreign', /it is not a JSON object/);
		expectError(
			await decodeWorkspaceFile(await edited((f) => (f.version = 3))),
			'future-version',
			/made by a newer version of the playground \(file version 3\); this one reads up to version 1/
		);
		expectError(
			await decodeWorkspaceFile(await edited((f) => (f.version = '1'))),
			'corrupted',
			/"version" should be a whole number from 1, but it is "1"/
		);
	});

	it('checks every module against its hash, naming both', async () => {
		const sha256 = await sha256Hex(MODULE);
		const other = toBase64(Uint8Array.of(1, 2, 3));
		const changed = await edited((f) => ((f.blobs as Record<string, string>)[sha256] = other));
		expectError(
			await decodeWorkspaceFile(changed),
			'corrupted',
			new RegExp(
				`the module stored as sha256 ${sha256} has sha256 ${await sha256Hex(Uint8Array.of(1, 2, 3))}`
			)
		);
		const badBase64 = await edited((f) => ((f.blobs as Record<string, string>)[sha256] = '!!'));
		expectError(
			await decodeWorkspaceFile(badBase64),
			'corrupted',
			/blobs\["[0-9a-f]{64}"\] should be base64/
		);
		expectError(
			await decodeWorkspaceFile(await edited((f) => delete f.blobs)),
			'corrupted',
			/"blobs" should be an object of sha256 → base64, but it is missing/
		);
	});

	it('names the field that breaks the format, under "state"', async () => {
		const cases: [(f: Record<string, unknown>) => void, RegExp][] = [
			[
				(f) => (f.blobs = {}),
				/state\.plugins\[0\]\.source\.bytes should be the sha256 of a module in "blobs"/
			],
			[(f) => delete f.state, /state should be an object, but it is missing/],
			[
				(f) =>
					((
						(f.state as { plugins: Record<string, unknown>[] }).plugins[1] as Record<
							string,
							unknown
						>
					).kv = { key: '!' }),
				/state\.plugins\[1\]\.kv\.key should be base64, but it is "!"/
			],
			[
				(f) => ((f.state as Record<string, unknown>).surprise = 1),
				/state\.surprise should be absent/
			]
		];
		for (const [change, message] of cases) {
			expectError(await decodeWorkspaceFile(await edited(change)), 'corrupted', message);
		}
	});
});
