/**
 * The standard streams and exit of a WASI module, in place of the Extism SDK's own. The SDK's browser WASI
 * (its `@bjorn3/browser_wasi_shim`) gives stdin no data, prints stdout and stderr to the console one write at
 * a time, and throws its own `WASIProcExit` from `proc_exit`. To run a WASI command as a program the host
 * needs more: the call's input as stdin, stdout as bytes, stderr in the trace and the exit code. `link`
 * swaps those few WASI imports for ones of its own and leaves every other WASI function to the SDK.
 */
import { WASI_P1 } from '../wasm/types';

/** Thrown by WASI `proc_exit` to unwind the module; `code` is the exit code. */
export class ProcExit extends Error {
	constructor(readonly code: number) {
		super(`proc_exit(${code})`);
		this.name = 'ProcExit';
	}
}

/** Where the streams' text goes while a call runs: the trace. */
export interface StdioSink {
	/** Complete lines written to stdout or stderr (a line that never ends: what came), decoded as UTF-8. */
	write(stream: 'stdout' | 'stderr', text: string): void;
	/** Something the person should know about the streams (stdout passing its limit). */
	warn(text: string): void;
}

/** Bytes of stdout a command's output keeps; the trace still shows what comes after. */
export const STDOUT_LIMIT = 16 * 1024 * 1024;
/** Characters of an unfinished line held back before they go to the trace anyway. */
const LINE_LIMIT = 4096;

const ERRNO_SUCCESS = 0;
const ERRNO_FAULT = 21;
const FILETYPE_CHARACTER_DEVICE = 2;
const RIGHT_FD_READ = 1n << 1n;
const RIGHT_FD_WRITE = 1n << 6n;

type WasiFn = (...args: (number | bigint)[]) => number | void;

/** The streams of one module instance; `begin` and `end` frame each call. */
export class WasiStdio {
	readonly #sink: StdioSink;
	#stdin: Uint8Array = new Uint8Array(0);
	#read = 0;
	#collect = false;
	#stdout: Uint8Array[] = [];
	#stdoutBytes = 0;
	#truncated = false;
	#decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
	/** Text of each stream since its last newline: the trace shows lines, however a program splits them. */
	#lines = { stdout: '', stderr: '' };

	constructor(sink: StdioSink) {
		this.#sink = sink;
	}

	/** Starts a call: `stdin` is what the module reads; `collect` keeps stdout as the call's output. */
	begin(stdin: Uint8Array, collect: boolean): void {
		this.#stdin = stdin;
		this.#read = 0;
		this.#collect = collect;
		this.#stdout = [];
		this.#stdoutBytes = 0;
		this.#truncated = false;
		// The decoders are reused: `end` flushed them, which also resets them (cheaper than new ones).
		this.#lines = { stdout: '', stderr: '' };
	}

	/** Ends the call: what stdout collected, and whether it passed `STDOUT_LIMIT`. */
	end(): { stdout: Uint8Array<ArrayBuffer>; truncated: boolean } {
		for (const stream of ['stdout', 'stderr'] as const) {
			// A write that stopped inside a UTF-8 sequence left bytes in its decoder.
			const rest = this.#lines[stream] + this.#decoders[stream].decode();
			this.#lines[stream] = '';
			if (rest) this.#sink.write(stream, rest);
		}
		const stdout = new Uint8Array(this.#stdoutBytes);
		let at = 0;
		for (const part of this.#stdout) {
			stdout.set(part, at);
			at += part.byteLength;
		}
		this.#stdout = [];
		this.#stdin = new Uint8Array(0);
		this.#collect = false;
		return { stdout, truncated: this.#truncated };
	}

	/**
	 * The import object with WASI's `fd_read` (fd 0), `fd_write` (fds 1 and 2), `fd_fdstat_get` (fds 0-2) and
	 * `proc_exit` answered here; other fds and functions go to the imports given. `memory` is the instance's
	 * memory, known once it is instantiated.
	 */
	link(imports: WebAssembly.Imports, memory: () => WebAssembly.Memory | null): WebAssembly.Imports {
		const wasi = imports[WASI_P1] as Record<string, WasiFn> | undefined;
		if (!wasi) return imports;
		const bytes = () => new Uint8Array(memoryOf(memory).buffer);
		const view = () => new DataView(memoryOf(memory).buffer);
		const own: Record<string, WasiFn> = {
			fd_read: (fd, iovs, count, readPtr) => {
				if (Number(fd) !== 0) return wasi.fd_read(fd, iovs, count, readPtr);
				return guarded(() => {
					const v = view();
					let read = 0;
					for (const { base, len } of iovecs(v, Number(iovs), Number(count))) {
						const chunk = this.#stdin.subarray(this.#read, this.#read + len);
						bytes().set(chunk, base);
						this.#read += chunk.byteLength;
						read += chunk.byteLength;
						if (chunk.byteLength < len) break;
					}
					v.setUint32(Number(readPtr), read, true);
				});
			},
			fd_write: (fd, iovs, count, writtenPtr) => {
				const stream = Number(fd) === 1 ? 'stdout' : Number(fd) === 2 ? 'stderr' : null;
				if (!stream) return wasi.fd_write(fd, iovs, count, writtenPtr);
				return guarded(() => {
					const v = view();
					const parts = iovecs(v, Number(iovs), Number(count)).map(({ base, len }) =>
						bytes().slice(base, base + len)
					);
					const written = parts.reduce((n, p) => n + p.byteLength, 0);
					v.setUint32(Number(writtenPtr), written, true);
					for (const part of parts) this.#write(stream, part);
				});
			},
			fd_fdstat_get: (fd, statPtr) => {
				const n = Number(fd);
				if (n > 2) return wasi.fd_fdstat_get(fd, statPtr);
				// A character device, like a terminal's streams: C's stdio then flushes stdout per line.
				return guarded(() => {
					const v = view();
					const at = Number(statPtr);
					v.setUint8(at, FILETYPE_CHARACTER_DEVICE);
					v.setUint16(at + 2, 0, true);
					v.setBigUint64(at + 8, n === 0 ? RIGHT_FD_READ : RIGHT_FD_WRITE, true);
					v.setBigUint64(at + 16, 0n, true);
				});
			},
			proc_exit: (code) => {
				throw new ProcExit(Number(code) >>> 0);
			}
		};
		const linked: Record<string, WasiFn> = { ...wasi };
		for (const name of Object.keys(own)) if (name in wasi) linked[name] = own[name];
		return { ...imports, [WASI_P1]: linked };
	}

	#write(stream: 'stdout' | 'stderr', part: Uint8Array) {
		const text = this.#lines[stream] + this.#decoders[stream].decode(part, { stream: true });
		const end = text.lastIndexOf('\n');
		const complete = end >= 0 ? text.slice(0, end) : text.length > LINE_LIMIT ? text : null;
		this.#lines[stream] = complete === null ? text : text.slice(complete.length + 1);
		if (complete !== null) this.#sink.write(stream, complete);
		if (stream !== 'stdout' || !this.#collect || this.#truncated) return;
		const room = STDOUT_LIMIT - this.#stdoutBytes;
		if (part.byteLength > room) {
			this.#truncated = true;
			this.#sink.warn(
				`stdout passed ${STDOUT_LIMIT / 1024 / 1024} MiB: the output keeps the first ${STDOUT_LIMIT / 1024 / 1024} MiB, the Trace shows the rest.`
			);
		}
		const kept = part.byteLength > room ? part.slice(0, room) : part;
		this.#stdout.push(kept);
		this.#stdoutBytes += kept.byteLength;
	}
}

/** The module's memory; WASI functions run only once it is instantiated. */
function memoryOf(memory: () => WebAssembly.Memory | null): WebAssembly.Memory {
	const m = memory();
	if (!m) throw new RangeError('the module has no memory yet');
	return m;
}

/** The (pointer, length) pairs of an iovec array. */
function iovecs(v: DataView, at: number, count: number): { base: number; len: number }[] {
	const list: { base: number; len: number }[] = [];
	for (let i = 0; i < count; i++) {
		const base = v.getUint32(at + i * 8, true);
		const len = v.getUint32(at + i * 8 + 4, true);
		if (base + len > v.byteLength) throw new RangeError('iovec outside memory');
		list.push({ base, len });
	}
	return list;
}

/** Runs a WASI function body; a pointer outside memory is EFAULT, as WASI says, not a host crash. */
function guarded(body: () => void): number {
	try {
		body();
		return ERRNO_SUCCESS;
	} catch (err) {
		if (err instanceof RangeError) return ERRNO_FAULT;
		throw err;
	}
}
