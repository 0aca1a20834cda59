import { describe, expect, it } from 'vitest';
import { KEEP_LIMIT_BYTES, keepable, keepNotice } from '../../src/lib/workspace/keep';

describe('keepable / keepNotice', () => {
	const file = { kind: 'file', name: 'big.wasm' } as const;

	it('keeps modules up to the limit and says nothing about them', () => {
		expect(keepable(KEEP_LIMIT_BYTES)).toBe(true);
		expect(keepNotice(file, KEEP_LIMIT_BYTES)).toBeNull();
	});

	it('tells the user at load that a bigger file will not come back, and what to do', () => {
		expect(keepable(KEEP_LIMIT_BYTES + 1)).toBe(false);
		const notice = keepNotice(file, 200 * 1024 * 1024);
		expect(notice).toContain(
			'This 200 MiB plugin is too large to keep: it will not come back after a reload'
		);
		expect(notice).toContain('up to 16 MiB');
		expect(notice).toContain('Export workspace');
		expect(notice).toContain('URL');
	});

	it('says nothing for sources that are fetched again on reload', () => {
		expect(keepNotice({ kind: 'url', url: 'https://x/p.wasm' }, 200 * 1024 * 1024)).toBeNull();
		expect(keepNotice({ kind: 'example', name: 'greet' }, 200 * 1024 * 1024)).toBeNull();
		expect(
			keepNotice({ kind: 'manifest', name: 'm.json', manifest: {} }, 200 * 1024 * 1024)
		).not.toBeNull();
	});
});
