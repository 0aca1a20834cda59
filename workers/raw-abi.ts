/**
 * Runs raw-ABI plugins (Bifrost's) without the Extism SDK. A call does what Bifrost's host does: for each
 * input, `ptr = malloc(len)` and copy the bytes in; call the export with `(ptr, len)` pairs; unpack the u64
 * answer, bounds-check it and copy the bytes out; free the inputs and the answer. Every step is a host event
 * in the `abi:memory` namespace, so the Trace shows the memory protocol as it happens.
 *
 * Modules built for wasip1 (TinyGo, Rust) import a few WASI functions even when they never do I/O; a small
 * stub set answers them: stdout/stderr go to the trace, proc_exit ends the call, random_get and
 * clock_time_get work, arguments and environment are empty, and everything else returns ENOSYS.
 */
import { isNullPointer } from '../src/lib/abi/raw/memory';
import { describePacked, hex, hexDec, packedString, unpack } from '../src/lib/abi/raw/packing';
import { findAllocator, type Allocator } from '../src/lib/abi/bifrost/revisions';
import type { RawResult } from '../src/lib/abi/profile';
import { utf8Decode } from '../src/lib/bytes/encoding';
import { fail, type PlaygroundError } from '../src/lib/errors';
import { classifyCallError, thrownLike } from '../src/lib/host/classify';
import { payload } from '../src/lib/trace/build';
import type { StartEvent, TraceEvent } from '../src/lib/trace/types';
import { PAGE_SIZE, WASI_P1, type ModuleInfo } from '../src/lib/wasm/types';

/** Namespace of the memory-protocol events in the trace. */
export const ABI_NS = 'abi:memory';

/** Where a raw plugin sends its trace events. */
export interface RawSink {
	emit(event: TraceEvent): void;
	/** Milliseconds since the current call started. */
	elapsed(): number;
}

/** One raw call: the export, and the inputs to place in memory as (ptr, len) pairs, in order. */
export interface RawRequest {
	export: string;
	inputs: Uint8Array[];
	hook?: string;
}

/** What a raw call produced; `result` is null when it failed before the export answered. */
export interface RawOutcome {
	result: RawResult | null;
	error: PlaygroundError | null;
	memoryPages: number | null;
}

const ERRNO = { success: 0, badf: 8, fault: 21, inval: 28, nosys: 52 } as const;

/** Thrown by WASI proc_exit to unwind the running export. */
class ProcExit extends Error {
	constructor(readonly code: number) {
		super(`proc_exit(${code})`);
	}
}

/** A failure of the memory protocol itself (not a trap), carried out of a call step. */
class ProtocolError extends Error {
	constructor(readonly error: PlaygroundError) {
		super(error.message);
	}
}

type WasiFn = (...args: (number | bigint)[]) => number | void;

/** The wasi_snapshot_preview1 functions a module imports, answered by the stub set. */
function wasiImports(
	names: readonly string[],
	memory: () => WebAssembly.Memory,
	sink: RawSink
): Record<string, WasiFn> {
	const view = () => new DataView(memory().buffer);
	const guarded =
		(fn: (...args: number[]) => number): WasiFn =>
		(...args) => {
			try {
				return fn(...args.map(Number));
			} catch (err) {
				if (err instanceof RangeError) return ERRNO.fault;
				throw err;
			}
		};
	const zeroSizes = guarded((countPtr, sizePtr) => {
		view().setUint32(countPtr, 0, true);
		view().setUint32(sizePtr, 0, true);
		return ERRNO.success;
	});
	const known: Record<string, WasiFn> = {
		fd_write: guarded((fd, iovs, count, writtenPtr) => {
			const v = view();
			const parts: Uint8Array[] = [];
			let total = 0;
			for (let i = 0; i < count; i++) {
				const base = v.getUint32(iovs + i * 8, true);
				const len = v.getUint32(iovs + i * 8 + 4, true);
				parts.push(new Uint8Array(memory().buffer, base, len).slice());
				total += len;
			}
			v.setUint32(writtenPtr, total, true);
			if (fd !== 1 && fd !== 2) return ERRNO.badf;
			const bytes = new Uint8Array(total);
			let at = 0;
			for (const part of parts) {
				bytes.set(part, at);
				at += part.length;
			}
			sink.emit({
				type: 'log',
				t: sink.elapsed(),
				level: fd === 1 ? 'info' : 'warn',
				source: fd === 1 ? 'stdout' : 'stderr',
				text: utf8Decode(bytes).replace(/\n$/, '')
			});
			return ERRNO.success;
		}),
		proc_exit: (code) => {
			throw new ProcExit(Number(code));
		},
		random_get: guarded((ptr, len) => {
			// getRandomValues fills at most 64 KiB per call.
			for (let at = 0; at < len; at += 65536) {
				crypto.getRandomValues(
					new Uint8Array(memory().buffer, ptr + at, Math.min(65536, len - at))
				);
			}
			return ERRNO.success;
		}),
		// The precision argument is an i64 (a BigInt); guarded() turns every argument into a number.
		clock_time_get: guarded((id, _precision, out) => {
			const ns =
				id === 1 ? BigInt(Math.round(performance.now() * 1e6)) : BigInt(Date.now()) * 1_000_000n;
			view().setBigUint64(out, ns, true);
			return ERRNO.success;
		}),
		clock_res_get: guarded((_id, out) => {
			view().setBigUint64(out, 1000n, true);
			return ERRNO.success;
		}),
		args_sizes_get: zeroSizes,
		args_get: () => ERRNO.success,
		environ_sizes_get: zeroSizes,
		environ_get: () => ERRNO.success,
		// wasi-libc lists preopened directories until it gets EBADF; anything else would abort start-up.
		fd_prestat_get: () => ERRNO.badf,
		fd_prestat_dir_name: () => ERRNO.badf,
		sched_yield: () => ERRNO.success
	};
	const functions: Record<string, WasiFn> = {};
	for (const name of names) {
		functions[name] =
			known[name] ??
			(() => {
				sink.emit({
					type: 'host',
					t: sink.elapsed(),
					ns: WASI_P1,
					name,
					args: {},
					result: 'ENOSYS (52): the playground does not provide this WASI function',
					dur: 0
				});
				return ERRNO.nosys;
			});
	}
	return functions;
}

/** Why the module cannot be linked without the Extism SDK, or null when every import is answered. */
function linkError(info: ModuleInfo, wasi: boolean): PlaygroundError | null {
	const missing = info.imports.filter(
		(i) => i.kind !== 'function' || i.module !== WASI_P1 || !wasi
	);
	if (missing.length === 0) return null;
	const names = missing.map((i) => `"${i.module}" "${i.name}"`);
	const needsWasi = !wasi && missing.some((i) => i.module === WASI_P1);
	return fail(
		'link',
		missing.length === 1
			? `Import ${names[0]} is not provided.`
			: `${missing.length} imports are not provided: ${names.join(', ')}.`,
		needsWasi
			? 'The module imports WASI: turn WASI on in Host settings.'
			: 'Bifrost gives WASM plugins no host functions, only what the WASI target brings, and neither does the playground: rebuild the plugin without these imports.'
	).error;
}

/** An instantiated raw-ABI plugin. */
export class RawPlugin {
	/** False after proc_exit: the module ended itself and must be instantiated again. */
	alive = true;

	private constructor(
		private readonly instance: WebAssembly.Instance,
		private readonly memory: WebAssembly.Memory,
		private readonly info: ModuleInfo,
		private readonly allocator: Allocator,
		private readonly sink: RawSink,
		private readonly maxPages: number | null
	) {}

	/** Links the module against the WASI stubs (when `wasi`), runs its initialiser, and checks its exports. */
	static async instantiate(
		module: WebAssembly.Module,
		info: ModuleInfo,
		options: { wasi: boolean; sink: RawSink; maxPages: number | null }
	): Promise<{ ok: true; plugin: RawPlugin } | { ok: false; error: PlaygroundError }> {
		const allocator = findAllocator(info);
		if (!allocator) {
			return fail(
				'load',
				'The module exports no allocator (plugin_malloc or malloc), so it cannot be called as a raw-ABI plugin.',
				'Export malloc(size) -> ptr from the plugin, or load an Extism plugin.'
			);
		}
		const missing = linkError(info, options.wasi);
		if (missing) return { ok: false, error: missing };
		let memory: WebAssembly.Memory | null = null;
		const wasiNames = info.imports.filter((i) => i.module === WASI_P1).map((i) => i.name);
		const imports: WebAssembly.Imports =
			wasiNames.length > 0
				? {
						[WASI_P1]: wasiImports(
							wasiNames,
							() => memory ?? new WebAssembly.Memory({ initial: 0 }),
							options.sink
						)
					}
				: {};
		let instance: WebAssembly.Instance;
		try {
			instance = await WebAssembly.instantiate(module, imports);
		} catch (err) {
			const { name, message } = thrownLike(err);
			if (name === 'RuntimeError') {
				return fail(
					'trap',
					`The module trapped while starting (its start function): ${message}.`,
					'The plugin fails before any export is called; check its initialisation code.'
				);
			}
			return fail(
				name === 'LinkError' ? 'link' : 'load',
				`The module could not be instantiated: ${message}`,
				'Check its imports and rebuild it.'
			);
		}
		const exported = instance.exports.memory;
		if (!(exported instanceof WebAssembly.Memory)) {
			return fail(
				'load',
				'The module exports no memory named "memory"; the host writes inputs and reads answers through it.',
				'Export the linear memory as "memory" (most toolchains do by default).'
			);
		}
		memory = exported;
		const started = RawPlugin.start(instance);
		if (started) return { ok: false, error: started };
		return {
			ok: true,
			plugin: new RawPlugin(instance, memory, info, allocator, options.sink, options.maxPages)
		};
	}

	/** Runs a WASI reactor's `_initialize`, or a command's `_start` (TinyGo), as wazero does on load. */
	private static start(instance: WebAssembly.Instance): PlaygroundError | null {
		const init = instance.exports._initialize ?? instance.exports._start;
		if (typeof init !== 'function') return null;
		try {
			init();
		} catch (err) {
			if (err instanceof ProcExit && err.code === 0) return null;
			const detail = err instanceof ProcExit ? err.message : thrownLike(err).message;
			return fail(
				'trap',
				`The module failed while starting (its _initialize or _start): ${detail}.`,
				'The plugin fails before any export is called; check its initialisation code.'
			).error;
		}
		return null;
	}

	/** Linear memory, in pages. */
	memoryPages(): number {
		return this.memory.buffer.byteLength / PAGE_SIZE;
	}

	/** The trace's first event for a raw call; the host emits it before instantiating, if it must. */
	static startEvent(request: RawRequest): StartEvent {
		return {
			type: 'start',
			t: 0,
			export: request.export,
			// Several inputs are shown one per line; each also has its own `write` event.
			input: payload(joinLines(request.inputs)),
			...(request.hook ? { hook: request.hook } : {})
		};
	}

	/** Runs one call (after `startEvent`), tracing the memory protocol; never throws for the plugin's failures. */
	call(request: RawRequest): RawOutcome {
		const t0 = this.sink.elapsed();
		const inputSize = request.inputs.reduce((n, b) => n + b.length, 0);
		const outcome = this.run(request);
		const bytes = outcome.result?.bytes ?? new Uint8Array(0);
		const duration = this.sink.elapsed() - t0;
		this.sink.emit({
			type: 'end',
			t: this.sink.elapsed(),
			status: outcome.error ? 'error' : 'ok',
			output: payload(bytes),
			...(outcome.error ? { error: outcome.error } : {}),
			...(outcome.result?.code !== undefined ? { code: outcome.result.code } : {}),
			duration,
			inputSize,
			outputSize: bytes.length,
			memoryPages: outcome.memoryPages
		});
		return outcome;
	}

	private run(request: RawRequest): RawOutcome {
		const done = (result: RawResult | null, error: PlaygroundError | null): RawOutcome => ({
			result,
			error,
			memoryPages: this.memoryPages()
		});
		const fn = this.instance.exports[request.export];
		const sig = this.info.exports.find((e) => e.name === request.export)?.signature;
		if (typeof fn !== 'function' || !sig) {
			return done(
				null,
				fail(
					'call',
					`The module has no exported function "${request.export}".`,
					'Pick one of the functions listed under Exports.'
				).error
			);
		}
		const arity = request.inputs.length * 2;
		if (sig.params.length !== arity || sig.params.some((t) => t !== 'i32')) {
			return done(
				null,
				fail(
					'call',
					`Export "${request.export}" takes (${sig.params.join(', ')}), but ${request.inputs.length} input${request.inputs.length === 1 ? '' : 's'} make${request.inputs.length === 1 ? 's' : ''} ${arity} i32 parameters: each input is passed as a (ptr, len) pair.`,
					'Give one input per (ptr, len) pair the export takes; a revision 1 pre_hook takes two (ctx, req), a revision 3 hook one JSON object.'
				).error
			);
		}
		const returns = sig.results[0] ?? null;
		if (sig.results.length > 1 || (returns !== null && returns !== 'i32' && returns !== 'i64')) {
			return done(
				null,
				fail(
					'call',
					`Export "${request.export}" returns (${sig.results.join(', ')}); a raw-ABI export returns a packed i64, an i32 code, or nothing.`,
					'Rebuild the export with one of those results.'
				).error
			);
		}
		const placed: { ptr: number; len: number }[] = [];
		let value: unknown;
		try {
			request.inputs.forEach((bytes, i) => {
				const where = `input ${i + 1} of ${request.inputs.length} for ${request.export}`;
				const ptr = this.malloc(bytes.length, where);
				placed.push({ ptr, len: bytes.length });
				this.write(ptr, bytes);
			});
			value = this.invoke(request.export, fn as (...args: number[]) => unknown, placed);
		} catch (err) {
			return done(null, this.failure(err));
		}
		let result: RawResult;
		if (returns === 'i64') {
			result = this.read(request.export, value as bigint);
		} else {
			const code = returns === 'i32' ? Number(value) : undefined;
			result = {
				packed: '0',
				ptr: 0,
				len: 0,
				bytes: null,
				export: request.export,
				memoryBytes: this.memory.buffer.byteLength,
				...(code !== undefined ? { code } : {})
			};
		}
		try {
			for (const { ptr, len } of placed) this.free(ptr, len, 'input');
			if (result.bytes !== null && result.ptr !== 0) this.free(result.ptr, result.len, 'answer');
		} catch (err) {
			return done(result, this.failure(err));
		}
		return done(result, null);
	}

	/** Calls the allocator for `size` bytes and checks the pointer it returns. */
	private malloc(size: number, where: string): number {
		const name = this.allocator.malloc;
		const t = this.sink.elapsed();
		const ptr = this.guard(
			name,
			`allocating ${where}`,
			() => Number((this.instance.exports[name] as (n: number) => number)(size)) >>> 0
		);
		const end = this.memory.buffer.byteLength;
		const problem =
			ptr === 0
				? `returned 0: it could not allocate ${hexDec(size)} bytes`
				: ptr + size > end
					? `returned ${hexDec(ptr)}, but ${hexDec(size)} bytes there would end past memory (${hexDec(end)} bytes)`
					: null;
		this.sink.emit({
			type: 'host',
			t,
			ns: ABI_NS,
			name: 'malloc',
			args: { function: name, size: hexDec(size), for: where },
			...(problem ? { error: problem } : { result: `ptr ${hexDec(ptr)}` }),
			dur: this.sink.elapsed() - t
		});
		if (problem) {
			throw new ProtocolError(
				fail(
					'plugin',
					`${name}(${size}) ${problem}, so the host cannot place ${where}.`,
					'The plugin’s allocator failed: check that it grows memory when it runs out, or raise "Max memory" in Host settings.'
				).error
			);
		}
		return ptr;
	}

	private write(ptr: number, bytes: Uint8Array): void {
		const t = this.sink.elapsed();
		new Uint8Array(this.memory.buffer, ptr, bytes.length).set(bytes);
		this.sink.emit({
			type: 'host',
			t,
			ns: ABI_NS,
			name: 'write',
			args: { ptr: hexDec(ptr), len: hexDec(bytes.length), bytes: payload(bytes) },
			dur: this.sink.elapsed() - t
		});
	}

	private invoke(
		name: string,
		fn: (...args: number[]) => unknown,
		placed: { ptr: number; len: number }[]
	): unknown {
		const args: Record<string, string> = {};
		placed.forEach(({ ptr, len }, i) => {
			args[`ptr ${i + 1}`] = hexDec(ptr);
			args[`len ${i + 1}`] = hexDec(len);
		});
		const t = this.sink.elapsed();
		const value = this.guard(name, `running ${name}`, () =>
			fn(...placed.flatMap(({ ptr, len }) => [ptr, len]))
		);
		this.sink.emit({
			type: 'host',
			t,
			ns: ABI_NS,
			name: 'call',
			args: { export: name, ...args },
			result:
				typeof value === 'bigint'
					? `${hexDec(value, 16)} (i64)`
					: value === undefined
						? '(nothing)'
						: `${String(value)} (i32)`,
			dur: this.sink.elapsed() - t
		});
		return value;
	}

	/** Unpacks a u64 answer, bounds-checks it and copies the bytes out. */
	private read(exportName: string, value: bigint): RawResult {
		const t = this.sink.elapsed();
		const { ptr, len } = unpack(value);
		const end = this.memory.buffer.byteLength;
		const nullPointer = isNullPointer(ptr, len);
		const inRange = ptr + len <= end && !nullPointer;
		const bytes =
			value === 0n || !inRange ? null : new Uint8Array(this.memory.buffer, ptr, len).slice();
		const base = { ptr: hexDec(ptr), len: hexDec(len), memory: `${hexDec(end)} bytes` };
		this.sink.emit({
			type: 'host',
			t,
			ns: ABI_NS,
			name: 'packed',
			args: { value: describePacked(value), ...base },
			...(value === 0n
				? { result: '0: nothing to read' }
				: inRange
					? { result: payload(bytes as Uint8Array) }
					: {
							error: nullPointer
								? `null pointer: pointer 0 with length ${hexDec(len)}; nothing is read from address 0`
								: ptr >= end
									? `pointer ${hex(ptr)} is past the end of memory (${hex(end)})`
									: `ptr + len = ${hex(ptr + len)} is past the end of memory (${hex(end)})`
						}),
			dur: this.sink.elapsed() - t
		});
		return {
			packed: packedString(value),
			ptr,
			len,
			bytes,
			export: exportName,
			memoryBytes: end
		};
	}

	private free(ptr: number, len: number, what: 'input' | 'answer'): void {
		const name = this.allocator.free;
		const t = this.sink.elapsed();
		const args: Record<string, string> = {
			function: name ?? '(none)',
			ptr: hexDec(ptr),
			...(this.allocator.freeTakesSize ? { size: hexDec(len) } : {}),
			of: what
		};
		if (name) {
			const free = this.instance.exports[name] as (...a: number[]) => void;
			this.guard(name, `freeing the ${what} at ${hex(ptr)}`, () =>
				this.allocator.freeTakesSize ? free(ptr, len) : free(ptr)
			);
		}
		this.sink.emit({
			type: 'host',
			t,
			ns: ABI_NS,
			name: 'free',
			args,
			result: name
				? 'freed'
				: 'not called: the module exports no free, so the memory stays allocated',
			dur: this.sink.elapsed() - t
		});
	}

	/** Runs one step inside the module, turning a trap or proc_exit into an error that names it. */
	private guard<T>(fn: string, doing: string, step: () => T): T {
		try {
			return step();
		} catch (err) {
			if (err instanceof ProcExit) {
				this.alive = false;
				throw new ProtocolError(
					fail(
						'exit',
						`Export "${fn}" called WASI proc_exit(${err.code}) while ${doing}: the module ended itself.`,
						'TinyGo and Rust exit like this on a panic; the stderr lines just before it in the Trace usually say why. The plugin is instantiated again on the next call.'
					).error
				);
			}
			const error = classifyCallError(thrownLike(err), {
				exportName: fn,
				hostFailure: null,
				memoryPages: this.memoryPages(),
				maxPages: this.maxPages
			});
			throw new ProtocolError({
				...error,
				message: `${error.message} It happened while ${doing}.`
			});
		}
	}

	private failure(err: unknown): PlaygroundError {
		if (err instanceof ProtocolError) return err.error;
		throw err;
	}
}

function joinLines(inputs: Uint8Array[]): Uint8Array {
	const total = inputs.reduce((n, b) => n + b.length, 0) + Math.max(0, inputs.length - 1);
	const out = new Uint8Array(total);
	let at = 0;
	inputs.forEach((b, i) => {
		if (i > 0) out[at++] = 0x0a;
		out.set(b, at);
		at += b.length;
	});
	return out;
}
