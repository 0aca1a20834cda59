/**
 * The storage of an embedded view. It reads as empty and keeps nothing: an embed on someone else's page
 * never reads or writes the visitor's own workspaces, KV namespaces, history or saved plugins, and it needs
 * no storage at all, so a cross-site iframe whose storage the browser blocks works without alarms. Within
 * the page everything still works: KV lives in each session's memory until the page closes.
 */
import { Storage } from './storage';

/** What an empty database answers to each read; every other operation succeeds and keeps nothing. */
const EMPTY: { [K in keyof Storage]?: (...args: never[]) => object } = {
	kvList: () => ({ entries: new Map() }),
	kvReplay: () => ({ applied: 0 }),
	historyList: () => ({ summaries: [] }),
	historyTraces: (calls: readonly unknown[]) => ({ traces: calls.map(() => null) }),
	blobGet: () => ({ bytes: null }),
	workspaceGet: () => ({ value: undefined })
};

/** A `Storage` that touches no database (see above); `detached` is true on it. */
export function detachedStorage(): Storage {
	const target = new Storage('plugin-playground-embed', { detached: true });
	return new Proxy(target, {
		get(storage, property, receiver) {
			const value: unknown = Reflect.get(storage, property, receiver);
			if (typeof value !== 'function') return value;
			const empty = EMPTY[property as keyof Storage] as
				((...args: unknown[]) => object) | undefined;
			return async (...args: unknown[]) => ({ ok: true, ...(empty?.(...args) ?? {}) });
		}
	});
}
