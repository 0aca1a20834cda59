/**
 * The worker's side of the KV write-ahead log: an OPFS file this worker alone appends to with a
 * `FileSystemSyncAccessHandle`, so a `kv_write` is on disk before it returns, whatever happens to the page
 * next. The worker holds a Web Lock named after the file for its lifetime: once the lock is free, the
 * writer is gone and recovery (src/state/kv-log.ts) may replay and delete the file.
 */
import {
	encodeKvLogRecord,
	logDirectories,
	logLockName,
	type KvLogRecord
} from '../src/lib/kv/log';

/** The part of `FileSystemSyncAccessHandle` used here: TypeScript's DOM lib, which workers compile with, lacks it. */
interface SyncAccessHandle {
	write(buffer: Uint8Array, options: { at: number }): number;
	getSize(): number;
	flush(): void;
	truncate(size: number): void;
}

/** A file handle in a dedicated worker, where sync access handles exist. */
type WorkerFileHandle = FileSystemFileHandle & {
	createSyncAccessHandle(): Promise<SyncAccessHandle>;
};

/** An open log; `null` from `open` means this context offers no OPFS sync access or no Web Locks. */
export class KvLogWriter {
	#handle: SyncAccessHandle;
	#size: number;
	#seq = 0;
	#flushed = 0;

	private constructor(handle: SyncAccessHandle) {
		this.#handle = handle;
		this.#size = handle.getSize();
	}

	/**
	 * Takes the log's lock, then opens (creating) the file among storage `store`'s logs; null when OPFS
	 * or locks are unavailable.
	 */
	static async open(store: string, file: string): Promise<KvLogWriter | null> {
		if (typeof navigator.locks?.request !== 'function' || !navigator.storage?.getDirectory) {
			return null;
		}
		try {
			const held = await new Promise<boolean>((granted) => {
				// Held until the worker ends: the callback's promise never settles.
				navigator.locks
					.request(logLockName(file), { ifAvailable: true }, (lock) => {
						granted(lock !== null);
						return lock ? new Promise<never>(() => {}) : undefined;
					})
					.catch(() => granted(false));
			});
			if (!held) return null;
			let dir = await navigator.storage.getDirectory();
			for (const name of logDirectories(store)) {
				dir = await dir.getDirectoryHandle(name, { create: true });
			}
			const fileHandle = (await dir.getFileHandle(file, { create: true })) as WorkerFileHandle;
			const handle = await fileHandle.createSyncAccessHandle();
			return new KvLogWriter(handle);
		} catch {
			return null;
		}
	}

	/** Appends one write: it is in the file when this returns; when this throws, the write counts as not made. */
	append(record: KvLogRecord): void {
		const bytes = encodeKvLogRecord(record);
		try {
			const written = this.#handle.write(bytes, { at: this.#size });
			if (written !== bytes.byteLength)
				throw new Error(`wrote ${written} of ${bytes.byteLength} bytes`);
		} catch (err) {
			// A partial record at the end is ignored by the reader, and the next append overwrites it.
			const reason = err instanceof Error ? err.message : String(err);
			throw new Error(
				`A KV write could not be saved to disk (${reason}), so it was not made. Browser storage may be full: free some site storage, then run again.`,
				{ cause: err }
			);
		}
		this.#size += bytes.byteLength;
		this.#seq = record.seq;
	}

	/**
	 * Forces the file to the disk (fsync). `write` already survives the page going away; this is only for
	 * the machine going down, so it runs once per batch sent, not per write (see the report's figures).
	 */
	flush(): void {
		if (this.#flushed === this.#seq) return;
		this.#handle.flush();
		this.#flushed = this.#seq;
	}

	/** The main thread has every write up to `seq` in IndexedDB: drop the log once nothing newer is in it. */
	acknowledge(seq: number): void {
		if (seq < this.#seq || this.#size === 0) return;
		this.#handle.truncate(0);
		this.#handle.flush();
		this.#size = 0;
	}
}
