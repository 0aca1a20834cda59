import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

async function runCounter(page: Page) {
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	await page
		.getByRole('combobox', { name: 'Example' })
		.selectOption({ label: 'Key-value counter' });
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('"count": 1');
}

test('without IndexedDB the playground still runs plugins and says nothing is kept', async ({
	page
}) => {
	await page.addInitScript(() => {
		// As in browsers where site storage is disabled.
		Object.defineProperty(window, 'indexedDB', { value: undefined });
	});
	await runCounter(page);
	await expect(page.getByRole('alert').first()).toContainText('no IndexedDB');
	// The value the plugin wrote is still shown, and the next call reads it.
	const kv = page.getByRole('region', { name: 'KV store' });
	await expect(kv.getByRole('cell', { name: '1', exact: true })).toBeVisible();
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('"count": 2');
});

test('when storage is full the message says so and the data stays in the tab', async ({ page }) => {
	await page.addInitScript(() => {
		const put = IDBObjectStore.prototype.put;
		IDBObjectStore.prototype.put = function (
			this: IDBObjectStore,
			...args: Parameters<typeof put>
		) {
			if (this.name === 'segments') throw new DOMException('quota', 'QuotaExceededError');
			return put.apply(this, args);
		};
	});
	await runCounter(page);
	await expect(page.getByRole('alert')).toContainText('browser storage is full');
	await expect(
		page.getByRole('region', { name: 'KV store' }).getByRole('cell', { name: '1', exact: true })
	).toBeVisible();
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('"count": 2');
});
