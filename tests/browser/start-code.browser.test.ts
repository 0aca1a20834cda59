import { describe, expect, it } from 'vitest';
import type { InstantiateEvent } from '../../src/lib/trace/types';
import { endOf } from '../../src/lib/trace/build';
import type { PluginSession } from '../../src/state/plugin-session.svelte';
import { disposedAfterEach, openBytes, openExample, str, text, wat } from './helpers';

/** Sessions a test opened, disposed after it. */
const keep = disposedAfterEach();

/** A plugin whose start function counts how often it ran; `count` outputs that number as one byte. */
const COUNTING = `(module
	(import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
	(import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
	(import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
	(memory (export "memory") 1)
	(global $starts (mut i32) (i32.const 0))
	(func $start (global.set $starts (i32.add (global.get $starts) (i32.const 1))))
	(start $start)
	(func (export "count") (result i32) (local $out i64)
		(local.set $out (call $alloc (i64.const 1)))
		(call $store_u8 (local.get $out) (i32.add (i32.const 48) (global.get $starts)))
		(call $output_set (local.get $out) (i64.const 1))
		(i32.const 0)))`;

/** A plugin whose start function never returns. */
const STUCK = `(module
	(import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
	(memory (export "memory") 1)
	(func $spin (loop $forever (br $forever)))
	(start $spin)
	(func (export "run") (result i32) (i32.const 0)))`;

const instantiations = (session: PluginSession) =>
	(session.trace?.events ?? []).filter((e): e is InstantiateEvent => e.type === 'instantiate');

describe('nothing of a plugin runs until a call', () => {
	it('runs the start function inside the first call, as its own traced step, once', async () => {
		const { session, loaded } = await openBytes(await wat(COUNTING), { exportName: 'count' });
		keep(session);
		expect(loaded.ok).toBe(true);
		expect(session.info?.hasStart).toBe(true);

		const first = await session.run(text(''));
		expect(first?.error).toBeNull();
		expect(str(first!.output)).toBe('1');
		const step = instantiations(session);
		expect(step).toHaveLength(1);
		expect(step[0]).toMatchObject({ ran: ['start function'] });
		expect(step[0].dur).toBeGreaterThanOrEqual(0);
		expect(session.trace!.events[0].type).toBe('start');

		// The instance is kept: the start function does not run again, and the trace has no step for it.
		const second = await session.run(text(''));
		expect(str(second!.output)).toBe('1');
		expect(instantiations(session)).toHaveLength(0);
	});

	it('instantiates for every call when a fresh instance is asked for', async () => {
		const { session } = await openBytes(await wat(COUNTING), {
			exportName: 'count',
			settings: { freshInstance: true }
		});
		keep(session);
		for (let i = 0; i < 2; i++) {
			const outcome = await session.run(text(''));
			expect(str(outcome!.output)).toBe('1');
			expect(instantiations(session)).toHaveLength(1);
		}
	});

	it('a start function that never returns: load is ready at once, the call times out blaming it', async () => {
		const { session, loaded } = await openBytes(await wat(STUCK), {
			exportName: 'run',
			settings: { timeoutMs: 1500 }
		});
		keep(session);
		expect(loaded.ok).toBe(true);
		expect(session.status).toBe('ready');

		// Another plugin loads and runs meanwhile: nothing is stuck.
		const other = await openExample('greet');
		keep(other.session);
		const greeted = await other.session.run(text('you'));
		expect(str(greeted!.output)).toBe('Hello, you!');

		const outcome = await session.run(text(''));
		expect(outcome?.error?.kind).toBe('timeout');
		expect(outcome?.error?.message).toContain('start function did not return within 1.5 s');
		expect(outcome?.error?.message).toContain('export "run" never ran');
		expect(endOf(session.trace!)?.error?.kind).toBe('timeout');
		// The worker is replaced behind the answer; the session is usable again (and would time out
		// again, not hang).
		await session.settled();
		expect(session.status).toBe('ready');
	});

	it('Stop during the start function names it', async () => {
		const { session } = await openBytes(await wat(STUCK), { exportName: 'run' });
		keep(session);
		const running = session.run(text(''));
		expect(session.status).toBe('running');
		// Give the worker time to report that it is instantiating (the start function then spins).
		await new Promise((r) => setTimeout(r, 300));
		session.stop();
		const outcome = await running;
		expect(outcome?.error?.kind).toBe('stopped');
		expect(outcome?.error?.message).toContain('while its start function was running');
	});
});
