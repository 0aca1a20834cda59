/**
 * The one module that touches IndexedDB, through idb-keyval. Every record carries a version; every
 * operation returns a `Result` instead of throwing, so a full or missing database becomes a message, not a
 * lost page. Tests pass their own database prefix.
 */
import {
	createStore,
	delMany,
	entries,
	get,
	promisifyRequest,
	set,
	setMany,
	type UseStore
} from 'idb-keyval';
import { fail, type Result } from '../lib/errors';
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
}

type Ok = Result<object>;

/** The playground's storage: KV namespaces, call history, plugin bytes and the workspace. */
export class Storage {
	readonly #kv: UseStore | null;
	readonly #history: UseStore | null;
	readonly #blobs: UseStore | null;
	readonly #workspace: UseStore | null;

	/** `prefix` names the databases; tests use their own to start empty. */
	constructor(prefix = 'plugin-playground') {
		const available = typeof indexedDB !== 'undefined';
		const store = (name: string) => (available ? createStore(`${prefix}-${name}`, name) : null);
		this.#kv = store('kv');
		this.#history = store('history');
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
			const puts = writes.filter((w): w is { key: string; value: Uint8Array } => w.value !== null);
			const dels = writes.filter((w) => w.value === null).map((w) => [namespace, w.key]);
			if (puts.length) {
				await setMany(
					puts.map((w) => [
						[namespace, w.key],
						{ v: RECORD_VERSION, value: w.value, updatedAt: now } satisfies KvRecord
					]),
					s
				);
			}
			if (dels.length) await delMany(dels, s);
			return {};
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

	/** Adds a call to the history and drops the oldest calls past `HISTORY_LIMIT`. */
	async historyAdd(trace: CallTrace): Promise<Ok> {
		return attempt(this.#history, 'save the call history', async (s) => {
			const key = [trace.startedAt, trace.pluginId, trace.id];
			await set(key, { v: RECORD_VERSION, trace } satisfies HistoryRecord, s);
			const count = await s('readonly', (os) => promisifyRequest(os.count()));
			if (count > HISTORY_LIMIT) {
				const keys = await s('readonly', (os) =>
					promisifyRequest(os.getAllKeys(null, count - HISTORY_LIMIT))
				);
				await delMany(keys, s);
			}
			return {};
		});
	}

	/** The stored calls, oldest first. */
	async historyList(): Promise<Result<{ traces: CallTrace[] }>> {
		return attempt(this.#history, 'read the call history', async (s) => {
			const rows = await entries<IDBValidKey, HistoryRecord>(s);
			return { traces: rows.map(([, rec]) => rec.trace) };
		});
	}

	/** Forgets every stored call. */
	async historyClear(): Promise<Ok> {
		return attempt(this.#history, 'clear the call history', async (s) => {
			await s('readwrite', (os) => promisifyRequest(os.clear()));
			return {};
		});
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
async function attempt<T extends object>(
	store: UseStore | null,
	what: string,
	op: (store: UseStore) => Promise<T>
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
