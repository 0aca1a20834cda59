// The plugin host worker's own channel carries Comlink's messages and the session's calls and events side
// by side: each side must tell them apart, or Comlink would answer a call, or a reply would pass for an event.
import * as Comlink from 'comlink';
import { describe, expect, it } from 'vitest';
import { isCallMessage, isWorkerEvent } from '../../workers/protocol';

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
		for (const type of ['answer', 'trace', 'kv', 'phase', 'thrown']) {
			expect(isWorkerEvent({ type })).toBe(true);
			expect(isCallMessage({ type })).toBe(false);
		}
		for (const data of [null, undefined, 0, 'call', {}, { type: 'CALL' }, { kind: 'call' }]) {
			expect(isCallMessage(data)).toBe(false);
			expect(isWorkerEvent(data)).toBe(false);
		}
	});
});
