import { describe, expect, it } from 'vitest';
import { describeEvent, showPayload } from '../../src/lib/trace/format';
import { payload } from '../../src/lib/trace/build';
import { utf8Encode } from '../../src/lib/bytes/encoding';

describe('showPayload', () => {
	it('quotes text, shows hex for binary, and marks empty', () => {
		expect(showPayload(payload(utf8Encode('hi')))).toBe('"hi"');
		expect(showPayload(payload(new Uint8Array([0, 255])))).toBe('0x00ff');
		expect(showPayload(payload(new Uint8Array(0)))).toBe('(empty)');
		expect(showPayload('(not set)')).toBe('(not set)');
	});
	it('cuts long payloads and gives their size', () => {
		const shown = showPayload(payload(utf8Encode('x'.repeat(5000))), 10);
		expect(shown).toBe('"xxxxxxxxxx…" (4.9 KiB)');
	});
	it('keeps markup as literal text (rendering escapes it)', () => {
		expect(showPayload(payload(utf8Encode('<img src=x onerror=alert(1)>')))).toBe(
			'"<img src=x onerror=alert(1)>"'
		);
	});
});

describe('describeEvent', () => {
	it('describes each kind of event in one line', () => {
		expect(
			describeEvent({ type: 'start', t: 0, export: 'greet', input: payload(utf8Encode('a')) })
		).toEqual({ label: 'call', detail: 'greet("a")' });
		expect(
			describeEvent({
				type: 'host',
				t: 1,
				ns: 'extism:host/user',
				name: 'kv_read',
				args: { key: 'count' },
				result: payload(utf8Encode('2')),
				dur: 0.1
			})
		).toEqual({ label: 'kv_read', detail: 'key=count → "2"' });
		expect(
			describeEvent({
				type: 'host',
				t: 1,
				ns: 'extism:host/env',
				name: 'http_request',
				args: { url: 'http://x' },
				error: 'refused',
				dur: 0.1
			}).detail
		).toBe('url=http://x ✗ refused');
		expect(
			describeEvent({ type: 'log', t: 2, level: 'warn', source: 'extism', text: 'w' })
		).toEqual({
			label: 'warn',
			detail: 'w'
		});
		expect(
			describeEvent({ type: 'log', t: 2, level: 'info', source: 'stdout', text: 'o' }).label
		).toBe('stdout');
		expect(
			describeEvent({
				type: 'end',
				t: 3,
				status: 'ok',
				code: 0,
				duration: 3,
				inputSize: 1,
				outputSize: 0,
				memoryPages: 1
			}).detail
		).toBe('ok (code 0) · call 3.00 ms');
		expect(
			describeEvent({
				type: 'end',
				t: 3,
				status: 'error',
				error: { kind: 'exit', message: 'm', hint: 'h' },
				exit: 3,
				duration: 3,
				inputSize: 0,
				outputSize: 0,
				memoryPages: 1
			}).detail
		).toBe('The plugin exited with a non-zero code · Exited with code 3 · call 3.00 ms');
	});
});
