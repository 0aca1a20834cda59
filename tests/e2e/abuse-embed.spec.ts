// Fault and abuse suite: an embedded view never reads or writes the visitor's own storage, and works in a
// cross-site iframe whose storage the browser blocks, without alarming alerts.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { serveStatic } from '../../scripts/serve-static.mjs';
import { expect, test } from './fixtures';

async function openApp(page: Page, path = './') {
	await page.goto(path);
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

/** A link to the kv-counter example, made by a sender in a context of its own. */
async function counterLink(page: Page): Promise<string> {
	const context = await page.context().browser()!.newContext();
	const sender = await context.newPage();
	await openApp(sender);
	await sender
		.getByRole('combobox', { name: 'Example' })
		.selectOption({ label: 'Key-value counter' });
	await expect(sender.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	await sender.getByRole('button', { name: 'Share', exact: true }).click();
	const link = sender.getByRole('textbox', { name: 'Share link' });
	await expect(link).toHaveValue(/#v1\./);
	const url = await link.inputValue();
	await context.close();
	return url;
}

/** The names of this origin's IndexedDB databases and how many records each store holds. */
async function storedRecords(page: Page): Promise<Record<string, number>> {
	return page.evaluate(async () => {
		const counts: Record<string, number> = {};
		for (const { name } of await indexedDB.databases()) {
			if (!name) continue;
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const open = indexedDB.open(name);
				open.onsuccess = () => resolve(open.result);
				open.onerror = () => reject(open.error);
			});
			for (const store of db.objectStoreNames) {
				counts[`${name}/${store}`] = await new Promise<number>((resolve, reject) => {
					const request = db.transaction(store).objectStore(store).count();
					request.onsuccess = () => resolve(request.result);
					request.onerror = () => reject(request.error);
				});
			}
			db.close();
		}
		return counts;
	});
}

test("an embed never reads or writes the visitor's workspace, KV or history", async ({ page }) => {
	const url = await counterLink(page);

	// The visitor's own playground: kv-counter has counted to 1, once, in its usual namespace.
	await openApp(page);
	await page
		.getByRole('combobox', { name: 'Example' })
		.selectOption({ label: 'Key-value counter' });
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText(/"count":\s*1/);
	await page.waitForTimeout(1000);
	const before = await storedRecords(page);
	expect(Object.keys(before).length).toBeGreaterThan(0);

	// The embed of the same example counts from scratch: it does not see the visitor's count...
	await page.goto(`${url}&embed=1`);
	await page.reload();
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	for (const expected of [1, 2]) {
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		await expect(page.getByRole('region', { name: 'Output' })).toContainText(
			new RegExp(`"count":\\s*${expected}`)
		);
	}
	await expect(page.getByRole('alert')).toHaveCount(0);
	await page.waitForTimeout(1000);
	// ...and leaves every database exactly as it was: no record added, none created.
	expect(await storedRecords(page)).toEqual(before);

	// Back in the full playground, the visitor's workspace, count and history are theirs.
	await page.goto('./');
	await page.reload();
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	await expect(page.getByRole('region', { name: 'KV store' })).toContainText('count');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText(/"count":\s*2/);
});

test('an embed in a cross-site iframe with storage blocked works without alarms', async ({
	page
}) => {
	const url = await counterLink(page);
	// Every frame of the embed finds storage blocked, as browsers do for third-party frames.
	await page.addInitScript(() => {
		if (!location.hash.includes('embed=1')) return;
		const blocked = () => {
			throw new DOMException('Storage is blocked for this frame.', 'SecurityError');
		};
		Object.defineProperty(window, 'indexedDB', { get: blocked });
		Object.defineProperty(navigator, 'storage', { get: blocked });
		Object.defineProperty(window, 'localStorage', { get: blocked });
	});
	const dir = await mkdtemp(join(tmpdir(), 'embed-blocked-'));
	await writeFile(
		join(dir, 'index.html'),
		`<!doctype html><title>Docs</title><h1>Docs page</h1><iframe title="Playground" src="${url}&embed=1" width="900" height="700"></iframe>`
	);
	const host = await serveStatic({ root: dir, port: 4394 });
	try {
		await page.goto(host.url);
		const frame = page.frameLocator('iframe[title="Playground"]');
		await expect(frame.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
		await frame.getByRole('button', { name: 'Run', exact: true }).click();
		await expect(frame.getByRole('region', { name: 'Output' })).toContainText(/"count":\s*1/);
		await frame.getByRole('button', { name: 'Run', exact: true }).click();
		await expect(frame.getByRole('region', { name: 'Output' })).toContainText(/"count":\s*2/);
		await expect(frame.getByRole('alert')).toHaveCount(0);
		await expect(frame.getByText(/storage failed|could not/i)).toHaveCount(0);
	} finally {
		await host.close();
	}
});
