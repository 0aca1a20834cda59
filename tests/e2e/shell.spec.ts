import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

async function openApp(page: Page) {
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

async function load(page: Page, title: string, exportName?: string) {
	await page.getByRole('combobox', { name: 'Example' }).selectOption({ label: title });
	// With a plugin already open, Run is enabled before the new one is shown: wait for its tab.
	await expect(
		page
			.getByRole('navigation', { name: 'Loaded plugins' })
			.getByRole('button', { name: title, exact: true })
	).toHaveAttribute('aria-current', 'page');
	if (exportName) {
		await expect(page.getByRole('combobox', { name: 'Function' })).toHaveValue(exportName);
	}
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
}

test.describe('theme', () => {
	test.use({ colorScheme: 'dark' });

	test('follows the system, cycles light/dark/system, and remembers the choice', async ({
		page
	}) => {
		await openApp(page);
		const html = page.locator('html');
		await expect(html).toHaveAttribute('data-theme', 'dark');
		await page.getByRole('button', { name: 'Theme: system' }).click();
		await expect(html).toHaveAttribute('data-theme', 'light');
		const bg = await page.evaluate(
			() => getComputedStyle(document.body.parentElement!).backgroundColor
		);
		expect(bg).toBe('rgb(247, 247, 250)');
		await page.reload();
		await expect(page.locator('body[data-ready="true"]')).toBeAttached();
		await expect(html).toHaveAttribute('data-theme', 'light');
		await page.keyboard.press('Alt+t');
		await expect(page.getByRole('button', { name: 'Theme: dark' })).toBeVisible();
		await expect(html).toHaveAttribute('data-theme', 'dark');
		await page.keyboard.press('Alt+t');
		await expect(page.getByRole('button', { name: 'Theme: system' })).toBeVisible();
	});
});

test('several plugins keep their own input, output and history', async ({ page }) => {
	await openApp(page);
	await load(page, 'Greet');
	await page.getByRole('textbox', { name: 'Input' }).fill('first');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('Hello, first!');

	await load(page, 'Key-value counter', 'count');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('"count"');

	const tabs = page.getByRole('navigation', { name: 'Loaded plugins' });
	await tabs.getByRole('button', { name: 'Greet', exact: true }).click();
	await expect(page.getByRole('textbox', { name: 'Input' })).toHaveText('first');
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('Hello, first!');
	await expect(page.getByRole('region', { name: 'History' })).toContainText('greet');
	await expect(page.getByRole('region', { name: 'History' })).not.toContainText('count');

	// Alt+→ moves to the next plugin; closing one keeps the other.
	await page.keyboard.press('Alt+ArrowRight');
	await expect(
		tabs.getByRole('button', { name: 'Key-value counter', exact: true })
	).toHaveAttribute('aria-current', 'page');
	await tabs.getByRole('button', { name: 'Close Key-value counter' }).click();
	await expect(tabs.getByRole('button', { name: 'Greet', exact: true })).toHaveAttribute(
		'aria-current',
		'page'
	);
});

test('columns resize with the keyboard and the layout survives a reload', async ({ page }) => {
	await openApp(page);
	await load(page, 'Greet');
	const splitter = page.getByRole('separator', { name: 'Resize the side panel' });
	const before = Number(await splitter.getAttribute('aria-valuenow'));
	await splitter.focus();
	await page.keyboard.press('Shift+ArrowRight');
	await page.keyboard.press('Shift+ArrowRight');
	await expect(splitter).toHaveAttribute('aria-valuenow', String(before + 10));
	const width = async () =>
		(await page.getByRole('region', { name: 'Module' }).boundingBox())?.width ?? 0;
	const wide = await width();
	await page.keyboard.press('Shift+ArrowLeft');
	expect(await width()).toBeLessThan(wide);
	// Autosave settles after half a second.
	await page.waitForTimeout(800);
	await page.reload();
	await expect(page.getByRole('separator', { name: 'Resize the side panel' })).toHaveAttribute(
		'aria-valuenow',
		String(before + 5)
	);
});

test('the page stays usable at 1024 px wide', async ({ page }) => {
	await page.setViewportSize({ width: 1024, height: 768 });
	await openApp(page);
	await load(page, 'Count vowels');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('"count"');
	const overflow = await page.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
	expect(overflow).toBeLessThanOrEqual(0);
	for (const name of ['Output', 'Trace', 'KV store', 'History']) {
		await expect(page.getByRole('region', { name })).toBeVisible();
	}
});
