/**
 * The KV write-ahead log against real OPFS, Web Locks, Workers and IndexedDB: the worker appends each write
 * before `kv_write` returns, truncates on acknowledgement, and recovery replays only dead logs and only
 * writes newer than what IndexedDB holds.
 */
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import {
	decodeKvLog,
	encodeKvLogRecord,
	logDirectories,
	logFileName,
	logLockName,
	type KvLogRecord
} from '../../src/lib/kv/log';
import { defaultSettings } from '../../src/lib/host/settings';
import { newLogName, recoverKvLogs, tabId } from '../../src/state/kv-log';
import { isWorkerEvent, type PluginHostApi, type WorkerEvent } from '../../workers/protocol';
import { exampleBytes, freshStorage, str, text } from './helpers';

const workers: Worker[] = [];
afterEach(() => {
	for (const w of workers.splice(0)) w.terminate();
});

/** The OPFS directory of a storage's logs. */
async function logDir(prefix: string): Promise<FileSystemDirectoryHandle> {
	let dir = await navigator.storage.getDirectory();
	for (const name of logDirectories(prefix))
		dir = await dir.getDirectoryHandle(name, { create: true });
	return dir;
}

/** The log files of a storage, by name, with their bytes. */
async function logFiles(prefix: string): Promise<Map<string, Uint8Array>> {
	const dir = await logDir(prefix);
	const files = new Map<string, Uint8Array>();
	for await (const name of (
		dir as FileSystemDirectoryHandle & { keys(): AsyncIterable<string> }
	).keys()) {
		const file = await (await dir.getFileHandle(name)).getFile();
		files.set(name, new Uint8Array(await file.arrayBuffer()));
	}
	return files;
}

/** Writes a log file as a worker would have left it. */
async function writeLog(prefix: string, name: string, records: KvLogRecord[]): Promise<void> {
	const handle = await (await logDir(prefix)).getFileHandle(name, { create: true });
	const writable = await handle.createWritable();
	for (const record of records)
		await writable.write(encodeKvLogRecord(record) as Uint8Array<ArrayBuffer>);
	await writable.close();
}

/** A bare plugin host worker with the kv-counter example loaded and its log open. */
async function counterHost(prefix: string, namespace: string) {
	const worker = new Worker(new URL('../../workers/plugin-host.ts', import.meta.url), {
		type: 'module'
	});
	workers.push(worker);
	const host = Comlink.wrap<PluginHostApi>(worker);
	const received: WorkerEvent[] = [];
	worker.addEventListener('message', (event: MessageEvent<unknown>) => {
		if (isWorkerEvent(event.data)) received.push(event.data);
	});
	const log = newLogName();
	expect(await host.kvOpenLog(prefix, log)).toBe(true);
	const loaded = await host.load({
		source: { bytes: await exampleBytes('kv-counter') },
		settings: defaultSettings(namespace),
		kv: {}
	});
	expect(loaded.ok).toBe(true);
	let id = 0;
	const count = () => host.call({ id: ++id, export: 'count', input: new Uint8Array(0) });
	return { worker, host, log, count, received };
}

describe('KV write-ahead log', () => {
	it('appends every write before it returns, with namespace, key, value, sequence and time', async () => {
		const { prefix } = freshStorage();
		const before = Date.now();
		const { worker, log, count } = await counterHost(prefix, 'wal:append');
		for (let i = 0; i < 3; i++) expect((await count()).ok).toBe(true);
		// Killed without any acknowledgement, as a reload would: the file holds all three writes.
		worker.terminate();
		const records = decodeKvLog((await logFiles(prefix)).get(log) ?? new Uint8Array(0));
		expect(records.map((r) => [r.seq, r.namespace, r.key, str(r.value!)])).toEqual([
			[1, 'wal:append', 'count', '1'],
			[2, 'wal:append', 'count', '2'],
			[3, 'wal:append', 'count', '3']
		]);
		for (const r of records) expect(r.at).toBeGreaterThanOrEqual(before);
	});

	it('empties the log once the main thread acknowledges everything in it, not before', async () => {
		const { prefix } = freshStorage();
		const { worker, host, log, count } = await counterHost(prefix, 'wal:ack');
		await count();
		await count();
		const seq = await host.kvSync();
		expect(seq).toBe(2);
		await host.kvAck(1);
		await count();
		await host.kvAck(2);
		// Write 3 is not acknowledged yet: all stays.
		const kept = async () => decodeKvLog((await logFiles(prefix)).get(log)!).length;
		worker.terminate();
		expect(await kept()).toBe(3);

		const second = await counterHost(prefix, 'wal:ack');
		await second.count();
		await second.host.kvAck(await second.host.kvSync());
		second.worker.terminate();
		expect((await logFiles(prefix)).get(second.log)?.byteLength).toBe(0);
	});

	it('replays a dead log: newer writes land, older ones never overwrite a later edit', async () => {
		const { storage, prefix } = freshStorage();
		const ns = 'wal:replay';
		await storage.kvWrite(ns, [
			{ key: 'edited-later', value: text('kv view'), at: 2_000 },
			{ key: 'stale', value: text('old'), at: 1_000 }
		]);
		const name = logFileName('gone-tab', 'w1');
		await writeLog(prefix, name, [
			{ seq: 1, namespace: ns, key: 'edited-later', value: text('plugin'), at: 1_500 },
			{ seq: 2, namespace: ns, key: 'stale', value: text('first'), at: 3_000 },
			{ seq: 3, namespace: ns, key: 'stale', value: text('second'), at: 3_000 },
			{ seq: 4, namespace: ns, key: 'new', value: text('fresh'), at: 3_001 }
		]);
		const recovered = await recoverKvLogs(storage);
		expect(recovered).toEqual({ ok: true, applied: 2 });
		const listed = await storage.kvList(ns);
		const entries = listed.ok ? listed.entries : new Map<string, Uint8Array>();
		expect(Object.fromEntries([...entries].map(([k, v]) => [k, str(v)]))).toEqual({
			'edited-later': 'kv view',
			stale: 'second',
			new: 'fresh'
		});
		expect((await logFiles(prefix)).has(name)).toBe(false);
	});

	it('leaves a live log alone: one whose writer still holds its lock in a live tab', async () => {
		const { storage, prefix } = freshStorage();
		const ns = 'wal:live';
		const name = logFileName(tabId(), 'live-writer');
		await writeLog(prefix, name, [{ seq: 1, namespace: ns, key: 'k', value: text('v'), at: 5 }]);
		let release = () => {};
		const held = new Promise<void>((granted) => {
			void navigator.locks.request(logLockName(name), () => {
				granted();
				return new Promise<void>((r) => (release = r));
			});
		});
		await held;
		expect(await recoverKvLogs(storage)).toEqual({ ok: true, applied: 0 });
		expect((await logFiles(prefix)).has(name)).toBe(true);
		const none = await storage.kvList(ns);
		expect(none.ok && none.entries.size).toBe(0);

		release();
		expect(await recoverKvLogs(storage)).toEqual({ ok: true, applied: 1 });
		const some = await storage.kvList(ns);
		expect(some.ok && str(some.entries.get('k')!)).toBe('v');
	});
});
