import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { readFile } from 'node:fs/promises';

async function openApp(page: Page) {
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

async function uploadManifest(page: Page, manifest: object) {
	await page.getByLabel('Plugin file').setInputFiles({
		name: 'vowels.json',
		mimeType: 'application/json',
		buffer: Buffer.from(JSON.stringify(manifest))
	});
}

const index = async () =>
	JSON.parse(await readFile('public/examples/index.json', 'utf8')) as {
		name: string;
		sha256: string;
	}[];

test('an Extism manifest brings its module, config and hash check', async ({ page, baseURL }) => {
	await openApp(page);
	const vowels = (await index()).find((e) => e.name === 'count-vowels')!;
	await uploadManifest(page, {
		wasm: [{ url: `${baseURL}examples/count-vowels.wasm`, hash: vowels.sha256 }],
		config: { vowels: 'o' },
		memory: { max_pages: 32 }
	});
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	await page.getByRole('textbox', { name: 'Input' }).fill('Hello, world!');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('"count": 2');
	await expect(page.getByRole('region', { name: 'Trace' })).toContainText('key=vowels → "o"');
});

test('inline data in a manifest is base64, as in native Extism', async ({ page }) => {
	await openApp(page);
	const greet = await readFile('public/examples/greet.wasm');
	await uploadManifest(page, { wasm: [{ data: greet.toString('base64') }] });
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	await page.getByRole('combobox', { name: 'Function' }).selectOption('greet');
	await page.getByRole('textbox', { name: 'Input' }).fill('manifest');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('Hello, manifest!');
});

test('a hash mismatch names the item and both hashes', async ({ page, baseURL }) => {
	await openApp(page);
	const greet = (await index()).find((e) => e.name === 'greet')!;
	const wrong = 'ab'.repeat(32);
	await uploadManifest(page, { wasm: [{ url: `${baseURL}examples/greet.wasm`, hash: wrong }] });
	const alert = page.getByRole('alert');
	await expect(alert).toContainText('wasm[0]');
	await expect(alert).toContainText(wrong);
	await expect(alert).toContainText(greet.sha256);
});
