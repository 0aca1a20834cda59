/**
 * The benchmark page. Path (a) is the playground's own code: `PluginSession`, `Storage` and the real plugin
 * host worker, imported from src/ and workers/. Beside it run the baselines a user could pick instead:
 * Extism on the main thread, Extism's own worker mode, and a minimal hand-written worker. bench/run.mjs
 * calls the functions on `window.bench`; each returns raw samples in milliseconds, and the runner does the
 * statistics.
 */
import * as Comlink from 'comlink';
import createPlugin, { type CallContext, type PluginOutput } from '@extism/extism';
import { createStore, set, setMany } from 'idb-keyval';
import { defaultSettings } from '../src/lib/host/settings';
import { instantiateTime } from '../src/lib/trace/build';
import { PluginSession } from '../src/state/plugin-session.svelte';
import type { CallTrace, TraceEvent } from '../src/lib/trace/types';
import { RECORD_VERSION, Storage } from '../src/state/storage';
import { compile } from '../src/state/source.svelte';
import type { SourceProject } from '../src/lib/source/project';
import type { ComlinkFloorApi } from './comlink-worker';
import type { FloorReply, FloorRequest } from './floor-worker';
import type { CompilerApi } from '../workers/compiler-protocol';
import { when } from './watch.svelte';

/** Ways to make one echo call, as compared in the round-trip figures. */
type Mode = 'a' | 'b' | 'c' | 'd' | 'e';
const MODES: readonly Mode[] = ['a', 'b', 'c', 'd', 'e'];

/** One input size of the round-trip test. */
export interface SizeSpec {
	label: string;
	bytes: number;
	iterations: number;
	warmup: number;
}

/** One plugin of the cold-start test. */
export interface ColdSpec {
	label: string;
	plugin: string;
	iterations: number;
}

const stamp = Date.now();
let sessions = 0;

/** A storage of its own for each test, so no test reads another's history. */
function freshStorage(test: string): Storage {
	return new Storage(`bench-${stamp}-${test}`);
}

async function fetchPlugin(name: string): Promise<Uint8Array> {
	const response = await fetch(new URL(`../plugins/${name}.wasm`, location.href));
	if (!response.ok) throw new Error(`plugins/${name}.wasm: HTTP ${response.status}`);
	return new Uint8Array(await response.arrayBuffer());
}

/** Starts a playground session for `bytes`, as the workspace does for a file, and checks it loaded. */
async function openSession(
	storage: Storage,
	name: string,
	bytes: Uint8Array,
	exportName: string
): Promise<PluginSession> {
	const session = new PluginSession(
		{
			id: `bench-${++sessions}`,
			name,
			source: { kind: 'file', name: `${name}.wasm` },
			sha256: null,
			settings: defaultSettings(`bench:${name}`),
			exportName,
			input: '',
			inputMode: 'text'
		},
		storage
	);
	const loaded = await session.load(bytes, 'bench');
	if (!loaded.ok) throw new Error(`${name}: ${loaded.error.message}`);
	session.exportName = exportName;
	return session;
}

/** Runs the session's export and fails loudly on anything but success. */
async function runOk(session: PluginSession, input: Uint8Array) {
	const outcome = await session.run(input);
	if (!outcome) throw new Error(`${session.name}: the call was dropped`);
	if (outcome.error) throw new Error(`${session.name}: ${outcome.error.message}`);
	return outcome;
}

/** The minimal worker of baseline (d), driven one request at a time. */
class FloorWorker {
	readonly #worker = new Worker(new URL('./floor-worker.ts', import.meta.url), {
		type: 'module',
		name: 'bench-floor'
	});
	#pending: ((reply: FloorReply) => void) | null = null;
	#id = 0;
	/** Time the last call spent inside the worker's `plugin.call`, ms. */
	lastCallMs = NaN;

	constructor() {
		this.#worker.onmessage = (event: MessageEvent<FloorReply>) => this.#pending?.(event.data);
	}

	#request(message: FloorRequest, transfer: Transferable[]): Promise<FloorReply> {
		return new Promise((resolve) => {
			this.#pending = resolve;
			this.#worker.postMessage(message, transfer);
		});
	}

	/** Resolves once the worker has started and evaluated its script (Extism included). */
	async ready(): Promise<void> {
		await this.#request({ type: 'ping' }, []);
	}

	async load(source: { bytes: Uint8Array } | { module: WebAssembly.Module }): Promise<void> {
		const transfer = 'bytes' in source ? [source.bytes.buffer] : [];
		const reply = await this.#request({ type: 'load', source }, transfer);
		if (reply.type === 'error') throw new Error(`floor worker: ${reply.message}`);
	}

	async call(exportName: string, input: Uint8Array): Promise<Uint8Array> {
		const reply = await this.#request({ type: 'call', id: ++this.#id, export: exportName, input }, [
			input.buffer
		]);
		if (reply.type !== 'result') {
			throw new Error(`floor worker: ${reply.type === 'error' ? reply.message : reply.type}`);
		}
		this.lastCallMs = reply.ms;
		return reply.output;
	}

	terminate() {
		this.#worker.terminate();
	}
}

/** Bytes with a recognisable pattern, so a wrong echo cannot pass for a right one. */
function pattern(size: number): Uint8Array {
	const bytes = new Uint8Array(size);
	for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
	return bytes;
}

function sameBytes(got: Uint8Array, want: Uint8Array): boolean {
	if (got.byteLength !== want.byteLength) return false;
	const step = Math.max(1, Math.floor(want.byteLength / 4096));
	for (let i = 0; i < want.byteLength; i += step) if (got[i] !== want[i]) return false;
	return got[want.byteLength - 1] === want[want.byteLength - 1];
}

function view(output: PluginOutput | null): Uint8Array {
	return output ? output.bytes() : new Uint8Array(0);
}

/** `items` starting at position `i` (mod length), so no mode always runs right after the same other. */
function rotate<T>(items: readonly T[], i: number): T[] {
	const k = ((i % items.length) + items.length) % items.length;
	return [...items.slice(k), ...items.slice(0, k)];
}

/**
 * Appends a custom section with a number to a module. Every cold start gets bytes never seen before, so
 * no engine-level cache of compiled modules (V8 shares them by wire bytes) can serve it.
 */
function withNonce(bytes: Uint8Array, nonce: number): Uint8Array {
	const name = new TextEncoder().encode('bench-nonce');
	const body = new Uint8Array(1 + name.length + 8);
	body[0] = name.length;
	body.set(name, 1);
	new DataView(body.buffer).setFloat64(1 + name.length, nonce);
	const out = new Uint8Array(bytes.byteLength + 2 + body.length);
	out.set(bytes);
	out[bytes.byteLength] = 0;
	out[bytes.byteLength + 1] = body.length;
	out.set(body, bytes.byteLength + 2);
	return out;
}

/** Extism kernel functions whose result is i32; every other stub returns an i64 0 (or nothing). */
const I32_RESULTS = new Set(['input_load_u8', 'load_u8', 'http_status_code', 'get_log_level']);

/** Imports that do nothing, for the bare `WebAssembly.instantiate` floor. */
function stubImports(module: WebAssembly.Module): WebAssembly.Imports {
	const imports: Record<string, Record<string, () => number | bigint>> = {};
	for (const imp of WebAssembly.Module.imports(module)) {
		imports[imp.module] ??= {};
		imports[imp.module][imp.name] = I32_RESULTS.has(imp.name) ? () => 0 : () => 0n;
	}
	return imports;
}

function ms(since: number): number {
	return performance.now() - since;
}

const sleep = (msDelay: number) => new Promise((resolve) => setTimeout(resolve, msDelay));

/** The page's environment, reported with the results. */
function environment() {
	const wasm = WebAssembly as unknown as Record<string, unknown>;
	return {
		crossOriginIsolated: globalThis.crossOriginIsolated,
		userAgent: navigator.userAgent,
		cores: navigator.hardwareConcurrency,
		jspi: typeof wasm.Suspending === 'function'
	};
}

/** 1. Per-call round trip of `echo`, every mode interleaved in each iteration. */
async function roundTrip(sizes: SizeSpec[]) {
	if (!globalThis.crossOriginIsolated) {
		throw new Error('the bench page is not cross-origin isolated: serve it with COOP/COEP headers');
	}
	const bytes = await fetchPlugin('echo');
	const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
	const session = await openSession(freshStorage('roundtrip'), 'echo', bytes.slice(), 'echo');
	const main = await createPlugin({ wasm: [{ module }] }, { runInWorker: false });
	const inWorker = await createPlugin({ wasm: [{ module }] }, { runInWorker: true });
	const floor = new FloorWorker();
	await floor.load({ module });
	const comlinkWorker = new Worker(new URL('./comlink-worker.ts', import.meta.url), {
		type: 'module',
		name: 'bench-comlink'
	});
	const viaComlink = Comlink.wrap<ComlinkFloorApi>(comlinkWorker);
	await viaComlink.load(module);
	/** When the outcome was set (seen by an effect, as the Output panel sees it). */
	let shownAt = 0;
	/** Time the call took inside the playground's worker (its end event). */
	let inWorkerMs = 0;
	const runners: Record<Mode, (input: Uint8Array) => Promise<Uint8Array>> = {
		a: async (input) => {
			const call = runOk(session, input);
			const shown = when(
				() => session.outcome,
				(outcome) => outcome !== null
			);
			const outcome = await call;
			shownAt = await shown;
			const end = session.trace?.events.at(-1);
			inWorkerMs = end?.type === 'end' ? end.duration : NaN;
			return outcome.output;
		},
		b: async (input) => view(await main.call('echo', input)),
		c: async (input) => view(await inWorker.call('echo', input)),
		d: (input) => floor.call('echo', input),
		e: (input) => viaComlink.call('echo', Comlink.transfer(input, [input.buffer]))
	};
	const results = [];
	try {
		for (const size of sizes) {
			const template = pattern(size.bytes);
			const samples: Record<Mode | 'aShown' | 'aWorker' | 'dWorker', number[]> = {
				a: [],
				aShown: [],
				aWorker: [],
				b: [],
				c: [],
				d: [],
				dWorker: [],
				e: []
			};
			for (let i = -size.warmup; i < size.iterations; i++) {
				for (const mode of rotate(MODES, i)) {
					const input = template.slice();
					const t0 = performance.now();
					const output = await runners[mode](input);
					const elapsed = ms(t0);
					if (!sameBytes(output, template)) {
						throw new Error(`mode ${mode}, ${size.label}: the echo came back different`);
					}
					// The history write runs after run() resolves; let it land before the next call is timed.
					if (mode === 'a') await session.settled();
					if (i < 0) continue;
					samples[mode].push(elapsed);
					if (mode === 'a') samples.aShown.push(shownAt - t0);
					if (mode === 'a') samples.aWorker.push(inWorkerMs);
					if (mode === 'd') samples.dWorker.push(floor.lastCallMs);
				}
			}
			results.push({ label: size.label, bytes: size.bytes, samples });
		}
	} finally {
		session.dispose();
		floor.terminate();
		viaComlink[Comlink.releaseProxy]();
		comlinkWorker.terminate();
		await main.close();
		await inWorker.close();
	}
	return results;
}

/** Milliseconds `work` takes. */
async function timed(work: () => Promise<unknown>): Promise<number> {
	const t0 = performance.now();
	await work();
	return ms(t0);
}

/** Ways to go from module bytes to the first call's result, as compared in the cold-start figures. */
type Way =
	'playground' | 'main' | 'workerFloor' | 'warmWorkerFloor' | 'compileFloor' | 'bootCompileFloor';
const WAYS: readonly Way[] = [
	'playground',
	'main',
	'workerFloor',
	'warmWorkerFloor',
	'compileFloor',
	'bootCompileFloor'
];

/** 2. Bytes in hand to the first call's result, for each plugin, every way interleaved. */
async function coldStart(specs: ColdSpec[]) {
	const storage = freshStorage('cold');
	const input = pattern(16);
	const check = (output: Uint8Array, who: string) => {
		if (!sameBytes(output, input)) throw new Error(`${who}: wrong echo`);
	};
	/** The playground's own split of its load, from the worker: compile and instantiate, ms. */
	const phases = {
		load: [] as number[],
		run: [] as number[],
		compile: [] as number[],
		instantiate: [] as number[]
	};
	// Each way times itself, so work that a design could do before the bytes arrive stays outside.
	const ways: Record<Way, (bytes: Uint8Array) => Promise<number>> = {
		playground: async (bytes) => {
			const t0 = performance.now();
			const session = await openSession(storage, 'cold', bytes, 'echo');
			const loaded = ms(t0);
			check((await runOk(session, input.slice())).output, 'playground');
			const elapsed = ms(t0);
			await session.settled();
			phases.load.push(loaded);
			phases.run.push(elapsed - loaded);
			phases.compile.push(session.timings?.compileMs ?? NaN);
			// 0 when the instance was made between load() and run(), outside the call.
			phases.instantiate.push(session.trace ? (instantiateTime(session.trace) ?? 0) : NaN);
			session.dispose();
			return elapsed;
		},
		main: async (bytes) => {
			const t0 = performance.now();
			const plugin = await createPlugin({ wasm: [{ data: bytes }] }, { runInWorker: false });
			check(view(await plugin.call('echo', input)), 'main thread');
			const elapsed = ms(t0);
			await plugin.close();
			return elapsed;
		},
		workerFloor: async (bytes) => {
			const t0 = performance.now();
			const floor = new FloorWorker();
			await floor.load({ bytes });
			check(await floor.call('echo', input.slice()), 'minimal worker');
			const elapsed = ms(t0);
			floor.terminate();
			return elapsed;
		},
		warmWorkerFloor: async (bytes) => {
			// A worker started (and its Extism evaluated) before the bytes are in hand: a spare.
			const floor = new FloorWorker();
			await floor.ready();
			const elapsed = await timed(async () => {
				await floor.load({ bytes });
				check(await floor.call('echo', input.slice()), 'spare worker');
			});
			floor.terminate();
			return elapsed;
		},
		bootCompileFloor: async (bytes) => {
			// The cold-start budget's baseline: a minimal worker's start (its script, Extism included,
			// evaluated and answering) plus `WebAssembly.compile` of the same bytes.
			let floor: FloorWorker | null = null;
			const elapsed = await timed(async () => {
				floor = new FloorWorker();
				await floor.ready();
				await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
			});
			(floor as FloorWorker | null)?.terminate();
			return elapsed;
		},
		compileFloor: (bytes) =>
			timed(async () => {
				const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
				const instance = await WebAssembly.instantiate(module, stubImports(module));
				const echo = instance.exports.echo as () => number;
				if (echo() !== 0) throw new Error('compile floor: echo failed');
			})
	};
	const results = [];
	let nonce = 0;
	for (const spec of specs) {
		const base = await fetchPlugin(spec.plugin);
		const samples = Object.fromEntries(WAYS.map((w) => [w, [] as number[]])) as Record<
			Way,
			number[]
		>;
		for (const list of Object.values(phases)) list.length = 0;
		for (let i = -1; i < spec.iterations; i++) {
			for (const way of rotate(WAYS, i)) {
				const elapsed = await ways[way](withNonce(base, ++nonce + stamp));
				if (i >= 0) samples[way].push(elapsed);
			}
		}
		results.push({
			label: spec.label,
			plugin: spec.plugin,
			size: base.byteLength,
			samples: {
				...samples,
				playgroundLoad: phases.load.slice(1),
				playgroundRun: phases.run.slice(1),
				playgroundCompile: phases.compile.slice(1),
				playgroundInstantiate: phases.instantiate.slice(1)
			}
		});
	}
	return results;
}

/**
 * Re-instantiation from the cached Module: `configure()` (same worker), and the restart after `stop()` (a
 * fresh worker loaded with `{ module }`), timed from `stop()` until the session is ready again. Beside the
 * restart, its floors: a minimal worker terminated mid-spin and replaced by a new one, or by a spare one
 * started beforehand.
 */
async function reinstantiate(iterations: number) {
	const storage = freshStorage('restart');
	const echo = await openSession(storage, 'echo', await fetchPlugin('echo'), 'echo');
	const configure: number[] = [];
	for (let i = -3; i < iterations; i++) {
		const t0 = performance.now();
		await echo.configure(echo.settings);
		if (echo.status !== 'ready') throw new Error(`configure: ${echo.loadError?.message}`);
		if (i >= 0) configure.push(ms(t0));
	}
	echo.dispose();

	const traceBytes = await fetchPlugin('trace');
	const module = await WebAssembly.compile(traceBytes as Uint8Array<ArrayBuffer>);
	const spinner = await openSession(storage, 'trace', traceBytes, 'spin');
	const restart: number[] = [];
	const floorNew: number[] = [];
	const floorSpare: number[] = [];
	/** A minimal worker stuck in `spin`, as the playground's is when Stop is pressed. */
	const spinning = async () => {
		const floor = new FloorWorker();
		await floor.load({ module });
		void floor.call('spin', new Uint8Array(0));
		await sleep(20);
		return floor;
	};
	for (let i = -1; i < iterations; i++) {
		const call = spinner.run(new Uint8Array(0));
		// The call is posted at once; give the worker time to be well inside the loop.
		await sleep(30);
		const ready = when(
			() => spinner.status,
			(status) => status === 'ready'
		);
		const t0 = performance.now();
		spinner.stop();
		const t1 = await ready;
		const outcome = await call;
		if (outcome?.error?.kind !== 'stopped') throw new Error('restart: the call was not stopped');

		const stuck = await spinning();
		const t2 = performance.now();
		stuck.terminate();
		const fresh = new FloorWorker();
		await fresh.load({ module });
		const newMs = ms(t2);
		fresh.terminate();

		const spare = new FloorWorker();
		await spare.ready();
		const stuckAgain = await spinning();
		const t3 = performance.now();
		stuckAgain.terminate();
		await spare.load({ module });
		const spareMs = ms(t3);
		spare.terminate();

		if (i < 0) continue;
		restart.push(t1 - t0);
		floorNew.push(newMs);
		floorSpare.push(spareMs);
	}
	spinner.dispose();
	return { configure, restart, floorNew, floorSpare };
}

/** 3. KV: 10,000 writes in one call until durable, and kv_read throughput, each beside its floor. */
async function kv(options: { writes: number; reads: number; iterations: number }) {
	const storage = freshStorage('kv');
	const bytes = await fetchPlugin('kv');
	const session = await openSession(storage, 'kv', bytes.slice(), 'write_many');
	// Timeouts are not under test here, and a busy shared machine can stretch this call past 10 s.
	await session.configure({ ...session.settings, timeoutMs: 300_000 });
	const namespace = session.settings.namespace;
	const encode = (n: number) => new TextEncoder().encode(String(n));

	const durableAfterShown: number[] = [];
	const durableAfterRun: number[] = [];
	const callMs: number[] = [];
	const floorDurable: number[] = [];
	const floorOneRecord: number[] = [];
	const floorStore = createStore(`bench-${stamp}-kv-floor`, 'kv');
	const value = new TextEncoder().encode('0123456789abcdef');
	// No warm-up round: one such call takes far longer than anything a warm-up would settle.
	for (let i = 0; i < options.iterations; i++) {
		await session.kvClear();
		session.exportName = 'write_many';
		const call = session.run(encode(options.writes));
		const shown = when(
			() => session.outcome,
			(outcome) => outcome !== null
		);
		const outcome = await call;
		const ran = performance.now();
		if (!outcome || outcome.error) throw new Error(`write_many: ${outcome?.error?.message}`);
		await session.settled();
		const durable = performance.now();
		const listed = await storage.kvList(namespace);
		const stored = listed.ok ? listed.entries.size : -1;
		if (stored !== options.writes) {
			throw new Error(`write_many: ${stored} entries in IndexedDB, expected ${options.writes}`);
		}
		// The floor: the same records written straight to IndexedDB in one transaction.
		const now = Date.now();
		const records: [IDBValidKey, unknown][] = [];
		for (let k = 0; k < options.writes; k++) {
			records.push([
				[namespace, `key-${k}`],
				{ v: RECORD_VERSION, value: value.slice(), updatedAt: now }
			]);
		}
		const t0 = performance.now();
		await setMany(records, floorStore);
		const floor = ms(t0);
		// The floor of a batched design: the whole batch as one record, one put.
		const batch = new Map(records.map(([key, record]) => [(key as string[])[1], record]));
		const t1 = performance.now();
		await set(`${namespace}#batch`, { v: RECORD_VERSION, batch }, floorStore);
		const oneRecord = ms(t1);
		durableAfterShown.push(durable - (await shown));
		durableAfterRun.push(durable - ran);
		callMs.push(outcome.timings?.roundTrip ?? Number.NaN);
		floorDurable.push(floor);
		floorOneRecord.push(oneRecord);
	}

	// kv_read from inside the plugin: the playground's host (traced) beside a bare Map-backed host.
	const store = new Map<string, Uint8Array>([['key-1', value]]);
	const bare = await createPlugin(
		{ wasm: [{ data: bytes }] },
		{
			runInWorker: false,
			functions: {
				'extism:host/user': {
					kv_read: (ctx: CallContext, key: bigint) =>
						ctx.store(store.get(ctx.read(key)?.text() ?? '') ?? new Uint8Array(0)),
					kv_write: (ctx: CallContext, key: bigint, val: bigint) => {
						store.set(ctx.read(key)?.text() ?? '', ctx.read(val)?.bytes().slice() ?? value);
					},
					log: () => {}
				}
			}
		}
	);
	const readOps: number[] = [];
	const readOpsShown: number[] = [];
	const bareOps: number[] = [];
	session.exportName = 'read_many';
	for (let i = -1; i < options.iterations; i++) {
		const outcome = await runOk(session, encode(options.reads));
		const end = session.trace?.events.at(-1);
		if (end?.type !== 'end') throw new Error('read_many: no end event');
		const t0 = performance.now();
		const out = await bare.call('read_many', encode(options.reads));
		const bareMs = ms(t0);
		if (out?.text() !== String(options.reads * value.length)) {
			throw new Error('read_many: the bare host read something else');
		}
		if (i < 0) continue;
		readOps.push((options.reads / end.duration) * 1000);
		readOpsShown.push((options.reads / (outcome.timings?.roundTrip ?? Number.NaN)) * 1000);
		bareOps.push((options.reads / bareMs) * 1000);
	}
	await bare.close();
	session.dispose();
	return {
		writes: options.writes,
		reads: options.reads,
		durableAfterShown,
		durableAfterRun,
		callMs,
		floorDurable,
		floorOneRecord,
		readOps,
		readOpsShown,
		bareOps
	};
}

/** A finished call of `pluginId` holding `events` events: half `kv_read` host calls, half log lines. */
function bigTrace(pluginId: string, id: number, startedAt: number, events: number): CallTrace {
	const key = new TextEncoder().encode('key-1');
	const body: TraceEvent[] = Array.from({ length: events - 2 }, (_, i) =>
		i % 2
			? { type: 'log', t: i / 100, level: 'info', source: 'host', text: `line ${i} of the call` }
			: {
					type: 'host',
					t: i / 100,
					ns: 'extism:host/user',
					name: 'kv_read',
					args: { key: { size: key.length, head: key } },
					result: { size: 16, head: key },
					dur: 0.01
				}
	);
	return {
		id,
		pluginId,
		pluginName: 'history',
		export: 'emit',
		startedAt,
		dropped: 0,
		events: [
			{ type: 'start', t: 0, export: 'emit', input: { size: 0, head: new Uint8Array(0) } },
			...body,
			{
				type: 'end',
				t: events / 100,
				status: 'ok',
				duration: events / 100,
				inputSize: 0,
				outputSize: 0,
				memoryPages: 1
			}
		]
	};
}

/**
 * 3b. History: the list of a plugin's 100 stored calls, each with a 50,000-event trace, and one trace opened.
 * `list` reads the list from an open database, as a plugin's load does; `listOpen` opens the database
 * first, as the first plugin after a reload does. The floor shows what reading every trace would cost.
 */
async function history(options: { entries: number; events: number; iterations: number }) {
	const prefix = `bench-${stamp}-history`;
	const writer = new Storage(prefix);
	const pluginId = 'bench-history';
	for (let i = 0; i < options.entries; i++) {
		const added = await writer.historyAdd(bigTrace(pluginId, i, 1_000 + i, options.events));
		if (!added.ok) throw new Error(`historyAdd: ${added.error.message}`);
	}
	const list: number[] = [];
	const listOpen: number[] = [];
	const traceOpen: number[] = [];
	const check = (listed: Awaited<ReturnType<Storage['historyList']>>) => {
		const n = listed.ok ? listed.summaries.length : -1;
		if (n !== options.entries)
			throw new Error(`historyList: ${n} entries, expected ${options.entries}`);
		return listed.ok ? listed.summaries : [];
	};
	for (let i = -1; i < options.iterations; i++) {
		const t0 = performance.now();
		const summaries = check(await writer.historyList(pluginId));
		const listMs = ms(t0);
		const t1 = performance.now();
		check(await new Storage(prefix).historyList(pluginId));
		const listOpenMs = ms(t1);
		const t2 = performance.now();
		const read = await writer.historyTraces([summaries[i < 0 ? 0 : i % summaries.length]]);
		const traceMs = ms(t2);
		const events = read.ok ? read.traces[0]?.events.length : -1;
		if (events !== options.events) throw new Error(`historyTraces: ${events} events`);
		if (i < 0) continue;
		list.push(listMs);
		listOpen.push(listOpenMs);
		traceOpen.push(traceMs);
	}
	// The floor: every trace read, as a list that does not keep summaries apart would. Once: it is slow.
	const listed = await writer.historyList(pluginId);
	const t3 = performance.now();
	const all = await writer.historyTraces(listed.ok ? listed.summaries : []);
	const floorAll = [ms(t3)];
	if (!all.ok || all.traces.some((t) => !t)) throw new Error('historyTraces: a trace is missing');
	return { entries: options.entries, events: options.events, list, listOpen, traceOpen, floorAll };
}

/** The share-link codec, once src/lib/share/codec.ts exists; the glob is empty until then. */
const codecs = import.meta.glob('../src/lib/share/codec.ts');

interface Codec {
	encodeLink(state: unknown): Promise<unknown>;
	decodeLink(fragment: string): Promise<unknown>;
}

/** The fragment string in whatever `encodeLink` returns (a string, or a result object holding one). */
function fragmentOf(encoded: unknown): string {
	if (typeof encoded === 'string') return encoded;
	if (encoded && typeof encoded === 'object') {
		const record = encoded as Record<string, unknown>;
		if (record.ok === false) throw new Error(`encodeLink failed: ${JSON.stringify(record.error)}`);
		for (const key of ['fragment', 'link', 'hash', 'url', 'value']) {
			if (typeof record[key] === 'string') return record[key];
		}
	}
	throw new Error(`encodeLink returned no string: ${JSON.stringify(encoded)?.slice(0, 200)}`);
}

/**
 * A shared workspace (the codec's `ShareState`, format 1) whose JSON is about `size` bytes: one example
 * plugin with a large JSON input, as users paste. `probe` is its name, to find it again after decoding.
 */
function bigState(size: number) {
	const probe = `bench-probe-${stamp}`;
	const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india'];
	let x = 12345;
	const next = () => (x = (x * 1103515245 + 12345) & 0x7fffffff);
	const word = () => words[next() % words.length];
	const plugin = {
		name: probe,
		source: { kind: 'example', name: 'count-vowels' },
		exportName: 'count_vowels',
		input: '',
		inputMode: 'json',
		settings: defaultSettings('example:count-vowels')
	};
	const state = { v: 1, plugins: [plugin], activeIndex: 0, layout: { left: 24, right: 26 } };
	const rows = [];
	while (JSON.stringify(state).length < size) {
		for (let i = 0; i < 20; i++) {
			rows.push({
				id: next() % 100000,
				name: `${word()} ${word()}`,
				score: (next() % 10000) / 100,
				tags: [word(), word()],
				active: next() % 2 === 0
			});
		}
		plugin.input = JSON.stringify(rows, null, 2);
	}
	return { state, probe };
}

async function deflateBase64(text: string): Promise<string> {
	const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
	const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
	let binary = '';
	for (let i = 0; i < bytes.length; i += 0x8000) {
		binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	}
	return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function inflateBase64(fragment: string): Promise<string> {
	const binary = atob(fragment.replace(/-/g, '+').replace(/_/g, '/'));
	const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
	const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
	return new Response(stream).text();
}

/** 6. Share links: encode and decode a 64 KB workspace, beside plain deflate + base64url. */
async function share(options: { bytes: number; iterations: number }) {
	const load = Object.values(codecs)[0];
	if (!load) return null;
	const codec = (await load()) as Partial<Codec>;
	if (typeof codec.encodeLink !== 'function' || typeof codec.decodeLink !== 'function') {
		throw new Error('src/lib/share/codec.ts does not export encodeLink and decodeLink');
	}
	const { encodeLink, decodeLink } = codec as Codec;
	const { state, probe } = bigState(options.bytes);
	const json = JSON.stringify(state);
	const samples = { encode: [] as number[], decode: [] as number[] };
	const floor = { encode: [] as number[], decode: [] as number[] };
	let fragment = '';
	let floorFragment = '';
	for (let i = -2; i < options.iterations; i++) {
		let t0 = performance.now();
		fragment = fragmentOf(await encodeLink(structuredClone(state)));
		const encodeMs = ms(t0);
		t0 = performance.now();
		const decoded = await decodeLink(fragment);
		const decodeMs = ms(t0);
		const failed = decoded as { ok?: boolean; error?: { message?: string } } | null;
		if (failed?.ok === false) throw new Error(`decodeLink failed: ${failed.error?.message}`);
		const back = JSON.stringify(decoded) ?? '';
		if (!back.includes(probe) || back.length < json.length * 0.9) {
			throw new Error('decodeLink did not give back the encoded workspace');
		}
		t0 = performance.now();
		floorFragment = await deflateBase64(JSON.stringify(state));
		const floorEncode = ms(t0);
		t0 = performance.now();
		if ((await inflateBase64(floorFragment)) !== json) throw new Error('deflate floor: mismatch');
		const floorDecode = ms(t0);
		if (i < 0) continue;
		samples.encode.push(encodeMs);
		samples.decode.push(decodeMs);
		floor.encode.push(floorEncode);
		floor.decode.push(floorDecode);
	}
	return {
		stateBytes: new TextEncoder().encode(json).length,
		fragmentChars: fragment.length,
		floorFragmentChars: floorFragment.length,
		samples,
		floor
	};
}

/** The sources the build figures compile: a WAT example and the count-vowels AssemblyScript example. */
const SOURCES = import.meta.glob<string>(
	['../examples/wasi-upper/wasi-upper.wat', '../examples/count-vowels/index.ts'],
	{ query: '?raw', import: 'default', eager: true }
);

function sourceProject(language: SourceProject['language'], folder: string, name: string) {
	const text = SOURCES[`../examples/${folder}/${name}`];
	if (text === undefined) throw new Error(`no source ${folder}/${name}`);
	return { language, folder, files: [{ name, text }] };
}

/**
 * 7. Builds in the page's compiler worker: a WAT example (wabt warm), count-vowels the first time (the
 * compiler loaded, from the HTTP cache when the site was loaded before) and warm, the first build after the
 * compiler was prepared (as when the Source pane opens), and the longest task the main thread ran meanwhile
 * (the compilers run in workers).
 */
async function build(options: { iterations: number }) {
	const tasks: number[] = [];
	const observer = new PerformanceObserver((list) => {
		for (const entry of list.getEntries()) tasks.push(entry.duration);
	});
	observer.observe({ type: 'longtask' });
	const wat = sourceProject('wat', 'wasi-upper', 'wasi-upper.wat');
	const as = sourceProject('assemblyscript', 'count-vowels', 'index.ts');
	const ok = async (project: SourceProject) => {
		const t0 = performance.now();
		const result = await compile(project);
		if (!result.ok) throw new Error(result.error.message);
		return {
			wall: performance.now() - t0,
			ms: result.ms,
			loadMs: result.loadMs,
			size: result.bytes.byteLength
		};
	};
	const watFirst = await ok(wat);
	const watSamples: number[] = [];
	for (let i = 0; i < options.iterations; i++) watSamples.push((await ok(wat)).wall);
	const asCold = await ok(as);
	const asSamples: number[] = [];
	for (let i = 0; i < options.iterations; i++) asSamples.push((await ok(as)).wall);
	// As a person sees it: the Source pane opened (the compiler prepared in a new worker), then a build.
	const worker = new Worker(new URL('../workers/compiler.ts', import.meta.url), {
		type: 'module',
		name: 'bench-compiler'
	});
	const prepared = Comlink.wrap<CompilerApi>(worker);
	let asPrepared: number;
	try {
		await prepared.prepare('assemblyscript');
		const t0 = performance.now();
		const result = await prepared.build(as);
		if (!result.ok) throw new Error(result.error.message);
		asPrepared = performance.now() - t0;
	} finally {
		worker.terminate();
	}
	await sleep(100);
	observer.disconnect();
	const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
	return {
		watFirst,
		wat: { samples: watSamples, median: median(watSamples) },
		asCold,
		asWarm: { samples: asSamples, median: median(asSamples) },
		asPrepared,
		longestTask: Math.max(0, ...tasks)
	};
}

/** What bench/run.mjs calls. */
const bench = { environment, roundTrip, coldStart, reinstantiate, kv, history, share, build };

declare global {
	interface Window {
		bench: typeof bench;
	}
}

window.bench = bench;
document.body.dataset.ready = 'true';
