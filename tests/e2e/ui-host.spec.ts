// Loading (gallery, pasted manifest), inspecting, the KV store panel, Host settings and the host ABI panel.
import AxeBuilder from '@axe-core/playwright';
import type { FileChooser, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { pickExample as load } from './app';
import { readFile } from 'node:fs/promises';

async function openApp(page: Page) {
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

async function run(page: Page, input?: string) {
	if (input !== undefined) await page.getByRole('textbox', { name: 'Input' }).fill(input);
	await page.getByRole('button', { name: 'Run', exact: true }).click();
}

/** The output's JSON, however the Output panel lays it out. */
const count = (n: number) => new RegExp(`"count":\\s*${n}\\b`);

async function openSettings(page: Page) {
	const settings = page.getByRole('region', { name: 'Host settings' });
	await settings.locator('summary').click();
	return settings;
}

test('the empty page offers the examples as cards, and the Examples dialog does too', async ({
	page
}) => {
	await openApp(page);
	const start = page.getByRole('region', { name: 'Start from an example' });
	const greet = start.getByRole('button', { name: 'Greet', exact: true });
	await expect(greet).toHaveAccessibleDescription(/non-ASCII input round-trips.*extism/);
	await greet.click();
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	await expect(page.getByRole('combobox', { name: 'Function' })).toHaveValue('greet');
	await expect(start).toBeHidden();

	const opener = page.getByRole('button', { name: 'Examples' });
	await opener.click();
	const dialog = page.getByRole('dialog', { name: 'Examples' });
	await expect(dialog).toBeVisible();
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	await expect(opener).toBeFocused();

	await opener.click();
	await dialog.getByRole('button', { name: 'Count vowels', exact: true }).click();
	await expect(dialog).toBeHidden();
	await expect(page.getByRole('combobox', { name: 'Function' })).toHaveValue('count_vowels');
	await expect(page.getByRole('navigation', { name: 'Loaded plugins' })).toContainText(
		'Count vowels'
	);
});

test('a pasted manifest loads its module with its config', async ({ page, baseURL }) => {
	await openApp(page);
	await page.getByRole('button', { name: 'Paste manifest' }).click();
	const dialog = page.getByRole('dialog', { name: 'Paste an Extism manifest' });
	await dialog.getByRole('textbox', { name: 'Manifest JSON' }).fill(
		JSON.stringify({
			wasm: [{ url: `${baseURL}examples/count-vowels.wasm` }],
			config: { vowels: 'o' }
		})
	);
	await dialog.getByRole('button', { name: 'Load manifest' }).click();
	await expect(dialog).toBeHidden();
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	await run(page, 'Hello, world!');
	await expect(page.getByRole('region', { name: 'Output' })).toContainText(count(2));
});

test('a bad pasted manifest is explained in the dialog, naming the field', async ({ page }) => {
	await openApp(page);
	const opener = page.getByRole('button', { name: 'Paste manifest' });
	await opener.click();
	const dialog = page.getByRole('dialog', { name: 'Paste an Extism manifest' });
	const text = dialog.getByRole('textbox', { name: 'Manifest JSON' });
	await text.fill('{"wasm": [{"url": "examples/greet.wasm"}], "config": {"vowels": 3}}');
	await dialog.getByRole('button', { name: 'Load manifest' }).click();
	await expect(dialog.getByRole('alert')).toContainText('config.vowels must be a string');
	await text.fill('{"wasm": [{"url": "examples/greet.wasm"}], }');
	await text.press('Control+Enter');
	await expect(dialog.getByRole('alert')).toContainText('not valid JSON');
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	await expect(opener).toBeFocused();
	await expect(page.getByRole('navigation', { name: 'Loaded plugins' })).toBeHidden();
});

test('the Module panel copies the sha256 and says what to do about a missing import', async ({
	page,
	context
}) => {
	await context.grantPermissions(['clipboard-read', 'clipboard-write']);
	await openApp(page);
	await load(page, 'Greet');
	const index = JSON.parse(await readFile('public/examples/index.json', 'utf8')) as {
		name: string;
		sha256: string;
	}[];
	const module = page.getByRole('region', { name: 'Module' });
	await module.getByRole('button', { name: 'Copy sha256' }).click();
	await expect(module.getByRole('status')).toHaveText('Copied');
	expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
		index.find((e) => e.name === 'greet')!.sha256
	);

	await page
		.getByRole('combobox', { name: 'Example' })
		.selectOption({ label: 'Needs a host function' });
	await expect(page.getByRole('alert')).toContainText('hello_world');
	await expect(module).toContainText(
		'The playground provides only kv_read, kv_write and log in "extism:host/user", not "hello_world".'
	);
	await expect(module).toContainText('Host function mocks');
});

test('KV entries are added, edited in a form, shown as JSON or hex, and deleted', async ({
	page
}) => {
	await openApp(page);
	await load(page, 'Key-value counter');
	const kv = page.getByRole('region', { name: 'KV store' });
	await kv.getByRole('textbox', { name: 'Key' }).fill('greeting');
	await kv.getByRole('textbox', { name: 'Value' }).fill('hi');
	await kv.getByRole('button', { name: 'Save entry' }).click();
	await expect(kv.getByRole('cell', { name: 'hi', exact: true })).toBeVisible();

	await kv.getByRole('button', { name: 'Edit greeting' }).click();
	const value = kv.getByRole('textbox', { name: 'Value' });
	await expect(value).toHaveValue('hi');
	await expect(value).toBeFocused();
	await expect(kv.getByRole('textbox', { name: 'Key' })).not.toBeEditable();
	await value.fill('hello');
	await kv.getByRole('button', { name: 'Save entry' }).click();
	await expect(kv.getByRole('cell', { name: 'hello', exact: true })).toBeVisible();
	await expect(kv.getByRole('cell', { name: 'hi', exact: true })).toBeHidden();

	await kv.getByRole('textbox', { name: 'Key' }).fill('doc');
	await kv.getByRole('combobox', { name: 'Value mode' }).selectOption('JSON');
	await kv.getByRole('textbox', { name: 'Value' }).fill('{"a":');
	await kv.getByRole('button', { name: 'Save entry' }).click();
	await expect(kv.getByRole('alert')).toContainText('The value is not valid JSON');
	await kv.getByRole('textbox', { name: 'Value' }).fill('{"a":[1]}');
	await kv.getByRole('button', { name: 'Save entry' }).click();
	await expect(kv.getByRole('alert')).toBeHidden();

	const views = kv.getByRole('radiogroup', { name: 'KV value view' });
	await views.getByRole('radio', { name: 'JSON' }).check();
	await expect(kv.getByRole('cell', { name: /"a": \[\s+1\s+\]/ })).toBeVisible();
	await views.getByRole('radio', { name: 'Hex' }).check();
	await expect(kv.getByRole('cell', { name: '68 65 6c 6c 6f', exact: true })).toBeVisible();

	// Edited in hex mode, the bytes stay exact.
	await kv.getByRole('button', { name: 'Edit greeting' }).click();
	await kv.getByRole('combobox', { name: 'Value mode' }).selectOption('Hex');
	await expect(kv.getByRole('textbox', { name: 'Value' })).toHaveValue('68 65 6c 6c 6f');
	await kv.getByRole('textbox', { name: 'Value' }).fill('00 ff');
	await kv.getByRole('button', { name: 'Save entry' }).click();
	await views.getByRole('radio', { name: 'Text' }).check();
	await expect(kv).toContainText('(binary, shown as hex)');

	await kv.getByRole('button', { name: 'Delete greeting' }).click();
	await expect(kv.getByRole('button', { name: 'Edit greeting' })).toBeHidden();
	await expect(kv.getByRole('button', { name: 'Edit doc' })).toBeVisible();
});

test('the Key-value counter reads the edited value on its next call', async ({ page }) => {
	await openApp(page);
	await load(page, 'Key-value counter');
	const kv = page.getByRole('region', { name: 'KV store' });
	await kv.getByRole('textbox', { name: 'Key' }).fill('count');
	await kv.getByRole('textbox', { name: 'Value' }).fill('41');
	await kv.getByRole('button', { name: 'Save entry' }).click();
	await run(page);
	await expect(page.getByRole('region', { name: 'Output' })).toContainText(count(42));
	await expect(kv.getByRole('cell', { name: '42', exact: true })).toBeVisible();

	await kv.getByRole('button', { name: 'Edit count' }).click();
	await kv.getByRole('textbox', { name: 'Value' }).fill('100');
	await kv.getByRole('button', { name: 'Save entry' }).click();
	await run(page);
	await expect(page.getByRole('region', { name: 'Output' })).toContainText(count(101));
});

test('the KV namespace exports to a file and imports back, asking before it overwrites', async ({
	page
}) => {
	await openApp(page);
	await load(page, 'Key-value counter');
	const kv = page.getByRole('region', { name: 'KV store' });
	for (const [key, value] of [
		['a', '1'],
		['b', '2']
	]) {
		await kv.getByRole('textbox', { name: 'Key' }).fill(key);
		await kv.getByRole('textbox', { name: 'Value' }).fill(value);
		await kv.getByRole('button', { name: 'Save entry' }).click();
		await expect(kv.getByRole('button', { name: `Edit ${key}` })).toBeVisible();
	}

	const downloading = page.waitForEvent('download');
	await kv.getByRole('button', { name: 'Export KV' }).click();
	const download = await downloading;
	expect(download.suggestedFilename()).toBe('kv-example-kv-counter.json');
	const file = (await download.path())!;
	expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
		format: 'plugin-playground.kv',
		version: 1,
		namespace: 'example:kv-counter',
		entries: { a: { text: '1' }, b: { text: '2' } }
	});

	await kv.getByRole('button', { name: 'Edit a' }).click();
	await kv.getByRole('textbox', { name: 'Value' }).fill('9');
	await kv.getByRole('button', { name: 'Save entry' }).click();
	await kv.getByRole('button', { name: 'Delete b' }).click();
	await expect(kv.getByRole('cell', { name: '9', exact: true })).toBeVisible();

	const importFile = async (files: Parameters<FileChooser['setFiles']>[0]) => {
		const choosing = page.waitForEvent('filechooser');
		await kv.getByRole('button', { name: 'Import KV' }).click();
		await (await choosing).setFiles(files);
	};
	const opener = kv.getByRole('button', { name: 'Import KV' });
	await importFile(file);
	const confirm = page.getByRole('dialog', { name: 'Overwrite entries?' });
	await expect(confirm).toBeVisible();
	await expect(confirm.getByRole('listitem')).toHaveText(['a']);
	await confirm.getByRole('button', { name: 'Cancel' }).click();
	await expect(confirm).toBeHidden();
	await expect(opener).toBeFocused();
	await expect(kv.getByRole('cell', { name: '9', exact: true })).toBeVisible();

	await importFile(file);
	await confirm.getByRole('button', { name: 'Import' }).click();
	await expect(kv.getByRole('status')).toContainText('Imported 2 entries');
	await expect(kv.getByRole('cell', { name: '1', exact: true })).toBeVisible();
	await expect(kv.getByRole('cell', { name: '2', exact: true })).toBeVisible();
	await expect(kv.getByRole('cell', { name: '9', exact: true })).toBeHidden();

	await importFile({
		name: 'other.json',
		mimeType: 'application/json',
		buffer: Buffer.from('{"format": "something-else"}')
	});
	await expect(kv.getByRole('alert')).toContainText(
		'Could not import other.json: The file is not a KV export'
	);
});

test('clearing the namespace asks first; the plugin then starts from nothing', async ({ page }) => {
	await openApp(page);
	await load(page, 'Key-value counter');
	await run(page);
	await run(page);
	const output = page.getByRole('region', { name: 'Output' });
	await expect(output).toContainText(count(2));
	const kv = page.getByRole('region', { name: 'KV store' });
	await expect(kv.getByRole('cell', { name: '2', exact: true })).toBeVisible();

	await kv.getByRole('button', { name: 'Clear namespace' }).click();
	const dialog = page.getByRole('dialog', { name: 'Clear namespace?' });
	await expect(dialog).toContainText('example:kv-counter');
	await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
	await dialog.getByRole('button', { name: 'Cancel' }).click();
	await expect(dialog).toBeHidden();
	await expect(kv.getByRole('cell', { name: '2', exact: true })).toBeVisible();

	await kv.getByRole('button', { name: 'Clear namespace' }).click();
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	await expect(kv.getByRole('cell', { name: '2', exact: true })).toBeVisible();

	await kv.getByRole('button', { name: 'Clear namespace' }).click();
	await dialog.getByRole('button', { name: 'Clear', exact: true }).click();
	await expect(kv).toContainText('No entries in this namespace.');
	await expect(kv.getByRole('textbox', { name: 'Key' })).toBeFocused();
	await run(page);
	await expect(output).toContainText(count(1));

	// The clear reached IndexedDB too.
	await page.reload();
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	await expect(kv.getByRole('cell', { name: '1', exact: true })).toBeVisible();
});

test('Host settings: the config editor changes what count-vowels reads', async ({ page }) => {
	await openApp(page);
	await load(page, 'Count vowels');
	const settings = await openSettings(page);
	await expect(settings.getByRole('textbox', { name: 'Config key 1' })).toHaveValue('vowels');
	await settings.getByRole('textbox', { name: 'Config value 1' }).fill('o');
	await expect(settings).toContainText('Not applied yet');
	await settings.getByRole('button', { name: 'Apply settings' }).click();
	await expect(settings).not.toContainText('Not applied yet');
	await run(page, 'Hello, world!');
	await expect(page.getByRole('region', { name: 'Output' })).toContainText(count(2));

	// A repeated key is refused, naming both entries.
	await settings.getByRole('button', { name: 'Add config entry' }).click();
	await expect(settings.getByRole('textbox', { name: 'Config key 2' })).toBeFocused();
	await page.keyboard.type('vowels');
	await settings.getByRole('button', { name: 'Apply settings' }).click();
	await expect(settings.getByRole('alert')).toContainText('"vowels" is in entries 1 and 2');
	await settings.getByRole('button', { name: 'Remove config entry 2' }).click();

	// Allowed hosts: a pasted URL becomes its host name; the manifest shows it once applied.
	const host = settings.getByRole('textbox', { name: 'Allowed host' });
	await host.fill('https://API.example.com/v1');
	await host.press('Enter');
	const hosts = settings.getByRole('list', { name: 'Allowed hosts' });
	await expect(hosts.getByRole('listitem')).toHaveText(['api.example.com×']);
	await settings.getByRole('button', { name: 'Apply settings' }).click();
	const manifest = settings.getByRole('textbox', { name: 'Manifest' });
	await expect(manifest).toHaveValue(/"allowed_hosts": \[\s+"api.example.com"\s+\]/);
	await settings.getByRole('button', { name: 'Remove api.example.com' }).click();
	await expect(hosts).toBeHidden();
});

test('Host settings: an edited manifest applies, and a wrong one names the field', async ({
	page,
	baseURL
}) => {
	await openApp(page);
	await load(page, 'Count vowels');
	const settings = await openSettings(page);
	const textbox = settings.getByRole('textbox', { name: 'Manifest' });
	// The worker hashes the module while it loads; the manifest shows the hash once it is known.
	await expect(textbox).toHaveValue(/"hash": "[0-9a-f]{64}"/);
	const manifest = JSON.parse(await textbox.inputValue()) as {
		wasm: { url: string; hash: string }[];
		config: Record<string, string>;
	};
	expect(manifest.wasm).toEqual([
		{ url: `${baseURL}examples/count-vowels.wasm`, hash: expect.stringMatching(/^[0-9a-f]{64}$/) }
	]);
	expect(manifest.config).toEqual({ vowels: 'aeiouAEIOU' });

	await textbox.fill(JSON.stringify({ ...manifest, config: { vowels: 3 } }));
	await settings.getByRole('button', { name: 'Apply manifest' }).click();
	await expect(settings.getByRole('alert')).toContainText('config.vowels must be a string');

	await textbox.fill(JSON.stringify({ ...manifest, config: { vowels: 'o' } }));
	await settings.getByRole('button', { name: 'Apply manifest' }).click();
	await expect(settings.getByRole('alert')).toBeHidden();
	await expect(settings.getByRole('textbox', { name: 'Config value 1' })).toHaveValue('o');
	await run(page, 'Hello, world!');
	await expect(page.getByRole('region', { name: 'Output' })).toContainText(count(2));
});

test('a small memory cap makes the Memory hog stop with a limit error naming the pages', async ({
	page
}) => {
	await openApp(page);
	await load(page, 'Memory hog');
	const settings = await openSettings(page);
	// The hog grows 16 pages at a time from 1: at 33 pages the next step would pass 1 + 33.
	await settings.getByRole('spinbutton', { name: 'Max memory (64 KiB pages)' }).fill('33');
	await settings.getByRole('button', { name: 'Apply settings' }).click();
	await expect(settings.getByRole('textbox', { name: 'Manifest' })).toHaveValue(/"max_pages": 33/);
	await run(page);
	const alert = page.getByRole('alert');
	await expect(alert).toContainText('limit');
	await expect(alert).toContainText('under a Max memory of 33 pages');
});

test('About the host ABI explains the host functions and closes with Escape', async ({ page }) => {
	await openApp(page);
	const opener = page.getByRole('button', { name: 'About the host ABI' });
	await opener.click();
	const dialog = page.getByRole('dialog', { name: 'About the host ABI' });
	await expect(dialog).toBeVisible();
	await expect(dialog).toContainText('kv_read(i64) -> i64');
	await expect(dialog).toContainText('kv_write(i64, i64)');
	await expect(dialog).toContainText('empty block');
	await expect(dialog).toContainText("@external('extism:host/user', 'kv_read')");
	await expect(dialog).toContainText('http_request');
	// Harmont's hm_* functions: the ones the playground provides, and the ones only a mock answers.
	await expect(
		dialog.getByRole('heading', { name: 'Harmont plugins: hm_* functions' })
	).toBeVisible();
	const provided = dialog.getByRole('table', { name: 'Harmont functions the playground provides' });
	await expect(provided.getByRole('row')).toHaveCount(13);
	await expect(provided.getByRole('row', { name: /^hm_kv_get / })).toContainText(
		"Reads the plugin's KV namespace"
	);
	await expect(provided).toContainText('hm_should_cancel');
	await expect(provided).not.toContainText('hm_docker_ping');
	const mockOnly = dialog.getByRole('list', { name: 'Harmont functions only a mock answers' });
	await expect(mockOnly.getByRole('listitem')).toHaveCount(20);
	await expect(mockOnly).toContainText('hm_docker_ping');
	await expect(mockOnly).not.toContainText('hm_kv_get');
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	await expect(opener).toBeFocused();
});

test('the dialogs and the open panels have no serious accessibility violations', async ({
	page
}) => {
	const serious = async (view: string) => {
		const results = await new AxeBuilder({ page }).analyze();
		const found = results.violations
			.filter((v) => v.impact === 'serious' || v.impact === 'critical')
			.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
		expect(found, view).toEqual([]);
	};
	await openApp(page);
	await page.getByRole('button', { name: 'Examples' }).click();
	await serious('examples dialog');
	await page.keyboard.press('Escape');
	await page.getByRole('button', { name: 'About the host ABI' }).click();
	await serious('about dialog');
	await page.keyboard.press('Escape');
	await page.getByRole('button', { name: 'Paste manifest' }).click();
	await page.getByRole('textbox', { name: 'Manifest JSON' }).fill('{}');
	await page.getByRole('button', { name: 'Load manifest' }).click();
	await expect(page.getByRole('dialog').getByRole('alert')).toBeVisible();
	await serious('paste dialog with an error');
	await page.keyboard.press('Escape');

	await load(page, 'Key-value counter');
	await run(page);
	await openSettings(page);
	const kv = page.getByRole('region', { name: 'KV store' });
	await expect(kv.getByRole('button', { name: 'Edit count' })).toBeVisible();
	await serious('settings and KV');
	await kv.getByRole('button', { name: 'Clear namespace' }).click();
	await serious('clear dialog');
});
