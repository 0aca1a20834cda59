import { describe, expect, it } from 'vitest';
import { canTakeOver, kvAccessNotice, usesKv } from '../../src/lib/kv/access';
import {
	decodeKvLog,
	encodeKvLogRecord,
	latestPerKey,
	logFileName,
	logFileTab,
	type KvLogRecord
} from '../../src/lib/kv/log';

const bytes = (s: string) => new TextEncoder().encode(s);
const concat = (parts: Uint8Array[]) => {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.byteLength;
	}
	return out;
};

const records: KvLogRecord[] = [
	{
		seq: 1,
		namespace: 'example:kv-counter',
		key: 'count',
		value: bytes('1'),
		at: 1_700_000_000_123
	},
	{ seq: 2, namespace: 'ns ✓', key: 'ключ', value: new Uint8Array([0, 255, 7]), at: 1.5 },
	{ seq: 3, namespace: 'ns ✓', key: 'gone', value: null, at: 2 },
	{ seq: 4, namespace: '', key: '', value: new Uint8Array(0), at: 3 }
];

describe('KV log format', () => {
	it('reads back every record it wrote, in order, puts and deletes alike', () => {
		expect(decodeKvLog(concat(records.map(encodeKvLogRecord)))).toEqual(records);
	});

	it('ignores a record cut short by a writer that died mid-write, keeping all before it', () => {
		const whole = concat(records.slice(0, 2).map(encodeKvLogRecord));
		const torn = encodeKvLogRecord(records[2]);
		for (let cut = 0; cut < torn.byteLength; cut++) {
			expect(decodeKvLog(concat([whole, torn.subarray(0, cut)]))).toEqual(records.slice(0, 2));
		}
	});

	it('stops at zeroed or garbled bytes instead of inventing records', () => {
		const whole = encodeKvLogRecord(records[0]);
		expect(decodeKvLog(concat([whole, new Uint8Array(64)]))).toEqual([records[0]]);
		const garbled = encodeKvLogRecord(records[1]);
		// The key's length now claims more bytes than the record holds.
		new DataView(garbled.buffer).setUint32(
			4 + 4 + 8 + 1 + 4 + bytes('ns ✓').byteLength,
			0xffff,
			true
		);
		expect(decodeKvLog(concat([whole, garbled]))).toEqual([records[0]]);
	});

	it('keeps the last write of each key, in the order the log leaves them', () => {
		const log: KvLogRecord[] = [
			{ seq: 1, namespace: 'a', key: 'x', value: bytes('1'), at: 1 },
			{ seq: 2, namespace: 'b', key: 'x', value: bytes('2'), at: 2 },
			{ seq: 3, namespace: 'a', key: 'x', value: bytes('3'), at: 3 }
		];
		expect(latestPerKey(log).map((r) => r.seq)).toEqual([2, 3]);
	});

	it('names a log after its tab and worker, and reads the tab back', () => {
		const name = logFileName('tab-1', 'worker-2');
		expect(logFileTab(name)).toBe('tab-1');
		expect(logFileTab('notes.txt')).toBeNull();
		expect(logFileTab('../x.y.log')).toBeNull();
	});
});

describe('KV namespace access', () => {
	it('lets Run write only when this tab owns the namespace, and offers Take over when another does', () => {
		expect(kvAccessNotice('owned', 'ns')).toBeNull();
		expect(kvAccessNotice('elsewhere', 'ns')).toContain('in use in another tab');
		expect(kvAccessNotice('taken', 'ns')).toContain('taken over by another tab');
		expect(canTakeOver('elsewhere')).toBe(true);
		expect(canTakeOver('taken')).toBe(true);
		expect(canTakeOver('syncing')).toBe(false);
		expect(canTakeOver('owned')).toBe(false);
	});

	it('asks only plugins that import kv_read or kv_write to own the namespace', () => {
		const imp = (module: string, name: string) => ({ module, name, kind: 'function' as const });
		expect(usesKv([imp('extism:host/user', 'kv_write')])).toBe(true);
		expect(usesKv([imp('extism:host/user', 'kv_read')])).toBe(true);
		expect(usesKv([imp('extism:host/env', 'kv_read'), imp('extism:host/user', 'log')])).toBe(false);
		expect(usesKv([])).toBe(false);
	});
});
