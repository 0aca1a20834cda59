// Helpers for raw-ABI plugins (Bifrost's), which the host calls without Extism: the plugin exports its
// own allocator, reads JSON from (ptr, len) pairs and answers with a packed u64, (ptr << 32) | len.
// A source that imports this file builds with `rawAbort` below instead of the Extism abort handler
// (src/lib/source/project.ts), so the module imports nothing.

/** Allocates `size` bytes for the host to write into; 0 when out of memory is impossible here (it traps). */
export function malloc(size: u32): u32 {
	return u32(heap.alloc(usize(size)));
}

/** Frees a block from `malloc`, once the host has read it. */
export function free(ptr: u32): void {
	if (ptr != 0) heap.free(usize(ptr));
}

/** Reads the UTF-8 text the host wrote at (ptr, len). */
export function readText(ptr: u32, len: u32): string {
	return String.UTF8.decodeUnsafe(usize(ptr), usize(len));
}

/** Copies `text` into a fresh block and packs it as (ptr << 32) | len; the host frees it. */
export function packText(text: string): u64 {
	const bytes = Uint8Array.wrap(String.UTF8.encode(text));
	const ptr = malloc(u32(bytes.length));
	memory.copy(usize(ptr), bytes.dataStart, usize(bytes.length));
	return (u64(ptr) << 32) | u64(bytes.length);
}

// A raw-ABI plugin has no host to report to: a failed assertion or out-of-memory just traps.
// eslint-disable-next-line @typescript-eslint/no-unused-vars
function rawAbort(message: string | null, file: string | null, line: u32, column: u32): void {
	unreachable();
}
