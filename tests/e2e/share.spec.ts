import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveStatic } from '../../scripts/serve-static.mjs';

async function openApp(page: Page, path = './') {
	await page.goto(path);
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

/** Opens the Share dialog and returns the link it shows. */
async function makeLink(page: Page, options: { kv?: boolean } = {}): Promise<string> {
	await page.getByRole('button', { name: 'Share', exact: true }).click();
	const dialog = page.getByRole('dialog', { name: 'Share this workspace' });
	if (options.kv) await dialog.getByRole('checkbox', { name: 'Include KV data' }).check();
	const link = dialog.getByRole('textbox', { name: 'Share link' });
	await expect(link).toHaveValue(/#v1\./);
	const url = await link.inputValue();
	await expect(dialog).toContainText(`Link (${url.length.toLocaleString('en-US')} characters)`);
	await dialog.getByRole('button', { name: 'Close' }).click();
	return url;
}

test('a shared link restores plugin, input, settings and the recorded result, and runs nothing', async ({
	page,
	browser
}) => {
	await openApp(page);
	await page
		.getByRole('combobox', { name: 'Example' })
		.selectOption({ label: 'Key-value counter' });
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText(/"count":\s*2/);
	const url = await makeLink(page, { kv: true });

	// A fresh browser context: empty IndexedDB, nothing cached.
	const other = await browser.newContext();
	const receiver = await other.newPage();
	await receiver.goto(url);
	await expect(receiver.locator('body[data-ready="true"]')).toBeAttached();
	await expect(receiver.getByRole('status', { name: 'Recorded result' })).toContainText(
		'nothing ran here'
	);
	await expect(receiver.getByRole('region', { name: 'Output' })).toContainText(/"count":\s*2/);
	await expect(receiver.getByRole('region', { name: 'Trace' })).toContainText('kv_write');
	// The link's KV entries wait for a yes; then they land in the plugin's own new namespace.
	const kv = receiver.getByRole('region', { name: 'KV store' });
	await expect(kv).toContainText('No entries in this namespace.');
	await receiver.getByRole('button', { name: 'Import the KV entries' }).click();
	await expect(kv).toContainText('count');
	// Nothing ran on open: the receiver's history is empty.
	await expect(receiver.getByRole('region', { name: 'History' })).toContainText('No calls yet');

	await receiver.getByRole('button', { name: 'Run live and compare' }).click();
	// The KV data came along (count=2), so the live run counts to 3: it differs from the recording.
	await expect(receiver.getByRole('region', { name: 'Output' })).toContainText(/"count":\s*3/);
	await expect(receiver.getByRole('status', { name: 'Recorded result' })).toContainText(
		'differs from the recording'
	);
	await other.close();
});

test('Greet re-run live matches its recording', async ({ page, browser }) => {
	await openApp(page);
	await page.getByRole('combobox', { name: 'Example' }).selectOption({ label: 'Greet' });
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	await page.getByRole('textbox', { name: 'Input' }).fill('Share me');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('Hello, Share me!');
	const url = await makeLink(page);
	const other = await browser.newContext();
	const receiver = await other.newPage();
	await receiver.goto(url);
	await expect(receiver.getByRole('region', { name: 'Output' })).toContainText('Hello, Share me!');
	await receiver.getByRole('button', { name: 'Run live and compare' }).click();
	await expect(receiver.getByRole('status', { name: 'Recorded result' })).toContainText(
		'matches the recording'
	);
	await other.close();
});

test('a URL plugin whose bytes changed on the server is refused, naming both hashes', async ({
	page,
	browser
}) => {
	const dir = await mkdtemp(join(tmpdir(), 'share-url-'));
	await copyFile('public/examples/greet.wasm', join(dir, 'plugin.wasm'));
	const server = await serveStatic({ root: dir, port: 4391, cors: true });
	try {
		await openApp(page);
		await page
			.getByRole('textbox', { name: 'Plugin URL' })
			.fill('http://127.0.0.1:4391/plugin.wasm');
		await page.getByRole('button', { name: 'Load URL' }).click();
		await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
		const url = await makeLink(page);

		// Same bytes: the link opens.
		const ok = await (await browser.newContext()).newPage();
		await ok.goto(url);
		await expect(ok.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();

		await copyFile('public/examples/echo.wasm', join(dir, 'plugin.wasm'));
		const refused = await (await browser.newContext()).newPage();
		await refused.goto(url);
		const alert = refused.getByRole('alert');
		await expect(alert).toContainText('is not the one this link was made with');
		await expect(alert).toContainText(
			/the link expects sha256 [0-9a-f]{64}, the bytes have [0-9a-f]{64}/
		);
	} finally {
		await server.close();
	}
});

for (const [label, fragment, expected] of [
	['a truncated link', null, /cut short|truncated|characters/i],
	['a tampered link', 'tamper', /damaged|changed|corrupt|could not be read/i],
	['a link from a future version', '#v9.AAAA', /newer version/i],
	['a link that is not a playground link', '#hello-world', /not a|playground link/i]
] as const) {
	test(`${label} explains itself and offers an empty playground`, async ({ page }) => {
		await openApp(page);
		let hash: string = fragment ?? '';
		if (fragment === null || fragment === 'tamper') {
			await page.getByRole('combobox', { name: 'Example' }).selectOption({ label: 'Greet' });
			await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
			const url = await makeLink(page);
			const good = url.slice(url.indexOf('#'));
			hash =
				fragment === null
					? good.slice(0, Math.floor(good.length / 2))
					: `${good.slice(0, 20)}${good[20] === 'A' ? 'B' : 'A'}${good.slice(21)}`;
		}
		const errors: string[] = [];
		page.on('pageerror', (e) => errors.push(e.message));
		await page.goto(`./${hash}`);
		await page.reload();
		const alert = page.getByRole('alert');
		await expect(alert).toContainText('This link cannot be opened');
		await expect(alert).toContainText(expected);
		await page.getByRole('button', { name: 'Open an empty playground' }).click();
		await expect(page.getByRole('combobox', { name: 'Example' })).toBeVisible();
		expect(new URL(page.url()).hash).toBe('');
		expect(errors).toEqual([]);
	});
}

test('embed mode works inside an iframe on another origin', async ({ page, baseURL }) => {
	await openApp(page);
	await page.getByRole('combobox', { name: 'Example' }).selectOption({ label: 'Greet' });
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	const url = await makeLink(page);
	const embedUrl = `${url}&embed=1`;
	const dir = await mkdtemp(join(tmpdir(), 'embed-host-'));
	await writeFile(
		join(dir, 'index.html'),
		`<!doctype html><title>Docs</title><h1>Docs page</h1><iframe title="Playground" src="${embedUrl}" width="900" height="700"></iframe>`
	);
	const host = await serveStatic({ root: dir, port: 4392 });
	try {
		expect(new URL(host.url).origin).not.toBe(new URL(baseURL!).origin);
		await page.goto(host.url);
		const frame = page.frameLocator('iframe[title="Playground"]');
		await expect(frame.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
		await expect(frame.getByRole('link', { name: /Open in the full playground/ })).toBeVisible();
		await expect(frame.getByRole('button', { name: 'Share', exact: true })).toHaveCount(0);
		await frame.getByRole('button', { name: 'Run', exact: true }).click();
		await expect(frame.getByRole('region', { name: 'Output' })).toContainText('Hello,');
		await expect(frame.getByRole('region', { name: 'Trace' })).toContainText('greet(');
	} finally {
		await host.close();
	}
});

test('the workspace comes back after a reload and Recent keeps the previous one', async ({
	page
}) => {
	await openApp(page);
	await page.getByRole('combobox', { name: 'Example' }).selectOption({ label: 'Greet' });
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	await page.getByRole('button', { name: 'Workspaces' }).click();
	const dialog = page.getByRole('dialog', { name: 'Workspaces' });
	await dialog.getByRole('button', { name: 'New workspace' }).click();
	await expect(page.getByRole('navigation', { name: 'Loaded plugins' })).toHaveCount(0);
	await page.getByRole('combobox', { name: 'Example' }).selectOption({ label: 'Trap' });
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	await page.waitForTimeout(800);
	await page.reload();
	await expect(page.getByRole('navigation', { name: 'Loaded plugins' })).toContainText('Trap');
	await page.getByRole('button', { name: 'Workspaces' }).click();
	const recent = dialog.getByRole('list', { name: 'Recent workspaces' });
	await expect(recent.getByRole('listitem')).toHaveCount(2);
	await recent
		.getByRole('listitem')
		.filter({ hasText: 'Greet' })
		.getByRole('button', { name: /^Rename/ })
		.click();
	await dialog.getByRole('textbox', { name: /^Name of/ }).fill('My greeting');
	await dialog.getByRole('button', { name: 'Save name' }).click();
	await dialog.getByRole('button', { name: 'Open My greeting' }).click();
	await expect(page.getByRole('navigation', { name: 'Loaded plugins' })).toContainText('Greet');
});

test('a link carries the ABI profile, the hook and its arguments', async ({ page, browser }) => {
	await openApp(page);
	await page.getByRole('combobox', { name: 'Example' }).selectOption({ label: 'Bub: echo model' });
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	const abi = page.getByRole('region', { name: 'Hook ABI' });
	await page.getByRole('combobox', { name: 'Hook ABI' }).selectOption({ label: 'bub.extism.v1' });
	await abi.getByRole('combobox', { name: 'Hook' }).selectOption('run_model');
	const args = '{"prompt": "shared prompt", "session_id": "cli:x", "state": {}}';
	await abi.getByRole('textbox', { name: 'Hook arguments' }).fill(args);
	const url = await makeLink(page);
	const other = await browser.newContext();
	const receiver = await other.newPage();
	await receiver.goto(url);
	const theirs = receiver.getByRole('region', { name: 'Hook ABI' });
	await expect(theirs.getByRole('combobox', { name: 'Hook' })).toHaveValue('run_model');
	await expect(theirs.getByRole('textbox', { name: 'Hook arguments' })).toHaveValue(
		/"prompt": "shared prompt"/
	);
	await expect(theirs.getByRole('textbox', { name: 'Envelope' })).toHaveValue(/shared prompt/);
	await other.close();
});
