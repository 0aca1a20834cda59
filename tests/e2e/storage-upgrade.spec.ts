// The built app opening KV data the previous build left (KV database version 1, one record per key): it
// migrates it on start, the plugin reads its old value, and what it writes next survives a reload.
import { expect, test } from './fixtures';

test('KV written by the previous build is read after the upgrade, and new writes are kept', async ({
	page
}) => {
	// A page of the app's origin that is not the app, so nothing opens the database meanwhile.
	await page.goto('./icon.svg');
	await page.evaluate(
		() =>
			new Promise<void>((resolve, reject) => {
				const open = indexedDB.open('plugin-playground-kv');
				open.onupgradeneeded = () => open.result.createObjectStore('kv');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const db = open.result;
					const tx = db.transaction('kv', 'readwrite');
					const record = (text: string) => ({
						v: 1,
						value: new TextEncoder().encode(text),
						updatedAt: 1
					});
					tx.objectStore('kv').put(record('41'), ['example:kv-counter', 'count']);
					tx.objectStore('kv').put(record('other'), ['example:kv-counter', 'note']);
					tx.oncomplete = () => {
						db.close();
						resolve();
					};
					tx.onerror = () => reject(tx.error);
				};
			})
	);

	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	await page
		.getByRole('combobox', { name: 'Example' })
		.selectOption({ label: 'Key-value counter' });
	const kv = page.getByRole('region', { name: 'KV store' });
	await expect(kv.getByRole('cell', { name: 'other', exact: true })).toBeVisible();
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('"count": 42');

	await page.reload();
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('"count": 43');
	await expect(page.getByRole('alert')).toHaveCount(0);
});
