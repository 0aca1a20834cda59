import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { expectNoSeriousViolations } from './axe';

async function openApp(page: Page) {
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

for (const colorScheme of ['light', 'dark'] as const) {
	test.describe(`${colorScheme} theme`, () => {
		test.use({ colorScheme });

		test('the empty playground has no serious accessibility violations', async ({ page }) => {
			await openApp(page);
			await expectNoSeriousViolations(page, 'empty');
		});

		test('a plugin after a traced call has no serious accessibility violations', async ({
			page
		}) => {
			await openApp(page);
			await page.getByRole('combobox', { name: 'Example' }).selectOption({ label: 'Count vowels' });
			await page.getByRole('button', { name: 'Run', exact: true }).click();
			await expect(page.getByRole('region', { name: 'Trace' })).toContainText('var_set');
			await expectNoSeriousViolations(page, 'after a call');
		});

		test('an error has no serious accessibility violations', async ({ page }) => {
			await openApp(page);
			await page.getByRole('combobox', { name: 'Example' }).selectOption({ label: 'Trap' });
			await page.getByRole('button', { name: 'Run', exact: true }).click();
			await expect(page.getByRole('alert')).toContainText('trapped');
			await expectNoSeriousViolations(page, 'trap');
		});
	});
}

test('the shortcuts dialog opens with "?", lists the keys, and is accessible', async ({ page }) => {
	await openApp(page);
	await page.keyboard.press('?');
	const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
	await expect(dialog).toBeVisible();
	await expect(dialog).toContainText('Ctrl/⌘ + Enter');
	await expectNoSeriousViolations(page, 'shortcuts');
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
});
