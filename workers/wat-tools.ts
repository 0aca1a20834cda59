/**
 * The WAT tools worker: turns module bytes into WAT text with wabt (an emscripten build of wasm2wat), off the
 * main thread, as a module of 2 MB can print tens of MB of text. wabt loads with this worker, which the page
 * starts the first time a WAT view opens.
 */
import * as Comlink from 'comlink';
import wabtInit from 'wabt';
import { fail, type Result } from '../src/lib/errors';
import { countLines } from '../src/lib/wasm/wat-index';
import type { WatText, WatToolsApi } from './wat-protocol';

type Wabt = Awaited<ReturnType<typeof wabtInit>>;

/**
 * Every feature wabt 1.0.39 can read, so modules from any toolchain convert (SIMD, bulk memory, multi-value,
 * memory64, threads, exceptions, tail calls, GC…). `multi_memory` is in wabt's feature table though not in
 * its type declarations.
 */
const ALL_FEATURES = {
	exceptions: true,
	mutable_globals: true,
	sat_float_to_int: true,
	sign_extension: true,
	simd: true,
	threads: true,
	function_references: true,
	multi_value: true,
	tail_call: true,
	bulk_memory: true,
	reference_types: true,
	annotations: true,
	code_metadata: true,
	gc: true,
	memory64: true,
	multi_memory: true,
	extended_const: true,
	relaxed_simd: true
};

/** wabt's first error lines, without its "readWasm failed:" preamble. */
function wabtMessage(error: unknown): string {
	const text = error instanceof Error ? error.message : String(error);
	const lines = text
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line !== '' && !/^readWasm failed:?$/.test(line));
	return lines.slice(0, 3).join('; ') || 'no reason given';
}

class WatTools implements WatToolsApi {
	/** wabt, loaded on the first conversion and kept for the next ones. */
	#wabt: Promise<Wabt> | null = null;

	async toWat(bytes: Uint8Array): Promise<Result<WatText>> {
		const start = performance.now();
		let wabt: Wabt;
		try {
			wabt = await (this.#wabt ??= wabtInit());
		} catch (error) {
			this.#wabt = null;
			return fail(
				'load',
				`wasm2wat could not start: ${wabtMessage(error)}.`,
				'Reload the page and open the WAT view again.'
			);
		}
		// wabt copies `bytes.buffer` whole, ignoring a view's offset and length, so hand it an exact view.
		const exact =
			bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
				? bytes
				: bytes.slice();
		let module: ReturnType<Wabt['readWasm']>;
		try {
			module = wabt.readWasm(exact, { readDebugNames: true, ...ALL_FEATURES });
		} catch (error) {
			return fail(
				'load',
				`wasm2wat could not read this module: ${wabtMessage(error)}.`,
				'The bytes are damaged or use a WebAssembly feature wabt 1.0.39 does not know; the browser may still run the module.'
			);
		}
		try {
			// Names from the name section replace indices in references (`call $greet`, not `call 3`).
			module.applyNames();
			const text = module.toText({ foldExprs: false, inlineExport: false });
			const encoded = new TextEncoder().encode(text);
			return Comlink.transfer(
				{ ok: true, text: encoded, lines: countLines(text), ms: performance.now() - start },
				[encoded.buffer]
			);
		} catch (error) {
			return fail(
				'load',
				`wasm2wat could not print this module: ${wabtMessage(error)}.`,
				'Check the module with wasm-validate; the browser may still run it.'
			);
		} finally {
			module.destroy();
		}
	}
}

Comlink.expose(new WatTools());
