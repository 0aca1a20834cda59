/** Shared set-up for browser tests: real examples, a real worker, and an IndexedDB of the test's own. */
import { afterEach } from 'vitest';
import wabtInit from 'wabt';
import { sha256Hex } from '../../src/lib/bytes/hash';
import { defaultSettings, type HostSettings } from '../../src/lib/host/settings';
import type { CallTrace } from '../../src/lib/trace/types';
import type { ExampleMeta, PluginState } from '../../src/lib/workspace/types';
import { PluginSession } from '../../src/state/plugin-session.svelte';
import { Storage } from '../../src/state/storage';

let catalogue: ExampleMeta[] | null = null;

/** The examples catalogue the build wrote to public/examples. */
export async function examples(): Promise<ExampleMeta[]> {
	catalogue ??= (await (await fetch('/examples/index.json')).json()) as ExampleMeta[];
	return catalogue;
}

/** The built bytes of an example. */
export async function exampleBytes(name: string): Promise<Uint8Array> {
	const meta = (await examples()).find((e) => e.name === name);
	if (!meta) throw new Error(`no example ${name}`);
	return new Uint8Array(await (await fetch(`/examples/${meta.file}`)).arrayBuffer());
}

/** A storage whose databases no other test uses. */
export function freshStorage(): { storage: Storage; prefix: string } {
	const prefix = `test-${crypto.randomUUID()}`;
	return { storage: new Storage(prefix), prefix };
}

/** Loads bytes into a new session, as the workspace does. */
export async function openBytes(
	bytes: Uint8Array,
	options: { exportName?: string; settings?: Partial<HostSettings>; storage?: Storage } = {}
) {
	const storage = options.storage ?? freshStorage().storage;
	const state: PluginState = {
		id: `t${crypto.randomUUID()}`,
		name: 'test',
		source: { kind: 'file', name: 'test.wasm' },
		sha256: null,
		settings: { ...defaultSettings(`test:${crypto.randomUUID()}`), ...options.settings },
		exportName: options.exportName ?? '',
		input: '',
		inputMode: 'text'
	};
	const session = new PluginSession(state, storage);
	const loaded = await session.load(bytes, await sha256Hex(bytes));
	return { session, storage, loaded };
}

/**
 * Registers an afterEach that disposes every session the test kept (its worker, its namespace lock), and
 * returns `keep`, which marks a session for that and hands it back.
 */
export function disposedAfterEach(): <T extends PluginSession>(session: T) => T {
	const sessions: PluginSession[] = [];
	afterEach(() => {
		for (const s of sessions.splice(0)) s.dispose();
	});
	return (session) => {
		sessions.push(session);
		return session;
	};
}

/** Loads a built example with its metadata's export, config and allowed hosts. */
export async function openExample(
	name: string,
	settings: Partial<HostSettings> = {},
	storage?: Storage
) {
	const meta = (await examples()).find((e) => e.name === name);
	if (!meta) throw new Error(`no example ${name}`);
	return openBytes(await exampleBytes(name), {
		exportName: meta.export,
		storage,
		settings: {
			config: meta.config ?? {},
			allowedHosts: meta.allowedHosts ?? [],
			...settings
		}
	});
}

/** UTF-8 bytes of a string. */
export const text = (s: string) => new TextEncoder().encode(s);
/** A string from UTF-8 bytes. */
export const str = (b: Uint8Array) => new TextDecoder().decode(b);

/** Assembles a WAT fixture (with `features` of wabt switched on) into module bytes. */
export async function wat(
	source: string,
	features: Record<string, boolean> = {}
): Promise<Uint8Array> {
	const wabt = await wabtInit();
	const module = wabt.parseWat('fixture.wat', source, features);
	try {
		return module.toBinary({}).buffer.slice();
	} finally {
		module.destroy();
	}
}

/** A stored call of `pluginId` with `logs` log events; odd ids succeed, even ones trap. */
export function finishedCall(pluginId: string, id: number, startedAt: number, logs = 1): CallTrace {
	return {
		id,
		pluginId,
		pluginName: `${pluginId} name`,
		export: 'run',
		startedAt,
		dropped: 0,
		events: [
			{ type: 'start', t: 0, export: 'run', input: { size: 1, head: Uint8Array.of(65) } },
			...Array.from({ length: logs }, (_, i) => ({
				type: 'log' as const,
				t: i,
				level: 'info' as const,
				source: 'host' as const,
				text: `line ${i}`
			})),
			{
				type: 'end',
				t: logs,
				status: id % 2 ? 'ok' : 'error',
				...(id % 2 ? {} : { error: { kind: 'trap', message: 'boom', hint: 'fix it' } }),
				duration: 2.5,
				inputSize: 1,
				outputSize: 3,
				memoryPages: 1
			}
		]
	};
}
