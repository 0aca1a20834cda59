/**
 * One tab owns a KV namespace at a time. Each namespace has two Web Locks: `kv-ns:<name>`, held by the
 * owning tab (another tab takes it with `steal`), and `kv-drain:<name>`, which the owner releases only once
 * every write it made is in IndexedDB (or in a log recovery can replay). A tab that gains the namespace
 * waits for the drain lock before reloading, so it never reads a namespace the last owner is still writing.
 * Sessions of one tab share their tab's hold. Without Web Locks every tab simply owns every namespace.
 */
import type { KvAccess } from '../lib/kv/access';

/** What a namespace's lock asks of a session that uses it. */
export interface NamespaceMember {
	/** This tab gained the namespace: reload it (the last owner's writes are all stored). */
	gained(): Promise<void>;
	/** This tab lost or left the namespace: finish storing its writes; the next owner waits for this. */
	drain(): Promise<void>;
	/** The session's access changed. */
	changed(access: KvAccess): void;
}

/** A session's place in its namespace's lock. */
export interface NamespaceMembership {
	/** Takes the namespace from the tab that owns it. */
	takeOver(): void;
	/** Stops using the namespace; the lock goes when the tab's last session leaves. */
	leave(): void;
}

/** This tab's hold on one namespace. */
class Hold {
	readonly members = new Set<NamespaceMember>();
	access: KvAccess = 'checking';
	readonly #name: string;
	/** Counts grants, so work for a grant that was lost meanwhile stops. */
	#epoch = 0;
	#release: (() => void) | null = null;
	/** Resolves with the release of the drain lock, once held; null when this tab does not want it. */
	#drainLock: Promise<() => void> | null = null;
	/** Cancels a request waiting for the other tab to let go. */
	#waiting: AbortController | null = null;

	constructor(name: string) {
		this.#name = name;
	}

	/** Asks for the namespace; takes it at once when free, otherwise waits in line for it. */
	async start() {
		if (await this.#request({ ifAvailable: true })) return;
		this.#set('elsewhere');
		this.#waiting = new AbortController();
		void this.#request({ signal: this.#waiting.signal });
	}

	takeOver() {
		this.#waiting?.abort();
		this.#waiting = null;
		void this.#request({ steal: true });
	}

	/** The tab's last session left: let the namespace go once its writes are stored. */
	async close() {
		this.#epoch++;
		this.#waiting?.abort();
		this.#release?.();
		this.#release = null;
		await this.#drain();
	}

	/** Requests the namespace lock; true when granted, false when busy (ifAvailable) or cancelled. */
	#request(options: LockOptions): Promise<boolean> {
		return new Promise<boolean>((answered) => {
			let epoch = -1;
			navigator.locks
				.request(`kv-ns:${this.#name}`, options, (lock) => {
					answered(lock !== null);
					if (!lock) return;
					epoch = ++this.#epoch;
					return new Promise<void>((release) => {
						this.#release = release;
						void this.#gained(epoch);
					});
				})
				.catch(() => {
					answered(false);
					// Rejected after the grant: another tab stole the lock.
					if (epoch !== -1 && epoch === this.#epoch) void this.#lost();
				});
		});
	}

	async #gained(epoch: number) {
		this.#set('syncing');
		await this.#acquireDrain();
		// Lost again while waiting: `#lost` drains and lets the drain lock go.
		if (epoch !== this.#epoch) return;
		await Promise.all([...this.members].map((m) => m.gained()));
		if (epoch === this.#epoch) this.#set('owned');
	}

	async #lost() {
		this.#epoch++;
		this.#release = null;
		this.#set('taken');
		await this.#drain();
	}

	/** Resolves with the drain lock's release once this tab holds it; asks only once per hold. */
	#acquireDrain(): Promise<() => void> {
		this.#drainLock ??= new Promise((granted) => {
			void navigator.locks.request(
				`kv-drain:${this.#name}`,
				() => new Promise<void>((release) => granted(release))
			);
		});
		return this.#drainLock;
	}

	/** Waits for every member's writes to be stored, then lets the next owner in. */
	async #drain() {
		const held = this.#drainLock;
		if (!held) return;
		// Forgotten first: a new grant meanwhile queues behind this drain instead of reusing its lock.
		this.#drainLock = null;
		const release = await held;
		await Promise.all([...this.members].map((m) => m.drain()));
		release();
	}

	#set(access: KvAccess) {
		this.access = access;
		for (const member of this.members) member.changed(access);
	}
}

const holds = new Map<string, Hold>();

/** Joins this tab's use of `namespace`; `member.changed` reports the access at once and on each change. */
export function joinNamespace(namespace: string, member: NamespaceMember): NamespaceMembership {
	if (typeof navigator === 'undefined' || typeof navigator.locks?.request !== 'function') {
		member.changed('owned');
		return { takeOver: () => {}, leave: () => {} };
	}
	let hold = holds.get(namespace);
	const fresh = !hold;
	if (!hold) holds.set(namespace, (hold = new Hold(namespace)));
	hold.members.add(member);
	member.changed(hold.access);
	if (fresh) void hold.start();
	const joined = hold;
	return {
		takeOver: () => joined.takeOver(),
		leave: () => {
			if (!joined.members.has(member)) return;
			if (joined.members.size === 1) {
				holds.delete(namespace);
				// The leaving session is still a member while the hold drains its writes.
				void joined.close().then(() => joined.members.delete(member));
			} else {
				joined.members.delete(member);
			}
		}
	};
}
