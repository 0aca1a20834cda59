/** Bub's views in the Hook ABI panel: a whole turn, stage by stage. */
import type { ProfileViews } from '../views';
import AbiTurn from './AbiTurn.svelte';

/** Found by folder name (see ../views.ts). */
export const views: ProfileViews = { turn: AbiTurn };
