import { formatBytes } from '../bytes/encoding';
import { PAGE_SIZE } from '../wasm/types';

/**
 * What a live Extism block costs beyond its bytes: the ArrayBuffer, DataView and Block objects the SDK
 * makes for each. Without it a loop of 1-byte allocations would hold hundreds of bytes each, uncounted.
 */
export const BLOCK_OVERHEAD = 256;

/**
 * What every allocation of a call costs until the call ends, freed or not: the SDK's block table only grows
 * within a call (a slot per block), and is cut back when the next call starts.
 */
export const SLOT_BYTES = 8;

/**
 * How much linear memory grew since instantiation, in bytes: what counts against Max memory. Native Extism
 * applies `memory.max_pages` as a budget for all memory growth from instantiation on (the plugin's own and
 * the kernel's, where input and blocks live), so a module that starts at 17 pages runs with max_pages 17
 * and a 128 KiB input (Extism's test_memory_max); the initial memory must only fit the cap.
 */
export function grownBytes(pages: number | null, initialPages: number): number {
	return Math.max(0, (pages ?? 0) - initialPages) * PAGE_SIZE;
}

/**
 * Why an input cannot be handed to a plugin under `maxPages`, or null when it fits: native Extism places the
 * input in the kernel's memory, which counts against `memory.max_pages`, so an input larger than the cap
 * fails with "oom" there. Checked before the call, so the error names the input instead of a later trap.
 */
export function inputRefusal(bytes: number, maxPages: number | null): CapRefusal | null {
	if (maxPages === null || bytes <= maxPages * PAGE_SIZE) return null;
	return {
		message: `The input (${formatBytes(bytes)}) is larger than Max memory (${maxPages} pages, ${formatBytes(maxPages * PAGE_SIZE)}): as in native Extism, the input is memory the plugin holds, so it cannot be handed over.`,
		hint: MAX_MEMORY_HINT
	};
}

/** The hint of every Max memory refusal. */
export const MAX_MEMORY_HINT =
	'Raise "Max memory" in Host settings if the plugin really needs more; otherwise find what keeps growing (Extism blocks live until the plugin frees them or the call ends).';

/** A refusal: what would have passed the cap, for the call's error. */
export interface CapRefusal {
	message: string;
	hint: string;
}

/**
 * Counts what one plugin holds outside its linear memory, which the engine caps on its own: Extism blocks
 * (from `alloc` and from host functions that store a value) and vars. Each request is admitted only when
 * the growth of linear memory since instantiation (`grownBytes`) + the call's input (which native Extism
 * keeps in the kernel's memory) + blocks + vars + the request fit the plugin's Max memory. Blocks freed behind the ledger's
 * back (the SDK frees log and key blocks, a new call drops them all) are found by asking the block's
 * current length (`lengthOf`) whenever the count nears the cap, so the count only ever errs high, briefly.
 */
export class MemoryLedger {
	/** Counted blocks by index: their bytes plus `BLOCK_OVERHEAD`. */
	#blocks = new Map<number, number>();
	#blockBytes = 0;
	/** The highest block index handed out: the SDK's block table has this many slots. */
	#slots = 0;
	#vars = new Map<string, number>();
	#varBytes = 0;

	/** What the plugin holds now, besides linear memory. */
	get held(): { blocks: number; vars: number } {
		return { blocks: this.#blockBytes + this.#slots * SLOT_BYTES, vars: this.#varBytes };
	}

	/**
	 * Admits a new block of `bytes` (or a var change of `bytes` more) when everything fits `cap`; returns
	 * the refusal otherwise. `what` names the request in the message.
	 */
	admit(
		request: { bytes: number; what: string },
		linear: number,
		cap: number,
		lengthOf: (index: number) => number,
		input = 0
	): CapRefusal | null {
		if (this.#total(linear + input, request.bytes) <= cap) return null;
		this.#prune(lengthOf);
		const total = this.#total(linear + input, request.bytes);
		if (total <= cap) return null;
		const { blocks, vars } = this.held;
		const given = input > 0 ? `, the input ${formatBytes(input)}` : '';
		return {
			message: `Max memory (${formatBytes(cap)}) reached: ${request.what} would bring the plugin to ${formatBytes(total)} (linear memory grown by ${formatBytes(linear)} since it started${given}, Extism blocks ${formatBytes(blocks)} in ${this.#blocks.size} live blocks, vars ${formatBytes(vars)}).`,
			hint: MAX_MEMORY_HINT
		};
	}

	/** Counts a block the SDK handed out at `index` (a block at a reused index replaces the old one). */
	track(index: number, bytes: number): void {
		this.#blockBytes += bytes + BLOCK_OVERHEAD - (this.#blocks.get(index) ?? 0);
		this.#blocks.set(index, bytes + BLOCK_OVERHEAD);
		this.#slots = index + 1;
	}

	/** The change in var bytes that setting `key` to `bytes` bytes (null: deleting it) makes. */
	varDelta(key: string, bytes: number | null): number {
		return (bytes ?? 0) - (this.#vars.get(key) ?? 0);
	}

	/** Records a var set (or deleted, with null). */
	setVar(key: string, bytes: number | null): void {
		this.#varBytes += this.varDelta(key, bytes);
		if (bytes === null) this.#vars.delete(key);
		else this.#vars.set(key, bytes);
	}

	#total(linear: number, extra: number): number {
		return linear + this.held.blocks + this.#varBytes + extra;
	}

	/** Drops blocks whose slot is empty or holds another block now. */
	#prune(lengthOf: (index: number) => number): void {
		for (const [index, counted] of this.#blocks) {
			if (lengthOf(index) + BLOCK_OVERHEAD === counted) continue;
			this.#blocks.delete(index);
			this.#blockBytes -= counted;
		}
	}
}
