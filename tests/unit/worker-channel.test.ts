// The plugin host worker's own channel carries Comlink's messages and the session's calls and events side
// by side: each side must tell them apart, or Comlink would answer a call, or a reply would pass for an event.
import * as Comlink from 'comlink';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fail } from '../../src/lib/errors';
import { endEvent, startEvent, type CallEnd } from '../../src/lib/trace/build';
import { PREVIEW_LIMIT } from '../../src/lib/trace/types';
import {
	briefAnswer,
	fullAnswer,
	isCallMessage,
	isWorkerEvent,
	type CallResult
} from '../../workers/protocol';

/** An endpoint that records what Comlink posts and lets the test deliver messages to it. */
function recorder() {
	const posted: unknown[] = [];
	const listeners = new Set<(event: MessageEvent) => void>();
	const endpoint: Comlink.Endpoint = {
		postMessage: (message: unknown) => posted.push(structuredClone(message)),
		addEventListener: (_type: string, listener: EventListenerOrEventListenerObject) =>
			listeners.add(listener as (event: MessageEvent) => void),
		removeEventListener: (_type: string, listener: EventListenerOrEventListenerObject) =>
			listeners.delete(listener as (event: MessageEvent) => void)
	};
	const deliver = (data: unknown) => {
		for (const listener of listeners) listener({ data } as MessageEvent);
	};
	return { endpoint, posted, deliver };
}

describe("the worker's channel", () => {
	it("never takes Comlink's requests or replies for calls or events", async () => {
		// Requests, as the page's proxy posts them: get, set, apply, release.
		const page = recorder();
		const remote = Comlink.wrap<{ value: number; add(n: number): number }>(page.endpoint);
		void remote.value;
		void remote.add(1);
		void (remote.value = 2 as never);
		remote[Comlink.releaseProxy]();
		await Promise.resolve();
		expect(page.posted.length).toBeGreaterThanOrEqual(3);

		// Replies, as the worker's exposed object posts them: a value and a thrown error.
		const worker = recorder();
		Comlink.expose(
			{
				add: (n: number) => n + 1,
				fail: () => {
					throw new Error('no');
				}
			},
			worker.endpoint
		);
		worker.deliver({
			id: 'a',
			type: 'APPLY',
			path: ['add'],
			argumentList: [{ type: 'RAW', value: 1 }]
		});
		worker.deliver({ id: 'b', type: 'APPLY', path: ['fail'], argumentList: [] });
		await new Promise((resolve) => setTimeout(resolve, 0));
		expect(worker.posted).toHaveLength(2);

		for (const message of [...page.posted, ...worker.posted]) {
			expect(isCallMessage(message)).toBe(false);
			expect(isWorkerEvent(message)).toBe(false);
		}
	});

	it('recognises every call and event kind, and nothing else', () => {
		const request = { id: 1, export: 'run', input: new Uint8Array(0) };
		expect(isCallMessage({ type: 'call', request })).toBe(true);
		expect(isCallMessage({ type: 'callRaw', request: { ...request, inputs: [] } })).toBe(true);
		for (const type of ['answer', 'done', 'trace', 'kv', 'phase', 'thrown']) {
			expect(isWorkerEvent({ type })).toBe(true);
			expect(isCallMessage({ type })).toBe(false);
		}
		for (const data of [null, undefined, 0, 'call', {}, { type: 'CALL' }, { kind: 'call' }]) {
			expect(isCallMessage(data)).toBe(false);
			expect(isWorkerEvent(data)).toBe(false);
		}
	});
});

/** A call's result as the worker writes it: the end event, built from `end`, is the whole tail. */
function resultOf(id: number, end: CallEnd): CallResult {
	const base = {
		id,
		output: end.output,
		code: end.code,
		exit: end.exit,
		memoryPages: end.memoryPages,
		tail: [endEvent(end)]
	};
	return end.error ? { ...base, ok: false, error: end.error } : { ...base, ok: true };
}

describe('the answer in brief', () => {
	const ended = fc.record({
		output: fc.uint8Array({ maxLength: 300 }),
		duration: fc.double({ min: 0, max: 1e6, noNaN: true }),
		inputSize: fc.nat(),
		memoryPages: fc.option(fc.nat(65_536)),
		code: fc.constantFrom(null, 0),
		exit: fc.constant(null),
		error: fc.constant(null)
	});

	it('gives the page the same result as the full answer, after a structured clone', () => {
		fc.assert(
			fc.property(fc.nat(), ended, (id, end) => {
				const full = resultOf(id, end);
				const brief = briefAnswer(full);
				expect(brief).not.toBeNull();
				expect(fullAnswer(structuredClone(brief!))).toEqual(structuredClone(full));
			})
		);
	});

	it('keeps an output past the preview limit whole, with its head in the end event', () => {
		const output = new Uint8Array(PREVIEW_LIMIT + 10).map((_, i) => i % 251);
		const full = resultOf(3, {
			output,
			duration: 1.5,
			inputSize: 4,
			memoryPages: 2,
			code: 0,
			exit: null,
			error: null
		});
		const rebuilt = fullAnswer(briefAnswer(full)!);
		expect(rebuilt).toEqual(full);
		const end = rebuilt.tail[0];
		expect(end.type === 'end' && end.output?.head.byteLength).toBe(PREVIEW_LIMIT);
		expect(end.type === 'end' && end.outputSize).toBe(PREVIEW_LIMIT + 10);
	});

	it('is only for a call that ended well with nothing else to tell', () => {
		const end: CallEnd = {
			output: new Uint8Array([1]),
			duration: 1,
			inputSize: 1,
			memoryPages: 1,
			code: 0,
			exit: null,
			error: null
		};
		const failed = fail('trap', 'The plugin trapped.', 'Look at the trace.').error;
		expect(briefAnswer(resultOf(1, { ...end, error: failed, code: 1 }))).toBeNull();
		expect(briefAnswer(resultOf(1, { ...end, exit: 0 }))).toBeNull();
		const withLog = resultOf(1, end);
		withLog.tail.unshift({ type: 'log', t: 0.5, level: 'info', source: 'extism', text: 'hi' });
		expect(briefAnswer(withLog)).toBeNull();
		const withStart = resultOf(1, end);
		withStart.tail.unshift(startEvent('run', new Uint8Array(1)));
		expect(briefAnswer(withStart)).toBeNull();
	});
});
