/**
 * Which workbench panes are shown: a per-browser preference, like the theme, kept in localStorage (it is
 * not part of a workspace or a link: a stranger's link should not hide a reader's panels).
 */

const KEY = 'plugin-playground:side-panel';

export class Panes {
	/** Whether the side panel (module, host functions, settings, KV, history) is collapsed. */
	sideCollapsed = $state(false);

	constructor() {
		try {
			this.sideCollapsed = localStorage.getItem(KEY) === 'collapsed';
		} catch {
			// Storage refused (private mode): start expanded.
		}
	}

	/** Collapses or expands the side panel and remembers it. */
	toggleSide(): void {
		this.sideCollapsed = !this.sideCollapsed;
		try {
			localStorage.setItem(KEY, this.sideCollapsed ? 'collapsed' : 'expanded');
		} catch {
			// Storage refused: the choice still holds for this page.
		}
	}
}
