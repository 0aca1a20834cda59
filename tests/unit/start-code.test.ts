import { describe, expect, it } from 'vitest';
import { stoppedError, timeoutError } from '../../src/lib/host/interrupt';
import { describeEvent } from '../../src/lib/trace/format';
import { eventDetails } from '../../src/lib/trace/details';
import { callSpan } from '../../src/lib/trace/timeline';
import { describeStartCode, startCode } from '../../src/lib/wasm/start-code';
import type { ModuleInfo } from '../../src/lib/wasm/types';

const info = (exports: string[], hasStart = false): ModuleInfo => ({
	size: 8,
	flavor: 'extism',
	needsWasi: false,
	exports: exports.map((name) => ({
		name,
		kind: 'function',
		signature: { params: [], results: [] }
	})),
	imports: [],
	memories: [],
	customSections: [],
	hasStart
});

describe('startCode', () => {
	it('names the start function, hs_init and _initialize in the order they run', () => {
		expect(startCode(info(['_initialize', 'hs_init'], true), false)).toEqual([
			'start function',
			'hs_init',
			'_initialize'
		]);
		expect(startCode(info(['greet']), false)).toEqual([]);
	});

	it("counts a command's _start as start code only for raw-ABI modules", () => {
		expect(startCode(info(['_start']), true)).toEqual(['_start']);
		expect(startCode(info(['_start']), false)).toEqual([]);
		expect(startCode(info(['_initialize', '_start']), true)).toEqual(['_initialize']);
	});

	it('describes the list for messages', () => {
		expect(describeStartCode([])).toBe('start code');
		expect(describeStartCode(['start function'])).toBe('start function');
		expect(describeStartCode(['start function', 'hs_init', '_initialize'])).toBe(
			'start function, hs_init and _initialize'
		);
	});
});

describe('timeout and Stop messages', () => {
	const at = { exportName: 'run', startCode: ['_initialize'], timeoutMs: 2500 };

	it('blame the start code while the plugin was instantiating', () => {
		const timeout = timeoutError({ ...at, phase: 'instantiate' });
		expect(timeout.kind).toBe('timeout');
		expect(timeout.message).toBe(
			'The plugin\'s _initialize did not return within 2.5 s, so export "run" never ran. It runs when the plugin is instantiated, before any export.'
		);
		expect(timeout.hint).toContain('initialisation code (_initialize)');
		const stopped = stoppedError({ ...at, phase: 'instantiate' });
		expect(stopped.kind).toBe('stopped');
		expect(stopped.message).toContain('while its _initialize was running');
	});

	it('blame the export once it runs', () => {
		expect(timeoutError({ ...at, phase: 'call' }).message).toBe(
			'Export "run" did not finish within 2.5 s and was stopped.'
		);
		expect(stoppedError({ ...at, phase: 'call' }).message).toBe('You stopped export "run".');
	});
});

describe('the instantiate step in a trace', () => {
	const step = { type: 'instantiate' as const, t: 0.5, dur: 3.25, ran: ['start function'] };

	it('reads as one line and as labelled details', () => {
		expect(describeEvent(step)).toEqual({
			label: 'instantiate',
			detail: 'ran start function · 3.25 ms'
		});
		expect(describeEvent({ ...step, ran: [], error: 'trap' }).detail).toBe(
			'no start code · 3.25 ms ✗ trap'
		);
		expect(eventDetails(step).map((f) => f.name)).toEqual(['Step', 'Ran', 'Started', 'Took']);
	});

	it('counts in the span of a running call', () => {
		expect(callSpan([step])).toBe(3.75);
	});
});
