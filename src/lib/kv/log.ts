/**
 * The KV write-ahead log: the byte format a plugin host worker appends each `kv_write` to before the write
 * returns, and the reader recovery uses to replay a dead worker's log into IndexedDB. Pure: no OPFS, no locks.
 *
 * A record is `u32 length` then its body: `u32 seq`, `f64 at` (Date.now() of the write), `u8 op` (1 put,
 * 0 delete), then namespace, key and value, each as `u32 length` + bytes. Little-endian. A record cut short
 * (the writer died inside `write`) ends the log: everything before it is whole.
 */
import { utf8Decode, utf8Encode } from '../bytes/encoding';

/** One logged write; `value: null` deletes the key. */
export interface KvLogRecord {
	/** Increasing within one log; the main thread acknowledges writes up to a sequence number. */
	seq: number;
	namespace: string;
	key: string;
	value: Uint8Array | null;
	/** When the plugin wrote it (Date.now()); becomes the IndexedDB record's `updatedAt`. */
	at: number;
}

/** The Web Lock a tab holds for its lifetime, so recovery can tell a closing tab's logs from a live tab's. */
export const tabLockName = (tab: string): string => `kv-tab:${tab}`;
/** The Web Lock a worker holds on its log for its lifetime: free means the writer is gone. */
export const logLockName = (file: string): string => `kv-log:${file}`;
/** The OPFS directories, outer first, that hold the logs replaying into storage `store` (a Storage prefix). */
export const logDirectories = (store: string): [string, string] => [
	'kv-log',
	encodeURIComponent(store)
];

/** A log's file name: the tab that owns its worker, then the worker's own id. */
export const logFileName = (tab: string, worker: string): string => `${tab}.${worker}.log`;

/** The tab id in a log's file name, or null for a file that is not a log. */
export function logFileTab(file: string): string | null {
	const match = /^([A-Za-z0-9-]+)\.[A-Za-z0-9-]+\.log$/.exec(file);
	return match ? match[1] : null;
}

const FIXED = 4 + 8 + 1 + 4 + 4 + 4;

/** The bytes of one record, ready to append. */
export function encodeKvLogRecord(record: KvLogRecord): Uint8Array {
	const ns = utf8Encode(record.namespace);
	const key = utf8Encode(record.key);
	const value = record.value ?? new Uint8Array(0);
	const body = FIXED + ns.byteLength + key.byteLength + value.byteLength;
	const out = new Uint8Array(4 + body);
	const view = new DataView(out.buffer);
	let at = 0;
	view.setUint32(at, body, true);
	view.setUint32((at += 4), record.seq, true);
	view.setFloat64((at += 4), record.at, true);
	view.setUint8((at += 8), record.value === null ? 0 : 1);
	at += 1;
	for (const part of [ns, key, value]) {
		view.setUint32(at, part.byteLength, true);
		out.set(part, (at += 4));
		at += part.byteLength;
	}
	return out;
}

/** Every whole record of a log, in the order written; a torn or garbled tail is ignored. */
export function decodeKvLog(bytes: Uint8Array): KvLogRecord[] {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const records: KvLogRecord[] = [];
	let at = 0;
	while (at + 4 <= bytes.byteLength) {
		const body = view.getUint32(at, true);
		const end = at + 4 + body;
		if (body < FIXED || end > bytes.byteLength) break;
		let p = at + 4;
		const seq = view.getUint32(p, true);
		const time = view.getFloat64((p += 4), true);
		const op = view.getUint8((p += 8));
		p += 1;
		const parts: Uint8Array[] = [];
		for (let i = 0; i < 3; i++) {
			const len = p + 4 <= end ? view.getUint32(p, true) : Infinity;
			if (p + 4 + len > end) return records;
			parts.push(bytes.slice(p + 4, p + 4 + len));
			p += 4 + len;
		}
		if (p !== end || op > 1) break;
		records.push({
			seq,
			at: time,
			namespace: utf8Decode(parts[0]),
			key: utf8Decode(parts[1]),
			value: op === 0 ? null : parts[2]
		});
		at = end;
	}
	return records;
}

/** The last record per namespace and key: the state a log leaves behind, in log order. */
export function latestPerKey(records: readonly KvLogRecord[]): KvLogRecord[] {
	const last = new Map<string, KvLogRecord>();
	for (const record of records) {
		const id = JSON.stringify([record.namespace, record.key]);
		last.delete(id);
		last.set(id, record);
	}
	return [...last.values()];
}
