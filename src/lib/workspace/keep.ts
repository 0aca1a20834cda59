/**
 * Which modules the workspace keeps across reloads (IndexedDB's blob store) and what it says about the rest.
 *
 * The limit is 16 MiB. Writing a module to IndexedDB structured-clones its bytes on the main thread before
 * the write leaves it: measured here, a 30 MB module's `put` held the page for about 100 ms on an idle machine
 * and over 250 ms on a busy one, against a 200 ms budget for any main-thread task; 16 MiB keeps that near
 * 50 ms. Quotas point the same way: Safari asks or evicts past about 1 GB per origin, private windows keep
 * storage in a small in-memory quota, and kept plugins share it with KV data and call history. Most plugins
 * are far smaller (the examples are kilobytes; Rust, Go and JavaScript PDK plugins a few MB); the ones above
 * (Python or .NET PDK builds) are told at load, and a workspace file or a URL brings them back.
 */
import { formatBytes } from '../bytes/encoding';
import type { PluginSource } from './types';

/** The largest module kept across reloads, in bytes. */
export const KEEP_LIMIT_BYTES = 16 * 1024 * 1024;

/** Whether a module of `size` bytes that loaded is written to storage to come back after a reload. */
export function keepable(size: number): boolean {
	return size <= KEEP_LIMIT_BYTES;
}

/**
 * What the user is told at load when a module will not come back after a reload, or null when it will: it is
 * small enough to keep, or its source (an example, a URL) is fetched again.
 */
export function keepNotice(source: PluginSource, size: number): string | null {
	if (keepable(size) || source.kind === 'example' || source.kind === 'url') return null;
	return `This ${formatBytes(size)} plugin is too large to keep: it will not come back after a reload (the playground keeps modules up to ${formatBytes(KEEP_LIMIT_BYTES)}). To keep it, use Workspaces → Export workspace to save a workspace file, or load it from a URL, which is fetched again on reload.`;
}
