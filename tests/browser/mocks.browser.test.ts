import { describe, expect, it } from 'vitest';
import type { MockSpec } from '../../src/lib/host/mocks';
import type { HostEvent } from '../../src/lib/trace/types';
import { disposedAfterEach, openExample, str, text } from './helpers';

/** Sessions a test opened, disposed after it. */
const keep = disposedAfterEach();

const KEY = 'extism:host/user/hello_world';

async function withMock(spec: MockSpec) {
	const { session } = await openExample('needs-host-fn', { mocks: { [KEY]: spec } });
	keep(session);
	return session;
}

describe('host function mocks', () => {
	it('needs-host-fn fails to link before mocking and runs once mocked', async () => {
		const { session } = await openExample('needs-host-fn');
		keep(session);
		expect(session.loadError?.kind).toBe('link');
		await session.configure({
			...session.settings,
			mocks: { [KEY]: { kind: 'fixed', value: 'hi' } }
		});
		expect(session.status).toBe('ready');
		const outcome = await session.run(text('anything'));
		expect(outcome?.error).toBeNull();
		expect(str(outcome!.output)).toBe('hi');
		const call = session.trace!.events.find((e): e is HostEvent => e.type === 'host');
		expect(call).toMatchObject({
			ns: 'extism:host/user',
			name: 'hello_world',
			result: { size: 2 }
		});
		expect(call?.args.mock).toBe('returns "hi"');
	});

	it('echo returns the input block', async () => {
		const session = await withMock({ kind: 'echo' });
		expect(str((await session.run(text('Wörld')))!.output)).toBe('Wörld');
	});

	it('a table answers by input, with a fallback', async () => {
		const session = await withMock({
			kind: 'table',
			entries: { a: 'apple', b: 'banana' },
			fallback: 'unknown'
		});
		expect(str((await session.run(text('b')))!.output)).toBe('banana');
		expect(str((await session.run(text('z')))!.output)).toBe('unknown');
	});

	it('a table without a fallback fails on an unknown input, naming it', async () => {
		const session = await withMock({ kind: 'table', entries: { a: 'apple' }, fallback: null });
		const outcome = await session.run(text('z'));
		expect(outcome?.error?.kind).toBe('host');
		expect(outcome?.error?.message).toContain('extism:host/user::hello_world');
		expect(outcome?.error?.message).toContain('"z"');
	});

	it('a failing mock fails the call with its message', async () => {
		const session = await withMock({ kind: 'fail', message: 'service down' });
		const outcome = await session.run(text('x'));
		expect(outcome?.error?.kind).toBe('host');
		expect(outcome?.error?.message).toContain('service down');
	});
});
