/** StudioBrain's views in the Hook ABI panel: host vars, and list_routes → route → handle_request. */
import type { ProfileViews } from '../views';
import StudioBrainSection from './StudioBrainSection.svelte';

/** StudioBrain adds a section of its own. */
export const views: ProfileViews = { section: StudioBrainSection };
