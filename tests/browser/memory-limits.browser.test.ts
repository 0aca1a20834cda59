import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { endOf } from '../../src/lib/trace/build';
import { STREAM_MAX_EVENTS } from '../../src/lib/trace/flood';
import type { HostEvent, LogEvent } from '../../src/lib/trace/types';
import type { HostSettings } from '../../src/lib/host/settings';
import { disposedAfterEach, openBytes, text } from './helpers';

/** Sessions a test opened, disposed after it. */
const keep = disposedAfterEach();

async function wat(source: string): Promise<Uint8Array> {
	const wabt = await wabtInit();
	const module = wabt.parseWat('limits.wat', source, { memory64: true });
	try {
		return module.toBinary({}).buffer.slice();
	} finally {
		module.destroy();
	}
}

/** Max memory of 64 pages: 4 MiB. */
const CAP: Partial<HostSettings> = {
	memory: { maxPages: 64, maxHttpResponseBytes: null, maxVarBytes: null }
};

async function open(source: string, exportName: string, settings: Partial<HostSettings> = CAP) {
	const opened = await openBytes(await wat(source), { exportName, settings });
	keep(opened.session);
	expect(opened.loaded.ok).toBe(true);
	return opened.session;
}

const KERNEL = `
	(import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
	(import "extism:host/env" "free" (func $free (param i64)))
	(import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
	(import "extism:host/env" "var_set" (func $var_set (param i64 i64)))`;

/** `hog` allocates 1 MiB Extism blocks and never frees them; `churn` frees each one; `grown` first grows linear memory by 49 pages (3.1 MiB). */
const ALLOCATOR = `(module ${KERNEL}
	(memory (export "memory") 1)
	(func (export "hog") (result i32)
		(loop $l (drop (call $alloc (i64.const 1048576))) (br $l))
		(i32.const 0))
	(func (export "churn") (result i32) (local $i i32)
		(loop $l
			(call $free (call $alloc (i64.const 1048576)))
			(local.set $i (i32.add (local.get $i) (i32.const 1)))
			(br_if $l (i32.lt_u (local.get $i) (i32.const 200))))
		(i32.const 0))
	(func (export "grown") (result i32)
		(drop (memory.grow (i32.const 49)))
		(drop (call $alloc (i64.const 1048576)))
		(i32.const 0))
	(func (export "vars") (result i32) (local $i i32) (local $key i64) (local $value i64)
		(loop $l
			(local.set $key (call $alloc (i64.const 1)))
			(call $store_u8 (local.get $key) (i32.add (i32.const 65) (local.get $i)))
			(local.set $value (call $alloc (i64.const 1048576)))
			(call $var_set (local.get $key) (local.get $value))
			(call $free (local.get $value))
			(call $free (local.get $key))
			(local.set $i (i32.add (local.get $i) (i32.const 1)))
			(br_if $l (i32.lt_u (local.get $i) (i32.const 26))))
		(i32.const 0)))`;

/** A 64-bit memory that grows one page at a time until refused, then traps. */
const GROW64 = `(module
	(memory (export "memory") i64 1)
	(func (export "grow") (result i32)
		(loop $l (br_if $l (i64.ne (memory.grow (i64.const 1)) (i64.const -1))))
		unreachable))`;

/** `flood` reads config key "k" 20,000 times: a flood of traced host calls that costs the host little. */
const FLOODER = `(module
	(import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
	(import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
	(import "extism:host/env" "config_get" (func $config_get (param i64) (result i64)))
	(memory (export "memory") 1)
	(func (export "flood") (result i32) (local $i i32) (local $k i64)
		(local.set $k (call $alloc (i64.const 1)))
		(call $store_u8 (local.get $k) (i32.const 107))
		(loop $l
			(drop (call $config_get (local.get $k)))
			(local.set $i (i32.add (local.get $i) (i32.const 1)))
			(br_if $l (i32.lt_u (local.get $i) (i32.const 20000))))
		(i32.const 0)))`;

describe('Max memory caps everything a plugin holds', () => {
	it('an alloc loop ends in a limit error that names Max memory and alloc', async () => {
		const session = await open(ALLOCATOR, 'hog');
		const outcome = await session.run(text(''));
		expect(outcome?.error?.kind).toBe('limit');
		expect(outcome?.error?.message).toMatch(
			/^Export "hog" failed in host function extism:host\/env::alloc: Max memory \(4 MiB\) reached: alloc of 1 MiB would bring the plugin to /
		);
		expect(outcome?.error?.hint).toMatch(/Raise "Max memory" in Host settings/);
		const refused = session.trace?.events.find(
			(e): e is HostEvent => e.type === 'host' && e.name === 'alloc'
		);
		expect(refused?.error).toMatch(/Max memory/);
		// The plugin is still usable: the next call runs (and is refused the same way).
		expect((await session.run(text('')))?.error?.kind).toBe('limit');
	});

	it('blocks that are freed do not count, however many come and go', async () => {
		const session = await open(ALLOCATOR, 'churn');
		const outcome = await session.run(text(''));
		expect(outcome?.error).toBeNull();
	});

	it('linear memory and blocks count together', async () => {
		const session = await open(ALLOCATOR, 'grown');
		const outcome = await session.run(text(''));
		expect(outcome?.error?.kind).toBe('limit');
		// Max memory bounds growth from instantiation on, as in native Extism: the first page is not counted.
		expect(outcome?.error?.message).toContain('linear memory grown by 3.1 MiB');
	});

	it('vars count too, and survive the blocks they were copied from', async () => {
		const session = await open(ALLOCATOR, 'vars');
		const outcome = await session.run(text(''));
		expect(outcome?.error?.kind).toBe('limit');
		expect(outcome?.error?.message).toMatch(
			/var_set: Max memory \(4 MiB\) reached: setting var "[A-Z]"/
		);
	});

	it('a 64-bit memory is capped like a 32-bit one', async () => {
		const session = await open(GROW64, 'grow');
		const outcome = await session.run(text(''));
		expect(outcome?.error?.kind).toBe('limit');
		// The initial page, then 64 pages of growth.
		expect(endOf(session.trace!)?.memoryPages).toBe(65);
	});
});

describe('a flood of events', () => {
	it('streams the first events, drops the rest and says how many, of which kind', async () => {
		const session = await open(FLOODER, 'flood');
		const outcome = await session.run(text(''));
		expect(outcome?.error).toBeNull();
		const events = session.trace?.events ?? [];
		const reads = events.filter((e) => e.type === 'host' && e.name === 'config_get');
		// The call streamed exactly its allowance, besides the two notices and the end.
		expect(events.length - 3).toBe(STREAM_MAX_EVENTS);
		const notices = events
			.filter((e): e is LogEvent => e.type === 'log' && e.text.startsWith('Trace flood'))
			.map((e) => e.text);
		expect(notices).toHaveLength(2);
		expect(notices[0]).toContain('later events are dropped and counted');
		expect(notices[1]).toContain(
			`events dropped (config_get ${(20_000 - reads.length).toLocaleString('en-US')})`
		);
		expect(events[events.length - 2]).toMatchObject({ type: 'log', text: notices[1] });
		expect(events[events.length - 1]?.type).toBe('end');
	});
});
