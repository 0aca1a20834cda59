/**
 * One plugin host worker kept booted ahead of need. Starting a worker (evaluating the host and the Extism
 * SDK) takes 20–40 ms; opening a plugin, or bringing up a session's standby, takes the spare instead, and a
 * new spare boots when the page is next idle. Only `PluginSession` takes workers from here.
 */
import * as Comlink from 'comlink';
import type { PluginHostApi } from '../../workers/protocol';

/** A plugin host worker and its Comlink proxy. */
export interface HostWorker {
	worker: Worker;
	host: Comlink.Remote<PluginHostApi>;
}

/** How long an idle callback may wait before the next spare boots anyway, ms. */
const IDLE_TIMEOUT_MS = 1000;

let spare: HostWorker | null = null;
let booting = false;

/** Starts a plugin host worker and warms it (its answer means the script ran). Vite bundles the URL. */
function spawn(): HostWorker {
	const worker = new Worker(new URL('../../workers/plugin-host.ts', import.meta.url), {
		type: 'module',
		name: 'plugin-host'
	});
	const host = Comlink.wrap<PluginHostApi>(worker);
	// Not awaited: a load sent meanwhile queues behind the warm-up in the worker.
	host.warm().catch(() => {});
	return { worker, host };
}

/** Boots a spare once the page is idle, unless there is one (then nothing): the first plugin opened is warm. */
export function keepSpare(): void {
	replenish();
}

/** Boots the next spare once the page is idle (at the next task where idle callbacks do not exist). */
function replenish(): void {
	if (spare || booting) return;
	booting = true;
	whenIdle(() => {
		booting = false;
		spare ??= spawn();
	});
}

/** Runs `work` once the page is idle (at the next task where idle callbacks do not exist). */
export function whenIdle(work: () => void): void {
	if (typeof requestIdleCallback === 'function') {
		requestIdleCallback(work, { timeout: IDLE_TIMEOUT_MS });
	} else {
		setTimeout(work, 0);
	}
}

/** A booted worker when one is spare (else a new one); the caller owns it and terminates it. */
export function takeWorker(): HostWorker {
	const taken = spare ?? spawn();
	spare = null;
	replenish();
	return taken;
}
