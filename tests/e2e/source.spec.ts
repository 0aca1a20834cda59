// The Source pane, driven as a learner would: change an example's source, build, run and see the new
// output and trace; break it and see the error at its line while the last good module stays loaded.
import type { Page } from '@playwright/test';
import { newFromTemplate, pickExample, replaceInLine } from './app';
import { expect, test } from './fixtures';

async function openApp(page: Page) {
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

/** Opens the Source pane of the shown plugin and waits for its editor. */
async function openSource(page: Page) {
	await page.getByRole('button', { name: 'Source', exact: true }).click();
	const pane = page.getByRole('region', { name: 'Source' });
	await expect(pane.getByRole('textbox', { name: 'Source code' })).toBeVisible();
	return pane;
}

test('an edited example builds on Run and its new output and trace show', async ({ page }) => {
	test.setTimeout(120_000);
	await openApp(page);
	await pickExample(page, 'Greet');
	const pane = await openSource(page);
	const editor = pane.getByRole('textbox', { name: 'Source code' });
	await expect(editor).toContainText("outputText('Hello, ' + name + '!');");
	await replaceInLine(page, "outputText('Hello, ' + name + '!');", 'Hello', 'Howdy');
	await expect(pane.getByRole('status', { name: 'Build status' })).toHaveText(
		'Changed: Run builds first'
	);

	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(pane.getByRole('status', { name: 'Build status' })).toHaveText(
		/Built .* in \d+ ms \(assemblyscript 0\.28\.\d+\)/,
		{ timeout: 90_000 }
	);
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('Howdy, Wörld 🌍!');
	await expect(page.getByRole('region', { name: 'Trace' })).toContainText('Howdy');
});

test('a syntax error shows at its line, and the last good module stays loaded', async ({
	page
}) => {
	test.setTimeout(120_000);
	await openApp(page);
	await pickExample(page, 'Greet');
	const pane = await openSource(page);
	const editor = pane.getByRole('textbox', { name: 'Source code' });
	await editor.click();
	await page.keyboard.press('ControlOrMeta+End');
	// Line 10, after the file's last line.
	await page.keyboard.insertText('export function broken(: i32 {}');
	await page.keyboard.press('ControlOrMeta+s');
	const messages = pane.getByRole('list', { name: 'Build messages' });
	await expect(messages.getByRole('button').first()).toHaveText(/^index\.ts:10:\d+: error: /, {
		timeout: 90_000
	});
	await expect(pane.getByRole('alert')).toContainText('The last good module is still loaded');
	await expect(pane.getByRole('status', { name: 'Build status' })).toHaveText('Build failed');
	await expect(pane.locator('.cm-lintRange-error')).toHaveCount(1);
	// Run builds the changed source first; it fails again, so nothing runs.
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(pane.getByRole('status', { name: 'Build status' })).toHaveText('Build failed');
	await expect(page.getByRole('region', { name: 'Output' })).not.toContainText('Hello');
});

test('a WAT example builds in the page', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'WASI command: upper case');
	const pane = await openSource(page);
	await pane.getByRole('button', { name: 'Build', exact: true }).click();
	await expect(pane.getByRole('status', { name: 'Build status' })).toHaveText(
		/Built .* in \d+ ms \(wabt 1\.0\.\d+\)/
	);
});

test('a link carrying source reopens in a fresh context, rebuilds on Run and matches', async ({
	page,
	browser
}) => {
	test.setTimeout(180_000);
	await openApp(page);
	await pickExample(page, 'Greet');
	const pane = await openSource(page);
	await replaceInLine(page, "outputText('Hello, ' + name + '!');", 'Hello', 'Salut');
	await page.keyboard.press('ControlOrMeta+s');
	await expect(pane.getByRole('status', { name: 'Build status' })).toHaveText(/^Built /, {
		timeout: 90_000
	});

	await page.getByRole('button', { name: 'Share', exact: true }).click();
	const dialog = page.getByRole('dialog', { name: 'Share this workspace' });
	const field = dialog.getByRole('textbox', { name: 'Share link' });
	await expect(field).toHaveValue(/#v2\./);
	const url = await field.inputValue();
	await dialog.getByRole('button', { name: 'Close' }).click();

	const other = await browser.newContext();
	const receiver = await other.newPage();
	await receiver.goto(url);
	await expect(receiver.locator('body[data-ready="true"]')).toBeAttached();
	const received = receiver.getByRole('region', { name: 'Source' });
	// Nothing runs or builds on open.
	await expect(received.getByRole('status', { name: 'Build status' })).toHaveText(
		'Source only, not built here yet: Run builds it'
	);
	await expect(received.getByRole('textbox', { name: 'Source code' })).toContainText(
		"outputText('Salut, ' + name + '!');"
	);
	await expect(receiver.getByRole('region', { name: 'Output' })).not.toContainText('Salut');
	// Shared on before it is built, the plugin still travels as its source (a v2 link).
	await receiver.getByRole('button', { name: 'Share', exact: true }).click();
	const reshare = receiver.getByRole('dialog', { name: 'Share this workspace' });
	await expect(reshare.getByRole('textbox', { name: 'Share link' })).toHaveValue(/#v2\./);
	await reshare.getByRole('button', { name: 'Close' }).click();

	await receiver.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(received.getByRole('status', { name: 'Build status' })).toHaveText(/^Built /, {
		timeout: 90_000
	});
	await expect(receiver.getByRole('region', { name: 'Output' })).toContainText('Salut, Wörld 🌍!');
	await expect(received.getByRole('alert')).toHaveCount(0);
	await other.close();
});

test('a bub hook written from its template changes the decoded result', async ({ page }) => {
	test.setTimeout(180_000);
	await openApp(page);
	await newFromTemplate(page, /Bub hook: build_prompt/);
	const pane = page.getByRole('region', { name: 'Source' });
	await expect(pane.getByRole('status', { name: 'Build status' })).toHaveText(/^Built /, {
		timeout: 90_000
	});
	await page.getByRole('combobox', { name: 'Hook ABI' }).selectOption({ label: 'bub.extism.v1' });
	const abi = page.getByRole('region', { name: 'Hook ABI' });
	await expect(abi.getByRole('combobox', { name: 'Hook' })).toHaveValue('build_prompt');
	await abi.getByRole('button', { name: 'Call hook' }).click();
	const decoded = abi.getByRole('region', { name: 'Decoded result' });
	await expect(decoded).toContainText('Please answer briefly: Summarise my unread email');

	const editor = pane.getByRole('textbox', { name: 'Source code' });
	await editor.getByText("'Please answer briefly: '").click();
	await page.keyboard.press('End');
	for (let i = 0; i < "'Please answer briefly: ' + content));".length - 1; i++) {
		await page.keyboard.press('ArrowLeft');
	}
	for (let i = 0; i < 'Please answer briefly'.length; i++) {
		await page.keyboard.press('Shift+ArrowRight');
	}
	await page.keyboard.insertText('Be terse');
	// Calling the hook builds the changed source first.
	await abi.getByRole('button', { name: 'Call hook' }).click();
	await expect(decoded).toContainText('Be terse: Summarise my unread email', { timeout: 90_000 });
});

test('edited and built source comes back after a reload, and the plugin runs as built', async ({
	page
}) => {
	test.setTimeout(150_000);
	await openApp(page);
	await pickExample(page, 'Greet');
	// A call of the shipped module first, so History has two builds to tell apart.
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('Hello, Wörld 🌍!');
	let pane = await openSource(page);
	await replaceInLine(page, "outputText('Hello, ' + name + '!');", 'Hello', 'Howdy');
	await page.keyboard.press('ControlOrMeta+s');
	await expect(pane.getByRole('status', { name: 'Build status' })).toHaveText(/^Built /, {
		timeout: 90_000
	});
	// A second edit, not built: the reload must say Run builds first, and keep the built module meanwhile.
	await replaceInLine(page, "outputText('Howdy, ' + name + '!');", ',', ';');
	// Autosave settles half a second after the last change.
	await page.waitForTimeout(800);

	await page.reload();
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	pane = page.getByRole('region', { name: 'Source' });
	const editor = pane.getByRole('textbox', { name: 'Source code' });
	await expect(editor).toContainText("outputText('Howdy; ' + name + '!');");
	await expect(pane.getByRole('status', { name: 'Build status' })).toHaveText(
		'Changed: Run builds first'
	);
	// Put the built text back: the module loaded after the reload is the one built from it.
	await replaceInLine(page, "outputText('Howdy; ' + name + '!');", ';', ',');
	await expect(pane.getByRole('status', { name: 'Build status' })).toHaveText('Up to date');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('Howdy, Wörld 🌍!');
	await expect(pane.getByRole('status', { name: 'Build status' })).toHaveText('Up to date');
	// History (newest first), kept across the reload, says which build each call ran.
	const history = page.getByRole('region', { name: 'History' }).getByRole('listitem');
	await expect(history).toHaveCount(2);
	await expect(history.nth(0)).toContainText(/build 2 · [0-9a-f]{7}/);
	await expect(history.nth(1)).toContainText(/build 1 · [0-9a-f]{7}/);
});

test('a Bifrost hook from its template builds without Extism and is called as a Bifrost hook', async ({
	page
}) => {
	test.setTimeout(180_000);
	await openApp(page);
	await newFromTemplate(page, /Bifrost hook: pre_hook/);
	const pane = page.getByRole('region', { name: 'Source' });
	await expect(pane.getByRole('status', { name: 'Build status' })).toHaveText(/^Built /, {
		timeout: 90_000
	});
	// Detected from its exports: a raw module with malloc, free and revision 3's pre_hook.
	await expect(page.getByRole('combobox', { name: 'Hook ABI' })).toHaveValue('bifrost');
	const abi = page.getByRole('region', { name: 'Hook ABI' });
	await abi.getByRole('combobox', { name: 'Hook' }).selectOption('pre_hook');
	await abi.getByRole('button', { name: 'Call hook' }).click();
	await expect(abi.getByRole('region', { name: 'Decoded result' })).toContainText('"template"');
});

test('opening the Source pane loads its compiler before any build, and the page never did', async ({
	page
}) => {
	const compilerChunk = /\/assets\/asc-[^/]*\.js$/;
	const fetched: string[] = [];
	page.on('requestfinished', (request) => {
		if (compilerChunk.test(new URL(request.url()).pathname)) fetched.push(request.url());
	});
	await openApp(page);
	await pickExample(page, 'Count vowels');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('"count": 3');
	expect(fetched).toEqual([]);

	const pane = await openSource(page);
	// Nobody pressed build: the pane asked its worker to load and warm asc while the source is read.
	await expect.poll(() => fetched.length, { timeout: 30_000 }).toBe(1);
	await expect(pane.getByRole('status', { name: 'Build status' })).toHaveText('Up to date');
});
