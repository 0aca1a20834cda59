import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { readFile } from 'node:fs/promises';

async function openApp(page: Page, path = './') {
	await page.goto(path);
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

test('a workspace exports to a file and imports back with plugins of any size', async ({
	page,
	browser
}) => {
	await openApp(page);
	// A file-loaded plugin: it travels in the workspace file whatever its size.
	await page.getByLabel('Plugin file').setInputFiles({
		name: 'counter.wasm',
		mimeType: 'application/wasm',
		buffer: await readFile('public/examples/kv-counter.wasm')
	});
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText(/"count":\s*1/);

	await page.getByRole('button', { name: 'Workspaces' }).click();
	const dialog = page.getByRole('dialog', { name: 'Workspaces' });
	const downloading = page.waitForEvent('download');
	await dialog.getByRole('button', { name: 'Export workspace' }).click();
	const file = await downloading;
	expect(file.suggestedFilename()).toMatch(/^workspace-.*\.json$/);
	const text = await readFile((await file.path())!, 'utf8');
	expect(JSON.parse(text).format).toBe('plugin-playground.workspace');

	const other = await browser.newContext();
	const receiver = await other.newPage();
	await openApp(receiver);
	await receiver.getByRole('button', { name: 'Workspaces' }).click();
	await receiver
		.getByRole('dialog', { name: 'Workspaces' })
		.getByLabel('Import workspace')
		.setInputFiles({ name: 'ws.json', mimeType: 'application/json', buffer: Buffer.from(text) });
	await expect(receiver.getByRole('navigation', { name: 'Loaded plugins' })).toContainText(
		'counter.wasm'
	);
	// The last result came along and nothing ran; the KV data waits for a yes, as a link's does.
	await expect(receiver.getByRole('status', { name: 'Recorded result' })).toBeVisible();
	const asks = receiver.getByRole('region', {
		name: 'This workspace file asks for more than running its plugins'
	});
	await expect(asks).toContainText('count');
	const kv = receiver.getByRole('region', { name: 'KV store' });
	await expect(kv.getByRole('cell', { name: 'count', exact: true })).toHaveCount(0);
	await asks.getByRole('button', { name: 'Import the KV entries' }).click();
	await expect(asks).toBeHidden();
	await expect(kv.getByRole('cell', { name: 'count', exact: true })).toBeVisible();
	await receiver.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(receiver.getByRole('region', { name: 'Output' })).toContainText(/"count":\s*2/);
	await other.close();
});

test('a damaged workspace file is refused with a message', async ({ page }) => {
	await openApp(page);
	await page.getByRole('button', { name: 'Workspaces' }).click();
	const dialog = page.getByRole('dialog', { name: 'Workspaces' });
	await dialog.getByLabel('Import workspace').setInputFiles({
		name: 'broken.json',
		mimeType: 'application/json',
		buffer: Buffer.from('{"format":"plugin-playground.workspace","version":1,"state":{"v":1')
	});
	await expect(dialog.getByRole('status')).toContainText(/workspace|JSON/i);
	await expect(page.getByRole('combobox', { name: 'Example' })).toBeVisible();
});

test('two tabs on the same workspace: the other tab is told, and the last save wins', async ({
	page,
	context
}) => {
	await openApp(page);
	await page.getByRole('combobox', { name: 'Example' }).selectOption({ label: 'Greet' });
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	await page.waitForTimeout(800);
	const second = await context.newPage();
	await openApp(second);
	await expect(second.getByRole('navigation', { name: 'Loaded plugins' })).toContainText('Greet');
	// A change in the second tab is saved; the first tab hears of it.
	await second.getByRole('combobox', { name: 'Example' }).selectOption({ label: 'Trap' });
	await expect(second.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	await expect(page.getByRole('region', { name: 'Notices' })).toContainText('another tab');
	await page.waitForTimeout(800);
	await page.reload();
	await expect(page.getByRole('navigation', { name: 'Loaded plugins' })).toContainText('Trap');
});

test('autorun of a built-in example link asks first, then runs it once', async ({
	page,
	browser
}) => {
	await openApp(page);
	await page.getByRole('combobox', { name: 'Example' }).selectOption({ label: 'Greet' });
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	await page.getByRole('button', { name: 'Share', exact: true }).click();
	const link = page
		.getByRole('dialog', { name: 'Share this workspace' })
		.getByRole('textbox', { name: 'Share link' });
	await expect(link).toHaveValue(/#v1\./);
	const url = await link.inputValue();
	const other = await browser.newContext();
	const receiver = await other.newPage();
	await receiver.goto(`${url}&autorun=1`);
	// Autorun is asked for, not done: nothing has run until the person says yes.
	const asks = receiver.getByRole('region', {
		name: 'This link asks for more than running its plugins'
	});
	await expect(asks).toContainText('run');
	await expect(receiver.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	await expect(receiver.getByRole('region', { name: 'History' })).not.toContainText('greet');
	await asks.getByRole('button', { name: 'Run it now' }).click();
	await expect(receiver.getByRole('region', { name: 'History' })).toContainText('greet');
	await expect(receiver.getByRole('region', { name: 'Output' })).toContainText('Hello,');
	await other.close();
});
