// Plugins that try to take the tab's memory or flood it with events: Max memory caps everything a plugin
// holds, all plugins share one tab-wide budget, and a flood of trace events neither blocks the page nor
// delays the timeout. Each test keeps every main-thread task within the long-task budget.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { buildWat, expectResponsive, forgetLongTasks, watchLongTasks } from './hostile';

/** Opens the app, recording long tasks from the first navigation, and waits for the catalogue. */
async function openApp(page: Page) {
	await watchLongTasks(page);
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	// The hostile input comes after the page started: only its handling is measured.
	await forgetLongTasks(page);
}

/** Loads a module as a user does, through the file chooser, and waits until it can run. */
async function loadFile(page: Page, name: string, buffer: Buffer) {
	await page
		.getByLabel('Plugin file')
		.setInputFiles({ name, mimeType: 'application/wasm', buffer });
	await expect(page.getByRole('navigation', { name: 'Loaded plugins' })).toContainText(name);
}

/** Opens the active plugin's Host settings, sets a number field, and applies. */
async function setNumber(page: Page, field: string, value: number) {
	const settings = page.getByRole('region', { name: 'Host settings' });
	const apply = settings.getByRole('button', { name: 'Apply settings' });
	if (!(await apply.isVisible())) await settings.locator('summary').click();
	await settings.getByRole('spinbutton', { name: field }).fill(String(value));
	await apply.click();
	await expect(settings).not.toContainText('Not applied yet');
}

/**
 * Forgets the long tasks so far: the budget is about handling the hostile plugin, and the app's own
 * start-up (measured by other specs) varies with the load on the machine.
 */
async function resetLongTasks(page: Page) {
	await page.evaluate(() => {
		(window as unknown as { __longTasks: number[] }).__longTasks.length = 0;
	});
}

/** Allocates 1 MiB Extism blocks forever and never frees one. */
const ALLOC_LOOP = `(module
	(import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
	(memory (export "memory") 1)
	(func (export "hog") (result i32)
		(loop $l (drop (call $alloc (i64.const 1048576))) (br $l))
		(i32.const 0)))`;

/** A 64-bit memory grown 16 pages at a time until refused (at 4096 pages under the default cap); then it traps. */
const GROW64 = `(module
	(memory (export "memory") i64 16)
	(func (export "grow64") (result i32)
		(loop $l (br_if $l (i64.ne (memory.grow (i64.const 16)) (i64.const -1))))
		unreachable))`;

/** Writes one KV key 2^31 times: until the timeout. */
const KV_FLOOD = `(module
	(import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
	(import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
	(import "extism:host/user" "kv_write" (func $kv_write (param i64 i64)))
	(memory (export "memory") 1)
	(func (export "flood") (result i32) (local $i i32) (local $k i64)
		(local.set $k (call $alloc (i64.const 1)))
		(call $store_u8 (local.get $k) (i32.const 107))
		(loop $l
			(call $kv_write (local.get $k) (local.get $k))
			(local.set $i (i32.add (local.get $i) (i32.const 1)))
			(br_if $l (i32.lt_u (local.get $i) (i32.const 0x7fffffff))))
		(i32.const 0)))`;

/** Logs a line (2^31 times: until the timeout) through the playground's `log` host function. */
const LOG_FLOOD = `(module
	(import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
	(import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
	(import "extism:host/user" "log" (func $log (param i64)))
	(memory (export "memory") 1)
	(func (export "flood") (result i32) (local $i i32) (local $k i64)
		(local.set $k (call $alloc (i64.const 1)))
		(call $store_u8 (local.get $k) (i32.const 107))
		(loop $l
			(call $log (local.get $k))
			(local.set $i (i32.add (local.get $i) (i32.const 1)))
			(br_if $l (i32.lt_u (local.get $i) (i32.const 0x7fffffff))))
		(i32.const 0)))`;

/** Does nothing: a plugin to hold a share of the tab budget. */
const IDLE = `(module (memory (export "memory") 1) (func (export "idle") (result i32) (i32.const 0)))`;

test('an alloc loop stops at Max memory with a limit error, and the page stays usable', async ({
	page
}) => {
	await openApp(page);
	await loadFile(page, 'alloc-loop.wasm', await buildWat(ALLOC_LOOP));
	const run = page.getByRole('button', { name: 'Run', exact: true });
	await resetLongTasks(page);
	await run.click();
	const alert = page.getByRole('region', { name: 'Output' }).getByRole('alert');
	// A limit error, not the 10 s timeout: the loop was stopped by the cap.
	await expect(alert).toHaveAttribute('data-kind', 'limit');
	await expect(alert).toContainText(
		'failed in host function extism:host/env::alloc: Max memory (256 MiB) reached: alloc of 1 MiB'
	);
	await expect(alert).toContainText('Raise "Max memory" in Host settings');
	// Usable: it runs again, and the rest of the page answers.
	await expect(run).toBeEnabled();
	await run.click();
	await expect(alert).toHaveAttribute('data-kind', 'limit');
	await page.getByRole('button', { name: 'About the host ABI' }).click();
	await expect(page.getByRole('dialog', { name: 'About the host ABI' })).toBeVisible();
	await expectResponsive(page);
});

test('a memory64 module that grows past Max memory is stopped', async ({ page }) => {
	await openApp(page);
	await loadFile(page, 'grow64.wasm', await buildWat(GROW64));
	await resetLongTasks(page);
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	const alert = page.getByRole('region', { name: 'Output' }).getByRole('alert');
	await expect(alert).toHaveAttribute('data-kind', 'limit');
	// Max memory bounds growth from instantiation on, as native max_pages does: 16 pages + 4096.
	await expect(alert).toContainText(
		'4112 pages (257 MiB), grown from 16 pages (1 MiB), under a Max memory of 4096 pages (256 MiB) of growth'
	);
	await expectResponsive(page);
});

test('a plugin whose Max memory does not fit the tab budget is refused, naming who holds it', async ({
	page
}) => {
	await openApp(page);
	await resetLongTasks(page);
	const idle = await buildWat(IDLE);
	await loadFile(page, 'big.wasm', idle);
	// 62,000 pages (3.8 GiB) of the 4 GiB budget: 221 MiB are left.
	await setNumber(page, 'Max memory (64 KiB pages)', 62000);
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();

	await loadFile(page, 'next.wasm', idle);
	const refusal = page.getByRole('alert').filter({ hasText: 'tab-wide memory budget' });
	await expect(refusal).toHaveAttribute('data-kind', 'limit');
	await expect(refusal).toContainText(
		'The tab-wide memory budget (4 GiB) is in use by 1 other plugin ("big.wasm" 3.8 GiB): "next.wasm" needs 256 MiB for its Max memory but only 221 MiB is left.'
	);
	await expect(refusal).toContainText('Close one of the other plugins, or lower their Max memory');

	// Lowering this plugin's Max memory makes it fit: it starts and runs.
	await setNumber(page, 'Max memory (64 KiB pages)', 1024);
	await expect(refusal).toBeHidden();
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Trace' })).toContainText('return ok');
	await expect(page.getByRole('region', { name: 'Output' }).getByRole('alert')).toBeHidden();
	await expectResponsive(page);
});

/**
 * Runs an export that floods the host under a 3 s timeout, and checks that the timeout fires, the page
 * stays responsive and, when `dropped`, the trace says what it dropped. Logs how late the error showed.
 */
async function floodUntilTimeout(page: Page, name: string, wat: string, dropped: boolean) {
	await openApp(page);
	await loadFile(page, name, await buildWat(wat));
	await setNumber(page, 'Timeout (ms)', 3000);
	await resetLongTasks(page);
	// For the report: when the error appeared, timed in the page rather than by polling.
	await page.evaluate(() => {
		const w = window as unknown as { __shownAt?: number; __runAt: number };
		w.__runAt = performance.now();
		new MutationObserver((_, observer) => {
			if (!document.querySelector('[role="alert"][data-kind="timeout"]')) return;
			w.__shownAt = performance.now() - w.__runAt;
			observer.disconnect();
		}).observe(document.body, { subtree: true, childList: true });
	});
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	const alert = page.getByRole('region', { name: 'Output' }).getByRole('alert');
	await expect(alert).toHaveAttribute('data-kind', 'timeout', { timeout: 30_000 });
	await expect(alert).toContainText('did not finish within 3 s');
	const trace = page.getByRole('region', { name: 'Trace' });
	const shownAt = await page.evaluate(() => (window as unknown as { __shownAt: number }).__shownAt);
	console.log(
		`[${name}] timeout error shown ${shownAt.toFixed(0)} ms after Run (timeout 3000 ms); ${await trace.getByRole('img').first().getAttribute('aria-label')}; ${await trace.getByRole('heading').first().innerText()}`
	);
	// A coarse bound, not a timing target: a flood once held the 10 s timeout back to 32 s.
	expect(shownAt).toBeLessThan(6000);
	if (dropped) {
		await trace.getByRole('searchbox', { name: 'Search trace' }).fill('Trace flood');
		await expect(trace.getByRole('list', { name: 'Trace events' })).toContainText(
			'later events are dropped and counted'
		);
	}
	await expectResponsive(page);
}

test('endless kv_writes: the timeout fires and the page stays responsive', async ({ page }) => {
	await floodUntilTimeout(page, 'kv-flood.wasm', KV_FLOOD, false);
});

test('endless log lines: the timeout fires, the page stays responsive, the trace says what it dropped', async ({
	page
}) => {
	await floodUntilTimeout(page, 'log-flood.wasm', LOG_FLOOD, true);
});
