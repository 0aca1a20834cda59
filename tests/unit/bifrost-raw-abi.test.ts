/// <reference types="node" />
// Drives workers/raw-abi.ts (the worker's raw caller, which needs no browser) against the C examples that
// `npm run examples` built into public/examples, and runs them through the Bifrost pipeline.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/lib/trace/types';
import { decodeHook } from '../../src/lib/abi/bifrost/decode';
import { findHook, SAMPLES } from '../../src/lib/abi/bifrost/hooks';
import {
	runPipeline,
	sampleInput,
	type PipelineInput,
	type RawCaller
} from '../../src/lib/abi/bifrost/pipeline';
import { detectRevision } from '../../src/lib/abi/bifrost/revisions';
import { fromBase64, utf8Decode, utf8Encode } from '../../src/lib/bytes/encoding';
import type { HostEvent, TraceEvent } from '../../src/lib/trace/types';
import { inspectModule } from '../../src/lib/wasm/inspect';
import { ABI_NS, RawPlugin } from '../../workers/raw-abi';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = join(root, 'public', 'examples');

interface Loaded {
	plugin: RawPlugin;
	events: TraceEvent[];
	call: RawCaller;
	exports: string[];
}

async function load(name: string): Promise<Loaded> {
	const file = join(outDir, `${name}.wasm`);
	if (!existsSync(file)) throw new Error(`${file} is missing: run npm run examples`);
	const started = await instantiate(new Uint8Array(readFileSync(file)), false);
	if (!started.ok) throw new Error(started.error.message);
	return started.loaded;
}

async function instantiate(bytes: Uint8Array, wasi: boolean) {
	const inspected = inspectModule(bytes);
	if (!inspected.ok) throw new Error(inspected.error.message);
	const events: TraceEvent[] = [];
	const started = await RawPlugin.instantiate(
		await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>),
		inspected.info,
		{
			wasi,
			maxPages: null,
			sink: { emit: (e) => events.push(e), elapsed: () => 0 }
		}
	);
	if (!started.ok) return started;
	const plugin = started.plugin;
	const call: RawCaller = async (exportName, inputs) => {
		const outcome = plugin.call({ export: exportName, inputs });
		return outcome.error ? { error: outcome.error } : (outcome.result ?? { error: outcome.error! });
	};
	const exports = inspected.info.exports.filter((e) => e.kind === 'function').map((e) => e.name);
	const loaded: Loaded = { plugin, events, call, exports };
	return { ok: true as const, loaded };
}

const abiEvents = (events: TraceEvent[]) =>
	events.filter((e): e is HostEvent => e.type === 'host' && e.ns === ABI_NS);

function input(overrides: Partial<PipelineInput> = {}): PipelineInput {
	return { ...sampleInput(), ...overrides };
}

function withoutKey(): Record<string, unknown> {
	const req = structuredClone(SAMPLES.httpRequest) as unknown as {
		headers: Record<string, string>;
	};
	delete req.headers.authorization;
	return req as unknown as Record<string, unknown>;
}

function body(response: unknown): unknown {
	const b = (response as { body: string }).body;
	const decoded = fromBase64(b);
	if (!decoded.ok) throw new Error('body is not base64');
	return JSON.parse(utf8Decode(decoded.bytes));
}

beforeAll(() => {
	if (!existsSync(join(outDir, 'bifrost-hello.wasm'))) {
		throw new Error('public/examples/bifrost-hello.wasm is missing: run npm run examples');
	}
});

describe('bifrost-hello (revision 1) through the raw caller', () => {
	it('is detected as revision 1 with the TinyGo allocator names', async () => {
		const bytes = new Uint8Array(readFileSync(join(outDir, 'bifrost-hello.wasm')));
		const info = inspectModule(bytes);
		expect(info.ok && detectRevision(info.info)).toMatchObject({
			revision: 1,
			allocator: { malloc: 'plugin_malloc', free: 'plugin_free', freeTakesSize: false },
			problems: []
		});
	});

	it('with an API key: every stage runs, pre_hook adds a system message, post_hook passes through', async () => {
		const { call, exports } = await load('bifrost-hello');
		const run = await runPipeline(1, { ...input(), exports }, call);
		expect(run.name).toBe('hello-world');
		expect(run.stopped).toBeNull();
		expect(run.warnings).toEqual([]);
		expect(run.steps.map((s) => [s.hook, s.status])).toEqual([
			['get_name', 'ok'],
			['init', 'ok'],
			['r1.http_transport_intercept', 'ok'],
			['r1.pre_hook', 'ok'],
			['provider', 'ok'],
			['r1.post_hook', 'ok'],
			['cleanup', 'ok']
		]);
		const request = run.final.request as typeof SAMPLES.request;
		expect(request.input).toEqual([
			{ role: 'system', content: 'The hello-world plugin says hello.' },
			...SAMPLES.request.input
		]);
		expect(request.model).toBe('gpt-4');
		expect(run.final.response).toEqual(SAMPLES.response);
	});

	it('without an API key: http_transport_intercept answers 401 and nothing else runs but cleanup', async () => {
		const { call, exports } = await load('bifrost-hello');
		const run = await runPipeline(1, { ...input({ httpRequest: withoutKey() }), exports }, call);
		expect(run.stopped?.hook).toBe('r1.http_transport_intercept');
		expect(run.steps.map((s) => s.hook)).toEqual([
			'get_name',
			'init',
			'r1.http_transport_intercept',
			'cleanup'
		]);
		expect(run.final.httpResponse).toMatchObject({
			status_code: 401,
			headers: { 'Content-Type': 'application/json' }
		});
		expect(body(run.final.httpResponse)).toEqual({
			error: {
				type: 'authentication_error',
				message: 'missing API key: send an authorization header'
			}
		});
	});

	it('init reads the header name from config; headers compare ignoring case', async () => {
		const { call, exports } = await load('bifrost-hello');
		const config = { api_key_header: 'x-api-key' };
		const denied = await runPipeline(1, { ...input({ config }), exports }, call);
		expect(body(denied.final.httpResponse)).toMatchObject({
			error: { message: 'missing API key: send an x-api-key header' }
		});
		const headers = { 'X-API-Key': 'k-123' };
		const allowed = await runPipeline(
			1,
			{ ...input({ config, httpRequest: { ...SAMPLES.httpRequest, headers } }), exports },
			call
		);
		expect(allowed.stopped).toBeNull();
	});

	it('malformed config makes init return 1: the plugin does not load', async () => {
		const { call, exports } = await load('bifrost-hello');
		const run = await runPipeline(
			1,
			{ ...input({ config: { api_key_header: 7 } }), exports },
			call
		);
		expect(run.stopped).toEqual({
			hook: 'init',
			reason: 'Export "init" returned 1 (0x00000001 (1)); 0 means success.'
		});
	});

	it('traces malloc, write, call, packed and free for each call, and frees what it placed', async () => {
		const { plugin, events } = await load('bifrost-hello');
		const ctx = utf8Encode('{"request_id":"abc-123"}');
		const req = utf8Encode(JSON.stringify(SAMPLES.request));
		const request = { export: 'pre_hook', inputs: [ctx, req], hook: 'r1.pre_hook' };
		const outcome = plugin.call(request);
		expect(outcome.error).toBeNull();
		const names = abiEvents(events).map((e) => e.name);
		expect(names).toEqual([
			'malloc',
			'write',
			'malloc',
			'write',
			'call',
			'packed',
			'free',
			'free',
			'free'
		]);
		const [malloc, write] = abiEvents(events);
		expect(malloc?.args).toMatchObject({ function: 'plugin_malloc', size: '0x00000018 (24)' });
		expect(malloc?.result).toMatch(/^ptr 0x[0-9a-f]{8} \(\d+\)$/);
		expect(write?.args.len).toBe('0x00000018 (24)');
		const call = abiEvents(events)[4];
		expect(call?.args).toMatchObject({ export: 'pre_hook', 'len 1': '0x00000018 (24)' });
		expect(call?.result).toMatch(/^0x[0-9a-f]{16} \(\d+\) \(i64\)$/);
		const packed = abiEvents(events)[5];
		expect(packed?.args.value).toMatch(
			/^0x[0-9a-f]{16} → ptr 0x[0-9a-f]{8} \(\d+\), len 0x[0-9a-f]{8} \(\d+\)$/
		);
		expect(
			abiEvents(events)
				.slice(6)
				.map((e) => e.args.of)
		).toEqual(['input', 'input', 'answer']);
		// The host emits the start event before it instantiates; the call's own trace opens with the first malloc.
		expect(RawPlugin.startEvent(request)).toMatchObject({
			type: 'start',
			export: 'pre_hook',
			hook: 'r1.pre_hook'
		});
		expect(events[0]).toMatchObject({ type: 'host', name: 'malloc' });
		expect(events.at(-1)).toMatchObject({ type: 'end', status: 'ok' });
	});

	it('keeps its memory flat over many calls because the host frees everything', async () => {
		const { plugin } = await load('bifrost-hello');
		const big = utf8Encode(JSON.stringify({ ...SAMPLES.request, pad: 'x'.repeat(100_000) }));
		const ctx = utf8Encode('{}');
		plugin.call({ export: 'pre_hook', inputs: [ctx, big] });
		const pages = plugin.memoryPages();
		for (let i = 0; i < 50; i++) plugin.call({ export: 'pre_hook', inputs: [ctx, big] });
		expect(plugin.memoryPages()).toBe(pages);
	});

	it('refuses a call whose inputs do not match the export’s (ptr, len) pairs', async () => {
		const { plugin } = await load('bifrost-hello');
		const outcome = plugin.call({ export: 'pre_hook', inputs: [utf8Encode('{}')] });
		expect(outcome.error).toMatchObject({ kind: 'call' });
		expect(outcome.error?.message).toBe(
			'Export "pre_hook" takes (i32, i32, i32, i32), but 1 input makes 2 i32 parameters: each input is passed as a (ptr, len) pair.'
		);
	});
});

describe('bifrost-r3 (revision 3) through the raw caller', () => {
	it('threads context keys through every hook and builds the HTTP response', async () => {
		const { call, exports } = await load('bifrost-r3');
		const run = await runPipeline(3, { ...input(), exports }, call);
		expect(run.name).toBe('hello-r3');
		expect(run.stopped).toBeNull();
		expect(run.final.context).toEqual({
			request_id: 'abc-123',
			http_pre_hook: 'hello-r3',
			plugin_processed: true,
			post_processed: true,
			http_post_hook: 'seen'
		});
		expect(run.final.response).toEqual(SAMPLES.response);
		expect(run.final.httpResponse).toMatchObject({ status_code: 200 });
	});

	it('short-circuits with a mock response for model hello-mock, skipping only the provider', async () => {
		const { call, exports } = await load('bifrost-r3');
		const request = { ...SAMPLES.request, model: 'hello-mock' };
		const run = await runPipeline(3, { ...input({ request }), exports }, call);
		expect(run.steps.find((s) => s.hook === 'pre_hook')?.status).toBe('short-circuit');
		expect(run.steps.find((s) => s.hook === 'provider')?.status).toBe('skipped');
		expect(run.steps.find((s) => s.hook === 'post_hook')?.status).toBe('ok');
		expect(run.final.response).toMatchObject({ chat_response: { id: 'mock-123' } });
	});

	it('short-circuits with a 429 error for model hello-limit', async () => {
		const { call, exports } = await load('bifrost-r3');
		const request = { ...SAMPLES.request, model: 'hello-limit' };
		const run = await runPipeline(3, { ...input({ request }), exports }, call);
		expect(run.final.error).toMatchObject({ status_code: 429, type: 'rate_limit' });
		expect(run.final.httpResponse).toMatchObject({ status_code: 429 });
	});

	it('frees with (ptr, size) and passes stream chunks through', async () => {
		const { plugin, events } = await load('bifrost-r3');
		const hook = findHook('http_stream_chunk_hook')!;
		const outcome = plugin.call({
			export: 'http_stream_chunk_hook',
			inputs: [utf8Encode(JSON.stringify(hook.args))]
		});
		const decoded = decodeHook(hook, outcome.result!);
		expect(decoded).toMatchObject({ status: 'value', action: 'continue' });
		expect(decoded.fields?.chunk).toEqual(SAMPLES.chunk);
		const frees = abiEvents(events).filter((e) => e.name === 'free');
		expect(frees.map((e) => e.args.function)).toEqual(['free', 'free']);
		expect(frees[0]?.args.size).toMatch(/^0x[0-9a-f]{8} \(\d+\)$/);
	});
});

describe('bad Bifrost fixtures through the raw caller', () => {
	const preHook = findHook('pre_hook')!;
	const args = utf8Encode(JSON.stringify(preHook.args));

	it('bifrost-bad-pointer: the host refuses to read, names the export and the pointer', async () => {
		const { plugin, events } = await load('bifrost-bad-pointer');
		const outcome = plugin.call({ export: 'pre_hook', inputs: [args] });
		expect(outcome.error).toBeNull();
		expect(outcome.result).toMatchObject({ ptr: 0xffff0000, len: 16, bytes: null });
		const decoded = decodeHook(preHook, outcome.result!);
		expect(decoded.error?.message).toMatch(
			/^Export "pre_hook" returned pointer 0xffff0000 \(4294901760\), past the end of memory at 0x[0-9a-f]{8} \(\d+ bytes/
		);
		const packed = abiEvents(events).find((e) => e.name === 'packed');
		expect(packed?.error).toMatch(/^pointer 0xffff0000 is past the end of memory/);
		// Only the input is freed: the host never frees a pointer it could not read.
		expect(
			abiEvents(events)
				.filter((e) => e.name === 'free')
				.map((e) => e.args.of)
		).toEqual(['input']);
	});

	it('bifrost-null-pointer: pointer 0 with a length is read as nothing and named a null pointer', async () => {
		const { plugin, events } = await load('bifrost-null-pointer');
		const outcome = plugin.call({ export: 'pre_hook', inputs: [args] });
		expect(outcome.error).toBeNull();
		expect(outcome.result).toMatchObject({ ptr: 0, len: 16, bytes: null });
		expect(decodeHook(preHook, outcome.result!).error?.message).toMatch(
			/^Null pointer: export "pre_hook" returned pointer 0 with length 0x00000010 \(16\)/
		);
		const packed = abiEvents(events).find((e) => e.name === 'packed');
		expect(packed?.error).toBe(
			'null pointer: pointer 0 with length 0x00000010 (16); nothing is read from address 0'
		);
		expect(
			abiEvents(events)
				.filter((e) => e.name === 'free')
				.map((e) => e.args.of)
		).toEqual(['input']);
	});

	it('bifrost-bad-length: names the length and where the answer would end', async () => {
		const { plugin } = await load('bifrost-bad-length');
		const outcome = plugin.call({ export: 'pre_hook', inputs: [args] });
		expect(decodeHook(preHook, outcome.result!).error?.message).toMatch(
			/^Export "pre_hook" returned length 0x7fffffff \(2147483647\) at pointer 0x[0-9a-f]{8} \(\d+\): the answer would end at byte/
		);
	});

	it('bifrost-bad-json: quotes the start of the bytes', async () => {
		const { plugin } = await load('bifrost-bad-json');
		const outcome = plugin.call({ export: 'pre_hook', inputs: [args] });
		expect(decodeHook(preHook, outcome.result!).error?.message).toMatch(
			/^Export "pre_hook" returned 86 bytes at 0x[0-9a-f]{8} \(\d+\) that are not JSON; they start with "\{\\"context\\":\{\},\\"request\\":null,\\"short_circuit\\":nul"… \(.*position 86\)\.$/
		);
	});

	it('bifrost-null: 0 means nothing, and the message names the export', async () => {
		const { plugin, events } = await load('bifrost-null');
		const outcome = plugin.call({ export: 'pre_hook', inputs: [args] });
		const decoded = decodeHook(preHook, outcome.result!);
		expect(decoded).toMatchObject({ status: 'skip', action: 'continue' });
		expect(decoded.steps.at(-1)?.detail).toMatch(
			/^Export "pre_hook" returned 0 \(0x0000000000000000\)/
		);
		expect(abiEvents(events).find((e) => e.name === 'packed')?.result).toBe('0: nothing to read');
	});
});

describe('the WASI stub set', () => {
	type Wabt = Awaited<ReturnType<typeof import('wabt')>>;
	let wabt: Wabt;
	beforeAll(async () => {
		wabt = await (await import('wabt')).default();
	});

	// A command module in the shape TinyGo builds: _start ends in proc_exit(0); io() exercises the stubs and
	// answers with their return codes at 512, the random bytes at 600 and the clock at 700.
	const WAT = `(module
		(import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
		(import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
		(import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
		(import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
		(import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))
		(import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
		(memory (export "memory") 1)
		(data (i32.const 16) "hi\\n")
		(global $started (mut i32) (i32.const 0))
		(func (export "_start") (global.set $started (i32.const 1)) (call $proc_exit (i32.const 0)))
		(func (export "malloc") (param i32) (result i32) (i32.const 1024))
		(func (export "io") (result i64)
			(i32.store (i32.const 0) (i32.const 16))
			(i32.store (i32.const 4) (i32.const 3))
			(i32.store8 (i32.const 512) (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
			(i32.store8 (i32.const 513) (call $random (i32.const 600) (i32.const 16)))
			(i32.store8 (i32.const 514) (call $clock (i32.const 0) (i64.const 1) (i32.const 700)))
			(i32.store8 (i32.const 515) (call $prestat (i32.const 3) (i32.const 800)))
			(i32.store8 (i32.const 516) (call $fd_read (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)))
			(i32.store8 (i32.const 517) (global.get $started))
			(i64.or (i64.shl (i64.const 512) (i64.const 32)) (i64.const 196)))
		(func (export "bye") (result i64) (call $proc_exit (i32.const 3)) (i64.const 0)))`;

	function build(): Uint8Array {
		const mod = wabt.parseWat('wasi.wat', WAT, {});
		try {
			return mod.toBinary({}).buffer;
		} finally {
			mod.destroy();
		}
	}

	it('runs _start, writes stdout to the trace, answers random/clock/prestat, and ENOSYS otherwise', async () => {
		const started = await instantiate(build(), true);
		if (!started.ok) throw new Error(started.error.message);
		const { plugin, events } = started.loaded;
		const outcome = plugin.call({ export: 'io', inputs: [] });
		expect(outcome.error).toBeNull();
		const bytes = outcome.result!.bytes!;
		// fd_write 0, random_get 0, clock_time_get 0, fd_prestat_get EBADF, fd_read ENOSYS, _start ran.
		expect([...bytes.subarray(0, 6)]).toEqual([0, 0, 0, 8, 52, 1]);
		expect(bytes.subarray(88, 104).some((b) => b !== 0)).toBe(true);
		const clock = new DataView(bytes.buffer, bytes.byteOffset + 188, 8).getBigUint64(0, true);
		expect(clock > 1_600_000_000_000_000_000n).toBe(true);
		const logs = events.filter((e): e is LogEvent => e.type === 'log');
		expect(logs.map((l) => [l.source, l.text])).toEqual([['stdout', 'hi']]);
		expect(events.find((e) => e.type === 'host' && e.name === 'fd_read')).toMatchObject({
			ns: 'wasi_snapshot_preview1',
			result: 'ENOSYS (52): the playground does not provide this WASI function'
		});
	});

	it('proc_exit ends the call with an exit error and marks the instance for a restart', async () => {
		const started = await instantiate(build(), true);
		if (!started.ok) throw new Error(started.error.message);
		const { plugin } = started.loaded;
		const outcome = plugin.call({ export: 'bye', inputs: [] });
		expect(outcome.error).toMatchObject({
			kind: 'exit',
			message: 'Export "bye" called WASI proc_exit(3) while running bye: the module ended itself.'
		});
		expect(plugin.alive).toBe(false);
	});

	it('without WASI the module does not link, and the message says to turn WASI on', async () => {
		const started = await instantiate(build(), false);
		expect(started.ok).toBe(false);
		if (started.ok) return;
		expect(started.error).toMatchObject({
			kind: 'link',
			message: expect.stringMatching(
				/^6 imports are not provided: "wasi_snapshot_preview1" "fd_write"/
			),
			hint: 'The module imports WASI: turn WASI on in Host settings.'
		});
	});
});
