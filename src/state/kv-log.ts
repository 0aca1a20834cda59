/**
 * The main thread's side of the KV write-ahead log (workers/kv-log.ts): names new logs, and replays the logs
 * of workers that are gone into IndexedDB, then deletes them. A log whose worker's Web Lock is free is dead.
 * A log whose worker still holds its lock is live, unless the tab that started the worker is gone (its tab
 * lock is free): then the worker is being torn down with its page, and recovery waits for it to let go.
 */
import { fail, type Result } from '../lib/errors';
import {
	decodeKvLog,
	latestPerKey,
	logDirectories,
	logFileName,
	logFileTab,
	logLockName,
	tabLockName
} from '../lib/kv/log';
import type { Storage } from './storage';

/** How long recovery waits for a terminated worker to release its log (normally a few milliseconds). */
const RELEASE_WAIT_MS = 5000;

/** Whether this context can keep a log: OPFS and Web Locks (absent in some embeds and old browsers). */
export function logsAvailable(): boolean {
	try {
		return (
			typeof navigator !== 'undefined' &&
			typeof navigator.locks?.request === 'function' &&
			typeof navigator.storage?.getDirectory === 'function'
		);
	} catch {
		// A frame whose storage the browser blocks may throw on merely reading `navigator.storage`.
		return false;
	}
}

let tab: string | null = null;

/** This tab's id in log names; the first call takes the tab's lifetime lock. */
export function tabId(): string {
	if (tab) return tab;
	tab = crypto.randomUUID();
	if (logsAvailable()) {
		void navigator.locks.request(tabLockName(tab), () => new Promise<never>(() => {}));
	}
	return tab;
}

/** A fresh log file name for a worker this tab starts. */
export const newLogName = (): string => logFileName(tabId(), crypto.randomUUID());

/** Recoveries run one at a time, so a session never reads KV while another's replay is half done. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Replays every dead log of `storage` into it (newer writes only) and deletes it. `waitFor` names logs whose
 * workers were just terminated: recovery waits for them to release their lock instead of skipping them.
 * Returns how many writes landed; a log that cannot be replayed (IndexedDB failing) is kept for next time.
 */
export function recoverKvLogs(
	storage: Storage,
	waitFor: readonly string[] = []
): Promise<Result<{ applied: number }>> {
	const next = () => recover(storage, waitFor);
	const run = queue.then(next, next);
	queue = run;
	return run;
}

async function recover(
	storage: Storage,
	waitFor: readonly string[]
): Promise<Result<{ applied: number }>> {
	if (!logsAvailable()) return { ok: true, applied: 0 };
	let dir: FileSystemDirectoryHandle;
	const names: string[] = [];
	try {
		dir = await navigator.storage.getDirectory();
		for (const name of logDirectories(storage.prefix)) dir = await dir.getDirectoryHandle(name);
		for await (const name of (
			dir as FileSystemDirectoryHandle & { keys(): AsyncIterable<string> }
		).keys()) {
			if (logFileTab(name) !== null) names.push(name);
		}
	} catch {
		// No log directory yet: nothing was ever logged.
		return { ok: true, applied: 0 };
	}
	const held = new Set(((await navigator.locks.query()).held ?? []).map((lock) => lock.name ?? ''));
	let applied = 0;
	for (const name of names) {
		const owner = logFileTab(name) as string;
		const dying = waitFor.includes(name) || (owner !== tabId() && !held.has(tabLockName(owner)));
		const options: LockOptions = dying
			? { signal: AbortSignal.timeout(RELEASE_WAIT_MS) }
			: { ifAvailable: true };
		let outcome: Result<{ applied: number }> = { ok: true, applied: 0 };
		try {
			await navigator.locks.request(logLockName(name), options, async (lock) => {
				if (lock) outcome = await replay(storage, dir, name);
			});
		} catch {
			// The writer did not let go in time: it is alive after all, and its log stays.
		}
		if (!outcome.ok) return outcome;
		applied += outcome.applied;
	}
	return { ok: true, applied };
}

/** Replays one dead log and deletes it; keeps it when IndexedDB refuses the writes. */
async function replay(
	storage: Storage,
	dir: FileSystemDirectoryHandle,
	name: string
): Promise<Result<{ applied: number }>> {
	let bytes: Uint8Array;
	try {
		bytes = await settle(async () => {
			const file = await (await dir.getFileHandle(name)).getFile();
			return new Uint8Array(await file.arrayBuffer());
		});
	} catch (err) {
		return fail(
			'storage',
			`Could not read the KV log ${name}: ${err instanceof Error ? err.message : String(err)}.`,
			'Its writes stay on disk; reload the page to try again.'
		);
	}
	const records = latestPerKey(decodeKvLog(bytes));
	const replayed: Result<{ applied: number }> = records.length
		? await storage.kvReplay(records)
		: { ok: true, applied: 0 };
	if (!replayed.ok) return replayed;
	await settle(() => dir.removeEntry(name)).catch(() => {});
	return replayed;
}

/**
 * Retries an OPFS operation for a short while: a worker that just released its lock may still be closing
 * its access handle, which makes the file busy for a moment.
 */
async function settle<T>(op: () => Promise<T>): Promise<T> {
	for (let attempt = 0; ; attempt++) {
		try {
			return await op();
		} catch (err) {
			if (attempt >= 20) throw err;
			await new Promise((resolve) => setTimeout(resolve, 25));
		}
	}
}
