// Steps most e2e specs share, done the way a person does them.
import type { Page } from '@playwright/test';
import { expect } from './fixtures';

/** Picks an example in the Example select and waits until its tab is the one shown and it can run. */
export async function pickExample(page: Page, title: string) {
	await page.getByRole('combobox', { name: 'Example' }).selectOption({ label: title });
	// With a plugin already open, Run is enabled before the new one is shown: wait for its tab (the
	// newest one, when the same example is open twice).
	await expect(
		page
			.getByRole('navigation', { name: 'Loaded plugins' })
			.getByRole('button', { name: title, exact: true })
			.last()
	).toHaveAttribute('aria-current', 'page');
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
}
