/** Harmont's views in the Hook ABI panel: the manifest check, capabilities and host functions. */
import type { ProfileViews } from '../views';
import HarmontSection from './HarmontSection.svelte';

/** Harmont adds a section of its own. */
export const views: ProfileViews = { section: HarmontSection };
