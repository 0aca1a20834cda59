import { describe, expect, it } from 'vitest';
import { TRANSFER_MIN_BYTES, transferList } from '../../src/lib/bytes/transfer';

describe('transferList', () => {
	it('copies small buffers: nothing to transfer', () => {
		expect(transferList(new Uint8Array(16))).toEqual([]);
		expect(transferList(new Uint8Array(TRANSFER_MIN_BYTES - 1))).toEqual([]);
		expect(transferList(null)).toEqual([]);
		expect(transferList(undefined)).toEqual([]);
	});

	it('transfers the whole buffer of large bytes, even through a small view of it', () => {
		const large = new Uint8Array(TRANSFER_MIN_BYTES);
		expect(transferList(large)).toEqual([large.buffer]);
		const view = new Uint8Array(new ArrayBuffer(TRANSFER_MIN_BYTES * 2), 8, 4);
		expect(transferList(view)).toEqual([view.buffer]);
		expect(transferList(view)[0]).toBe(view.buffer);
	});
});
