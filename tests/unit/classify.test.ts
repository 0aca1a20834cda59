import { describe, expect, it } from 'vitest';
import { classifyCallError, exitError, thrownLike } from '../../src/lib/host/classify';

const ctx = { exportName: 'run', hostFailure: null, memoryPages: 2, maxPages: 4096 };

describe('classifyCallError', () => {
	it('a plugin error keeps only the plugin message', () => {
		const e = classifyCallError(
			{ name: 'Error', message: 'Plugin-originated error: bad input' },
			ctx
		);
		expect(e).toMatchObject({ kind: 'plugin', message: 'bad input' });
		expect(e.hint).toContain('"run"');
	});

	it('a trap names the export and the trap', () => {
		const e = classifyCallError({ name: 'RuntimeError', message: 'unreachable' }, ctx);
		expect(e.kind).toBe('trap');
		expect(e.message).toBe('Export "run" trapped: unreachable.');
	});

	it('a trap near the memory cap is a limit, with both sizes', () => {
		const e = classifyCallError(
			{ name: 'RuntimeError', message: 'unreachable' },
			{ ...ctx, memoryPages: 4090, maxPages: 4096 }
		);
		expect(e.kind).toBe('limit');
		expect(e.message).toContain('4090 pages');
		expect(e.message).toContain('4096 pages (256 MiB)');
	});

	it('a trap far below the cap stays a trap', () => {
		const e = classifyCallError(
			{ name: 'RuntimeError', message: 'unreachable' },
			{ ...ctx, memoryPages: 100, maxPages: 4096 }
		);
		expect(e.kind).toBe('trap');
	});

	it('a host failure wins over the error it caused', () => {
		const e = classifyCallError(
			{ name: 'Error', message: 'whatever unwound' },
			{
				...ctx,
				hostFailure: {
					kind: 'host',
					ns: 'extism:host/env',
					name: 'http_request',
					message: 'refused'
				}
			}
		);
		expect(e.kind).toBe('host');
		expect(e.message).toBe(
			'Export "run" failed in host function extism:host/env::http_request: refused'
		);
	});

	it('a var limit from a host function is a limit', () => {
		const e = classifyCallError(
			{ name: 'Error', message: 'x' },
			{
				...ctx,
				hostFailure: { kind: 'limit', ns: 'extism:host/env', name: 'var_set', message: 'too big' }
			}
		);
		expect(e.kind).toBe('limit');
	});

	it('stack exhaustion is a limit', () => {
		const e = classifyCallError(
			{ name: 'RangeError', message: 'Maximum call stack size exceeded' },
			ctx
		);
		expect(e.kind).toBe('limit');
		expect(e.hint).toContain('recursion');
	});

	it('anything else is reported as a runtime failure with its message', () => {
		const e = classifyCallError({ name: 'TypeError', message: 'boom' }, ctx);
		expect(e).toMatchObject({ kind: 'host', message: 'Export "run" failed: boom' });
	});
});

describe('exitError', () => {
	it('says which export returned what, and how to fix it', () => {
		const e = exitError('main', 3);
		expect(e.kind).toBe('exit');
		expect(e.message).toBe('Export "main" returned 3 without an error message.');
		expect(e.hint).toContain('error_set');
	});
});

describe('thrownLike', () => {
	it('reads errors and non-errors', () => {
		expect(thrownLike(new RangeError('r'))).toEqual({ name: 'RangeError', message: 'r' });
		expect(thrownLike('plain')).toEqual({ name: 'Error', message: 'plain' });
	});
});
