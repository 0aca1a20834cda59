import { formatBytes } from '../bytes/encoding';
import { fail, type Result } from '../errors';
import { MEMORY_FLAGS, parseModule, type MemoryEntry } from './inspect';
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

/** Whether `limitMemory` can rewrite this entry; shared, 64-bit and custom-page memories are left as they are. */
function rewritable(entry: MemoryEntry): boolean {
	const skip = MEMORY_FLAGS.shared | MEMORY_FLAGS.memory64 | MEMORY_FLAGS.customPageSize;
	return (entry.flags & skip) === 0;
}

/**
 * Lowers the maximum of every memory the module defines to at most `maxPages`, so the guest's own
 * `memory.grow` fails past the cap. `before` is the first defined memory as it was (the first imported
 * one when the module defines none), or null when the module has no memory. Never throws.
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
	const encoded: number[][] = [];
	let changed = false;
	for (const entry of entries) {
		const { minPages, maxPages: max } = entry.info;
		if (rewritable(entry) && minPages > maxPages) {
			return fail(
				'limit',
				`The module asks for at least ${pages(minPages)} of memory but the limit is ${pages(maxPages)}.`,
				`Raise the memory limit in Host settings to at least ${minPages} pages, or rebuild the plugin with a smaller initial memory.`
			);
		}
		if (!rewritable(entry) || (max !== null && max <= maxPages)) {
			encoded.push([...bytes.subarray(entry.start, entry.end)]);
			continue;
		}
		changed = true;
		encoded.push([entry.flags | MEMORY_FLAGS.hasMax, ...uleb(minPages), ...uleb(maxPages)]);
	}
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
