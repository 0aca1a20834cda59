/**
 * A tool worker started on first use and kept for the next: the WAT tools and the compiler. Comlink waits
 * forever on a worker whose script failed to load or that crashed, so each call races the worker's failure.
 */
import * as Comlink from 'comlink';

export class LazyWorker<Api> {
	readonly #spawn: () => Worker;
	#worker: Worker | null = null;
	#api: Comlink.Remote<Api> | null = null;
	#failed: Promise<never> | null = null;

	/** `spawn` starts the worker (Vite bundles it from the `new URL(…)` inside). */
	constructor(spawn: () => Worker) {
		this.#spawn = spawn;
	}

	/** Runs `use` on the worker's API, starting the worker if needed; rejects when the worker fails. */
	call<R>(use: (api: Comlink.Remote<Api>) => Promise<R>): Promise<R> {
		if (!this.#api || !this.#failed) {
			const worker = this.#spawn();
			this.#failed = new Promise((_, reject) =>
				worker.addEventListener('error', (event) =>
					reject(new Error(event.message || 'its script did not load'))
				)
			);
			// Nobody may be waiting when it fails; the next call sees it through the race.
			this.#failed.catch(() => {});
			this.#worker = worker;
			this.#api = Comlink.wrap<Api>(worker);
		}
		return Promise.race([use(this.#api), this.#failed]);
	}

	/** Stops the worker; the next call starts a new one. */
	stop(): void {
		this.#worker?.terminate();
		this.#worker = null;
		this.#api = null;
		this.#failed = null;
	}
}
