// Plugins the Extism JS SDK runs run here too: manifests of several modules linked by name, pre-1.0 PDK
// plugins named as such, WASI offered only when imported, and Max memory as native max_pages.
import type { Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { expect, test } from './fixtures';

async function openApp(page: Page) {
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

async function pickExample(page: Page, label: string) {
	await page.getByRole('combobox', { name: 'Example' }).selectOption({ label });
}

test('a manifest of two modules linked by name loads, shows both and runs, also after a reload', async ({
	page
}) => {
	await openApp(page);
	const shouter = await readFile('public/examples/linked-shout.linked-0.wasm');
	const main = await readFile('public/examples/linked-shout.wasm');
	await page.getByLabel('Plugin file').setInputFiles({
		name: 'shout.json',
		mimeType: 'application/json',
		buffer: Buffer.from(
			JSON.stringify({
				wasm: [
					{ name: 'shouter', data: shouter.toString('base64') },
					{ name: 'main', data: main.toString('base64') }
				]
			})
		)
	});
	const module = page.getByRole('region', { name: 'Module' });
	await expect(module).toContainText('Linked modules (1)');
	await expect(module.getByRole('group', { name: 'Linked module shouter' })).toBeAttached();
	await expect(module).toContainText('linked module');
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	await page.getByRole('textbox', { name: 'Input' }).fill('Hello, linked world!');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('HELLO, LINKED WORLD!');

	await page.reload();
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	await expect(page.getByRole('region', { name: 'Module' })).toContainText('Linked modules (1)');
	await page.getByRole('textbox', { name: 'Input' }).fill('after reload');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('AFTER RELOAD');
});

test('the linked-modules example runs, and its main module alone says what to link', async ({
	page
}) => {
	await openApp(page);
	await pickExample(page, 'Linked modules');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('HELLO, LINKED WORLD!');

	const main = await readFile('public/examples/linked-shout.wasm');
	await page.getByLabel('Plugin file').setInputFiles({
		name: 'main.wasm',
		mimeType: 'application/wasm',
		buffer: main
	});
	const alert = page.getByRole('alert');
	await expect(alert).toContainText('Import "shouter" "shout" is not provided.');
	await expect(alert).toContainText('Load an Extism manifest that lists both');
	// "shouter" could also be a host module of another host: a mock can stand in for it.
	await expect(
		page
			.getByRole('region', { name: 'Host function mocks' })
			.getByRole('combobox', { name: 'Mock for shout' })
	).toBeVisible();
});

test('a pre-1.0 PDK plugin is recognised and told how to rebuild, with no mocks', async ({
	page
}) => {
	await openApp(page);
	await pickExample(page, 'Pre-1.0 PDK plugin');
	const alert = page.getByRole('alert');
	await expect(alert).toContainText('built with a pre-1.0 Extism PDK');
	await expect(alert).toContainText('Rebuild it with a current (1.x) PDK');
	await expect(alert).not.toContainText('Bifrost');
	await expect(page.getByRole('region', { name: 'Module' })).toContainText(
		'Extism plugin built with a pre-1.0 PDK'
	);
	await expect(page.getByRole('region', { name: 'Host function mocks' })).toHaveCount(0);
});

test('a plugin that imports WASI and misses hello_world: WASI is on, only hello_world is mocked', async ({
	page
}) => {
	await openApp(page);
	await pickExample(page, 'WASI and a missing host function');
	await expect(page.getByRole('alert')).toContainText('"extism:host/user" "hello_world"');
	const module = page.getByRole('region', { name: 'Module' });
	await expect(module).toContainText('on (auto)');
	await expect(page.getByText('Turn WASI on')).toHaveCount(0);
	const mocks = page.getByRole('region', { name: 'Host function mocks' });
	await expect(mocks.getByRole('combobox', { name: 'Mock for hello_world' })).toBeVisible();
	await expect(mocks.getByRole('combobox', { name: 'Mock for fd_write' })).toHaveCount(0);
	await mocks.getByRole('combobox', { name: 'Mock for hello_world' }).selectOption('echo');
	await mocks.getByRole('button', { name: 'Apply mocks' }).click();
	await page.getByRole('textbox', { name: 'Input' }).fill('echoed');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('echoed');
});

test('Max memory 17 pages runs a 17-page module with a 128 KiB input, as native max_pages does', async ({
	page
}) => {
	await openApp(page);
	await pickExample(page, 'Big start (max_pages)');
	const settings = page.getByRole('region', { name: 'Host settings' });
	await settings.getByRole('heading', { name: 'Host settings' }).click();
	await settings.getByRole('spinbutton', { name: 'Max memory (64 KiB pages)' }).fill('17');
	await settings.getByRole('button', { name: 'Apply settings' }).click();
	await page.getByRole('textbox', { name: 'Input' }).fill('a'.repeat(128 * 1024));
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('131072');

	await settings.getByRole('spinbutton', { name: 'Max memory (64 KiB pages)' }).fill('16');
	await settings.getByRole('button', { name: 'Apply settings' }).click();
	await expect(page.getByRole('alert')).toContainText(
		'The module asks for at least 17 pages (1.1 MiB) of memory but the limit is 16 pages (1 MiB).'
	);
});
