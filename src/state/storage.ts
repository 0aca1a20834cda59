/**
 * The one module that touches IndexedDB, through idb-keyval. Every record carries a version; every
 * operation returns a `Result` instead of throwing, so a full or missing database becomes a message, not a
 * lost page. Tests pass their own database prefix.
 */
import {
	createStore,
	delMany,
	get,
	promisifyRequest,
	set,
	setMany,
	type UseStore
} from 'idb-keyval';
import { fail, type Result } from '../lib/errors';
import { summarizeCall, type CallSummary } from '../lib/trace/call-summary';
import type { CallTrace } from '../lib/trace/types';

/** Version stamped on every record written by this build. */
export const RECORD_VERSION = 1;

/** How many calls the history keeps; older ones are dropped first. */
export const HISTORY_LIMIT = 100;

/** A KV entry as stored. */
interface KvRecord {
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
	readonly #kv: UseStore | null;
	readonly #history: HistoryDb | null;
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
		this.#kv = store('kv');
		this.#history = available ? openHistory(`${prefix}-history`) : null;
		this.#blobs = store('blobs');
		this.#workspace = store('workspace');
	}

	/** Every entry of a namespace. */
	async kvList(namespace: string): Promise<Result<{ entries: Map<string, Uint8Array> }>> {
		return attempt(this.#kv, 'read the KV store', async (s) => {
			const range = IDBKeyRange.bound([namespace], [namespace, []]);
			const rows = await s('readonly', (os) => all<[string, string], KvRecord>(os, range));
			return { entries: new Map(rows.map(([[, key], rec]) => [key, rec.value])) };
		});
	}

	/** Applies writes and deletes to a namespace in one transaction. */
	async kvWrite(namespace: string, writes: readonly KvWrite[]): Promise<Ok> {
		return attempt(this.#kv, 'save to the KV store', async (s) => {
			const now = Date.now();
			const puts = writes.filter((w): w is KvWrite & { value: Uint8Array } => w.value !== null);
			const dels = writes.filter((w) => w.value === null).map((w) => [namespace, w.key]);
			if (puts.length) {
				await setMany(
					puts.map((w) => [
						[namespace, w.key],
						{ v: RECORD_VERSION, value: w.value, updatedAt: w.at ?? now } satisfies KvRecord
					]),
					s
				);
			}
			if (dels.length) await delMany(dels, s);
			return {};
		});
	}

	/**
	 * Replays a dead worker's logged writes in one transaction. A write lands only when it is at least as new
	 * as the stored entry, so an edit made after it (in the KV view, or by another tab) is never overwritten.
	 * Returns how many writes landed.
	 */
	async kvReplay(writes: readonly KvReplay[]): Promise<Result<{ applied: number }>> {
		return attempt(this.#kv, 'replay logged KV writes', async (s) => {
			const applied = await s('readwrite', (os) => replayNewer(os, writes));
			return { applied };
		});
	}

	/** Deletes every entry of a namespace. */
	async kvClear(namespace: string): Promise<Ok> {
		return attempt(this.#kv, 'clear the KV namespace', async (s) => {
			const range = IDBKeyRange.bound([namespace], [namespace, []]);
			await s('readwrite', (os) => promisifyRequest(os.delete(range)));
			return {};
		});
	}

	/**
	 * Adds a call to the history (its trace, and its summary apart) and drops the oldest calls, of any
	 * plugin, past `HISTORY_LIMIT`; one transaction.
	 */
	async historyAdd(trace: CallTrace): Promise<Ok> {
		return attempt(this.#history, 'save the call history', (db) =>
			db('readwrite', async (traces, summaries) => {
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
			db('readonly', async (_traces, summaries) => {
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
			db('readonly', async (traces) => {
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
			db('readwrite', async (traces, summaries) => {
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
 * Applies each write whose time is not older than the stored record's; resolves with how many landed. The
 * stored times are read with one getAllKeys/getAll pair per namespace, not one get per write: a flood of
 * tens of thousands of logged writes is replayed while the page starts.
 */
function replayNewer(os: IDBObjectStore, writes: readonly KvReplay[]): Promise<number> {
	return new Promise((resolve, reject) => {
		let applied = 0;
		const byNamespace = new Map<string, KvReplay[]>();
		for (const write of writes) {
			let list = byNamespace.get(write.namespace);
			if (!list) byNamespace.set(write.namespace, (list = []));
			list.push(write);
		}
		for (const [namespace, list] of byNamespace) {
			const range = IDBKeyRange.bound([namespace], [namespace, []]);
			const keys = os.getAllKeys(range);
			const records = os.getAll(range);
			// Requests of one transaction complete in order: the keys are in when the records are.
			records.onsuccess = () => {
				const stored = new Map<string, number>();
				(keys.result as [string, string][]).forEach(([, key], i) =>
					stored.set(key, (records.result[i] as KvRecord).updatedAt)
				);
				for (const { key, value, at } of list) {
					if ((stored.get(key) ?? -Infinity) > at) continue;
					applied++;
					if (value === null) os.delete([namespace, key]);
					else
						os.put({ v: RECORD_VERSION, value, updatedAt: at } satisfies KvRecord, [
							namespace,
							key
						]);
				}
			};
		}
		os.transaction.oncomplete = () => resolve(applied);
		os.transaction.onerror = () => reject(os.transaction.error);
		os.transaction.onabort = () => reject(os.transaction.error);
	});
}

/** Key/value pairs in a key range, in key order, through a cursor. */
function all<K, V>(os: IDBObjectStore, range: IDBKeyRange): Promise<[K, V][]> {
	return new Promise((resolve, reject) => {
		const rows: [K, V][] = [];
		const request = os.openCursor(range);
		request.onsuccess = () => {
			const cursor = request.result;
			if (!cursor) return resolve(rows);
			rows.push([cursor.key as K, cursor.value as V]);
			cursor.continue();
		};
		request.onerror = () => reject(request.error);
	});
}

/** Runs `op` in one transaction over the history's two stores: full traces, and their summaries. */
type HistoryDb = <T>(
	mode: IDBTransactionMode,
	op: (traces: IDBObjectStore, summaries: IDBObjectStore) => Promise<T>
) => Promise<T>;

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

/** Opens (creating or upgrading) the history database; the connection closes when a newer build upgrades it. */
function openHistory(name: string): HistoryDb {
	const request = indexedDB.open(name, HISTORY_DB_VERSION);
	request.onupgradeneeded = (event) => {
		if (request.transaction) upgradeHistory(request.result, request.transaction, event.oldVersion);
	};
	const opened = promisifyRequest(request).then((db) => {
		db.onversionchange = () => db.close();
		return db;
	});
	return async (mode, op) => {
		const tx = (await opened).transaction([TRACES, SUMMARIES], mode);
		const done = promisifyRequest(tx);
		// `done` is awaited below; this keeps an abort after a failed `op` from going unhandled.
		done.catch(() => {});
		const result = await op(tx.objectStore(TRACES), tx.objectStore(SUMMARIES));
		await done;
		return result;
	};
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
