import { describe, expect, it } from 'vitest';
import { buildLabels, callKey, summarizeCall } from '../../src/lib/trace/call-summary';
import type { CallTrace } from '../../src/lib/trace/types';

const BASE: CallTrace = {
	id: 7,
	pluginId: 'p1',
	pluginName: 'Greet',
	export: 'greet',
	startedAt: 1_700_000_000_000,
	dropped: 0,
	events: [{ type: 'start', t: 0, export: 'greet', input: { size: 2, head: Uint8Array.of(1, 2) } }]
};

describe('summarizeCall', () => {
	it('keeps what History shows of a finished call, and counts its events with the dropped ones', () => {
		const trace: CallTrace = {
			...BASE,
			dropped: 10,
			events: [
				...BASE.events,
				{ type: 'log', t: 1, level: 'info', source: 'host', text: 'hi' },
				{
					type: 'end',
					t: 2,
					status: 'error',
					error: { kind: 'timeout', message: 'slow', hint: 'wait' },
					output: { size: 5, head: Uint8Array.of(1) },
					duration: 12.5,
					inputSize: 2,
					outputSize: 5,
					memoryPages: 3
				}
			]
		};
		expect(summarizeCall(trace)).toEqual({
			id: 7,
			pluginId: 'p1',
			pluginName: 'Greet',
			export: 'greet',
			startedAt: 1_700_000_000_000,
			end: {
				status: 'error',
				duration: 12.5,
				inputSize: 2,
				outputSize: 5,
				errorKind: 'timeout',
				timings: { roundTrip: null, call: 12.5, instantiate: null, host: 0, plugin: 12.5 }
			},
			events: 13
		});
	});

	it('says a call that never ended has no end, and holds no payload bytes', () => {
		const summary = summarizeCall(BASE);
		expect(summary.end).toBeNull();
		expect(JSON.stringify(summary)).not.toContain('head');
	});

	it('names a call the same from its trace and its summary', () => {
		expect(callKey(summarizeCall(BASE))).toBe(callKey(BASE));
		expect(callKey({ ...BASE, id: 8 })).not.toBe(callKey(BASE));
	});
});

describe('buildLabels', () => {
	const A = 'a1b2c3d4'.repeat(8);
	const B = 'f0e1d2c3'.repeat(8);
	const call = (id: number, module?: string) =>
		summarizeCall({ ...BASE, id, startedAt: BASE.startedAt + id, ...(module ? { module } : {}) });

	it('keeps the module a call ran in its summary', () => {
		expect(call(1, A).module).toBe(A);
		expect(call(1)).not.toHaveProperty('module');
	});

	it('numbers the builds in the order they were first called, with a short hash', () => {
		const entries = [call(1), call(2, A), call(3, A), call(4, B), call(5, A)];
		const labels = buildLabels(entries);
		expect(entries.map((e) => labels.get(callKey(e)) ?? null)).toEqual([
			null,
			'build 1 · a1b2c3d',
			'build 1 · a1b2c3d',
			'build 2 · f0e1d2c',
			'build 1 · a1b2c3d'
		]);
	});

	it('labels nothing while every call ran the same module', () => {
		expect(buildLabels([call(1, A), call(2, A), call(3)]).size).toBe(0);
	});
});
