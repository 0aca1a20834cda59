import { describe, expect, it } from 'vitest';
import { endOf } from '../../src/lib/trace/build';
import type { PluginSession } from '../../src/state/plugin-session.svelte';
import { takeWorker } from '../../src/state/spare-worker';
import { disposedAfterEach, openBytes, str, text, wat } from './helpers';

/** Sessions a test opened, disposed after it. */
const keep = disposedAfterEach();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Kernel imports and a helper that stores one byte in a new block. */
const KERNEL = `
	(import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
	(import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
	(import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
	(import "extism:host/user" "kv_write" (func $kv_write (param i64 i64)))
	(import "extism:host/user" "kv_read" (func $kv_read (param i64) (result i64)))
	(memory (export "memory") 1)
	(func $byte (param $b i32) (result i64) (local $p i64)
		(local.set $p (call $alloc (i64.const 1)))
		(call $store_u8 (local.get $p) (local.get $b))
		(local.get $p))`;

/**
 * No start code: `count` outputs how many times it ran in this instance, `spin` never returns,
 * `write_spin` writes k=2 then never returns, `read` outputs k's value.
 */
const QUIET = `(module ${KERNEL}
	(global $calls (mut i32) (i32.const 0))
	(func (export "count") (result i32)
		(global.set $calls (i32.add (global.get $calls) (i32.const 1)))
		(call $output_set (call $byte (i32.add (i32.const 48) (global.get $calls))) (i64.const 1))
		(i32.const 0))
	(func (export "spin") (result i32) (loop $forever (br $forever)) (i32.const 0))
	(func (export "write_spin") (result i32)
		(call $kv_write (call $byte (i32.const 107)) (call $byte (i32.const 50)))
		(loop $forever (br $forever))
		(i32.const 0))
	(func (export "read") (result i32)
		(call $output_set (call $kv_read (call $byte (i32.const 107))) (i64.const 1))
		(i32.const 0)))`;

/** No KV, no start code: `count` as above, `spin` never returns. */
const SPINS = `(module
	(import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
	(import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
	(import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
	(memory (export "memory") 1)
	(global $calls (mut i32) (i32.const 0))
	(func (export "count") (result i32) (local $out i64)
		(global.set $calls (i32.add (global.get $calls) (i32.const 1)))
		(local.set $out (call $alloc (i64.const 1)))
		(call $store_u8 (local.get $out) (i32.add (i32.const 48) (global.get $calls)))
		(call $output_set (local.get $out) (i64.const 1))
		(i32.const 0))
	(func (export "spin") (result i32) (loop $forever (br $forever)) (i32.const 0)))`;

/** A start function that writes k=1: it must run only inside a call the person asked for. */
const WRITES_AT_START = `(module ${KERNEL}
	(func $start (call $kv_write (call $byte (i32.const 107)) (call $byte (i32.const 49))))
	(start $start)
	(func (export "run") (result i32) (i32.const 0)))`;

const instantiations = (session: PluginSession) =>
	(session.trace?.events ?? []).filter((e) => e.type === 'instantiate');

/** Resolves with the ms from now until the session is ready, polling each task. */
async function readyWithin(session: PluginSession): Promise<number> {
	const t0 = performance.now();
	while (session.status !== 'ready') await sleep(0);
	return performance.now() - t0;
}

describe('warm workers', () => {
	it('a spare worker is warmed with a plugin of its own, which it forgets', async () => {
		const { worker, host } = takeWorker();
		try {
			await host.warm();
			const call = await host.call({ id: 1, export: 'run', input: new Uint8Array(0) });
			expect(call.ok).toBe(false);
			expect(!call.ok && call.error.message).toBe('No plugin is loaded.');
		} finally {
			worker.terminate();
		}
	});

	it('a start function does not run before the first call, however long the plugin waits', async () => {
		const { session, storage } = await openBytes(await wat(WRITES_AT_START), { exportName: 'run' });
		keep(session);
		// Time for anything made between calls to be made.
		await sleep(300);
		const before = await storage.kvList(session.settings.namespace);
		expect(before.ok && before.entries.size).toBe(0);
		expect(session.kv.size).toBe(0);

		const outcome = await session.run(text(''));
		expect(outcome?.error).toBeNull();
		expect(instantiations(session)).toMatchObject([{ ran: ['start function'] }]);
		expect(str(session.kv.get('k') ?? new Uint8Array(0))).toBe('1');
	});

	it('a plugin without start code gets its instance between calls; fresh ones stay fresh', async () => {
		const { session } = await openBytes(await wat(QUIET), {
			exportName: 'count',
			settings: { freshInstance: true }
		});
		keep(session);
		await sleep(100);
		for (let i = 0; i < 3; i++) {
			const outcome = await session.run(text(''));
			expect(outcome?.error).toBeNull();
			// Nothing of the last call's instance is left: a new one, made after the last call ended.
			expect(str(outcome!.output)).toBe('1');
			expect(instantiations(session)).toHaveLength(0);
			await sleep(50);
		}
	});

	it('without a fresh instance per call, the instance made ahead is the one kept', async () => {
		const { session } = await openBytes(await wat(QUIET), { exportName: 'count' });
		keep(session);
		const outputs = [];
		for (let i = 0; i < 3; i++) outputs.push(str((await session.run(text('')))!.output));
		expect(outputs).toEqual(['1', '2', '3']);
	});

	it('Stop swaps in the standby: ready at once, and the next call runs on a fresh instance', async () => {
		const { session } = await openBytes(await wat(SPINS), { exportName: 'count' });
		keep(session);
		expect(str((await session.run(text('')))!.output)).toBe('1');

		session.exportName = 'spin';
		const waits = [];
		// Twice: the first worker script a test run loads can take seconds to serve.
		for (let i = 0; i < 2; i++) {
			const spinning = session.run(text(''));
			// Long enough for the standby to boot and load beside the spinning call, on a busy machine too.
			await sleep(1500);
			session.stop();
			waits.push(await readyWithin(session));
			expect((await spinning)?.error?.kind).toBe('stopped');
		}
		// The swap is one step on the page; generous for a busy machine, far below starting a worker.
		expect(waits[1]).toBeLessThan(50);
		expect(endOf(session.trace!)?.error?.kind).toBe('stopped');
		// The page opens the trace itself: a stuck worker sends nothing.
		expect(session.trace!.events[0]).toMatchObject({ type: 'start', export: 'spin' });

		session.exportName = 'count';
		const next = await session.run(text(''));
		expect(next?.error).toBeNull();
		expect(str(next!.output)).toBe('1');
	});

	it('a timeout swaps in the standby too, and the plugin runs again', async () => {
		const { session } = await openBytes(await wat(QUIET), {
			exportName: 'spin',
			settings: { timeoutMs: 400 }
		});
		keep(session);
		const outcome = await session.run(text(''));
		expect(outcome?.error?.kind).toBe('timeout');
		await readyWithin(session);
		session.exportName = 'count';
		expect(str((await session.run(text('')))!.output)).toBe('1');
	});

	it('a write made just before Stop is read by the next call, from the stopped worker', async () => {
		const { session } = await openBytes(await wat(QUIET), { exportName: 'write_spin' });
		keep(session);
		const spinning = session.run(text(''));
		await sleep(400);
		session.stop();
		expect((await spinning)?.error?.kind).toBe('stopped');
		await readyWithin(session);
		session.exportName = 'read';
		// The stopped worker's log is replayed before the call runs (the plugin shows as loading meanwhile).
		const read = session.run(text(''));
		expect((await read)?.error).toBeNull();
		expect(str((await read)!.output)).toBe('2');
		expect(str(session.kv.get('k') ?? new Uint8Array(0))).toBe('2');
	});

	it('new settings drop the standby: the restart after Stop uses them', async () => {
		const { session } = await openBytes(await wat(QUIET), { exportName: 'spin' });
		keep(session);
		const first = session.run(text(''));
		await sleep(300);
		session.stop();
		await first;
		await readyWithin(session);
		// A standby booted for the second spin; new settings come while it runs.
		const second = session.run(text(''));
		await sleep(300);
		await session.configure({ ...session.settings, freshInstance: true });
		session.stop();
		await second;
		await readyWithin(session);
		await session.settled();
		session.exportName = 'count';
		for (let i = 0; i < 2; i++) expect(str((await session.run(text('')))!.output)).toBe('1');
	});
});
