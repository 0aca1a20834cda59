import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { pickExample } from './app';
import { readFile } from 'node:fs/promises';

/** Opens the app and waits until its examples catalogue is in. */
async function openApp(page: Page) {
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

test('loads greet, runs it, and shows the output and the trace', async ({ page }) => {
	await openApp(page);
	expect(page.url()).toContain('/some/sub/path/');
	await pickExample(page, 'Greet');
	await expect(page.getByRole('combobox', { name: 'Function' })).toHaveValue('greet');
	await page.getByRole('textbox', { name: 'Input' }).fill('Wörld');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	const output = page.getByRole('region', { name: 'Output' });
	await expect(output).toContainText('Hello, Wörld!');
	const trace = page.getByRole('region', { name: 'Trace' });
	await expect(trace).toContainText('greet("Wörld")');
	await expect(trace).toContainText('return');
	await expect(page.getByRole('region', { name: 'History' })).toContainText('greet');
	await page.screenshot({ path: test.info().outputPath('greet.png') });
});

test('Ctrl+Enter runs; the hex view shows the bytes', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'Greet');
	const input = page.getByRole('textbox', { name: 'Input' });
	await input.fill('A');
	await input.press('Control+Enter');
	const output = page.getByRole('region', { name: 'Output' });
	await expect(output).toContainText('Hello, A!');
	await output.getByRole('radio', { name: 'Hex' }).check();
	await expect(output).toContainText('48 65 6c 6c 6f');
});

test('a KV write survives a stop and a reload', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'Loop forever');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	const trace = page.getByRole('region', { name: 'Trace' });
	// The write and the log line stream in while the plugin spins.
	await expect(trace).toContainText('spinning forever');
	await expect(page.getByRole('button', { name: 'Stop' })).toBeEnabled();
	await page.keyboard.press('Escape');
	await expect(page.getByRole('alert')).toContainText('You stopped export "spin"');
	await expect(page.getByText('its memory (globals, vars) was reset')).toBeVisible();
	await page.reload();
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	const kv = page.getByRole('region', { name: 'KV store' });
	await expect(kv).toContainText('last-run');
	await expect(kv).toContainText('started');
	// The history of the stopped call survived too.
	await expect(page.getByRole('region', { name: 'History' })).toContainText('stopped');
});

test('editing KV in the view is what the plugin reads next', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'Key-value counter');
	const kv = page.getByRole('region', { name: 'KV store' });
	await kv.getByRole('textbox', { name: 'Key' }).fill('count');
	await kv.getByRole('textbox', { name: 'Value' }).fill('41');
	await kv.getByRole('button', { name: 'Save entry' }).click();
	await expect(kv).toContainText('41');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('"count": 42');
	await expect(kv.getByRole('cell', { name: '42' })).toBeVisible();
});

test('a plugin loads from a URL with its size and sha256 shown', async ({ page, baseURL }) => {
	await openApp(page);
	const index = JSON.parse(await readFile('public/examples/index.json', 'utf8')) as {
		name: string;
		sha256: string;
	}[];
	const greet = index.find((e) => e.name === 'greet')!;
	await page.getByRole('textbox', { name: 'Plugin URL' }).fill(`${baseURL}examples/greet.wasm`);
	await page.getByRole('button', { name: 'Load URL' }).click();
	const module = page.getByRole('region', { name: 'Module' });
	await expect(module).toContainText(greet.sha256);
	await expect(module).toContainText('Extism plugin');
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
});

test('a broken URL and a non-wasm file explain themselves', async ({ page, baseURL }) => {
	await openApp(page);
	await page.getByRole('textbox', { name: 'Plugin URL' }).fill(`${baseURL}missing.wasm`);
	await page.getByRole('button', { name: 'Load URL' }).click();
	await expect(page.getByRole('alert')).toContainText('404');
	await page.getByLabel('Plugin file').setInputFiles({
		name: 'page.wasm',
		mimeType: 'application/wasm',
		buffer: Buffer.from('<!DOCTYPE html><html><body>not wasm</body></html>')
	});
	await expect(page.getByRole('alert')).toContainText('HTML');
	// The page stays usable: an example still loads and runs.
	await pickExample(page, 'Greet');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('Hello,');
});

test('a missing import is named before anything runs', async ({ page }) => {
	await openApp(page);
	await page
		.getByRole('combobox', { name: 'Example' })
		.selectOption({ label: 'Needs a host function' });
	const alert = page.getByRole('alert');
	await expect(alert).toContainText('"extism:host/user" "hello_world"');
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeDisabled();
	await expect(page.getByRole('region', { name: 'Module' })).toContainText('missing');
});

for (const colorScheme of ['light', 'dark'] as const) {
	test(`screenshots of the main views, ${colorScheme}`, async ({ page }) => {
		await page.emulateMedia({ colorScheme });
		await page.setViewportSize({ width: 1280, height: 800 });
		await openApp(page);
		const shot = (view: string) =>
			page.screenshot({ path: `test-results/screenshots/${view}-${colorScheme}.png` });
		await shot('empty');
		await pickExample(page, 'Key-value counter');
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		await pickExample(page, 'Count vowels');
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		await expect(page.getByRole('region', { name: 'Trace' })).toContainText('var_set');
		await shot('playground');
		await page
			.getByRole('region', { name: 'Trace' })
			.getByRole('button', { name: /var_set/ })
			.click();
		await shot('trace');
		await pickExample(page, 'Bub: prompt builder');
		await page.getByRole('button', { name: 'Call hook' }).click();
		await expect(page.getByRole('region', { name: 'Decoded result' })).toBeVisible();
		await shot('hook-abi');
		await page.getByRole('button', { name: 'View WAT' }).click();
		await expect(page.getByRole('dialog', { name: /^WAT:/ })).toContainText('converted in');
		await shot('wat');
		await page.keyboard.press('Escape');
		await pickExample(page, 'Trap');
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		await expect(page.getByRole('alert')).toContainText('trapped');
		await shot('error');
		await page.getByRole('button', { name: 'Share', exact: true }).click();
		await expect(page.getByRole('textbox', { name: 'Share link' })).toHaveValue(/#v1\./);
		await shot('share');
	});
}

test('a .wasm dropped anywhere on the page loads', async ({ page }) => {
	await openApp(page);
	const bytes = [...(await readFile('public/examples/greet.wasm'))];
	const transfer = await page.evaluateHandle((data) => {
		const dt = new DataTransfer();
		dt.items.add(new File([new Uint8Array(data)], 'dropped.wasm', { type: 'application/wasm' }));
		return dt;
	}, bytes);
	await page.dispatchEvent('main', 'dragover', { dataTransfer: transfer });
	await page.dispatchEvent('main', 'drop', { dataTransfer: transfer });
	await expect(page.getByRole('navigation', { name: 'Loaded plugins' })).toContainText(
		'dropped.wasm'
	);
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('Hello,');
});
