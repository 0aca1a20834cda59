// Offline: once loaded, the app (shell, plugin worker, examples) comes from its service worker's cache, and a
// new build waits for the person to reload instead of replacing the code under a running session.
import type { BrowserContext, Page } from '@playwright/test';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pickExample, replaceInLine } from './app';
import { expect, test } from './fixtures';

test.use({ serviceWorkers: 'allow' });

/** The built site under test; the folder Playwright's web server serves. */
const DIST = process.env.PW_DIST ?? 'dist';

async function openApp(page: Page) {
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

/** Waits until the service worker controls the page and its precache is complete. */
async function controlled(page: Page) {
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
	});
	// The first visit is not controlled until the worker claims it; a reload always is.
	await page.reload();
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
}

async function runExample(page: Page, title: string, expected: string) {
	await page.getByRole('combobox', { name: 'Example' }).selectOption({ label: title });
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText(expected);
}

async function offline(context: BrowserContext, page: Page) {
	await context.setOffline(true);
	await page.reload();
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

test('after one visit the playground loads, opens an example and runs it without a network', async ({
	page,
	context
}) => {
	await openApp(page);
	await controlled(page);
	// The manifest makes it installable: a name, a start URL relative to the sub-path, and icons.
	const manifest = await page.evaluate(async () => {
		const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
		return link ? ((await (await fetch(link.href)).json()) as Record<string, unknown>) : null;
	});
	expect(manifest).toMatchObject({
		name: 'Plugin Playground',
		start_url: './',
		display: 'standalone'
	});

	await offline(context, page);
	expect(await page.evaluate(() => navigator.onLine)).toBe(false);
	// Examples were precached with the shell; the plugin worker too.
	await runExample(page, 'Count vowels', '"count": 3');
	await runExample(page, 'Greet', 'Hello, ');
	await context.setOffline(false);
});

/** Builds the shown plugin's source, or runs it (Run builds changed source first); waits for the build. */
async function build(page: Page, how: 'Build' | 'Run', compiler: 'assemblyscript' | 'wabt') {
	const pane = page.getByRole('region', { name: 'Source' });
	const button =
		how === 'Build'
			? pane.getByRole('button', { name: 'Build', exact: true })
			: page.getByRole('button', { name: 'Run', exact: true });
	await button.click();
	const status = pane.getByRole('status', { name: 'Build status' });
	await expect(status).toHaveText(/^(Built |Build failed)/, { timeout: 90_000 });
	// A compiler that could not load fails the build, and the alert says why.
	expect(await pane.getByRole('alert').allTextContents()).toEqual([]);
	await expect(status).toHaveText(new RegExp(`^Built .* \\(${compiler} `));
}

test('Offline after first use: once a compiler has been loaded it is cached with the rest of the app', async ({
	page,
	context
}) => {
	test.setTimeout(240_000);
	await openApp(page);
	await controlled(page);
	const nav = page.getByRole('navigation', { name: 'Loaded plugins' });
	const output = page.getByRole('region', { name: 'Output' });

	// Online, one build in each language loads its compiler (asc with binaryen, and wabt) once.
	await pickExample(page, 'Count vowels');
	await page.getByRole('button', { name: 'Source', exact: true }).click();
	await replaceInLine(page, `'{"count":' +`, 'count', 'tally');
	await build(page, 'Build', 'assemblyscript');
	await pickExample(page, 'WASI hello');
	await page.getByRole('button', { name: 'Source', exact: true }).click();
	await replaceInLine(page, '(data (i32.const 80) "done")', 'done', 'okay');
	await build(page, 'Build', 'wabt');
	// Autosave settles half a second after the last change.
	await page.waitForTimeout(800);

	await offline(context, page);
	expect(await page.evaluate(() => navigator.onLine)).toBe(false);
	// The edited plugins come back with their Source panes open; new edits build with the cached compilers.
	await nav.getByRole('button', { name: 'Count vowels', exact: true }).click();
	await replaceInLine(page, `'{"tally":' +`, 'tally', 'found');
	await build(page, 'Run', 'assemblyscript');
	await expect(output).toContainText('"found": 3');

	await nav.getByRole('button', { name: 'WASI hello', exact: true }).click();
	await replaceInLine(page, '(data (i32.const 80) "okay")', 'okay', 'fine');
	await build(page, 'Run', 'wabt');
	await expect(output).toContainText('fine');
	await expect(output).not.toContainText('okay');
	await context.setOffline(false);
});

test('a new version waits for the person: "a new version is ready — reload"', async ({ page }) => {
	await openApp(page);
	await controlled(page);
	await runExample(page, 'Greet', 'Hello, ');
	await expect(page.getByText('A new version of the playground is ready.')).toHaveCount(0);

	// A new build: the server now has a service worker that differs by a byte (put back afterwards).
	const sw = join(DIST, 'sw.js');
	const built = await readFile(sw, 'utf8');
	await writeFile(sw, `${built}\n// next build\n`);
	try {
		await page.evaluate(async () => {
			const registration = await navigator.serviceWorker.getRegistration();
			await registration?.update();
		});
	} finally {
		await writeFile(sw, built);
	}
	const banner = page
		.getByRole('status')
		.filter({ hasText: 'A new version of the playground is ready.' });
	await expect(banner).toBeVisible();
	// Nothing changed under the session: the output is still there and Run still works.
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('Hello, ');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('Hello, ');

	// Reload starts the new version, and the workspace comes back.
	await banner.getByRole('button', { name: 'Reload' }).click();
	await page.waitForEvent('load');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	await expect(page.getByRole('navigation', { name: 'Loaded plugins' })).toContainText('Greet');
	await expect(page.getByText('A new version of the playground is ready.')).toHaveCount(0);
});
