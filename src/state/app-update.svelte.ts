/**
 * The offline service worker's side on the page: registers it (built pages only), and says when a new
 * version of the playground has been downloaded and waits. Nothing swaps code under a running session:
 * the new version starts when the person presses Reload.
 */
import { registerSW } from 'virtual:pwa-register';

export class AppUpdate {
	/** True once a new version is installed and waiting for a reload. */
	ready = $state(false);
	/** True once the app shell is cached, so the page works without a network from now on. */
	offlineReady = $state(false);
	/** Activates the waiting version and reloads the page. */
	#update: ((reload?: boolean) => Promise<void>) | null = null;

	/** Registers the service worker; does nothing where service workers are unavailable. */
	start(): void {
		if (!('serviceWorker' in navigator)) return;
		this.#update = registerSW({
			onNeedRefresh: () => {
				this.ready = true;
			},
			onOfflineReady: () => {
				this.offlineReady = true;
			}
		});
	}

	/** Reloads into the new version. */
	async reload(): Promise<void> {
		await this.#update?.(true);
	}
}
