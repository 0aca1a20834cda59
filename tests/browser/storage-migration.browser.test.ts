// Storage version 2 (KV as segments) opening databases the previous build wrote: every KV entry, history
// entry, trace, saved plugin and workspace survives; a migration cut short leaves version 1 intact and runs
// again; a tab still on the old build holding the database gets a message, not a hang.
import { createStore, set } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { callKey } from '../../src/lib/trace/call-summary';
import { Storage, upgradeKv } from '../../src/state/storage';
import { closeStore, StorageV1 } from '../fixtures/storage-v1';
import { finishedCall as call, str, text } from './helpers';
const prefix = () => `test-${crypto.randomUUID()}`;

/** What the old build is given to store, and what must read back. */
const big = Array.from({ length: 10_000 }, (_, i) => ({
	key: `key-${i}`,
	value: text(`value ${i}`),
	at: 1_000 + i
}));
const traces = [call('a', 1, 100, 3), call('b', 2, 200, 500), call('a', 3, 300, 0)];
const workspace = { v: 3, plugins: [{ id: 'a', name: 'counter', input: 'héllo' }] };

/** Fills databases under `name` the way the previous build did; returns the still-open writer. */
async function writeWithV1(name: string): Promise<StorageV1> {
	const v1 = new StorageV1(name);
	await v1.kvWrite('example:kv-counter', [{ key: 'count', value: text('41'), at: 5 }]);
	await v1.kvWrite('example:kv-counter', [{ key: 'count', value: text('42'), at: 6 }]);
	await v1.kvWrite('file:big.wasm', big);
	await v1.kvWrite('odd keys', [
		{ key: 'é ✓ 😀', value: text('unicode'), at: 7 },
		{ key: '', value: new Uint8Array(0), at: 8 },
		{ key: 'deleted', value: text('x'), at: 9 }
	]);
	await v1.kvWrite('odd keys', [{ key: 'deleted', value: null }]);
	for (const trace of traces) await v1.historyAdd(trace);
	await v1.blobPut('abc123', Uint8Array.of(0, 97, 115, 109), 'counter.wasm');
	await v1.workspaceSet('current', workspace);
	return v1;
}

/** A namespace as `{ key: text }`. */
async function listed(storage: Storage, namespace: string): Promise<Record<string, string>> {
	const result = await storage.kvList(namespace);
	if (!result.ok) throw new Error(result.error.message);
	return Object.fromEntries([...result.entries].map(([k, v]) => [k, str(v)]));
}

/** Checks that everything `writeWithV1` stored reads back through `storage`. */
async function expectAllSurvived(storage: Storage): Promise<void> {
	expect(await listed(storage, 'example:kv-counter')).toEqual({ count: '42' });
	const all = await listed(storage, 'file:big.wasm');
	expect(Object.keys(all)).toHaveLength(big.length);
	expect(big.every(({ key, value }) => all[key] === str(value))).toBe(true);
	expect(await listed(storage, 'odd keys')).toEqual({ 'é ✓ 😀': 'unicode', '': '' });
	expect(await listed(storage, 'never written')).toEqual({});

	const a = await storage.historyList('a');
	if (!a.ok) throw new Error(a.error.message);
	expect(a.summaries.map(callKey)).toEqual(['100-1', '300-3']);
	const b = await storage.historyList('b');
	if (!b.ok) throw new Error(b.error.message);
	const opened = await storage.historyTraces([...a.summaries, ...b.summaries]);
	expect(opened.ok && opened.traces).toEqual([traces[0], traces[2], traces[1]]);

	const blob = await storage.blobGet('abc123');
	expect(blob.ok && blob.bytes).toEqual(Uint8Array.of(0, 97, 115, 109));
	const saved = await storage.workspaceGet('current');
	expect(saved.ok && saved.value).toEqual(workspace);
}

/** The version and store names of a database, opened without asking for a version. */
async function inspect(name: string): Promise<{ version: number; stores: string[] }> {
	const db = await new Promise<IDBDatabase>((resolve, reject) => {
		const request = indexedDB.open(name);
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
	});
	const shape = { version: db.version, stores: [...db.objectStoreNames] };
	db.close();
	return shape;
}

describe('storage migration from the previous build', () => {
	it('keeps every KV entry, history entry, trace, saved plugin and workspace', async () => {
		const name = prefix();
		await (await writeWithV1(name)).close();
		expect(await inspect(`${name}-kv`)).toEqual({ version: 1, stores: ['kv'] });

		const storage = new Storage(name);
		await expectAllSurvived(storage);
		expect(await inspect(`${name}-kv`)).toEqual({ version: 2, stores: ['segments'] });

		// Migrated namespaces take new writes and deletes like any other.
		expect(
			(await storage.kvWrite('example:kv-counter', [{ key: 'count', value: text('43') }])).ok
		).toBe(true);
		expect((await storage.kvWrite('odd keys', [{ key: '', value: null }])).ok).toBe(true);
		const again = new Storage(name);
		expect(await listed(again, 'example:kv-counter')).toEqual({ count: '43' });
		expect(await listed(again, 'odd keys')).toEqual({ 'é ✓ 😀': 'unicode' });
	});

	it('skips records no build wrote rather than failing the migration', async () => {
		const name = prefix();
		const store = createStore(`${name}-kv`, 'kv');
		await set('not a pair', 1, store);
		await set(['ns', 'no bytes'], { v: 1, value: 'text' }, store);
		await set(['ns', 'good'], { v: 1, value: text('kept'), updatedAt: 1 }, store);
		await closeStore(store);
		expect(await listed(new Storage(name), 'ns')).toEqual({ good: 'kept' });
	});

	it('a migration cut short leaves version 1 untouched, and the next open migrates it all', async () => {
		const name = prefix();
		await (await writeWithV1(name)).close();

		// The real upgrade, aborted once it has written its first segment: as a tab closed mid-migration.
		const aborted = await new Promise<string>((resolve) => {
			const request = indexedDB.open(`${name}-kv`, 2);
			request.onupgradeneeded = (event) => {
				const tx = request.transaction!;
				upgradeKv(request.result, tx, event.oldVersion);
				const poll = () => {
					const counted = tx.objectStore('segments').count();
					counted.onsuccess = () => (counted.result > 0 ? tx.abort() : poll());
				};
				poll();
			};
			request.onerror = () => resolve(request.error?.name ?? 'no error');
			request.onsuccess = () => {
				request.result.close();
				resolve('opened');
			};
		});
		expect(aborted).toBe('AbortError');
		expect(await inspect(`${name}-kv`)).toEqual({ version: 1, stores: ['kv'] });

		await expectAllSurvived(new Storage(name));
	});

	it('says so while a tab of the previous build holds the database, and migrates once it lets go', async () => {
		const name = prefix();
		const old = await writeWithV1(name);
		const storage = new Storage(name);
		const blocked = await storage.kvList('example:kv-counter');
		expect(blocked.ok).toBe(false);
		if (!blocked.ok) expect(blocked.error.message).toContain('older version of the playground');
		await old.close();
		// The upgrade starts once the browser sees the old connection gone: a moment later.
		await expect.poll(async () => (await storage.kvList('example:kv-counter')).ok).toBe(true);
		await expectAllSurvived(storage);
	});
});
