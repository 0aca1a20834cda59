// Plugins made of several modules linked by name travel in share links and workspace files: the receiver
// gets the same plugin with its linked modules, the same input and result, and a changed module is refused.
import type { Browser, Page } from '@playwright/test';
import { copyFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveStatic } from '../../scripts/serve-static.mjs';
import { exportWorkspace, importWorkspace } from './app';
import { expect, test } from './fixtures';

async function openApp(page: Page, path = './') {
	await page.goto(path);
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

/** Loads a manifest file listing `wasm` (the compat spec's way of loading a linked manifest). */
async function loadManifest(page: Page, wasm: object[]) {
	await page.getByLabel('Plugin file').setInputFiles({
		name: 'shout.json',
		mimeType: 'application/json',
		buffer: Buffer.from(JSON.stringify({ wasm }))
	});
}

/** The built linked-shout example's modules as manifest items with their bytes. */
async function dataItems() {
	const shouter = await readFile('public/examples/linked-shout.linked-0.wasm');
	const main = await readFile('public/examples/linked-shout.wasm');
	return [
		{ name: 'shouter', data: shouter.toString('base64') },
		{ name: 'main', data: main.toString('base64') }
	];
}

async function run(page: Page, input: string) {
	const button = page.getByRole('button', { name: 'Run', exact: true });
	await expect(button).toBeEnabled();
	await page.getByRole('textbox', { name: 'Input' }).fill(input);
	await expect(page.getByRole('textbox', { name: 'Input' })).toHaveText(input);
	await button.click();
}

/** Opens the Share dialog and returns the link it shows, with no note about left-out plugins. */
async function makeLink(page: Page): Promise<string> {
	await page.getByRole('button', { name: 'Share', exact: true }).click();
	const dialog = page.getByRole('dialog', { name: 'Share this workspace' });
	const link = dialog.getByRole('textbox', { name: 'Share link' });
	await expect(link).toHaveValue(/#v1\./);
	await expect(dialog).not.toContainText('is left out');
	const url = await link.inputValue();
	await dialog.getByRole('button', { name: 'Close' }).click();
	return url;
}

/** A page in a fresh browser context (empty storage, nothing cached) opened at `url`. */
async function receive(browser: Browser, url: string): Promise<Page> {
	const receiver = await (await browser.newContext()).newPage();
	await receiver.goto(url);
	await expect(receiver.locator('body[data-ready="true"]')).toBeAttached();
	return receiver;
}

async function expectLinked(page: Page) {
	const module = page.getByRole('region', { name: 'Module' });
	await expect(module).toContainText('Linked modules (1)');
	await expect(module.getByRole('group', { name: 'Linked module shouter' })).toBeAttached();
}

test('a link to a manifest of linked modules opens the same plugin, input and result elsewhere', async ({
	page,
	browser
}) => {
	await openApp(page);
	await loadManifest(page, await dataItems());
	await expectLinked(page);
	await run(page, 'Shared across modules');
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('SHARED ACROSS MODULES');
	const url = await makeLink(page);

	const receiver = await receive(browser, url);
	await expectLinked(receiver);
	await expect(receiver.getByRole('textbox', { name: 'Input' })).toHaveText(
		'Shared across modules'
	);
	await expect(receiver.getByRole('status', { name: 'Recorded result' })).toContainText(
		'nothing ran here'
	);
	await expect(receiver.getByRole('region', { name: 'Output' })).toContainText(
		'SHARED ACROSS MODULES'
	);
	await receiver.getByRole('button', { name: 'Run live and compare' }).click();
	await expect(receiver.getByRole('status', { name: 'Recorded result' })).toContainText(
		'matches the recording'
	);
	// The linked module was kept with the plugin: it comes back after a reload too.
	await receiver.reload();
	await expect(receiver.locator('body[data-ready="true"]')).toBeAttached();
	await expectLinked(receiver);
	await run(receiver, 'after reload');
	await expect(receiver.getByRole('region', { name: 'Output' })).toContainText('AFTER RELOAD');
	await receiver.context().close();
});

test('the linked-modules example travels by name and brings its linked module', async ({
	page,
	browser
}) => {
	await openApp(page);
	await page.getByRole('combobox', { name: 'Example' }).selectOption({ label: 'Linked modules' });
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	const url = await makeLink(page);
	const receiver = await receive(browser, url);
	await expectLinked(receiver);
	await run(receiver, 'by name');
	await expect(receiver.getByRole('region', { name: 'Output' })).toContainText('BY NAME');
	await receiver.context().close();
});

test('a linked module served by URL goes by URL, and is refused once it changes, naming both hashes', async ({
	page,
	browser
}) => {
	const dir = await mkdtemp(join(tmpdir(), 'share-linked-'));
	await copyFile('public/examples/linked-shout.linked-0.wasm', join(dir, 'shouter.wasm'));
	await copyFile('public/examples/linked-shout.wasm', join(dir, 'main.wasm'));
	const server = await serveStatic({ root: dir, cors: true });
	try {
		await openApp(page);
		await loadManifest(page, [
			{ name: 'shouter', url: `${server.url}shouter.wasm` },
			{ name: 'main', url: `${server.url}main.wasm` }
		]);
		await expectLinked(page);
		const url = await makeLink(page);

		const ok = await receive(browser, url);
		await expectLinked(ok);
		await run(ok, 'by url');
		await expect(ok.getByRole('region', { name: 'Output' })).toContainText('BY URL');
		await ok.context().close();

		await copyFile('public/examples/greet.wasm', join(dir, 'shouter.wasm'));
		const refused = await receive(browser, url);
		const alert = refused.getByRole('alert');
		await expect(alert).toContainText('The module "shouter" at');
		await expect(alert).toContainText('is not the one this link was made with');
		await expect(alert).toContainText(
			/the link expects sha256 [0-9a-f]{64}, the bytes have [0-9a-f]{64}/
		);
		await expect(refused.getByRole('navigation', { name: 'Loaded plugins' })).toHaveCount(0);
		await refused.context().close();
	} finally {
		await server.close();
	}
});

test('a workspace file carries a manifest of linked modules and imports it back', async ({
	page,
	browser
}) => {
	await openApp(page);
	await loadManifest(page, await dataItems());
	await expectLinked(page);
	const { text } = await exportWorkspace(page);
	expect(Object.keys(JSON.parse(text).blobs)).toHaveLength(2);

	const receiver = await (await browser.newContext()).newPage();
	await openApp(receiver);
	await importWorkspace(receiver, text);
	await expect(receiver.getByRole('navigation', { name: 'Loaded plugins' })).toContainText(
		'shout.json'
	);
	await expectLinked(receiver);
	await expect(receiver.getByRole('dialog', { name: 'Workspaces' })).toBeHidden();
	await run(receiver, 'from a file');
	await expect(receiver.getByRole('region', { name: 'Output' })).toContainText('FROM A FILE');
	await receiver.context().close();
});
