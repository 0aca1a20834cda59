// The pickers: the Example select shows the open example, the Function picker keeps runtime internals
// apart, and a WASI command runs through `_start` with stdin, stdout, stderr and its exit code.
import type { Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { expect, test } from './fixtures';
import { pickExample as load } from './app';

async function openApp(page: Page) {
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

const exampleSelect = (page: Page) => page.getByRole('combobox', { name: 'Example' });
const functionPicker = (page: Page) => page.getByRole('combobox', { name: 'Function' });
const tabs = (page: Page) => page.getByRole('navigation', { name: 'Loaded plugins' });
const output = (page: Page) => page.getByRole('region', { name: 'Output' });
const trace = (page: Page) => page.getByRole('region', { name: 'Trace' });

test('the Example select shows the open example, and its placeholder for other plugins', async ({
	page
}) => {
	await openApp(page);
	const select = exampleSelect(page);
	await expect(select).toHaveValue('');
	await expect(select.locator('option:checked')).toHaveText('Choose an example…');

	await load(page, 'Greet');
	await expect(select).toHaveValue('greet');
	await expect(select.locator('option:checked')).toHaveText('Greet');

	await load(page, 'Count vowels');
	await expect(select.locator('option:checked')).toHaveText('Count vowels');

	// A plugin from a file is no example: the placeholder comes back.
	await page.getByLabel('Plugin file').setInputFiles({
		name: 'mine.wasm',
		mimeType: 'application/wasm',
		buffer: await readFile('public/examples/greet.wasm')
	});
	await expect(tabs(page).getByRole('button', { name: 'mine.wasm', exact: true })).toHaveAttribute(
		'aria-current',
		'page'
	);
	await expect(select).toHaveValue('');
	await expect(select.locator('option:checked')).toHaveText('Choose an example…');

	// Switching tabs follows the active plugin.
	await tabs(page).getByRole('button', { name: 'Greet', exact: true }).click();
	await expect(select.locator('option:checked')).toHaveText('Greet');

	// Choosing an example opens it in a new tab, as it always has, also when it is open already.
	await load(page, 'Greet');
	await expect(tabs(page).getByRole('button', { name: 'Greet', exact: true })).toHaveCount(2);
	await expect(select.locator('option:checked')).toHaveText('Greet');

	// After a reload the restored active plugin is shown once the catalogue has arrived.
	await openApp(page);
	await expect(
		tabs(page).getByRole('button', { name: 'Greet', exact: true }).last()
	).toHaveAttribute('aria-current', 'page');
	await expect(select.locator('option:checked')).toHaveText('Greet');
});

test('the Function picker lists callable exports and keeps internals hidden until revealed', async ({
	page
}) => {
	await openApp(page);
	await load(page, 'Runtime exports');
	const picker = functionPicker(page);
	await expect(picker).toHaveValue('shout');
	await expect(picker.getByRole('option')).toHaveText(['shout']);

	const toggle = page.getByRole('button', { name: 'Show 4 internal exports' });
	await expect(toggle).toHaveAttribute('aria-expanded', 'false');
	await toggle.click();
	const hide = page.getByRole('button', { name: 'Hide 4 internal exports' });
	await expect(hide).toHaveAttribute('aria-expanded', 'true');
	// Chromium does not expose an <optgroup> of a closed <select> as a group: find it by its label.
	await expect(picker.locator('optgroup[label="Internal"]').getByRole('option')).toHaveText([
		'__new',
		'__pin',
		'__unpin',
		'__collect'
	]);
	// Callable exports come first.
	await expect(picker.getByRole('option')).toHaveText([
		'shout',
		'__new',
		'__pin',
		'__unpin',
		'__collect'
	]);

	// An internal one chosen by hand stays chosen (and listed) when the group is hidden again.
	await picker.selectOption('__collect');
	await hide.click();
	await expect(picker).toHaveValue('__collect');
	await expect(picker.getByRole('option')).toHaveText(['shout', '__collect']);
	await picker.selectOption('shout');
	await expect(picker.getByRole('option')).toHaveText(['shout']);

	// A Bifrost plugin in C: its allocator is internal too.
	await load(page, 'Bifrost: returns 0');
	await expect(functionPicker(page).getByRole('option')).toHaveText(['get_name', 'pre_hook']);
	await expect(page.getByRole('button', { name: 'Show 2 internal exports' })).toBeVisible();
});

test('a WASI command runs through _start: stdin in, stdout out, stderr in the trace, exit code 0', async ({
	page
}) => {
	await openApp(page);
	await load(page, 'WASI command: upper case');
	const picker = functionPicker(page);
	await expect(picker).toHaveValue('_start');
	await expect(picker.getByRole('option', { name: '_start (WASI command)' })).toHaveCount(1);
	await expect(page.getByRole('region', { name: 'Call' })).toContainText(
		'the input is its stdin, its stdout is the output'
	);
	// The module panel names it for what it is, not as a raw (Bifrost-like) module.
	const module = page.getByRole('region', { name: 'Module' });
	await expect(module).toContainText('WASI command (runs through _start)');
	await expect(module).not.toContainText('Raw WebAssembly module');

	const input = page.getByRole('textbox', { name: 'Input' });
	await expect(input).toHaveAttribute('contenteditable', 'true');
	await input.click();
	await page.keyboard.press('ControlOrMeta+a');
	await page.keyboard.type('shout this');
	await page.getByRole('button', { name: 'Run', exact: true }).click();

	await expect(output(page).locator('pre')).toHaveText('SHOUT THIS');
	await expect(output(page)).toContainText('Exit code 0');
	await expect(output(page).getByRole('alert')).toHaveCount(0);
	await expect(trace(page)).toContainText('wasi-upper: read 10 bytes');
	await expect(trace(page)).toContainText('Exit code 0');
});

test('a WASI command that calls proc_exit(3) fails with exit code 3, not a trap', async ({
	page
}) => {
	await openApp(page);
	await load(page, 'WASI command: exit code 3');
	await page.getByRole('button', { name: 'Run', exact: true }).click();

	await expect(output(page)).toContainText('Exited with code 3');
	const alert = output(page).getByRole('alert');
	await expect(alert).toContainText('The WASI command exited with code 3.');
	await expect(alert).not.toContainText('trap');
	await expect(output(page).locator('pre')).toHaveText('partial output');
	await expect(trace(page)).toContainText('wasi-exit: giving up with exit code 3');
	await expect(trace(page)).toContainText('Exited with code 3');
});
