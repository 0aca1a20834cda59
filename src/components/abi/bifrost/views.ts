/** Bifrost's views in the Hook ABI panel: the memory protocol of a call, and a pipeline run. */
import type { ProfileViews } from '../views';
import AbiMemoryFacts from './AbiMemoryFacts.svelte';
import AbiPipeline from './AbiPipeline.svelte';

/** Found by folder name (see ../views.ts). */
export const views: ProfileViews = { callFacts: AbiMemoryFacts, pipeline: AbiPipeline };
