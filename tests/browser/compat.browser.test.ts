import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/lib/bytes/hash';
import { endOf } from '../../src/lib/trace/build';
import {
	disposedAfterEach,
	exampleBytes,
	examples,
	openBytes,
	openExample,
	str,
	text
} from './helpers';

/** Sessions a test opened, disposed after it. */
const keep = disposedAfterEach();

/** The bytes of an example's linked modules, as the workspace passes them. */
async function linkedOf(name: string) {
	const meta = (await examples()).find((e) => e.name === name);
	return Promise.all(
		(meta?.linked ?? []).map(async (l) => {
			const bytes = new Uint8Array(await (await fetch(`/examples/${l.file}`)).arrayBuffer());
			return { name: l.name, bytes, sha256: await sha256Hex(bytes) };
		})
	);
}

const MAX = (maxPages: number) => ({
	memory: { maxPages, maxHttpResponseBytes: null, maxVarBytes: null }
});

describe('a manifest of several modules, linked by name', () => {
	it('links "shouter" into main, inspects both and runs with the linked module', async () => {
		const { session } = await openBytes(new Uint8Array(0), { exportName: 'shout_it' });
		keep(session);
		const linked = await linkedOf('linked-shout');
		expect(linked.map((l) => l.name)).toEqual(['shouter']);
		const loaded = await session.load(await exampleBytes('linked-shout'), null, linked);
		expect(loaded.ok).toBe(true);
		expect(session.linked).toHaveLength(1);
		expect(session.linked[0]?.info?.exports.map((e) => e.name)).toEqual(['shout']);
		expect(session.linkMap?.get('shouter')?.get('shout')).toBe('function');
		const outcome = await session.run(text('Hello, linked world! ü'));
		expect(outcome?.error).toBeNull();
		expect(str(outcome!.output)).toBe('HELLO, LINKED WORLD! ü');
		// A new Max memory recompiles every module (the cap is written into each): the link holds.
		await session.configure({ ...session.settings, ...MAX(8) });
		expect(session.status).toBe('ready');
		expect(session.linked[0]?.info?.exports.map((e) => e.name)).toEqual(['shout']);
		const again = await session.run(text('again'));
		expect(str(again!.output)).toBe('AGAIN');
	});

	it('main alone names the module it needs and says to link it with a manifest', async () => {
		const { session, loaded } = await openBytes(await exampleBytes('linked-shout'));
		keep(session);
		expect(loaded.ok).toBe(false);
		expect(session.loadError?.message).toBe('Import "shouter" "shout" is not provided.');
		expect(session.loadError?.hint).toContain(
			'Load an Extism manifest that lists both, the other one named "shouter"'
		);
	});

	it('the linked module alone is refused as not callable, not with a BigInt error', async () => {
		const [shouter] = await linkedOf('linked-shout');
		const { session, loaded } = await openBytes(shouter!.bytes, { exportName: 'shout' });
		keep(session);
		expect(loaded.ok).toBe(true);
		const outcome = await session.run(text('x'));
		expect(outcome?.error?.kind).toBe('call');
		expect(outcome?.error?.message).toContain('Export "shout" takes parameters (i64) -> i64');
		expect(outcome?.error?.message).not.toContain('BigInt');
	});
});

describe('recognised plugins', () => {
	it('a pre-1.0 PDK plugin is named as such, with how to rebuild, and no mocks', async () => {
		const { session, loaded } = await openExample('legacy-pdk');
		keep(session);
		expect(loaded.ok).toBe(false);
		expect(session.info?.flavor).toBe('extism-legacy');
		expect(session.loadError?.kind).toBe('link');
		expect(session.loadError?.message).toContain('pre-1.0 Extism PDK');
		expect(session.loadError?.hint).toContain('Rebuild it with a current (1.x) PDK');
	});

	it('WASI is on (auto) for a module that imports it even when a host function is missing', async () => {
		const { session, loaded } = await openExample('wasi-needs-host-fn');
		keep(session);
		expect(loaded.ok).toBe(false);
		expect(session.wasi).toBe(true);
		expect(session.loadError?.message).toBe(
			'Import "extism:host/user" "hello_world" is not provided.'
		);
		await session.configure({
			...session.settings,
			mocks: { 'extism:host/user/hello_world': { kind: 'echo' } }
		});
		expect(session.status).toBe('ready');
		const outcome = await session.run(text('hi'));
		expect(outcome?.error).toBeNull();
		expect(str(outcome!.output)).toBe('hi');
		const stdout = session.trace?.events.find((e) => e.type === 'log' && e.source === 'stdout');
		expect(stdout).toMatchObject({ text: expect.stringContaining('calling host') });
	});
});

describe('Max memory as native max_pages', () => {
	it('a module starting at 17 pages runs a 128 KiB input under 17 pages, as natively', async () => {
		const { session, loaded } = await openExample('big-start', MAX(17));
		keep(session);
		expect(loaded.ok).toBe(true);
		const outcome = await session.run(new Uint8Array(128 * 1024).fill(97));
		expect(outcome?.error).toBeNull();
		expect(str(outcome!.output)).toBe('131072');
	});

	it('under 16 pages it does not start: its initial memory does not fit (native: oom)', async () => {
		const { session, loaded } = await openExample('big-start', MAX(16));
		keep(session);
		expect(loaded.ok).toBe(false);
		expect(session.loadError?.message).toBe(
			'The module asks for at least 17 pages (1.1 MiB) of memory but the limit is 16 pages (1 MiB).'
		);
	});

	it('an input larger than Max memory is refused by name, as native Extism fails it (oom)', async () => {
		const { session } = await openExample('big-start', MAX(17));
		keep(session);
		const outcome = await session.run(new Uint8Array(1.5 * 1024 * 1024).fill(97));
		expect(outcome?.error?.kind).toBe('limit');
		expect(outcome?.error?.message).toBe(
			'The input (1.5 MiB) is larger than Max memory (17 pages, 1.1 MiB): as in native Extism, the input is memory the plugin holds, so it cannot be handed over.'
		);
	});

	it('growth past Max memory is still refused: the copy of a 1 MiB input and its block do not fit', async () => {
		const { session } = await openExample('big-start', MAX(17));
		keep(session);
		// 16 pages of copy fit 17 pages of growth, but with the 1 MiB input block beside them they do not.
		const outcome = await session.run(new Uint8Array(1024 * 1024).fill(97));
		expect(outcome?.error?.kind).toBe('limit');
		expect(outcome?.error?.message).toContain(
			'(linear memory grown by 1 MiB since it started, the input 1 MiB,'
		);
		expect(endOf(session.trace!)?.memoryPages).toBe(17 + 16);
	});
});
