/**
 * The WAT view's state: owns the WAT tools worker (started the first time a view opens, then reused), keeps
 * the text of recently viewed modules so reopening one is instant, and says which module is shown, how far
 * its conversion got and where to scroll.
 */
import * as Comlink from 'comlink';
import type { PlaygroundError } from '../lib/errors';
import type { WatToolsApi } from '../../workers/wat-protocol';
import { LazyWorker } from './lazy-worker';

/** One module the view can show. A plugin may have several; the view shows one at a time. */
export interface WatModule {
	/** Display name (the plugin's, or the module's within a manifest). */
	name: string;
	/** The module's bytes; copied before they are sent to the worker, so the caller keeps them. */
	bytes: Uint8Array;
	/** The bytes' sha256, when known: the cache key. Without it, the bytes array itself is the key. */
	sha256?: string | null;
}

/** Where the view is: nothing asked yet, converting, showing text, or showing an error. */
export type WatStatus = 'idle' | 'loading' | 'ready' | 'failed';

/** Figures for the status line. */
export interface WatStats {
	/** The module's size, bytes. */
	moduleBytes: number;
	/** The WAT text's size, characters (which are bytes: the text is ASCII). */
	watChars: number;
	/** The WAT text's lines. */
	lines: number;
	/** How long the conversion took, ms; 0 when the text came from the cache. */
	ms: number;
}

/** A place in the text to scroll to and highlight: an export or an import, by name. */
export type WatTarget =
	{ kind: 'export'; name: string } | { kind: 'import'; module: string; name: string };

/** A cached conversion. */
interface Converted {
	text: string;
	lines: number;
}

/** The cache keeps the texts of recent modules up to this many characters in all (and always the last one). */
const CACHE_CHARS = 96 * 1024 * 1024;

/** Starts the WAT tools worker. Vite bundles the worker, and wabt with it, from this URL. */
function spawnWorker(): Worker {
	return new Worker(new URL('../../workers/wat-tools.ts', import.meta.url), {
		type: 'module',
		name: 'wat-tools'
	});
}

export class WatView {
	/** The modules on offer (one per module of the plugin). */
	modules = $state.raw<readonly WatModule[]>([]);
	/** Which of `modules` is shown. */
	index = $state(0);
	/** Where the conversion of the shown module is. */
	status = $state<WatStatus>('idle');
	/** The shown module's WAT text, once converted. */
	text = $state.raw<string | null>(null);
	/** Why the shown module could not be converted. */
	error = $state.raw<PlaygroundError | null>(null);
	/** Figures of the shown text. */
	stats = $state.raw<WatStats | null>(null);
	/**
	 * Where to scroll once the text is shown, with a number that changes on each request, so asking for the
	 * same place again scrolls there again.
	 */
	target = $state.raw<{ at: WatTarget; seq: number } | null>(null);

	readonly #worker = new LazyWorker<WatToolsApi>(spawnWorker);
	/** Converted texts by key, least recently used first. */
	#cache = new Map<string, Converted>();
	/** Keys for modules without a hash, by their bytes array. */
	#ids = new WeakMap<Uint8Array, string>();
	#nextId = 0;
	/** Increases with each conversion asked for, so a late answer for another module is dropped. */
	#run = 0;
	#targetSeq = 0;

	/** The module shown, if any. */
	get module(): WatModule | null {
		return this.modules[this.index] ?? null;
	}

	/** Shows `modules[index]`, scrolled to `target` when given; converts it unless it is cached. */
	show(modules: readonly WatModule[], index = 0, target: WatTarget | null = null): Promise<void> {
		this.modules = modules;
		this.target = target ? { at: target, seq: ++this.#targetSeq } : null;
		return this.select(index);
	}

	/** Shows another of the modules on offer. */
	async select(index: number): Promise<void> {
		const module = this.modules[index];
		if (!module) return;
		const run = ++this.#run;
		this.index = index;
		const key = this.#key(module);
		const cached = this.#cache.get(key);
		if (cached) {
			// Most recently used goes last, so it is evicted last.
			this.#cache.delete(key);
			this.#cache.set(key, cached);
			this.#showText(module, cached, 0);
			return;
		}
		this.status = 'loading';
		this.text = null;
		this.error = null;
		this.stats = null;
		const copy = module.bytes.slice();
		let result: Awaited<ReturnType<WatToolsApi['toWat']>>;
		try {
			result = await this.#worker.call<typeof result>((api) =>
				api.toWat(Comlink.transfer(copy, [copy.buffer]))
			);
		} catch (error) {
			// The worker failed to start or died (out of memory on a huge module): start afresh next time.
			this.#worker.stop();
			result = {
				ok: false,
				error: {
					kind: 'load',
					message: `The WAT converter stopped: ${error instanceof Error ? error.message : String(error)}.`,
					hint: 'Close other tabs to free memory, then open the WAT view again.'
				}
			};
		}
		if (run !== this.#run) return;
		if (!result.ok) {
			this.status = 'failed';
			this.error = result.error;
			return;
		}
		const converted = { text: new TextDecoder().decode(result.text), lines: result.lines };
		this.#remember(key, converted);
		this.#showText(module, converted, result.ms);
	}

	/** Stops the worker and forgets the cached texts. */
	dispose(): void {
		this.#run++;
		this.#worker.stop();
		this.#cache.clear();
	}

	#showText(module: WatModule, converted: Converted, ms: number): void {
		this.text = converted.text;
		this.error = null;
		this.stats = {
			moduleBytes: module.bytes.byteLength,
			watChars: converted.text.length,
			lines: converted.lines,
			ms
		};
		this.status = 'ready';
	}

	#key(module: WatModule): string {
		if (module.sha256) return `sha256:${module.sha256}`;
		let id = this.#ids.get(module.bytes);
		if (id === undefined) {
			id = `bytes:${this.#nextId++}`;
			this.#ids.set(module.bytes, id);
		}
		return id;
	}

	#remember(key: string, converted: Converted): void {
		this.#cache.set(key, converted);
		let total = 0;
		for (const entry of this.#cache.values()) total += entry.text.length;
		for (const [old, entry] of this.#cache) {
			if (total <= CACHE_CHARS || old === key) break;
			this.#cache.delete(old);
			total -= entry.text.length;
		}
	}
}
