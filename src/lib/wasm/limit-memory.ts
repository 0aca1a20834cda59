import { formatBytes } from '../bytes/encoding';
import { fail, type Result } from '../errors';
import { MEMORY_FLAGS, parseModule } from './inspect';
import { PAGE_SIZE, type MemoryInfo } from './types';

/** The most pages a 32-bit memory can have (4 GiB). */
export const MAX_WASM32_PAGES = 65536;

const MEMORY_SECTION = 5;

function uleb(value: number): number[] {
	const out: number[] = [];
	let rest = value;
	do {
		const low = rest % 128;
		rest = Math.floor(rest / 128);
		out.push(rest > 0 ? low | 0x80 : low);
	} while (rest > 0);
	return out;
}

function pages(n: number): string {
	return `${n} page${n === 1 ? '' : 's'} (${formatBytes(n * PAGE_SIZE)})`;
}

/**
 * What to do when a module's memories start with `minimum` pages in all, more than the limit: raise the
 * limit when it can go that high; it cannot go past a 32-bit memory's maximum.
 */
function raiseLimitHint(minimum: number, memories: readonly MemoryInfo[]): string {
	if (minimum <= MAX_WASM32_PAGES) {
		return `Raise the memory limit in Host settings to at least ${minimum} pages, or rebuild the plugin with a smaller initial memory.`;
	}
	const invalid = memories.some((m) => !m.memory64 && m.minPages > MAX_WASM32_PAGES);
	return [
		`The memory limit in Host settings goes up to ${MAX_WASM32_PAGES} pages (4 GiB), the most a 32-bit memory can have, so it cannot be raised that far.`,
		invalid
			? 'A 32-bit memory that starts larger is invalid: no WebAssembly engine instantiates it.'
			: '',
		memories.some((m) => m.memory64)
			? 'A 64-bit memory (memory64) may grow past 4 GiB, but not under the playground’s limit.'
			: '',
		`Rebuild the plugin to start with at most ${MAX_WASM32_PAGES} pages of memory in all.`
	]
		.filter(Boolean)
		.join(' ');
}

/**
 * Splits `cap` pages among memories that start at `min` pages and may grow by `wants` more (Infinity when
 * unbounded): the sum of the maximums never passes the cap. Memories that want less than an equal share get
 * what they want; the rest share what is left equally (water-filling). Returns each memory's maximum.
 */
export function shareCap(
	memories: readonly { min: number; wants: number }[],
	cap: number
): number[] {
	const headroom = cap - memories.reduce((sum, m) => sum + m.min, 0);
	const order = memories.map((_, i) => i).sort((a, b) => memories[a].wants - memories[b].wants);
	const max = memories.map((m) => m.min);
	let left = headroom;
	order.forEach((index, rank) => {
		const given = Math.min(memories[index].wants, Math.floor(left / (order.length - rank)));
		max[index] += given;
		left -= given;
	});
	return max;
}

/**
 * Caps the memories the module defines so that together they grow by at most `maxPages` pages beyond their
 * initial size, as `memory.max_pages` bounds growth from instantiation on in native Extism; the initial
 * memory must itself fit in `maxPages` (native Extism fails such a module with "oom"). One memory gets the
 * whole growth; several share it (`shareCap`); no 32-bit memory goes past 4 GiB. 32- and 64-bit (memory64, u64 limits) and shared
 * memories are all rewritten; a module that wants more than the cap at start, or whose memory uses a custom
 * page size (which the cap, counted in 64 KiB pages, cannot bound), is refused. Imported memories stay as
 * they are: nothing in the playground provides one, so such a module does not link. `before` is the first
 * defined memory as it was (the first imported one when the module defines none), or null when the module
 * has no memory. Never throws.
 */
export function limitMemory(
	bytes: Uint8Array,
	maxPages: number
): Result<{ bytes: Uint8Array; changed: boolean; before: MemoryInfo | null }> {
	if (!Number.isInteger(maxPages) || maxPages < 0 || maxPages > MAX_WASM32_PAGES) {
		return fail(
			'limit',
			`The memory limit must be a whole number of pages from 0 to ${MAX_WASM32_PAGES}; it is ${maxPages}.`,
			'Set the memory limit in Host settings to a whole number of 64 KiB pages.'
		);
	}
	const parsed = parseModule(bytes);
	if (!parsed.ok) return parsed;
	const { info, layout } = parsed;
	const before = info.memories.find((m) => !m.imported) ?? info.memories[0] ?? null;
	const unchanged = { ok: true as const, bytes, changed: false, before };

	const entries = layout.memoryEntries;
	const custom = entries.findIndex((e) => (e.flags & MEMORY_FLAGS.customPageSize) !== 0);
	if (custom >= 0) {
		return fail(
			'limit',
			`Memory ${custom} of the module uses a custom page size, so the memory limit (${pages(maxPages)}) cannot bound it.`,
			'Rebuild the plugin with the standard 64 KiB pages.'
		);
	}
	const minimum = entries.reduce((sum, e) => sum + e.info.minPages, 0);
	if (minimum > maxPages) {
		const what = entries.length > 1 ? `module's ${entries.length} memories ask` : 'module asks';
		return fail(
			'limit',
			`The ${what} for at least ${pages(minimum)} of memory but the limit is ${pages(maxPages)}.`,
			raiseLimitHint(
				minimum,
				entries.map((e) => e.info)
			)
		);
	}
	const caps = shareCap(
		entries.map(({ info: m }) => ({
			min: m.minPages,
			wants: Math.min(
				m.maxPages === null ? Infinity : m.maxPages - m.minPages,
				m.memory64 ? Infinity : MAX_WASM32_PAGES - m.minPages
			)
		})),
		minimum + maxPages
	);
	const encoded: number[][] = [];
	let changed = false;
	entries.forEach((entry, i) => {
		const { minPages, maxPages: max } = entry.info;
		const cap = caps[i];
		if (max !== null && max <= cap) {
			encoded.push([...bytes.subarray(entry.start, entry.end)]);
			return;
		}
		changed = true;
		// The same LEB128 encoding serves u32 and u64 (memory64) limits; the flags keep the index type.
		encoded.push([entry.flags | MEMORY_FLAGS.hasMax, ...uleb(minPages), ...uleb(cap)]);
	});
	const sections = layout.sections.filter((s) => s.id === MEMORY_SECTION);
	const section = sections[0];
	if (!changed || !section) return unchanged;
	if (sections.length > 1) {
		return fail(
			'load',
			`The module is malformed: it has ${sections.length} memory sections, but a module may have only one.`,
			'The module is corrupt: build it again.'
		);
	}

	const content = [...uleb(entries.length), ...encoded.flat()];
	const header = [MEMORY_SECTION, ...uleb(content.length)];
	const out = new Uint8Array(
		bytes.length - (section.end - section.start) + header.length + content.length
	);
	out.set(bytes.subarray(0, section.start), 0);
	out.set(header, section.start);
	out.set(content, section.start + header.length);
	out.set(bytes.subarray(section.end), section.start + header.length + content.length);
	return { ok: true, bytes: out, changed: true, before };
}
