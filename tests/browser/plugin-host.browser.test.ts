import { describe, expect, it } from 'vitest';
import type { HostEvent, LogEvent, TraceEvent } from '../../src/lib/trace/types';
import { endOf } from '../../src/lib/trace/build';
import { Storage } from '../../src/state/storage';
import {
	disposedAfterEach,
	exampleBytes,
	examples,
	freshStorage,
	openBytes,
	openExample,
	str,
	text
} from './helpers';

/** Sessions a test opened, disposed after it. */
const keep = disposedAfterEach();

async function open(...args: Parameters<typeof openExample>) {
	const opened = await openExample(...args);
	keep(opened.session);
	return opened;
}

/** Index of the first differing byte, or -1 when equal. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
	if (a.byteLength !== b.byteLength) return Math.min(a.byteLength, b.byteLength);
	for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return i;
	return -1;
}

const hostCalls = (events: TraceEvent[]) => events.filter((e): e is HostEvent => e.type === 'host');
const logs = (events: TraceEvent[]) => events.filter((e): e is LogEvent => e.type === 'log');

describe('examples through the real worker', () => {
	it('lists every example in the catalogue with a built module', async () => {
		const names = (await examples()).map((e) => e.name);
		expect(names).toEqual(
			expect.arrayContaining([
				'greet',
				'count-vowels',
				'kv-counter',
				'logger',
				'http-get',
				'trap',
				'plugin-error',
				'loop-forever',
				'memory-hog',
				'needs-host-fn'
			])
		);
	});

	it('greet: round-trips non-ASCII text and records the call in the trace', async () => {
		const { session, loaded } = await open('greet');
		expect(loaded.ok).toBe(true);
		expect(session.info?.flavor).toBe('extism');
		const outcome = await session.run(text('Wörld 🌍'));
		expect(outcome?.error).toBeNull();
		expect(str(outcome!.output)).toBe('Hello, Wörld 🌍!');
		const events = session.trace!.events;
		expect(events[0]).toMatchObject({ type: 'start', export: 'greet' });
		expect(str(events[0].type === 'start' ? events[0].input.head : new Uint8Array())).toBe(
			'Wörld 🌍'
		);
		const end = endOf(session.trace!);
		expect(end).toMatchObject({ status: 'ok', code: 0, inputSize: 11, outputSize: 19 });
		expect(end!.memoryPages).toBeGreaterThan(0);
	});

	it('count-vowels: reads config_get, keeps a var across calls, and traces both', async () => {
		const { session } = await open('count-vowels');
		const first = await session.run(text('Hello, world!'));
		expect(JSON.parse(str(first!.output))).toEqual({ count: 3, total: 3, vowels: 'aeiouAEIOU' });
		const second = await session.run(text('aaa'));
		expect(JSON.parse(str(second!.output))).toMatchObject({ count: 3, total: 6 });
		const names = hostCalls(session.trace!.events).map((e) => e.name);
		expect(names).toEqual(['config_get', 'var_get', 'var_set']);
		const config = hostCalls(session.trace!.events)[0];
		expect(config.args.key).toBe('vowels');

		await session.configure({ ...session.settings, config: { vowels: 'o' } });
		const third = await session.run(text('Hello, world!'));
		expect(JSON.parse(str(third!.output))).toMatchObject({ count: 2, vowels: 'o' });
	});

	it('kv-counter: writes reach IndexedDB and edits from the KV view reach the plugin', async () => {
		const { storage, prefix } = freshStorage();
		const { session } = await open('kv-counter', {}, storage);
		expect(str((await session.run(text('')))!.output)).toBe('{"count":1}');
		expect(str((await session.run(text('')))!.output)).toBe('{"count":2}');
		const [read, write] = hostCalls(session.trace!.events);
		expect(read).toMatchObject({ name: 'kv_read', ns: 'extism:host/user', args: { key: 'count' } });
		expect(write).toMatchObject({ name: 'kv_write', args: { key: 'count' } });
		await session.settled();
		const stored = await new Storage(prefix).kvList(session.settings.namespace);
		expect(stored.ok && str(stored.entries.get('count')!)).toBe('2');

		await session.kvEdit([{ key: 'count', value: text('41') }]);
		expect(str((await session.run(text('')))!.output)).toBe('{"count":42}');
		expect(str(session.kv.get('count')!)).toBe('42');
	});

	it('kv-counter: a missing key reads as an empty value, and namespaces are separate', async () => {
		const { storage } = freshStorage();
		const a = await open('kv-counter', { namespace: 'shared' }, storage);
		const b = await open('kv-counter', { namespace: 'shared' }, storage);
		const c = await open('kv-counter', { namespace: 'other' }, storage);
		await a.session.run(text(''));
		const readA = hostCalls(a.session.trace!.events)[0];
		expect(readA.result).toBe('(missing: empty value)');
		await a.session.settled();
		// b shares the namespace on purpose; it loaded before a's write, so re-read it from storage.
		await b.session.configure({ ...b.session.settings, namespace: 'shared' });
		expect(str((await b.session.run(text('')))!.output)).toBe('{"count":1}');
		await b.session.dispose();
		const reloaded = await open('kv-counter', { namespace: 'shared' }, storage);
		expect(str((await reloaded.session.run(text('')))!.output)).toBe('{"count":2}');
		expect(str((await c.session.run(text('')))!.output)).toBe('{"count":1}');
	});

	it('logger: records every level in order, filtered by the chosen log level', async () => {
		const { session } = await open('logger', { logLevel: 'trace' });
		await session.run(text('hi'));
		expect(logs(session.trace!.events).map((l) => [l.level, l.source, l.text])).toEqual([
			['trace', 'extism', 'trace: hi'],
			['debug', 'extism', 'debug: hi'],
			['info', 'extism', 'info: hi'],
			['warn', 'extism', 'warn: hi'],
			['error', 'extism', 'error: hi'],
			['info', 'host', 'host log: hi']
		]);
		await session.configure({ ...session.settings, logLevel: 'warn' });
		await session.run(text('hi'));
		expect(logs(session.trace!.events).map((l) => l.level)).toEqual(['warn', 'error']);
	});

	it('http-get: fetches from an allowed host, and refuses others by name', async () => {
		const url = new URL('/examples/index.json', location.href).href;
		const { session } = await open('http-get', { allowedHosts: [location.hostname] });
		const ok = await session.run(text(url));
		expect(ok?.error).toBeNull();
		expect(JSON.parse(str(ok!.output))).toEqual(await examples());
		const http = hostCalls(session.trace!.events).find((e) => e.name === 'http_request');
		expect(http).toMatchObject({ args: { method: 'GET', url } });
		expect(logs(session.trace!.events).map((l) => l.text)).toContain('status 200');

		await session.configure({ ...session.settings, allowedHosts: ['example.com'] });
		const refused = await session.run(text(url));
		expect(refused?.error?.kind).toBe('host');
		// The test server is the page's own origin: only a host setting that names it lets a plugin in.
		expect(refused?.error?.message).toContain(
			`HTTP request to the playground's own origin (${location.origin}) refused`
		);
	});

	it('trap: reports the export and stays usable', async () => {
		const { session } = await open('trap');
		const outcome = await session.run(text(''));
		expect(outcome?.error).toMatchObject({ kind: 'trap' });
		expect(outcome?.error?.message).toContain('"crash"');
		expect(outcome?.error?.message).toContain('unreachable');
		expect(logs(session.trace!.events).map((l) => l.text)).toContain('about to trap');
		expect(session.status).toBe('ready');
		expect((await session.run(text('')))?.error?.kind).toBe('trap');
	});

	it('plugin-error: shows the message the plugin set with error_set', async () => {
		const { session } = await open('plugin-error');
		const outcome = await session.run(text('oops'));
		expect(outcome?.error).toMatchObject({ kind: 'plugin', message: 'bad input: oops' });
		expect(outcome?.code).toBe(1);
	});

	it('exit-code: a non-zero return without a message is an error, output kept', async () => {
		const { session } = await open('exit-code');
		const outcome = await session.run(text(''));
		expect(outcome?.error?.kind).toBe('exit');
		expect(outcome?.error?.message).toContain('returned 3');
		expect(outcome?.code).toBe(3);
		expect(str(outcome!.output)).toBe('partial output');
	});

	it('memory-hog: the memory cap refuses growth and the error says so', async () => {
		const { session } = await open('memory-hog', {
			memory: { maxPages: 64, maxHttpResponseBytes: null, maxVarBytes: null }
		});
		const outcome = await session.run(text(''));
		expect(outcome?.error?.kind).toBe('limit');
		expect(outcome?.error?.message).toContain('64 pages');
		// Max memory bounds growth, as in native Extism: the initial page comes on top.
		expect(endOf(session.trace!)?.memoryPages).toBe(65);
	});

	it('needs-host-fn: names the missing import before instantiating', async () => {
		const { session, loaded } = await open('needs-host-fn');
		expect(loaded.ok).toBe(false);
		expect(session.status).toBe('failed');
		expect(session.loadError?.kind).toBe('link');
		expect(session.loadError?.message).toContain('"extism:host/user" "hello_world"');
		// The inspection survives the failure so the imports can be shown.
		expect(session.info?.imports.some((i) => i.name === 'hello_world')).toBe(true);
	});

	it('wasi-hello: WASI turns on by itself and stdout/stderr go to the trace', async () => {
		const { session } = await open('wasi-hello');
		expect(session.info?.needsWasi).toBe(true);
		expect(session.wasi).toBe(true);
		const outcome = await session.run(text(''));
		expect(str(outcome!.output)).toBe('done');
		expect(logs(session.trace!.events).map((l) => [l.source, l.text.trim()])).toEqual([
			['stdout', 'hello from stdout'],
			['stderr', 'hello from stderr']
		]);
		await session.configure({ ...session.settings, wasi: 'off' });
		expect(session.loadError?.kind).toBe('link');
		expect(session.loadError?.hint).toContain('turn WASI on');
	});
});

describe('stop and timeout', () => {
	it('a loop is stopped by the timeout while the main thread keeps answering', async () => {
		const { storage, prefix } = freshStorage();
		const { session } = await open('loop-forever', { timeoutMs: 1500 }, storage);
		let ticks = 0;
		const ticker = setInterval(() => ticks++, 50);
		const outcome = await session.run(text(''));
		clearInterval(ticker);
		expect(outcome?.error?.kind).toBe('timeout');
		expect(outcome?.error?.message).toContain('1.5 s');
		// 1.5 s of a responsive main thread gives ~30 ticks; a blocked one gives none.
		expect(ticks).toBeGreaterThan(10);
		// Events streamed live before the loop began are in the trace.
		expect(logs(session.trace!.events).map((l) => l.text)).toContain('spinning forever');
		expect(endOf(session.trace!)?.error?.kind).toBe('timeout');
		expect(session.notice).toContain('memory');
		// The standby worker, booted while the loop ran, is already in place when the answer comes.
		expect(session.status).toBe('ready');
		await session.settled();
		expect(session.status).toBe('ready');
		// The write made before the loop is durable.
		const stored = await new Storage(prefix).kvList(session.settings.namespace);
		expect(stored.ok && str(stored.entries.get('last-run')!)).toBe('started');
	});

	it('Stop ends a running call, and the restarted plugin works from the cached module', async () => {
		const { session } = await open('loop-forever', { timeoutMs: 60_000 });
		const running = session.run(text(''));
		await new Promise((r) => setTimeout(r, 300));
		expect(session.status).toBe('running');
		session.stop();
		const outcome = await running;
		expect(outcome?.error?.kind).toBe('stopped');
		// The standby worker took over at once; the stopped one's KV log is replayed behind it.
		expect(session.status).toBe('ready');
		await session.settled();
		expect(session.status).toBe('ready');
		// Restarting reused the compiled module: no compile time.
		expect(session.timings?.compileMs).toBe(0);
		const again = session.run(text(''));
		await new Promise((r) => setTimeout(r, 200));
		session.stop();
		expect((await again)?.error?.kind).toBe('stopped');
	});
});

describe('large payloads', () => {
	it('echo: 16 MiB goes in and comes back as transferred buffers', async () => {
		const { session } = await open('echo', { timeoutMs: 60_000 });
		const size = 16 * 1024 * 1024;
		const input = new Uint8Array(size);
		for (let i = 0; i < size; i += 4096) input[i] = (i / 4096) & 0xff;
		input[size - 1] = 0x7f;
		const expected = input.slice();
		const outcome = await session.run(input);
		// Transferred, not copied: the caller's buffer is detached.
		expect(input.byteLength).toBe(0);
		expect(outcome?.error).toBeNull();
		expect(outcome!.output.byteLength).toBe(size);
		// A plain loop: deep equality over 16 MiB in the test library takes minutes.
		expect(firstDifference(outcome!.output, expected)).toBe(-1);
		const end = endOf(session.trace!);
		expect(end?.inputSize).toBe(size);
		// The trace keeps a preview, not 16 MiB.
		expect(end?.output?.head.byteLength).toBeLessThan(size);
	});
});

describe('bad modules', () => {
	const cases: [string, () => Promise<Uint8Array>, RegExp][] = [
		['a non-wasm file', async () => text('<!DOCTYPE html><html></html>'), /HTML|not WebAssembly/i],
		[
			'a truncated file',
			async () => (await exampleBytes('greet')).slice(0, 300),
			/truncated|ends/i
		],
		[
			'a corrupt file',
			async () => {
				const bytes = await exampleBytes('greet');
				// Break the type section's first function type marker.
				const corrupt = bytes.slice();
				corrupt[10] = 0xff;
				corrupt[11] = 0xff;
				return corrupt;
			},
			/.+/
		],
		['an empty file', async () => new Uint8Array(0), /empty/i]
	];
	for (const [label, bytes, message] of cases) {
		it(`${label} gets a load error that says what happened`, async () => {
			const { session, loaded } = await openBytes(await bytes());
			keep(session);
			expect(loaded.ok).toBe(false);
			expect(session.status).toBe('failed');
			expect(session.loadError?.kind).toBe('load');
			expect(session.loadError?.message).toMatch(message);
			expect(session.loadError?.hint.length).toBeGreaterThan(10);
		});
	}
});

describe('history', () => {
	it('every call is persisted with its trace', async () => {
		const { storage, prefix } = freshStorage();
		const { session } = await open('greet', {}, storage);
		await session.run(text('a'));
		await session.run(text('b'));
		await session.settled();
		const stored = await new Storage(prefix).historyList(session.id);
		expect(stored.ok).toBe(true);
		const mine = stored.ok ? stored.summaries : [];
		expect(mine.map((s) => s.end?.status)).toEqual(['ok', 'ok']);
		const traces = await session.historyTraces(mine);
		expect(traces?.map((t) => endOf(t)?.status)).toEqual(['ok', 'ok']);
		expect(session.history).toHaveLength(2);
	});
});
