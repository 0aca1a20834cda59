/**
 * Whether this tab may run plugins on a KV namespace. One tab owns a namespace at a time (a Web Lock per
 * namespace, see src/state/namespace-locks.ts): two tabs writing one namespace from stale caches would lose
 * updates silently. These are the states and what the Call panel says about each.
 */
import { EXTISM_USER, type ImportInfo } from '../wasm/types';

/**
 * `checking`: asking for the lock. `syncing`: the lock is ours; waiting for the last owner's writes and
 * reloading. `owned`: Run may write. `elsewhere`: another tab owns it. `taken`: another tab took it from us.
 */
export type KvAccess = 'checking' | 'syncing' | 'owned' | 'elsewhere' | 'taken';

/** What the Call panel says while Run is off because of the namespace lock; null when Run may write. */
export function kvAccessNotice(access: KvAccess, namespace: string): string | null {
	switch (access) {
		case 'owned':
			return null;
		case 'checking':
			return `Checking whether another tab uses the KV namespace "${namespace}"…`;
		case 'syncing':
			return `Loading the latest data of the KV namespace "${namespace}" (waiting for the other tab to save its writes)…`;
		case 'elsewhere':
			return `This KV namespace ("${namespace}") is in use in another tab. Run is off here so the two tabs cannot overwrite each other's data: take it over to run here (the other tab then stops using it), or pick another namespace in Host settings.`;
		case 'taken':
			return `This KV namespace ("${namespace}") was taken over by another tab, so Run is off here. Take it over to use it here again: its latest data is loaded first.`;
	}
}

/** Whether the user can take the namespace over in this state. */
export const canTakeOver = (access: KvAccess): boolean =>
	access === 'elsewhere' || access === 'taken';

/** Host functions (in `extism:host/user`) that write the KV store: the playground's and Harmont's. */
export const KV_WRITERS: ReadonlySet<string> = new Set([
	'kv_write',
	'hm_kv_set',
	'hm_keyring_set',
	'hm_keyring_delete'
]);

/** Host functions that only read the KV store. */
const KV_READERS: ReadonlySet<string> = new Set(['kv_read', 'hm_kv_get', 'hm_keyring_get']);

/** Whether a module can read or write KV at all: only then does its tab need to own the namespace. */
export const usesKv = (imports: readonly ImportInfo[]): boolean =>
	imports.some(
		(i) => i.module === EXTISM_USER && (KV_READERS.has(i.name) || KV_WRITERS.has(i.name))
	);
