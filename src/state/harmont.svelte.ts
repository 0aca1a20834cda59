/**
 * Harmont manifests accepted in this page, by plugin session: Harmont's errors name a plugin by its
 * manifest, and two loaded plugins claiming one verb, runner or format conflict, as they did in hm.
 */
import { SvelteMap } from 'svelte/reactivity';
import { conflicts, type PluginConflict, type PluginManifest } from '../lib/abi/harmont/manifest';

/** Session id → the manifest its last hm_manifest call returned, when Harmont accepted it. */
const accepted = new SvelteMap<string, PluginManifest>();

/** Records a session's verdict: its accepted manifest, or none after a rejection. */
export function setAccepted(sessionId: string, manifest: PluginManifest | null): void {
	if (manifest) accepted.set(sessionId, manifest);
	else accepted.delete(sessionId);
}

/** The manifest Harmont accepted for a session, if any. */
export function acceptedManifest(sessionId: string): PluginManifest | null {
	return accepted.get(sessionId) ?? null;
}

/** `HmError::PluginConflict`s among the open sessions' accepted manifests, in opening order. */
export function conflictsAmong(sessionIds: readonly string[]): PluginConflict[] {
	return conflicts(sessionIds.flatMap((id) => accepted.get(id) ?? []));
}
