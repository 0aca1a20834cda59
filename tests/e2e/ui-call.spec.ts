// The Call panel: the lazily loaded CodeMirror input editor, its modes and validation, input from a file,
// keyboard use, and the function picker's signature hint.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { pickExample } from './app';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import wabt from 'wabt';

/** The built site under test; the same folder Playwright's web server serves. */
const DIST = process.env.PW_DIST ?? 'dist';
/** Initial page weight allowed, gzip, JS and CSS together. */
const INITIAL_BUDGET = 250 * 1024;
/** CodeMirror's chunk, named after src/components/editor/codemirror.ts. */
const EDITOR_CHUNK = /\/assets\/codemirror-[\w-]+\.js$/;

async function openApp(page: Page) {
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

/** The input editor once CodeMirror has replaced the textarea. */
async function editor(page: Page) {
	const input = page.getByRole('textbox', { name: 'Input' });
	await expect(input).toHaveAttribute('contenteditable', 'true');
	return input;
}

const callPanel = (page: Page) => page.getByRole('region', { name: 'Call' });
const output = (page: Page) => page.getByRole('region', { name: 'Output' });
const status = (page: Page) => page.locator('.input-status');
const loadedScripts = (page: Page) =>
	page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));

test('CodeMirror stays out of the initial page and loads with the first plugin', async ({
	page
}) => {
	const html = await readFile(join(DIST, 'index.html'), 'utf8');
	const initial = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.(?:js|css))"/g)].map(
		(m) => m[1] ?? ''
	);
	expect(initial.some((file) => file.endsWith('.js'))).toBe(true);
	expect(initial.some((file) => file.includes('codemirror'))).toBe(false);
	let gzipped = 0;
	for (const file of initial) {
		const code = await readFile(join(DIST, file));
		expect(code.includes('cm-editor')).toBe(false);
		gzipped += gzipSync(code).byteLength;
	}
	expect(gzipped).toBeLessThan(INITIAL_BUDGET);

	await openApp(page);
	expect((await loadedScripts(page)).filter((url) => EDITOR_CHUNK.test(url))).toEqual([]);
	await pickExample(page, 'Greet');
	await editor(page);
	expect((await loadedScripts(page)).filter((url) => EDITOR_CHUNK.test(url))).toHaveLength(1);
	await expect(page.getByRole('textbox', { name: 'Input' })).toHaveCount(1);
	await expect(callPanel(page).locator('textarea')).toHaveCount(0);
});

test('without the editor chunk the plain textarea still edits and runs', async ({ page }) => {
	await page.route(EDITOR_CHUNK, (route) => route.abort());
	await openApp(page);
	await pickExample(page, 'Greet');
	const input = page.getByRole('textbox', { name: 'Input' });
	await expect(input).toHaveCount(1);
	await expect(input).toHaveJSProperty('tagName', 'TEXTAREA');
	await input.fill('Tex');
	await input.press('Control+Enter');
	await expect(output(page)).toContainText('Hello, Tex!');
	await expect(page.getByRole('textbox', { name: 'Input' })).toHaveCount(1);
});

test('JSON mode marks bad JSON as you type and Run refuses it with an alert', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'Echo');
	const input = await editor(page);
	await callPanel(page).getByRole('radio', { name: 'JSON' }).check();
	await input.fill('{"a": }');
	const message = 'The input is not valid JSON: expected a value at line 1, column 7, found "}".';
	await expect(status(page)).toHaveText(message);
	await expect(input).toHaveAttribute('aria-invalid', 'true');
	await expect(page.locator('.cm-lint-marker-error')).toBeVisible();
	await expect(page.locator('.cm-lintRange-error')).toHaveText('}');

	await page.getByRole('button', { name: 'Run', exact: true }).click();
	const alert = callPanel(page).getByRole('alert');
	await expect(alert).toContainText(message);
	await expect(alert).toContainText('switch the input mode to Text');
	await expect(output(page)).not.toContainText('"a"');

	await input.fill('{"a": 1}');
	await expect(alert).toHaveCount(0);
	await expect(status(page)).toHaveText('Valid JSON, 8 bytes');
	await expect(input).not.toHaveAttribute('aria-invalid', 'true');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(output(page)).toContainText('"a"');
});

test('hex mode counts the bytes, flags junk, and sends the bytes it shows', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'Echo');
	const input = await editor(page);
	await callPanel(page).getByRole('radio', { name: 'Hex' }).check();
	await input.fill('48 6');
	await expect(status(page)).toContainText('odd number of digits');
	await input.fill('48 zz');
	await expect(status(page)).toContainText('non-hex character "z" at position 4');
	await expect(input).toHaveAttribute('aria-invalid', 'true');
	await input.fill('48 69');
	await expect(status(page)).toHaveText('2 bytes');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(output(page)).toContainText('Hi');
});

test('switching modes keeps the bytes', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'Echo');
	const input = await editor(page);
	const modes = callPanel(page);
	await input.fill('Hi');
	await modes.getByRole('radio', { name: 'Hex' }).check();
	await expect(input).toHaveText('48 69');
	await expect(status(page)).toHaveText('2 bytes');
	await modes.getByRole('radio', { name: 'Text' }).check();
	await expect(input).toHaveText('Hi');
	await input.fill('{"é":[1]}');
	await modes.getByRole('radio', { name: 'JSON' }).check();
	await expect(input).toHaveText('{"é":[1]}');
	await modes.getByRole('radio', { name: 'Hex' }).check();
	await expect(input).toHaveText('7b 22 c3 a9 22 3a 5b 31 5d 7d');
});

test('input from a file: JSON as JSON, binary as hex, with the size shown', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'Echo');
	const input = await editor(page);
	const pick = async (file: { name: string; mimeType: string; buffer: Buffer }) => {
		const chooser = page.waitForEvent('filechooser');
		await page.getByRole('button', { name: 'Input from file' }).click();
		await (await chooser).setFiles(file);
	};

	await pick({ name: 'data.json', mimeType: 'application/json', buffer: Buffer.from('{"n": 1}') });
	await expect(callPanel(page).getByRole('radio', { name: 'JSON' })).toBeChecked();
	await expect(input).toHaveText('{"n": 1}');
	await expect(status(page)).toContainText('loaded “data.json”, 8 B, as JSON');

	await pick({
		name: 'blob.bin',
		mimeType: 'application/octet-stream',
		buffer: Buffer.from([0, 1, 0xff])
	});
	await expect(callPanel(page).getByRole('radio', { name: 'Hex' })).toBeChecked();
	await expect(input).toHaveText('00 01 ff');
	await expect(status(page)).toContainText('3 bytes');
	await expect(status(page)).toContainText('loaded “blob.bin”, 3 B, as Hex');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(output(page)).toContainText('00 01 ff');
});

test('Ctrl+Enter runs from inside the editor, Esc stops, Tab leaves', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'Greet');
	const input = await editor(page);
	await input.fill('A');
	await input.press('End');
	await input.pressSequentially('B');
	await input.press('Control+Enter');
	await expect(output(page)).toContainText('Hello, AB!');
	// The shortcut ran the call and did not also type a line break.
	await expect(input).toHaveText('AB');

	await input.press('Tab');
	await expect(input).not.toBeFocused();

	await pickExample(page, 'Loop forever');
	// Wait for the new plugin's panel: Greet's Run button was enabled before it came.
	await expect(page.getByRole('combobox', { name: 'Function' })).toHaveValue('spin');
	const spinning = await editor(page);
	await spinning.press('Control+Enter');
	await expect(page.getByRole('button', { name: 'Stop' })).toBeEnabled();
	await expect(spinning).toBeFocused();
	await spinning.press('Escape');
	await expect(page.getByRole('alert')).toContainText('You stopped export "spin"');
});

test('the editor takes its colours from the page theme and follows a switch', async ({ page }) => {
	await page.emulateMedia({ colorScheme: 'light' });
	await openApp(page);
	await pickExample(page, 'Greet');
	await editor(page);
	const colours = () =>
		page.evaluate(() => {
			const panel = getComputedStyle(document.querySelector('.panel')!);
			const cm = getComputedStyle(document.querySelector('.cm-editor')!);
			return { panel: panel.backgroundColor, editor: cm.backgroundColor, text: cm.color };
		});
	const light = await colours();
	expect(light.editor).toBe(light.panel);
	expect(light.text).not.toBe(light.editor);
	// The theme toggle sets data-theme on <html>; the editor must follow without being rebuilt.
	await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
	const dark = await colours();
	expect(dark.editor).toBe(dark.panel);
	expect(dark.editor).not.toBe(light.editor);
	expect(dark.text).not.toBe(light.text);
});

test('the function picker shows the signature and warns about non-Extism shapes', async ({
	page
}) => {
	await openApp(page);
	await pickExample(page, 'Greet');
	const hint = callPanel(page).locator('.signature');
	await expect(hint).toHaveText('() -> i32');
	await expect(callPanel(page).locator('.warning')).toHaveCount(0);

	const tools = await wabt();
	const module = tools.parseWat(
		'add.wat',
		`(module
			(func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
			(func (export "tick")))`
	);
	const { buffer } = module.toBinary({});
	module.destroy();
	await page.getByLabel('Plugin file').setInputFiles({
		name: 'add.wasm',
		mimeType: 'application/wasm',
		buffer: Buffer.from(buffer)
	});
	const picker = page.getByRole('combobox', { name: 'Function' });
	await expect(picker).toHaveValue('add');
	await expect(hint).toHaveText('(i32, i32) -> i32');
	const warning = callPanel(page).locator('.warning');
	await expect(warning).toContainText(
		'"add" takes 2 parameters (i32, i32) that the call cannot pass'
	);
	await expect(picker).toHaveAccessibleDescription(/takes 2 parameters/);
	await picker.selectOption('tick');
	await expect(hint).toHaveText('()');
	await expect(warning).toContainText('"tick" returns nothing instead of one i32 exit code');
});
