import { describe, expect, it } from 'vitest';
import type { LogEvent, TraceEvent } from '../../src/lib/trace/types';
import { endOf } from '../../src/lib/trace/build';
import { disposedAfterEach, openBytes, openExample, str, text, wat } from './helpers';

/** Sessions a test opened, disposed after it. */
const keep = disposedAfterEach();

async function open(...args: Parameters<typeof openExample>) {
	const opened = await openExample(...args);
	keep(opened.session);
	return opened;
}

const logs = (events: TraceEvent[]) => events.filter((e): e is LogEvent => e.type === 'log');
const stream = (events: TraceEvent[], source: 'stdout' | 'stderr') =>
	logs(events)
		.filter((l) => l.source === source)
		.map((l) => l.text)
		.join('');

describe('WASI commands run through _start in a real worker', () => {
	it('wasi-upper: _start is the default function; stdin in, stdout out, stderr in the trace, exit 0', async () => {
		const { session, loaded } = await open('wasi-upper');
		expect(loaded.ok).toBe(true);
		expect(session.exportGroups).toEqual({ callable: ['_start'], internal: [], command: true });
		expect(session.exportName).toBe('_start');

		const outcome = await session.run(text('hello, wörld'));
		expect(outcome?.error).toBeNull();
		expect(outcome?.exit).toBe(0);
		expect(str(outcome!.output)).toBe('HELLO, WöRLD');
		const events = session.trace!.events;
		expect(
			logs(events)
				.filter((l) => l.source === 'stderr')
				.map((l) => l.text)
		).toEqual(['wasi-upper: read 13 bytes']);
		expect(endOf(session.trace!)).toMatchObject({ status: 'ok', exit: 0, outputSize: 13 });
		// Each run is a fresh instance: `_start` runs once per instance.
		expect(events.filter((e) => e.type === 'instantiate')).toHaveLength(1);

		const again = await session.run(text('again'));
		expect(str(again!.output)).toBe('AGAIN');
		expect(again?.exit).toBe(0);
		expect(session.trace!.events.filter((e) => e.type === 'instantiate')).toHaveLength(1);
	});

	it('wasi-exit: proc_exit(3) is a failure with its code, not a trap, and keeps the output', async () => {
		const { session } = await open('wasi-exit');
		const outcome = await session.run(text(''));
		expect(outcome?.exit).toBe(3);
		expect(outcome?.error?.kind).toBe('exit');
		expect(outcome?.error?.message).toBe('The WASI command exited with code 3.');
		expect(str(outcome!.output)).toBe('partial output\n');
		const end = endOf(session.trace!);
		expect(end).toMatchObject({ status: 'error', exit: 3 });
		expect(end?.error?.kind).toBe('exit');
		expect(stream(session.trace!.events, 'stderr')).toBe('wasi-exit: giving up with exit code 3');
		// The plugin is still usable: the next run instantiates it again.
		const again = await session.run(text(''));
		expect(again?.exit).toBe(3);
	});

	it('a command that exports malloc (as TinyGo builds do) defaults to _start and runs it as a command', async () => {
		const bytes = await wat(`(module
			(import "wasi_snapshot_preview1" "fd_write"
				(func $fd_write (param i32 i32 i32 i32) (result i32)))
			(memory (export "memory") 1)
			(data (i32.const 16) "hi\\n")
			(global $next (mut i32) (i32.const 1024))
			(func (export "malloc") (param $n i32) (result i32)
				(global.get $next)
				(global.set $next (i32.add (global.get $next) (local.get $n))))
			(func (export "free") (param i32))
			(func (export "_start")
				(i32.store (i32.const 0) (i32.const 16))
				(i32.store (i32.const 4) (i32.const 3))
				(drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`);
		const { session, loaded } = await openBytes(bytes);
		keep(session);
		expect(loaded.ok).toBe(true);
		expect(session.exportGroups).toEqual({
			callable: ['_start'],
			internal: ['malloc', 'free'],
			command: true
		});
		expect(session.exportName).toBe('_start');
		const outcome = await session.run(text(''));
		expect(outcome?.error).toBeNull();
		expect(outcome?.exit).toBe(0);
		expect(str(outcome!.output)).toBe('hi\n');
		// Its other exports still run the raw-ABI way, on an instance of their own.
		session.exportName = 'malloc';
		const raw = await session.run(text(''));
		expect(raw?.error?.message).toContain('each input is passed as a (ptr, len) pair');
		expect(session.trace?.events.some((e) => e.type === 'instantiate')).toBe(true);
	});

	it('a _start that loops is stopped by the timeout', async () => {
		const bytes = await wat(`(module
			(import "wasi_snapshot_preview1" "fd_write"
				(func $fd_write (param i32 i32 i32 i32) (result i32)))
			(memory (export "memory") 1)
			(func (export "_start") (loop $forever (br $forever))))`);
		const { session, loaded } = await openBytes(bytes, {
			exportName: '_start',
			settings: { timeoutMs: 1000 }
		});
		keep(session);
		expect(loaded.ok).toBe(true);
		const outcome = await session.run(text(''));
		expect(outcome?.error?.kind).toBe('timeout');
		expect(outcome?.exit).toBeNull();
	});

	it('an Extism export that calls proc_exit(0) succeeds with exit code 0', async () => {
		const bytes = await wat(`(module
			(import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
			(import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
			(memory (export "memory") 1)
			(func (export "quit") (result i32) (call $exit (i32.const 0)) (i32.const 1)))`);
		const { session } = await openBytes(bytes, { exportName: 'quit' });
		keep(session);
		const outcome = await session.run(text(''));
		expect(outcome?.error).toBeNull();
		expect(outcome?.exit).toBe(0);
		expect(endOf(session.trace!)).toMatchObject({ status: 'ok', exit: 0 });
	});

	it('as-runtime: the plugin function is callable, the AssemblyScript runtime is internal', async () => {
		const { session } = await open('as-runtime');
		expect(session.exportGroups).toEqual({
			callable: ['shout'],
			internal: ['__new', '__pin', '__unpin', '__collect'],
			command: false
		});
		const outcome = await session.run(text('hey'));
		expect(str(outcome!.output)).toBe('HEY!');
		expect(outcome?.exit).toBeNull();
	});
});
