import type { Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import {
	exportWorkspace,
	importWorkspace,
	newFromTemplate,
	pickExample,
	replaceInLine
} from './app';
import { expect, test } from './fixtures';

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

	const { name, text } = await exportWorkspace(page);
	expect(name).toMatch(/^workspace-.*\.json$/);
	expect(JSON.parse(text).format).toBe('plugin-playground.workspace');

	const other = await browser.newContext();
	const receiver = await other.newPage();
	await openApp(receiver);
	await importWorkspace(receiver, text);
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

test('a workspace file carries the source of plugins built in the page; Run rebuilds it after import', async ({
	page,
	browser
}) => {
	test.setTimeout(180_000);
	await openApp(page);
	const status = page
		.getByRole('region', { name: 'Source' })
		.getByRole('status', { name: 'Build status' });
	const built = () => expect(status).toHaveText(/^Built /, { timeout: 90_000 });
	/** Builds the edit just made: the status goes from "Changed" to a new "Built". */
	const build = async () => {
		await expect(status).toHaveText('Changed: Run builds first');
		await page.keyboard.press('ControlOrMeta+s');
		await built();
	};
	// An edited example (AssemblyScript) and a plugin from a template (WAT), each built but not run.
	await pickExample(page, 'Greet');
	await page.getByRole('button', { name: 'Source', exact: true }).click();
	await replaceInLine(page, "outputText('Hello, ' + name + '!');", 'Hello', 'Ahoy');
	await build();
	await newFromTemplate(page, /Plain function \(WAT\)/);
	await built();
	// Digits from 'A' instead of '0': an input of 5 bytes answers "F".
	await replaceInLine(
		page,
		'(i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $rest) (i64.const 10)))))',
		'48',
		'65'
	);
	await build();

	const { text } = await exportWorkspace(page);
	const sources = (
		JSON.parse(text) as { state: { plugins: { code?: { files: { text: string }[] } }[] } }
	).state.plugins.map((p) => p.code?.files[0]?.text ?? '');
	expect(sources).toEqual([
		expect.stringContaining("outputText('Ahoy, ' + name + '!');"),
		expect.stringContaining('(i32.add (i32.const 65)')
	]);

	const other = await browser.newContext();
	const receiver = await other.newPage();
	await openApp(receiver);
	await importWorkspace(receiver, text);
	const nav = receiver.getByRole('navigation', { name: 'Loaded plugins' });
	const pane = receiver.getByRole('region', { name: 'Source' });
	const received = pane.getByRole('status', { name: 'Build status' });
	const output = receiver.getByRole('region', { name: 'Output' });
	for (const { tab, line, answer } of [
		{ tab: 'Greet', line: "outputText('Ahoy, ' + name + '!');", answer: 'Ahoy, Wörld 🌍!' },
		{ tab: 'Plain function (WAT)', line: '(i32.add (i32.const 65)', answer: 'F' }
	]) {
		await nav.getByRole('button', { name: tab, exact: true }).click();
		// The source comes open with the plugin; nothing is built on import, Run builds it.
		await expect(pane.getByRole('textbox', { name: 'Source code' })).toContainText(line);
		await expect(received).toHaveText('Source only, not built here yet: Run builds it');
		await receiver.getByRole('button', { name: 'Run', exact: true }).click();
		await expect(received).toHaveText(/^Built /, { timeout: 90_000 });
		await expect(output.getByText(answer, { exact: true })).toBeVisible();
		// Same compiler, same bytes: no warning that the rebuilt module differs.
		await expect(pane.getByRole('alert')).toHaveCount(0);
	}
	await other.close();
});
