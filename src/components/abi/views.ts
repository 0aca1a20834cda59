/**
 * Views a profile adds to the Hook ABI panel. A profile that wants its own puts them in
 * `src/components/abi/<id>/views.ts`, exporting `views: ProfileViews`; they are found by folder name, so
 * no list here needs editing. A profile without views gets the generic panel only.
 */
import type { Component } from 'svelte';
import type { Profile, TurnParticipant } from '../../lib/abi/profile';
import type { AbiState, HookCall } from '../../state/abi.svelte';
import type { PluginSession } from '../../state/plugin-session.svelte';
import type { Workspace } from '../../state/workspace.svelte';

/** What a profile's panel section gets: the plugin, its ABI state and the workspace. */
export interface AbiSectionProps {
	session: PluginSession;
	workspace: Workspace;
	profile: Profile;
	abi: AbiState;
}

/** The components a profile plugs into the panel; each is optional. */
export interface ProfileViews {
	/** What the host observed of a call beyond its output (Bifrost's memory protocol). */
	callFacts?: Component<{ call: HookCall }>;
	/** A whole turn's result, from the profile's `turn` capability. */
	turn?: Component<{ result: unknown; plugins: readonly TurnParticipant[] }>;
	/** A pipeline run, from the profile's `pipeline` capability. */
	pipeline?: Component<{ run: unknown }>;
	/** A section of its own at the end of the panel (a manifest check, a route table...). */
	section?: Component<AbiSectionProps>;
}

const found = import.meta.glob<{ views: ProfileViews }>('./*/views.ts', { eager: true });

/** The views of a profile, by its id (its folder name); none when it has no views.ts. */
export function viewsOf(id: string): ProfileViews {
	return found[`./${id}/views.ts`]?.views ?? {};
}
