// KV durability and two-tab ownership: every kv_write that returned survives an immediate reload, and two
// tabs on one namespace never lose an update (one owns it; the other takes it over through the UI).
//
// The durability tests run in an on-disk browser profile, as people browse. Playwright's default contexts are
// off the record: there the private file system lives in the browser process's memory and every synchronous
// log write is an IPC round trip (about 1.5 ms each on this machine, against 10-35 µs on disk; see
// scripts/opfs-write-cost.mjs), which would make 20,000 writes outlast the call timeout.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../../scripts/find-browser.mjs';
import { expect, test } from './fixtures';
import { buildWat } from './hostile';

/**
 * Runs `body` with a page of a fresh on-disk profile, failing on an uncaught page error or a CSP violation
 * as the shared fixture does for the default page.
 */
async function withDiskProfile(body: (page: Page) => Promise<void>): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), 'abuse-kv-'));
	const context = await chromium.launchPersistentContext(dir, {
		executablePath: findChromium(),
		args: [...CHROMIUM_ARGS],
		headless: true,
		baseURL: test.info().project.use.baseURL
	});
	const problems: string[] = [];
	try {
		const page = context.pages()[0] ?? (await context.newPage());
		page.on('pageerror', (error) => problems.push(`uncaught error: ${error.message}`));
		page.on('console', (message) => {
			if (message.type() === 'error' && /Content[- ]Security[- ]Policy/i.test(message.text())) {
				problems.push(`CSP violation: ${message.text()}`);
			}
		});
		await body(page);
	} finally {
		await context.close();
		rmSync(dir, { recursive: true, force: true });
	}
	expect(problems, 'the page broke its CSP or threw an uncaught error').toEqual([]);
}

/** Opens the app and waits until it is ready. */
async function openApp(page: Page) {
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

/**
 * An Extism plugin whose `fill` writes keys k000000, k000001, … (each key its own value) and outputs the
 * last key; `count` writes, or with count 0 it writes until stopped.
 */
function kvFiller(count: number): Promise<Buffer> {
	const more = count === 0 ? '' : `(br_if $done (i32.ge_u (local.get $i) (i32.const ${count})))`;
	return buildWat(`(module
		(import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
		(import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
		(import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
		(import "extism:host/user" "kv_write" (func $kv_write (param i64 i64)))
		(memory (export "memory") 1)
		(data (i32.const 0) "k")
		(func (export "fill") (result i32)
			(local $i i32) (local $j i32) (local $n i32) (local $key i64)
			(block $done (loop $each
				${more}
				;; Digits of i, last first, into bytes 1..6.
				(local.set $n (local.get $i))
				(local.set $j (i32.const 6))
				(block $digits (loop $digit
					(br_if $digits (i32.lt_u (local.get $j) (i32.const 1)))
					(i32.store8 (local.get $j) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
					(local.set $n (i32.div_u (local.get $n) (i32.const 10)))
					(local.set $j (i32.sub (local.get $j) (i32.const 1)))
					(br $digit)))
				(local.set $key (call $alloc (i64.const 7)))
				(local.set $j (i32.const 0))
				(block $copied (loop $copy
					(br_if $copied (i32.ge_u (local.get $j) (i32.const 7)))
					(call $store_u8 (i64.add (local.get $key) (i64.extend_i32_u (local.get $j)))
						(i32.load8_u (local.get $j)))
					(local.set $j (i32.add (local.get $j) (i32.const 1)))
					(br $copy)))
				(call $kv_write (local.get $key) (local.get $key))
				(local.set $i (i32.add (local.get $i) (i32.const 1)))
				(br $each)))
			(call $output_set (local.get $key) (i64.const 7))
			(i32.const 0)))`);
}

const key = (i: number) => `k${String(i).padStart(6, '0')}`;

/**
 * The keys stored in IndexedDB for a namespace whose value equals the key (as the filler writes them),
 * read straight from the database the app uses: its segments folded in order, as src/lib/kv/segment.ts does.
 */
function storedKeys(page: Page, namespace: string): Promise<string[]> {
	return page.evaluate(
		(ns) =>
			new Promise<string[]>((resolve, reject) => {
				const open = indexedDB.open('plugin-playground-kv');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const db = open.result;
					const os = db.transaction('segments', 'readonly').objectStore('segments');
					const request = os.getAll(IDBKeyRange.bound([ns], [ns, []]));
					request.onerror = () => reject(request.error);
					request.onsuccess = () => {
						db.close();
						const values = new Map<string, string>();
						const segments = request.result as {
							keys: string[];
							sizes: Int32Array;
							bytes: Uint8Array;
						}[];
						for (const { keys, sizes, bytes } of segments) {
							let offset = 0;
							keys.forEach((k, i) => {
								if (sizes[i] < 0) return void values.delete(k);
								values.set(k, new TextDecoder().decode(bytes.subarray(offset, offset + sizes[i])));
								offset += sizes[i];
							});
						}
						resolve([...values].filter(([k, value]) => k === value).map(([k]) => k));
					};
				};
			}),
		namespace
	);
}

/** Loads a filler of `count` writes as a file and returns its namespace. */
async function loadFiller(page: Page, count: number, name: string): Promise<string> {
	await page.getByLabel('Plugin file').setInputFiles({
		name,
		mimeType: 'application/wasm',
		buffer: await kvFiller(count)
	});
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	return `file:${name}`;
}

/**
 * Reloads the page from inside it in the same task that shows `text` in the Output panel: no waiting at
 * all after the call's result arrives. Wait for `__reloadArmed` to be gone to know the reload happened.
 */
async function reloadOnOutput(page: Page, text: string): Promise<void> {
	await page.evaluate((expected) => {
		(window as unknown as { __reloadArmed: boolean }).__reloadArmed = true;
		const observer = new MutationObserver(() => {
			const output = document.querySelector('section[aria-label="Output"]');
			if (!output?.textContent?.includes(expected)) return;
			observer.disconnect();
			location.reload();
		});
		observer.observe(document.body, { subtree: true, childList: true, characterData: true });
	}, text);
}

/** The filler's keys 0…count-1 that are not in `stored`. */
const missing = (stored: Set<string>, count: number) =>
	Array.from({ length: count }, (_, i) => key(i)).filter((k) => !stored.has(k));

for (const writes of [100, 20_000]) {
	test(`all ${writes.toLocaleString('en-US')} KV writes survive a reload right after the call returns`, async () => {
		test.setTimeout(180_000);
		await withDiskProfile(async (page) => {
			await openApp(page);
			const namespace = await loadFiller(page, writes, `kv-${writes}.wasm`);
			await reloadOnOutput(page, key(writes - 1));
			await page.getByRole('button', { name: 'Run', exact: true }).click();
			await page.waitForFunction(
				() => !('__reloadArmed' in window) && document.body.dataset.ready,
				{
					timeout: 90_000
				}
			);
			const stored = new Set(await storedKeys(page, namespace));
			console.log(
				`[${test.info().title}] lost ${writes - stored.size} of ${writes} returned writes`
			);
			expect(missing(stored, writes)).toEqual([]);
		});
	});
}

test('a reload during a long run of writes keeps every write the KV view showed as done', async () => {
	test.setTimeout(180_000);
	await withDiskProfile(async (page) => {
		await openApp(page);
		const namespace = await loadFiller(page, 0, 'kv-forever.wasm');
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		const count = page.getByRole('region', { name: 'KV store' }).getByText(/^[\d,]+ entries/);
		// Once the view shows a good number of writes done, read the figure and reload mid-call.
		await expect(count).toHaveText(/^\d{1,3},\d{3} entries/, { timeout: 60_000 });
		const shown = Number(
			/^([\d,]+)/.exec((await count.textContent()) ?? '')?.[1]?.replaceAll(',', '')
		);
		await page.reload();
		await expect(page.locator('body[data-ready="true"]')).toBeAttached({ timeout: 60_000 });
		// Startup replays every write the dead page logged (tens of thousands here) before it reads KV.
		const stored = new Set(await storedKeys(page, namespace));
		console.log(
			`[${test.info().title}] shown ${shown} before the reload, ${stored.size} stored after`
		);
		expect(shown).toBeGreaterThan(0);
		expect(missing(stored, shown)).toEqual([]);
	});
});

test('two tabs on one namespace: ten alternating counter runs count to ten', async ({
	page,
	context
}) => {
	test.setTimeout(120_000);
	const tabs = [page, await context.newPage()];
	for (const tab of tabs) {
		await openApp(tab);
		await tab
			.getByRole('combobox', { name: 'Example' })
			.selectOption({ label: 'Key-value counter' });
		await expect(tab.getByRole('region', { name: 'Call' })).toBeVisible();
	}
	const [first, second] = tabs;
	// The first tab owns the namespace; the second is told and cannot run.
	await expect(first.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	await expect(
		second.getByRole('status').filter({ hasText: 'in use in another tab' })
	).toBeVisible();
	await expect(second.getByRole('button', { name: 'Run', exact: true })).toBeDisabled();

	for (let run = 1; run <= 10; run++) {
		const tab = tabs[(run - 1) % 2];
		const other = tabs[run % 2];
		if (run > 1) {
			await tab.getByRole('button', { name: 'Take over' }).click();
			await expect(
				other.getByRole('status').filter({ hasText: 'taken over by another tab' })
			).toBeVisible();
			await expect(other.getByRole('button', { name: 'Run', exact: true })).toBeDisabled();
		}
		await tab.getByRole('button', { name: 'Run', exact: true }).click();
		await expect(tab.getByRole('region', { name: 'Output' })).toContainText(
			new RegExp(`"count":\\s*${run}\\b`)
		);
	}
	// Each tab ends with the other's last count too, once it takes the namespace back.
	await first.getByRole('button', { name: 'Take over' }).click();
	await expect(
		first.getByRole('region', { name: 'KV store' }).getByRole('cell', { name: '10', exact: true })
	).toBeVisible();
});
