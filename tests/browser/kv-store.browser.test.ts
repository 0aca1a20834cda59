// KV in IndexedDB as segments: a batch of writes is one record, committed when kvWrite resolves; a namespace
// never holds more than MAX_SEGMENTS records; deletes, clears and replays read back as a plain map would.
import { describe, expect, it } from 'vitest';
import { MAX_SEGMENTS, Storage } from '../../src/state/storage';
import { freshStorage, str, text } from './helpers';

/** The segment keys `[namespace, n, weight]` of storage `prefix`, read straight from its database. */
async function segmentKeys(prefix: string): Promise<[string, number, number][]> {
	const db = await new Promise<IDBDatabase>((resolve, reject) => {
		const request = indexedDB.open(`${prefix}-kv`);
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
	});
	const keys = await new Promise<IDBValidKey[]>((resolve, reject) => {
		const request = db.transaction('segments').objectStore('segments').getAllKeys();
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
	});
	db.close();
	return keys as [string, number, number][];
}

/** How many segment records each namespace of storage `prefix` holds. */
async function segmentCounts(prefix: string): Promise<Map<string, number>> {
	const counts = new Map<string, number>();
	for (const [namespace] of await segmentKeys(prefix)) {
		counts.set(namespace, (counts.get(namespace) ?? 0) + 1);
	}
	return counts;
}

/** A namespace as `{ key: text }`. */
async function listed(storage: Storage, namespace: string): Promise<Record<string, string>> {
	const result = await storage.kvList(namespace);
	if (!result.ok) throw new Error(result.error.message);
	return Object.fromEntries([...result.entries].map(([k, v]) => [k, str(v)]));
}

describe('KV segments in IndexedDB', () => {
	it('stores 10,000 writes as one record, on disk once kvWrite resolves', async () => {
		const { storage, prefix } = freshStorage();
		const writes = Array.from({ length: 10_000 }, (_, i) => ({
			key: `key-${i}`,
			value: text(`v${i}`)
		}));
		expect((await storage.kvWrite('big', writes)).ok).toBe(true);
		expect(await segmentCounts(prefix)).toEqual(new Map([['big', 1]]));
		// A second connection, as the next page load has, sees every write.
		const stored = await listed(new Storage(prefix), 'big');
		expect(Object.keys(stored)).toHaveLength(10_000);
		expect(stored['key-9999']).toBe('v9999');
	});

	it(`folds a namespace of like-sized writes into one record at ${MAX_SEGMENTS} segments`, async () => {
		const { storage, prefix } = freshStorage();
		const model = new Map<string, string>();
		for (let round = 0; round < 2 * MAX_SEGMENTS + 1; round++) {
			const writes = [
				{ key: `k${round % 7}`, value: text(`r${round}`) },
				{ key: `k${(round + 3) % 7}`, value: null },
				{ key: `once${round}`, value: text('x') }
			];
			for (const { key, value } of writes) {
				if (value === null) model.delete(key);
				else model.set(key, str(value));
			}
			expect((await storage.kvWrite('busy', writes)).ok).toBe(true);
			expect(await segmentCounts(prefix)).toEqual(new Map([['busy', (round % MAX_SEGMENTS) + 1]]));
		}
		expect(await listed(storage, 'busy')).toEqual(Object.fromEntries(model));
	});

	it('folds only the newer segments when the oldest outweighs them, keeping their deletes', async () => {
		const { storage, prefix } = freshStorage();
		const big = Array.from({ length: 1_000 }, (_, i) => ({
			key: `big-${i}`,
			value: new Uint8Array(1_000).fill(i % 256)
		}));
		await storage.kvWrite('mixed', big);
		const [oldest] = await segmentKeys(prefix);
		for (let i = 0; i < 2 * MAX_SEGMENTS; i++) {
			await storage.kvWrite('mixed', [
				{ key: `small-${i % 3}`, value: text(`${i}`) },
				{ key: `big-${i}`, value: null }
			]);
			const keys = await segmentKeys(prefix);
			expect(keys.length).toBeLessThanOrEqual(MAX_SEGMENTS);
			// The 1 MB segment is never read or written again for these few bytes.
			expect(keys[0]).toEqual(oldest);
		}
		const stored = await listed(storage, 'mixed');
		expect(Object.keys(stored)).toHaveLength(1_000 - 2 * MAX_SEGMENTS + 3);
		expect('big-0' in stored).toBe(false);
		expect(stored[`big-${2 * MAX_SEGMENTS}`]).toHaveLength(1_000);
		// The last round whose small key was small-1.
		const lastRound = Array.from({ length: 2 * MAX_SEGMENTS }, (_, i) => i).filter(
			(i) => i % 3 === 1
		);
		expect(stored['small-1']).toBe(`${lastRound.at(-1)}`);
	});

	it('clears one namespace and leaves the others, even ones whose name starts the same', async () => {
		const { storage } = freshStorage();
		await storage.kvWrite('ns', [{ key: 'a', value: text('1') }]);
		await storage.kvWrite('ns2', [{ key: 'a', value: text('2') }]);
		await storage.kvWrite('ns', [{ key: 'b', value: text('3') }]);
		expect((await storage.kvClear('ns')).ok).toBe(true);
		expect(await listed(storage, 'ns')).toEqual({});
		expect(await listed(storage, 'ns2')).toEqual({ a: '2' });
		await storage.kvWrite('ns', [{ key: 'c', value: text('4') }]);
		expect(await listed(storage, 'ns')).toEqual({ c: '4' });
	});

	it('replays only writes at least as new as the stored entry, across folded segments', async () => {
		const { storage } = freshStorage();
		for (let i = 0; i < MAX_SEGMENTS; i++) {
			await storage.kvWrite('replay', [{ key: `k${i}`, value: text('old'), at: 100 }]);
		}
		await storage.kvWrite('replay', [{ key: 'edited', value: text('kv view'), at: 500 }]);
		const replayed = await storage.kvReplay([
			{ namespace: 'replay', key: 'edited', value: text('plugin'), at: 400 },
			{ namespace: 'replay', key: 'k0', value: text('new'), at: 100 },
			{ namespace: 'replay', key: 'k1', value: null, at: 200 },
			{ namespace: 'other', key: 'fresh', value: text('yes'), at: 1 }
		]);
		expect(replayed).toEqual({ ok: true, applied: 3 });
		const stored = await listed(storage, 'replay');
		expect(stored.edited).toBe('kv view');
		expect(stored.k0).toBe('new');
		expect('k1' in stored).toBe(false);
		expect(Object.keys(stored)).toHaveLength(MAX_SEGMENTS);
		expect(await listed(storage, 'other')).toEqual({ fresh: 'yes' });
	});
});
