/**
 * The one module that touches IndexedDB, through idb-keyval. Every record carries a version; every
 * operation returns a `Result` instead of throwing, so a full or missing database becomes a message, not a
 * lost page. Tests pass their own database prefix.
 */
import { createStore, delMany, get, promisifyRequest, set, type UseStore } from 'idb-keyval';
import { fail, type Result } from '../lib/errors';
import {
	applyWrites,
	entryValues,
	foldSegments,
	liveWrites,
	packSegment,
	segmentWeight,
	type KvLatest,
	type KvTimedWrite
} from '../lib/kv/segment';
import { summarizeCall, type CallSummary } from '../lib/trace/call-summary';
import type { CallTrace } from '../lib/trace/types';

/** Version stamped on every history, summary and plugin record (KV segments carry `SEGMENT_VERSION`). */
export const RECORD_VERSION = 1;

/** How many calls the history keeps; older ones are dropped first. */
export const HISTORY_LIMIT = 100;

/** A KV entry as version 1 of the KV database stored it, one record per key; migrated to segments. */
interface KvRecordV1 {
	v: number;
	value: Uint8Array;
	updatedAt: number;
}

/** A stored call: its trace (which holds output previews) and when it was recorded. */
export interface HistoryRecord {
	v: number;
	trace: CallTrace;
}

/** A stored call's summary, kept apart from its trace so the History list never reads a trace. */
interface SummaryRecord {
	v: number;
	summary: CallSummary;
}

/** Plugin bytes kept so a workspace can be restored after a reload, keyed by sha256. */
interface BlobRecord {
	v: number;
	bytes: Uint8Array;
	name: string;
}

/** A KV write or delete (`value: null`). */
export interface KvWrite {
	key: string;
	value: Uint8Array | null;
	/** When the plugin made the write (its log timestamp); defaults to now. */
	at?: number;
}

/** A logged plugin write to replay: applied only when newer than what the namespace holds. */
export interface KvReplay extends KvWrite {
	namespace: string;
	at: number;
}

type Ok = Result<object>;

/** The playground's storage: KV namespaces, call history, plugin bytes and the workspace. */
export class Storage {
	readonly #kv: Database | null;
	readonly #history: Database | null;
	readonly #blobs: UseStore | null;
	readonly #workspace: UseStore | null;
	/** Names the databases (and the KV logs that replay into them). */
	readonly prefix: string;

	/** True for an embedded view's storage (`detachedStorage`), which opens no database at all. */
	readonly detached: boolean;

	/** `prefix` names the databases; tests use their own to start empty. */
	constructor(prefix = 'plugin-playground', options: { detached?: boolean } = {}) {
		this.prefix = prefix;
		this.detached = options.detached ?? false;
		const available = !this.detached && typeof indexedDB !== 'undefined';
		const store = (name: string) => (available ? createStore(`${prefix}-${name}`, name) : null);
		this.#kv = available ? openDatabase(`${prefix}-kv`, KV_DB_VERSION, upgradeKv) : null;
		this.#history = available
			? openDatabase(`${prefix}-history`, HISTORY_DB_VERSION, upgradeHistory)
			: null;
		this.#blobs = store('blobs');
		this.#workspace = store('workspace');
	}

	/** Every entry of a namespace. */
	async kvList(namespace: string): Promise<Result<{ entries: Map<string, Uint8Array> }>> {
		return attempt(this.#kv, 'read the KV store', (db) =>
			db('readonly', async (tx) => {
				const os = tx.objectStore(SEGMENTS);
				const segments = await promisifyRequest(os.getAll(namespaceRange(namespace)));
				return { entries: entryValues(foldSegments(segments)) };
			})
		);
	}

	/** Applies writes and deletes to a namespace, in order: one segment, one transaction. */
	async kvWrite(namespace: string, writes: readonly KvWrite[]): Promise<Ok> {
		return attempt(this.#kv, 'save to the KV store', (db) =>
			db('readwrite', async (tx) => {
				const now = Date.now();
				const timed = writes.map(({ key, value, at }) => ({ key, value, at: at ?? now }));
				await appendSegment(tx.objectStore(SEGMENTS), namespace, timed);
				return {};
			})
		);
	}

	/**
	 * Replays a dead worker's logged writes in one transaction. A write lands only when it is at least as new
	 * as the stored entry, so an edit made after it (in the KV view, or by another tab) is never overwritten.
	 * Returns how many writes landed.
	 */
	async kvReplay(writes: readonly KvReplay[]): Promise<Result<{ applied: number }>> {
		return attempt(this.#kv, 'replay logged KV writes', (db) =>
			db('readwrite', async (tx) => {
				const os = tx.objectStore(SEGMENTS);
				const byNamespace = new Map<string, KvReplay[]>();
				for (const write of writes) {
					let list = byNamespace.get(write.namespace);
					if (!list) byNamespace.set(write.namespace, (list = []));
					list.push(write);
				}
				let applied = 0;
				for (const [namespace, list] of byNamespace) {
					const stored = foldSegments(await promisifyRequest(os.getAll(namespaceRange(namespace))));
					const newer = list.filter(({ key, at }) => {
						// A deleted key counts as never written, as when each key was a record of its own.
						const prior = stored.get(key);
						return (prior && prior.value !== null ? prior.at : -Infinity) <= at;
					});
					applied += newer.length;
					await appendSegment(os, namespace, newer, stored);
				}
				return { applied };
			})
		);
	}

	/** Deletes every entry of a namespace. */
	async kvClear(namespace: string): Promise<Ok> {
		return attempt(this.#kv, 'clear the KV namespace', (db) =>
			db('readwrite', async (tx) => {
				await promisifyRequest(tx.objectStore(SEGMENTS).delete(namespaceRange(namespace)));
				return {};
			})
		);
	}

	/**
	 * Adds a call to the history (its trace, and its summary apart) and drops the oldest calls, of any
	 * plugin, past `HISTORY_LIMIT`; one transaction.
	 */
	async historyAdd(trace: CallTrace): Promise<Ok> {
		return attempt(this.#history, 'save the call history', (db) =>
			db('readwrite', async (tx) => {
				const [traces, summaries] = historyStores(tx);
				traces.put({ v: RECORD_VERSION, trace } satisfies HistoryRecord, traceKey(trace));
				summaries.put(
					{ v: RECORD_VERSION, summary: summarizeCall(trace) } satisfies SummaryRecord,
					summaryKey(trace)
				);
				const count = await promisifyRequest(traces.count());
				if (count > HISTORY_LIMIT) {
					// Trace keys start with the start time: the first keys are the oldest calls.
					const oldest = await promisifyRequest(traces.getAllKeys(null, count - HISTORY_LIMIT));
					for (const key of oldest) {
						const [startedAt, pluginId, id] = key as [number, string, number];
						traces.delete(key);
						summaries.delete(summaryKey({ startedAt, pluginId, id }));
					}
				}
				return {};
			})
		);
	}

	/** A plugin's stored calls, oldest first, as summaries: no trace is read, whatever the traces hold. */
	async historyList(pluginId: string): Promise<Result<{ summaries: CallSummary[] }>> {
		return attempt(this.#history, 'read the call history', (db) =>
			db('readonly', async (tx) => {
				const summaries = tx.objectStore(SUMMARIES);
				const range = IDBKeyRange.bound([pluginId], [pluginId, []]);
				const rows = (await promisifyRequest(summaries.getAll(range))) as SummaryRecord[];
				return { summaries: rows.map((row) => row.summary) };
			})
		);
	}

	/** The full traces of stored calls, in the order asked; null for a call no longer stored. */
	async historyTraces(
		calls: readonly CallSummary[]
	): Promise<Result<{ traces: (CallTrace | null)[] }>> {
		return attempt(this.#history, 'read a call from the history', (db) =>
			db('readonly', async (tx) => {
				const traces = tx.objectStore(TRACES);
				const rows = await Promise.all(
					calls.map(
						(call) =>
							promisifyRequest(traces.get(traceKey(call))) as Promise<HistoryRecord | undefined>
					)
				);
				return { traces: rows.map((row) => row?.trace ?? null) };
			})
		);
	}

	/** Forgets every stored call. */
	async historyClear(): Promise<Ok> {
		return attempt(this.#history, 'clear the call history', (db) =>
			db('readwrite', async (tx) => {
				const [traces, summaries] = historyStores(tx);
				traces.clear();
				summaries.clear();
				return {};
			})
		);
	}

	/** Keeps a plugin's bytes under their sha256. */
	async blobPut(sha256: string, bytes: Uint8Array, name: string): Promise<Ok> {
		return attempt(this.#blobs, 'save the plugin', async (s) => {
			await set(sha256, { v: RECORD_VERSION, bytes, name } satisfies BlobRecord, s);
			return {};
		});
	}

	/** A plugin's bytes by sha256, or null when they were never saved. */
	async blobGet(sha256: string): Promise<Result<{ bytes: Uint8Array | null }>> {
		return attempt(this.#blobs, 'read a saved plugin', async (s) => {
			const rec = await get<BlobRecord>(sha256, s);
			return { bytes: rec?.bytes ?? null };
		});
	}

	/** Reads a workspace value (versioned by the caller's own schema). */
	async workspaceGet<T>(key: string): Promise<Result<{ value: T | undefined }>> {
		return attempt(this.#workspace, 'read the saved workspace', async (s) => ({
			value: await get<T>(key, s)
		}));
	}

	/** Deletes a workspace value. */
	async workspaceDelete(key: string): Promise<Ok> {
		return attempt(this.#workspace, 'delete a saved workspace', async (s) => {
			await delMany([key], s);
			return {};
		});
	}

	/** Saves a workspace value. */
	async workspaceSet(key: string, value: unknown): Promise<Ok> {
		return attempt(this.#workspace, 'save the workspace', async (s) => {
			await set(key, value, s);
			return {};
		});
	}
}

/** Runs a storage operation and turns a missing or failing IndexedDB into a `storage` error. */
async function attempt<S, T extends object>(
	store: S | null,
	what: string,
	op: (store: S) => Promise<T>
): Promise<Result<T>> {
	if (!store) {
		return fail(
			'storage',
			`Could not ${what}: this browser offers no IndexedDB (private mode or storage disabled).`,
			'Everything still works in this tab, but nothing is kept after a reload. Allow site storage to keep your data.'
		);
	}
	try {
		return { ok: true, ...(await op(store)) };
	} catch (err) {
		const name = err instanceof DOMException || err instanceof Error ? err.name : 'Error';
		const message = err instanceof Error ? err.message : String(err);
		if (name === 'BlockedError') {
			return fail(
				'storage',
				`Could not ${what}: another tab still runs an older version of the playground, which keeps this one from updating the saved data.`,
				'Reload or close the other playground tabs. Your data is still in this tab.'
			);
		}
		if (name === 'QuotaExceededError') {
			return fail(
				'storage',
				`Could not ${what}: browser storage is full.`,
				'Your data is still in this tab. Free space: clear old KV namespaces or the call history, or allow this site more storage.'
			);
		}
		return fail(
			'storage',
			`Could not ${what}: ${message || name}.`,
			'Your data is still in this tab. Reload to try again; if it persists, check the browser’s site storage settings.'
		);
	}
}

/**
 * Runs `op` in one transaction over every store of a database; resolves once the transaction has committed,
 * so what `op` wrote is on disk. Rejects with a `BlockedError` while an older build in another tab keeps
 * the database from being upgraded.
 */
type Database = <T>(mode: IDBTransactionMode, op: (tx: IDBTransaction) => Promise<T>) => Promise<T>;

/** Creates or migrates a database's stores in the versionchange transaction: all of it lands, or none. */
type Upgrade = (db: IDBDatabase, tx: IDBTransaction, from: number) => void;

/** Opens (creating or upgrading) a database; the connection closes when a newer build upgrades it. */
function openDatabase(name: string, version: number, upgrade: Upgrade): Database {
	const request = indexedDB.open(name, version);
	const blockedError = () => new DOMException(name, 'BlockedError');
	// While another tab's connection holds the upgrade back, operations fail rather than wait without end.
	let blocked = false;
	const waiting = new Set<(error: DOMException) => void>();
	request.onblocked = () => {
		blocked = true;
		for (const reject of waiting) reject(blockedError());
	};
	request.onupgradeneeded = (event) => {
		blocked = false;
		if (request.transaction) upgrade(request.result, request.transaction, event.oldVersion);
	};
	const opened = promisifyRequest(request).then((db) => {
		db.onversionchange = () => db.close();
		return db;
	});
	opened.catch(() => {});
	const connection = async () => {
		if (blocked) throw blockedError();
		let stop = (_: DOMException) => {};
		const unblocked = new Promise<never>((_, reject) => (stop = reject));
		waiting.add(stop);
		try {
			return await Promise.race([opened, unblocked]);
		} finally {
			waiting.delete(stop);
		}
	};
	return async (mode, op) => {
		const db = await connection();
		const tx = db.transaction(Array.from(db.objectStoreNames), mode);
		const done = promisifyRequest(tx);
		// `done` is awaited below; this keeps an abort after a failed `op` from going unhandled.
		done.catch(() => {});
		const result = await op(tx);
		await done;
		return result;
	};
}

/**
 * KV segments, keyed `[namespace, n, weight]`: one key range holds a namespace's segments, oldest first, and
 * the keys alone tell what folding some of them would cost.
 */
const SEGMENTS = 'segments';
/** Version 1 (idb-keyval's `createStore`) held one record per key in store `kv`; version 2 holds segments. */
const KV_DB_VERSION = 2;
/** A namespace with this many segments has some folded into one by the next write. */
export const MAX_SEGMENTS = 16;
/** The store version 1 of the KV database kept its records in. */
const KV_V1 = 'kv';

type SegmentKey = [namespace: string, n: number, weight: number];

const namespaceRange = (namespace: string) => IDBKeyRange.bound([namespace], [namespace, []]);

/**
 * Appends writes to a namespace as one segment. At `MAX_SEGMENTS` it folds instead, so reading a namespace
 * stays one request over a few records: when the oldest segment outweighs the others, only the others and
 * the new writes are folded (deletes kept, since the oldest may hold their keys), so a big namespace is not
 * rewritten for a few small writes; otherwise all of them, into one segment of the live entries. `stored`
 * is the namespace folded, when the caller has it.
 */
async function appendSegment(
	os: IDBObjectStore,
	namespace: string,
	writes: readonly KvTimedWrite[],
	stored?: KvLatest
): Promise<void> {
	if (writes.length === 0) return;
	const keys = (await promisifyRequest(os.getAllKeys(namespaceRange(namespace)))) as SegmentKey[];
	const next = (keys.at(-1)?.[1] ?? 0) + 1;
	let segment = packSegment(writes);
	if (keys.length >= MAX_SEGMENTS) {
		const [oldest, ...newer] = keys;
		const newerWeight = newer.reduce((sum, key) => sum + key[2], segmentWeight(segment));
		const folded = oldest[2] > newerWeight ? newer : keys;
		const range = IDBKeyRange.bound(folded[0], [namespace, []]);
		const latest = applyWrites(
			folded === keys && stored ? stored : foldSegments(await promisifyRequest(os.getAll(range))),
			writes
		);
		os.delete(range);
		segment = packSegment(folded === keys ? liveWrites(latest) : [...latest.values()]);
		if (segment.keys.length === 0) return;
	}
	os.put(segment, [namespace, next, segmentWeight(segment)] satisfies SegmentKey);
}

/**
 * Creates the segment store, or migrates a version 1 database: its records, one per key in key order, become
 * one segment per namespace, and the old store is deleted. It all happens in the versionchange transaction,
 * so a migration cut short (the tab closed, the disk full) leaves version 1 as it was, and the next open
 * starts it again. With the old store gone, a tab still running version 1's code fails to find `kv` rather
 * than mix its records in. Exported for the migration test, which cuts one short.
 */
export function upgradeKv(db: IDBDatabase, tx: IDBTransaction, from: number): void {
	const segments = db.createObjectStore(SEGMENTS);
	if (from < 1 || !db.objectStoreNames.contains(KV_V1)) return;
	let namespace: string | null = null;
	let batch: KvTimedWrite[] = [];
	const flush = () => {
		if (namespace === null || batch.length === 0) return;
		const segment = packSegment(batch);
		segments.put(segment, [namespace, 1, segmentWeight(segment)] satisfies SegmentKey);
		batch = [];
	};
	const cursor = tx.objectStore(KV_V1).openCursor();
	cursor.onsuccess = () => {
		const row = cursor.result;
		if (!row) {
			flush();
			db.deleteObjectStore(KV_V1);
			return;
		}
		// Records this app wrote always have these keys and bytes; anything else is skipped, since a throw
		// here would abort the upgrade, every time.
		const [ns, key] = Array.isArray(row.key) ? row.key : [];
		const record = row.value as Partial<KvRecordV1> | undefined;
		if (typeof ns === 'string' && typeof key === 'string' && record?.value instanceof Uint8Array) {
			if (ns !== namespace) {
				flush();
				namespace = ns;
			}
			batch.push({ key, value: record.value, at: record.updatedAt ?? 0 });
		}
		row.continue();
	};
}

/** Traces, keyed `[startedAt, pluginId, id]` (oldest first); the store version 1 had alone. */
const TRACES = 'history';
/** Summaries, keyed `[pluginId, startedAt, id]`: one key range holds a plugin's calls, oldest first. */
const SUMMARIES = 'summaries';
/** Version 1 (idb-keyval's `createStore`) held traces only; version 2 adds their summaries. */
const HISTORY_DB_VERSION = 2;

function traceKey(call: Pick<CallTrace, 'startedAt' | 'pluginId' | 'id'>): IDBValidKey {
	return [call.startedAt, call.pluginId, call.id];
}

function summaryKey(call: Pick<CallTrace, 'startedAt' | 'pluginId' | 'id'>): IDBValidKey {
	return [call.pluginId, call.startedAt, call.id];
}

/** The history's two stores in a transaction: full traces, and their summaries. */
function historyStores(tx: IDBTransaction): [IDBObjectStore, IDBObjectStore] {
	return [tx.objectStore(TRACES), tx.objectStore(SUMMARIES)];
}

/**
 * Creates the stores, or migrates a version 1 database: each stored trace is summarized once, here, so
 * the list never reads a trace again. Each record is its own cursor step (its own task), so a history of
 * big traces migrates without one long task.
 */
function upgradeHistory(db: IDBDatabase, tx: IDBTransaction, from: number): void {
	if (from < 1) db.createObjectStore(TRACES);
	const summaries = db.createObjectStore(SUMMARIES);
	if (from < 1) return;
	const cursor = tx.objectStore(TRACES).openCursor();
	cursor.onsuccess = () => {
		const row = cursor.result;
		if (!row) return;
		const trace = (row.value as Partial<HistoryRecord> | undefined)?.trace;
		// Records this app wrote always hold a trace; anything else is skipped rather than failing the upgrade.
		if (trace && Array.isArray(trace.events)) {
			summaries.put(
				{ v: RECORD_VERSION, summary: summarizeCall(trace) } satisfies SummaryRecord,
				summaryKey(trace)
			);
		}
		row.continue();
	};
}
