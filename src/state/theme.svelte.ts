/**
 * The colour theme: follows the system unless the user picked one. The choice lives in localStorage (a
 * preference read synchronously before the first paint, so the page never flashes the wrong theme).
 */

/** What the user chose. */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'plugin-playground:theme';
const ORDER: readonly ThemeChoice[] = ['system', 'light', 'dark'];

export class Theme {
	/** The user's choice. */
	choice = $state<ThemeChoice>('system');
	/** Whether the system asks for dark. */
	#systemDark = $state(false);

	/** The theme in force. */
	get effective(): 'light' | 'dark' {
		if (this.choice === 'system') return this.#systemDark ? 'dark' : 'light';
		return this.choice;
	}

	constructor() {
		const saved = readChoice();
		if (saved) this.choice = saved;
		const query =
			typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
		this.#systemDark = query?.matches ?? false;
		query?.addEventListener('change', (e) => {
			this.#systemDark = e.matches;
			this.apply();
		});
		this.apply();
	}

	/** Moves to the next choice: system → light → dark → system. */
	cycle(): void {
		this.choice = ORDER[(ORDER.indexOf(this.choice) + 1) % ORDER.length];
		try {
			localStorage.setItem(KEY, this.choice);
		} catch {
			// Storage refused (private mode): the choice still holds for this page.
		}
		this.apply();
	}

	/** Puts the theme on <html> for the CSS. */
	apply(): void {
		document.documentElement.dataset.theme = this.effective;
	}
}

function readChoice(): ThemeChoice | null {
	try {
		const value = localStorage.getItem(KEY);
		return ORDER.includes(value as ThemeChoice) ? (value as ThemeChoice) : null;
	} catch {
		return null;
	}
}
