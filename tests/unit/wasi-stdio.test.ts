import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProcExit, STDOUT_LIMIT, WasiStdio } from '../../src/lib/host/wasi-stdio';
import { WASI_P1 } from '../../src/lib/wasm/types';

type Wabt = Awaited<ReturnType<typeof import('wabt')>>;
let wabt: Wabt;

beforeAll(async () => {
	wabt = await (await import('wabt')).default();
});

/** Compiles an example's WAT source, as the examples build does. */
async function example(name: string): Promise<WebAssembly.Module> {
	const text = await readFile(`examples/${name}/${name}.wat`, 'utf8');
	const mod = wabt.parseWat(`${name}.wat`, text, {});
	try {
		return new WebAssembly.Module(mod.toBinary({}).buffer.slice());
	} finally {
		mod.destroy();
	}
}

/** A sink that records what reached the trace. */
function recorder() {
	const lines: [string, string][] = [];
	return {
		lines,
		sink: {
			write: (stream: string, text: string) => lines.push([stream, text]),
			warn: (text: string) => lines.push(['warn', text])
		}
	};
}

/** What the SDK would answer for the WASI functions the examples import: here, a marker. */
const sdkWasi = () => ({
	[WASI_P1]: {
		fd_read: () => 99,
		fd_write: () => 98,
		fd_fdstat_get: () => 97,
		proc_exit: () => {
			throw new Error('the SDK proc_exit must not be called');
		}
	}
});

/** Instantiates `module` with the streams linked in, as the plugin host does through the SDK. */
function instantiate(module: WebAssembly.Module, stdio: WasiStdio) {
	let memory: WebAssembly.Memory | null = null;
	const imports = stdio.link(sdkWasi(), () => memory);
	const wanted = WebAssembly.Module.imports(module).map((i) => i.name);
	const wasi = imports[WASI_P1] as Record<string, WebAssembly.ImportValue>;
	const instance = new WebAssembly.Instance(module, {
		[WASI_P1]: Object.fromEntries(wanted.map((name) => [name, wasi[name]]))
	});
	memory = instance.exports.memory as WebAssembly.Memory;
	return { start: instance.exports._start as () => void, memory };
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('WasiStdio with the WASI command examples', () => {
	it('wasi-upper: the input is stdin, stdout is collected, stderr goes to the sink', async () => {
		const { lines, sink } = recorder();
		const stdio = new WasiStdio(sink);
		const { start } = instantiate(await example('wasi-upper'), stdio);
		// More than the module's 1 KiB read buffer, so it reads in several chunks.
		const input = 'hello from stdin, '.repeat(100);
		stdio.begin(utf8(input), true);
		start();
		const { stdout, truncated } = stdio.end();
		expect(text(stdout)).toBe(input.toUpperCase());
		expect(truncated).toBe(false);
		// Three writes make one line of stderr, so the trace shows it as one.
		expect(lines.filter(([s]) => s === 'stderr')).toEqual([
			['stderr', `wasi-upper: read ${input.length} bytes`]
		]);
	});

	it('wasi-exit: proc_exit unwinds with its code, after the streams were written', async () => {
		const { lines, sink } = recorder();
		const stdio = new WasiStdio(sink);
		const { start } = instantiate(await example('wasi-exit'), stdio);
		stdio.begin(new Uint8Array(0), true);
		let thrown: unknown;
		try {
			start();
		} catch (err) {
			thrown = err;
		}
		expect(thrown).toBeInstanceOf(ProcExit);
		expect((thrown as ProcExit).code).toBe(3);
		expect(text(stdio.end().stdout)).toBe('partial output\n');
		expect(lines).toEqual([
			['stdout', 'partial output'],
			['stderr', 'wasi-exit: giving up with exit code 3']
		]);
	});

	it('without collecting (an Extism export) stdout only reaches the trace, and stdin is empty', async () => {
		const { lines, sink } = recorder();
		const stdio = new WasiStdio(sink);
		const { start } = instantiate(await example('wasi-upper'), stdio);
		stdio.begin(new Uint8Array(0), false);
		start();
		expect(stdio.end().stdout.byteLength).toBe(0);
		expect(lines).toEqual([['stderr', 'wasi-upper: read 0 bytes']]);
	});
});

describe('WasiStdio imports', () => {
	const memory = new WebAssembly.Memory({ initial: 1 });
	const linked = (stdio: WasiStdio) =>
		stdio.link(sdkWasi(), () => memory)[WASI_P1] as Record<string, (...a: number[]) => number>;
	const iovec = (at: number, base: number, len: number) => {
		const v = new DataView(memory.buffer);
		v.setUint32(at, base, true);
		v.setUint32(at + 4, len, true);
	};

	it('leaves other fds to the SDK and answers EFAULT for an iovec outside memory', () => {
		const wasi = linked(new WasiStdio(recorder().sink));
		expect(wasi.fd_write(5, 0, 1, 8)).toBe(98);
		expect(wasi.fd_read(3, 0, 1, 8)).toBe(99);
		expect(wasi.fd_fdstat_get(4, 0)).toBe(97);
		iovec(0, 65530, 100);
		expect(wasi.fd_write(1, 0, 1, 8)).toBe(21);
		expect(wasi.fd_read(0, 0, 1, 8)).toBe(21);
	});

	it('says stdin and stdout are character devices, so C flushes stdout per line', () => {
		const wasi = linked(new WasiStdio(recorder().sink));
		expect(wasi.fd_fdstat_get(1, 64)).toBe(0);
		expect(new DataView(memory.buffer).getUint8(64)).toBe(2);
	});

	it('decodes UTF-8 split across writes and keeps stdout to its limit', () => {
		const { lines, sink } = recorder();
		const stdio = new WasiStdio(sink);
		const wasi = linked(stdio);
		stdio.begin(new Uint8Array(0), true);
		const bytes = new Uint8Array(memory.buffer);
		bytes.set(utf8('é'), 100);
		iovec(0, 100, 1);
		wasi.fd_write(1, 0, 1, 8);
		iovec(0, 101, 1);
		wasi.fd_write(1, 0, 1, 8);
		// An unfinished line waits for its newline, or for the call to end.
		expect(lines).toEqual([]);
		expect(text(stdio.end().stdout)).toBe('é');
		expect(lines).toEqual([['stdout', 'é']]);

		const big = new WebAssembly.Memory({ initial: STDOUT_LIMIT / 65536 + 2 });
		const bigStdio = new WasiStdio(sink);
		const bigWasi = bigStdio.link(sdkWasi(), () => big)[WASI_P1] as Record<
			string,
			(...a: number[]) => number
		>;
		bigStdio.begin(new Uint8Array(0), true);
		const v = new DataView(big.buffer);
		v.setUint32(0, 16, true);
		v.setUint32(4, STDOUT_LIMIT + 10, true);
		expect(bigWasi.fd_write(1, 0, 1, 8)).toBe(0);
		expect(v.getUint32(8, true)).toBe(STDOUT_LIMIT + 10);
		const ended = bigStdio.end();
		expect(ended.truncated).toBe(true);
		expect(ended.stdout.byteLength).toBe(STDOUT_LIMIT);
		expect(lines.at(-1)?.[0]).toBe('warn');
	});
});
