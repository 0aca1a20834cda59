// Hostile modules and stores: huge export, import and name tables, thousands of KV keys, files too big to
// keep and files that fail to load. Each keeps every main-thread task within the long-task budget.
import type { Page } from '@playwright/test';
import { writeFile } from 'node:fs/promises';
import { expect, test } from './fixtures';
import { buildWat, expectResponsive, forgetLongTasks, watchLongTasks } from './hostile';
import { uleb } from '../fixtures/big-module';

/** Opens the app, recording long tasks from the first navigation, and waits for the catalogue. */
async function openApp(page: Page) {
	await watchLongTasks(page);
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	// The hostile input comes after the page started: only its handling is measured.
	await forgetLongTasks(page);
}

/**
 * Loads a module as a user does, through the file chooser. The file goes by path: handing Playwright the
 * bytes makes it decode them in the page, a multi-second main-thread task of its own for a 30 MB file.
 */
async function loadFile(page: Page, name: string, buffer: Buffer) {
	const path = test.info().outputPath(name);
	await writeFile(path, buffer);
	await page.getByLabel('Plugin file').setInputFiles(path);
}

const pad = (i: number) => String(i).padStart(6, '0');

/** One function exported under `count` names: fn000000, fn000001, … */
function manyExports(count: number): Promise<Buffer> {
	const exports = Array.from({ length: count }, (_, i) => `(export "fn${pad(i)}" (func $f))`);
	return buildWat(`(module (memory (export "memory") 1)
		(func $f (result i32) (i32.const 0))
		${exports.join('\n')})`);
}

/** An Extism plugin importing `count` host functions nobody provides. */
function manyMissingImports(count: number): Promise<Buffer> {
	const imports = Array.from(
		{ length: count },
		(_, i) => `(import "extism:host/user" "missing${pad(i)}" (func))`
	);
	return buildWat(`(module
		(import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
		${imports.join('\n')}
		(memory (export "memory") 1)
		(func (export "run") (result i32) (i32.const 0)))`);
}

/** A custom section: id 0, its size, its name, then the payload. */
function customSection(name: string, payload: Buffer): Buffer {
	const content = Buffer.concat([
		Buffer.from([...uleb(name.length), ...Buffer.from(name)]),
		payload
	]);
	return Buffer.concat([Buffer.from([0, ...uleb(content.length)]), content]);
}

/**
 * A small module of `functions` exported functions followed by a custom "name" section whose function-names
 * subsection gives each a `nameBytes`-long name.
 */
async function hugeNameSection(functions: number, nameBytes: number): Promise<Buffer> {
	const funcs = Array.from(
		{ length: functions },
		(_, i) => `(func (export "f${i}") (result i32) (i32.const ${i}))`
	);
	const module = await buildWat(`(module (memory (export "memory") 1) ${funcs.join('\n')})`);
	const name = Buffer.alloc(nameBytes, 0x61);
	const entries = Array.from({ length: functions }, (_, i) =>
		Buffer.concat([Buffer.from([...uleb(i), ...uleb(nameBytes)]), name])
	);
	const map = Buffer.concat([Buffer.from(uleb(functions)), ...entries]);
	const subsection = Buffer.concat([Buffer.from([1, ...uleb(map.length)]), map]);
	return Buffer.concat([module, customSection('name', subsection)]);
}

/** A small plugin that runs: `answer` returns 0. */
const SMALL =
	'(module (memory (export "memory") 1) (func (export "answer") (result i32) (i32.const 0)))';

test('a module with 100,000 exports: counts, first rows, a filter, and a Function picker that responds', async ({
	page
}) => {
	test.setTimeout(120_000);
	const bytes = await manyExports(100_000);
	await openApp(page);
	await loadFile(page, 'exports.wasm', bytes);
	const run = page.getByRole('button', { name: 'Run', exact: true });
	await expect(run).toBeEnabled({ timeout: 60_000 });
	const module = page.getByRole('region', { name: 'Module' });
	// 100,000 functions and the memory.
	await expect(module).toContainText('Exports (100,001)');
	await expect(module.getByRole('listitem').filter({ hasText: 'fn000000(' })).toBeVisible();
	await expect(module.getByRole('listitem').filter({ hasText: 'fn000150(' })).toBeHidden();
	await expect(module).toContainText('Showing the first 100 of 100,001 exports.');
	await module.getByRole('button', { name: 'Show 100 more exports' }).click();
	await expect(module.getByRole('listitem').filter({ hasText: 'fn000150(' })).toBeVisible();

	const filter = module.getByRole('searchbox', { name: 'Filter exports' });
	await filter.fill('fn099999');
	await expect(module.getByRole('listitem').filter({ hasText: 'fn099999(' })).toBeVisible();
	await expect(module.getByRole('listitem').filter({ hasText: 'fn000000(' })).toBeHidden();

	const picker = page.getByRole('combobox', { name: 'Function' });
	await expect(picker).toHaveValue('fn000000');
	await page.getByRole('searchbox', { name: 'Find a function' }).fill('fn09999');
	await picker.selectOption('fn099999');
	await expect(picker).toHaveValue('fn099999');
	await run.click();
	await expect(page.getByRole('region', { name: 'Trace' })).toContainText('fn099999');
	await expect(page.getByRole('region', { name: 'Output' })).not.toContainText('error');
	await expectResponsive(page);
});

test('a module with 50,000 missing imports: a bounded message, counts and paged mocks', async ({
	page
}) => {
	test.setTimeout(120_000);
	const bytes = await manyMissingImports(50_000);
	await openApp(page);
	await loadFile(page, 'imports.wasm', bytes);
	const alert = page.getByRole('alert').filter({ hasText: 'not provided' });
	await expect(alert).toContainText('50,000 imports are not provided, first 20:', {
		timeout: 60_000
	});
	await expect(alert).toContainText('"extism:host/user" "missing000019"');
	await expect(alert).not.toContainText('missing000020');
	const module = page.getByRole('region', { name: 'Module' });
	await expect(module).toContainText('Imports (50,001)');
	await module.getByRole('searchbox', { name: 'Filter imports' }).fill('missing049999');
	await expect(module.getByText('missing049999')).toBeVisible();

	const mocks = page.getByRole('region', { name: 'Host function mocks' });
	await expect(mocks).toContainText('50,000');
	await mocks.getByRole('searchbox', { name: 'Filter imports to mock' }).fill('missing049999');
	await expect(mocks.getByRole('combobox', { name: 'Mock for missing049999' })).toBeVisible();
	await expect(mocks.getByRole('combobox', { name: 'Mock for missing000000' })).toBeHidden();
	await mocks.getByRole('combobox', { name: 'Mock for missing049999' }).selectOption('echo');
	await mocks.getByRole('button', { name: 'Apply mocks' }).click();
	await expect(alert).toContainText('49,999 imports are not provided, first 20:');
	await expectResponsive(page);
});

test('a module with a 30 MB name section loads and runs within the budget', async ({ page }) => {
	test.setTimeout(120_000);
	const bytes = await hugeNameSection(30, 1_000_000);
	expect(bytes.length).toBeGreaterThan(30_000_000);
	await openApp(page);
	await loadFile(page, 'names.wasm', bytes);
	const run = page.getByRole('button', { name: 'Run', exact: true });
	await expect(run).toBeEnabled({ timeout: 60_000 });
	const module = page.getByRole('region', { name: 'Module' });
	await expect(module).toContainText('Exports (31)');
	await expect(module).toContainText('29 MiB');
	await expect(module).toContainText('This 29 MiB plugin is too large to keep');
	await page.getByRole('combobox', { name: 'Function' }).selectOption('f7');
	await run.click();
	await expect(page.getByRole('region', { name: 'Trace' })).toContainText('f7');
	await expectResponsive(page);
});

test('20,000 KV keys: the KV view pages its rows and a filter finds any key', async ({ page }) => {
	test.setTimeout(120_000);
	const entries = Object.fromEntries(
		Array.from({ length: 20_000 }, (_, i) => [`key${pad(i)}`, { text: 'v' }])
	);
	const file = test.info().outputPath('kv-20000.json');
	await writeFile(
		file,
		JSON.stringify({ format: 'plugin-playground.kv', version: 1, namespace: 'many', entries })
	);
	await openApp(page);
	await loadFile(page, 'small.wasm', await buildWat(SMALL));
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	const kv = page.getByRole('region', { name: 'KV store' });
	const choosing = page.waitForEvent('filechooser');
	await kv.getByRole('button', { name: 'Import KV' }).click();
	await (await choosing).setFiles(file);
	await expect(kv).toContainText('20,000 entries', { timeout: 60_000 });
	await expect(kv.getByRole('cell', { name: 'key000000', exact: true })).toBeVisible();
	await expect(kv.getByRole('cell', { name: 'key019999', exact: true })).toBeHidden();
	await expect(kv).toContainText('Showing the first 100 of 20,000 keys.');
	await kv.getByRole('button', { name: 'Show 100 more keys' }).click();
	await expect(kv.getByRole('cell', { name: 'key000199', exact: true })).toBeVisible();
	await kv.getByRole('searchbox', { name: 'Filter keys' }).fill('key019999');
	await expect(kv.getByRole('cell', { name: 'key019999', exact: true })).toBeVisible();
	await expect(kv).toContainText('1 of 20,000 keys match.');
	await kv.getByRole('button', { name: 'Delete key019999' }).click();
	await expect(kv).toContainText('19,999 entries');
	await expectResponsive(page);
});

test('a module too large to keep says so when it loads, runs, and does not come back', async ({
	page
}) => {
	test.setTimeout(120_000);
	// Just over the 16 MiB kept across reloads, made large by a custom section of padding.
	const big = Buffer.concat([
		await buildWat(SMALL),
		customSection('padding', Buffer.alloc(16 * 1024 * 1024 + 1024))
	]);
	await openApp(page);
	await loadFile(page, 'small.wasm', await buildWat(SMALL));
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	await expect(page.getByRole('region', { name: 'Module' })).not.toContainText('too large to keep');
	await loadFile(page, 'big.wasm', big);
	const module = page.getByRole('region', { name: 'Module' });
	await expect(module.getByRole('status').filter({ hasText: 'too large' })).toContainText(
		'This 16 MiB plugin is too large to keep: it will not come back after a reload'
	);
	const run = page.getByRole('button', { name: 'Run', exact: true });
	await expect(run).toBeEnabled();
	await run.click();
	await expect(page.getByRole('region', { name: 'Trace' })).toContainText('answer');
	await expectResponsive(page);

	await page.reload();
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	const tabs = page.getByRole('navigation', { name: 'Loaded plugins' });
	await expect(tabs).toContainText('small.wasm');
	await expect(tabs).not.toContainText('big.wasm');
});

test('a file that fails to compile is not kept: it does not come back after a reload', async ({
	page
}) => {
	// Valid to inspect, invalid to compile: `i32.const 7` turned into `i64.const 7` in a function returning i32.
	const bytes = await buildWat('(module (func (export "f") (result i32) (i32.const 7)))');
	const at = bytes.indexOf(Buffer.from([0x41, 0x07, 0x0b]));
	expect(at).toBeGreaterThan(0);
	bytes[at] = 0x42;
	await openApp(page);
	await loadFile(page, 'small.wasm', await buildWat(SMALL));
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	await loadFile(page, 'broken.wasm', bytes);
	await expect(page.getByRole('alert').filter({ hasText: 'does not compile' })).toBeVisible();

	await page.reload();
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	const tabs = page.getByRole('navigation', { name: 'Loaded plugins' });
	await expect(tabs).toContainText('small.wasm');
	await expect(tabs).not.toContainText('broken.wasm');
});
