import { utf8Decode, utf8Encode } from '../bytes/encoding';
import type { FuncSig } from '../wasm/types';

/**
 * What a mocked import does. Inputs and outputs are text: for Extism-style functions (i64 offsets) they
 * are the bytes of the memory blocks; for plain numeric functions they are numbers written as text.
 */
export type MockSpec =
	| { kind: 'fixed'; value: string }
	| { kind: 'echo' }
	| { kind: 'table'; entries: Record<string, string>; fallback: string | null }
	| { kind: 'fail'; message: string };

/** The mock a new one starts as. */
export const DEFAULT_MOCK: MockSpec = { kind: 'fixed', value: '' };

/** How a function's arguments and result are read: Extism memory blocks, or plain numbers. */
export type MockShape = 'extism' | 'numeric';

/**
 * Extism-style means every parameter and the result are i64 (offsets of Extism memory blocks), as every PDK
 * declares user host functions. Anything else is called with plain numbers.
 */
export function mockShape(sig: FuncSig | undefined): MockShape {
	if (!sig) return 'numeric';
	const all = [...sig.params, ...sig.results];
	return all.length > 0 && all.every((t) => t === 'i64') ? 'extism' : 'numeric';
}

/** The outcome of a mock for one input: bytes to return, or a failure message. */
export type MockAnswer = { ok: true; value: string } | { ok: false; message: string };

/** Applies a mock to its first argument, given as text. */
export function answerMock(spec: MockSpec, input: string): MockAnswer {
	switch (spec.kind) {
		case 'fixed':
			return { ok: true, value: spec.value };
		case 'echo':
			return { ok: true, value: input };
		case 'table': {
			if (Object.hasOwn(spec.entries, input)) return { ok: true, value: spec.entries[input] };
			if (spec.fallback !== null) return { ok: true, value: spec.fallback };
			return {
				ok: false,
				message: `no entry for input ${JSON.stringify(input)} in the mock's table, and no fallback`
			};
		}
		case 'fail':
			return { ok: false, message: spec.message || 'the mock was set to fail' };
	}
}

/** Converts a numeric mock answer to the value a wasm result of type `type` takes. */
export function numericResult(value: string, type: string): number | bigint {
	const text = value.trim() || '0';
	if (type === 'i64') {
		try {
			return BigInt(text);
		} catch {
			return 0n;
		}
	}
	const n = Number(text);
	return Number.isFinite(n) ? (type === 'i32' ? n | 0 : n) : 0;
}

/** One-line description of a mock, for the trace and the UI. */
export function describeMock(spec: MockSpec): string {
	switch (spec.kind) {
		case 'fixed':
			return `returns ${JSON.stringify(spec.value)}`;
		case 'echo':
			return 'echoes its input';
		case 'table':
			return `looks up ${Object.keys(spec.entries).length} entries${spec.fallback !== null ? `, else ${JSON.stringify(spec.fallback)}` : ''}`;
		case 'fail':
			return `fails with ${JSON.stringify(spec.message)}`;
	}
}

/** Bytes ↔ text for mock inputs and outputs (UTF-8). */
export const mockText = { decode: utf8Decode, encode: utf8Encode };
