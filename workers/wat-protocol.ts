/**
 * The contract between the main thread and `wat-tools.ts`, which turns module bytes into WAT text with
 * wabt's wasm2wat. The main thread imports these types only, so neither the worker nor wabt lands in the
 * page bundle.
 */
import type { Result } from '../src/lib/errors';

/** A module's WAT text, with figures for the status line. */
export interface WatText {
	/**
	 * The text as wasm2wat prints it, as bytes (transferred). It is plain ASCII, as wabt escapes every
	 * other byte; bytes move without a copy, while a string of tens of MB takes the page a long task to
	 * receive.
	 */
	text: Uint8Array;
	/** How many lines the text has. */
	lines: number;
	/** Time to convert, ms (loading wabt included on the first conversion). */
	ms: number;
}

/** The Comlink-exposed API of the WAT tools worker. */
export interface WatToolsApi {
	/** Converts a module's bytes (transferred) to WAT; a module wabt cannot read is an error, as data. */
	toWat(bytes: Uint8Array): Promise<Result<WatText>>;
}
