// Call history in IndexedDB: summaries apart from traces, listed per plugin, trimmed at HISTORY_LIMIT, and a
// database written in the old layout (traces only, idb-keyval's version 1) migrated on first open.
import { describe, expect, it } from 'vitest';
import { callKey } from '../../src/lib/trace/call-summary';
import type { CallTrace } from '../../src/lib/trace/types';
import { HISTORY_LIMIT, Storage } from '../../src/state/storage';
import { finishedCall as call } from './helpers';

/** Writes traces the way the previous build did: idb-keyval's store, `{ v: 1, trace }` under `[startedAt, pluginId, id]`. */
async function writeOldLayout(name: string, traces: CallTrace[]): Promise<void> {
	const db = await new Promise<IDBDatabase>((resolve, reject) => {
		const request = indexedDB.open(name);
		request.onupgradeneeded = () => request.result.createObjectStore('history');
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
	});
	const tx = db.transaction('history', 'readwrite');
	for (const trace of traces) {
		tx.objectStore('history').put({ v: 1, trace }, [trace.startedAt, trace.pluginId, trace.id]);
	}
	await new Promise((resolve, reject) => {
		tx.oncomplete = resolve;
		tx.onerror = () => reject(tx.error);
	});
	expect(db.version).toBe(1);
	db.close();
}

const prefix = () => `test-${crypto.randomUUID()}`;

describe('history storage', () => {
	it("lists one plugin's summaries, oldest first, and reads a trace only when asked", async () => {
		const storage = new Storage(prefix());
		for (const trace of [call('a', 1, 30), call('b', 1, 10), call('a', 2, 20, 5)]) {
			expect((await storage.historyAdd(trace)).ok).toBe(true);
		}
		const listed = await storage.historyList('a');
		if (!listed.ok) throw new Error(listed.error.message);
		expect(listed.summaries.map(callKey)).toEqual(['20-2', '30-1']);
		expect(listed.summaries[0]).toEqual({
			id: 2,
			pluginId: 'a',
			pluginName: 'a name',
			export: 'run',
			startedAt: 20,
			end: {
				status: 'error',
				duration: 2.5,
				inputSize: 1,
				outputSize: 3,
				errorKind: 'trap',
				timings: { roundTrip: null, call: 2.5, instantiate: null, host: 0, plugin: 2.5 }
			},
			events: 7
		});
		const read = await storage.historyTraces(listed.summaries);
		if (!read.ok) throw new Error(read.error.message);
		expect(read.traces).toEqual([call('a', 2, 20, 5), call('a', 1, 30)]);
	});

	it(`keeps the last ${HISTORY_LIMIT} calls of all plugins; a dropped call reads as null`, async () => {
		const storage = new Storage(prefix());
		for (let i = 0; i < HISTORY_LIMIT + 5; i++) {
			await storage.historyAdd(call(i % 2 ? 'a' : 'b', i, 1000 + i));
		}
		const a = await storage.historyList('a');
		const b = await storage.historyList('b');
		if (!a.ok || !b.ok) throw new Error('history could not be listed');
		expect(a.summaries.length + b.summaries.length).toBe(HISTORY_LIMIT);
		// The five oldest (1000..1004) went, whichever plugin made them.
		const starts = [...a.summaries, ...b.summaries].map((s) => s.startedAt).sort((x, y) => x - y);
		expect(starts[0]).toBe(1005);
		const gone = await storage.historyTraces([{ ...call('b', 0, 1000), end: null, events: 0 }]);
		expect(gone.ok && gone.traces).toEqual([null]);
	});

	it('migrates a database written in the old layout: every call listed, opened and trimmed', async () => {
		const name = prefix();
		const old = Array.from({ length: HISTORY_LIMIT }, (_, i) =>
			call(i % 3 ? 'a' : 'b', i, 5000 + i, 50)
		);
		await writeOldLayout(`${name}-history`, old);

		const storage = new Storage(name);
		const a = await storage.historyList('a');
		if (!a.ok) throw new Error(a.error.message);
		const oldA = old.filter((t) => t.pluginId === 'a');
		expect(a.summaries.map(callKey)).toEqual(oldA.map(callKey));
		expect(a.summaries.every((s) => s.events === 52)).toBe(true);
		const read = await storage.historyTraces(a.summaries.slice(-1));
		expect(read.ok && read.traces).toEqual(oldA.slice(-1));

		// A new call past the limit drops the oldest migrated one, trace and summary alike.
		await storage.historyAdd(call('a', 1000, 9000));
		const b = await storage.historyList('b');
		if (!b.ok) throw new Error(b.error.message);
		expect(b.summaries[0]?.startedAt).toBe(5003);
		expect(b.summaries).toHaveLength(old.filter((t) => t.pluginId === 'b').length - 1);
	});
});
