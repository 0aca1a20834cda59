// Seeing results: the Output views (JSON tree, hex, images), copy and download, the Trace panel's filters,
// details and export/import, the History diff, and a 50,000-line call whose 5,000 streamed rows stay virtualised.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { pickExample } from './app';
import { readFile } from 'node:fs/promises';
import wabt from 'wabt';

/** A 1×1 PNG, as a plugin might return it. */
const PNG_BASE64 =
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

async function openApp(page: Page) {
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

const output = (page: Page) => page.getByRole('region', { name: 'Output' });
const trace = (page: Page) => page.getByRole('region', { name: 'Trace' });
const history = (page: Page) => page.getByRole('region', { name: 'History' });

/** Sets the input (in the given mode) and runs the selected export, waiting for it to finish. */
async function run(page: Page, input: string, mode: 'Text' | 'JSON' | 'Hex' = 'Text') {
	const call = page.getByRole('region', { name: 'Call' });
	await call.getByRole('radio', { name: mode }).check();
	await page.getByRole('textbox', { name: 'Input' }).fill(input);
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(trace(page)).toContainText(/return|error/);
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
}

/** A raw module built from WAT in the test, loaded through the Plugin file input. */
async function loadWat(page: Page, name: string, source: string) {
	const tools = await wabt();
	const module = tools.parseWat(`${name}.wat`, source);
	const { buffer } = module.toBinary({});
	module.destroy();
	await page.getByLabel('Plugin file').setInputFiles({
		name: `${name}.wasm`,
		mimeType: 'application/wasm',
		buffer: Buffer.from(buffer)
	});
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
}

test('JSON output is a tree whose objects and arrays open and close', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'Echo');
	await run(page, '{"user":{"name":"Ada","tags":["x","y"]},"n":1}', 'JSON');
	const out = output(page);
	await expect(out.getByRole('radio', { name: 'JSON (auto)' })).toBeChecked();
	const user = out.getByRole('button', { name: /"user"/ });
	await expect(user).toHaveAttribute('aria-expanded', 'true');
	await expect(out).toContainText('"name": "Ada"');
	await expect(out).toContainText('"n": 1');
	// Deeper levels start closed.
	const tags = out.getByRole('button', { name: /"tags"/ });
	await expect(tags).toHaveAttribute('aria-expanded', 'false');
	await expect(tags).toContainText('[…] 2 items');
	await user.click();
	await expect(user).toHaveAttribute('aria-expanded', 'false');
	await expect(user).toContainText('{…} 2 keys');
	await expect(out).not.toContainText('"name"');
	// The disclosure buttons work from the keyboard.
	await user.focus();
	await page.keyboard.press('Enter');
	await expect(out).toContainText('"name": "Ada"');
	await tags.focus();
	await page.keyboard.press('Space');
	await expect(out).toContainText('"y"');
	// Plugin text stays text: the output's markup is not rendered.
	await expect(out.locator('script, b')).toHaveCount(0);
});

test('a large JSON array is shown in chunks', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'Echo');
	await run(page, JSON.stringify(Array.from({ length: 250 }, (_, i) => i * 2)), 'JSON');
	const out = output(page);
	await expect(out.getByRole('button', { name: '[0 … 99]' })).toBeVisible();
	await expect(out.getByRole('button', { name: '[200 … 249]' })).toBeVisible();
	await expect(out).not.toContainText('498');
	await out.getByRole('button', { name: '[200 … 249]' }).click();
	await expect(out).toContainText('249: 498');
});

test('binary output is a hex dump; any output can be shown as hex', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'Echo');
	await run(page, '00 01 02 ff 41', 'Hex');
	const out = output(page);
	await expect(out.getByRole('radio', { name: 'Hex (auto)' })).toBeChecked();
	await expect(out).toContainText('00000000  00 01 02 ff 41');
	await expect(out).toContainText('|....A|');
	await run(page, 'Hi', 'Text');
	await expect(out.getByRole('radio', { name: 'Text (auto)' })).toBeChecked();
	await out.getByRole('radio', { name: 'Hex' }).check();
	await expect(out).toContainText('48 69');
});

test('image output is shown through <img>, SVG included, never inlined', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'Echo');
	const png = Buffer.from(PNG_BASE64, 'base64').toString('hex').replace(/(..)/g, '$1 ').trim();
	await run(page, png, 'Hex');
	const out = output(page);
	await expect(out.getByRole('radio', { name: 'Image (auto)' })).toBeChecked();
	const img = out.getByRole('img', { name: /PNG image/ });
	await expect(img).toBeVisible();
	await expect(img).toHaveAttribute('src', /^blob:/);
	await expect(out).toContainText('1 × 1 px');
	const firstUrl = await img.getAttribute('src');
	// The Hex view still shows the bytes behind the picture.
	await out.getByRole('radio', { name: 'Hex' }).check();
	await expect(out).toContainText('89 50 4e 47');
	await out.getByRole('radio', { name: 'Image' }).check();

	const svg =
		'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><script>document.title="pwned"</script><rect width="20" height="10" fill="red"/></svg>';
	await run(page, svg, 'Text');
	const svgImg = out.getByRole('img', { name: /SVG image/ });
	await expect(svgImg).toBeVisible();
	await expect(out).toContainText('20 × 10 px');
	expect(await svgImg.getAttribute('src')).not.toBe(firstUrl);
	await expect(out.locator('svg')).toHaveCount(0);
	expect(await page.title()).not.toBe('pwned');
	// The previous image's blob: URL was revoked when the output changed. Probed as an image: the page's
	// policy lets blob: URLs into <img> but not into fetch.
	const stillThere = await page.evaluate(
		(url) =>
			new Promise<boolean>((resolve) => {
				const probe = new Image();
				probe.onload = () => resolve(true);
				probe.onerror = () => resolve(false);
				probe.src = url as string;
			}),
		firstUrl
	);
	expect(stillThere).toBe(false);
});

test('Copy output and Download output', async ({ page, context }) => {
	await context.grantPermissions(['clipboard-read', 'clipboard-write']);
	await openApp(page);
	await pickExample(page, 'Greet');
	await run(page, 'Wörld');
	const out = output(page);
	await out.getByRole('button', { name: 'Copy output' }).click();
	await expect(out.getByRole('status')).toContainText('Copied');
	expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('Hello, Wörld!');

	const [download] = await Promise.all([
		page.waitForEvent('download'),
		out.getByRole('button', { name: 'Download output' }).click()
	]);
	expect(download.suggestedFilename()).toBe('greet-output.txt');
	expect(await readFile(await download.path(), 'utf8')).toBe('Hello, Wörld!');

	// Binary output is copied as hex that the Input's hex mode reads back.
	await pickExample(page, 'Echo');
	await run(page, '00 ff', 'Hex');
	await out.getByRole('button', { name: 'Copy output' }).click();
	await expect(out.getByRole('status')).toContainText('Copied 2 B');
	expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('00 ff');
	const [binary] = await Promise.all([
		page.waitForEvent('download'),
		out.getByRole('button', { name: 'Download output' }).click()
	]);
	expect(binary.suggestedFilename()).toBe('echo-output.bin');
	expect([...(await readFile(await binary.path()))]).toEqual([0, 255]);
});

test('trace filters by kind, level and text, and rows expand to their details', async ({
	page
}) => {
	await openApp(page);
	await pickExample(page, 'Logger');
	await page.locator('summary', { hasText: 'Host settings' }).click();
	await page.getByRole('combobox', { name: 'Log level' }).selectOption('trace');
	await page.getByRole('button', { name: 'Apply settings' }).click();
	await expect(page.getByRole('region', { name: 'Host settings' })).not.toContainText(
		'Not applied yet'
	);
	await run(page, 'hello');
	const t = trace(page);
	// start, the instantiation (the first call of a fresh instance), five log_* lines, the `log` host
	// function's line, end.
	await expect(t).toContainText('9 of 9 events');
	await expect(t).toContainText('trace: hello');
	await expect(t.getByRole('img', { name: /Call took .* ms; host calls/ })).toBeVisible();
	await expect(t).toContainText('Showing log_all at');

	for (const level of ['trace', 'debug', 'info', 'warn']) {
		await t.getByRole('checkbox', { name: level, exact: false }).first().uncheck();
	}
	await expect(t).toContainText('4 of 9 events');
	await t.getByRole('checkbox', { name: /Request\/response/ }).uncheck();
	await expect(t).toContainText('1 of 9 events');
	const rows = t.getByRole('listitem');
	await expect(rows).toHaveCount(1);
	await expect(rows.first()).toContainText('error: hello');

	await t.getByRole('button', { name: 'Show all' }).click();
	await expect(t).toContainText('9 of 9 events');
	await t.getByRole('searchbox', { name: 'Search trace' }).fill('HOST LOG');
	await expect(t).toContainText('1 of 9 events');
	await expect(rows.first()).toContainText('host log: hello');
	await t.getByRole('searchbox', { name: 'Search trace' }).fill('no such line');
	await expect(t).toContainText('0 of 9 events');
	await expect(t).toContainText('No events match the filters.');
	await t.getByRole('searchbox', { name: 'Search trace' }).fill('');

	// A row opens with the keyboard and shows every detail.
	const start = t.getByRole('button', { name: /log_all\("hello"\)/ });
	await start.focus();
	await page.keyboard.press('Enter');
	await expect(start).toHaveAttribute('aria-expanded', 'true');
	const events = t.getByRole('list', { name: 'Trace events' });
	await expect(events.getByRole('term').first()).toHaveText('Export');
	await expect(events.getByRole('definition').last()).toContainText('hello');
	await page.keyboard.press('ArrowDown');
	await expect(t.getByRole('button', { name: /instantiate/ })).toBeFocused();
	await page.keyboard.press('ArrowDown');
	await expect(t.getByRole('button', { name: /trace: hello/ })).toBeFocused();
	await page.keyboard.press('End');
	await expect(t.getByRole('button', { name: /return/ })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(events.getByRole('term').filter({ hasText: 'Output size' })).toBeVisible();
	// Both rows stay open: opening one never closes (and moves) another.
	await expect(start).toHaveAttribute('aria-expanded', 'true');
	await expect(events.getByRole('definition').last()).toContainText('logged 6 lines');
});

test('two history entries diff their outputs; a picked entry shows its trace', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'Greet');
	await run(page, 'Ada');
	await run(page, 'Grace');
	const h = history(page);
	const boxes = h.getByRole('checkbox', { name: /^Compare greet at / });
	await expect(boxes).toHaveCount(2);
	await boxes.nth(0).check();
	await expect(page.getByRole('region', { name: 'Output diff' })).toHaveCount(0);
	await boxes.nth(1).check();
	const diff = page.getByRole('region', { name: 'Output diff' });
	await expect(diff.getByRole('listitem').filter({ hasText: 'removed: Hello, Ada!' })).toHaveCount(
		1
	);
	await expect(diff.getByRole('listitem').filter({ hasText: 'added: Hello, Grace!' })).toHaveCount(
		1
	);
	await expect(diff).toContainText('1 line removed, 1 added.');
	await diff.getByRole('button', { name: 'Close diff' }).click();
	await expect(diff).toHaveCount(0);

	// The older call's trace, marked as coming from History.
	await h.getByRole('button', { name: /greet/ }).nth(1).click();
	await expect(trace(page)).toContainText('greet("Ada")');
	await expect(trace(page)).toContainText('from History');
	await expect(h.getByRole('button', { name: /greet/ }).nth(1)).toHaveAttribute(
		'aria-current',
		'true'
	);
});

test('a trace exports to JSON and imports back, marked imported', async ({ page }, info) => {
	await openApp(page);
	await pickExample(page, 'Key-value counter');
	await run(page, '');
	const t = trace(page);
	await expect(t).toContainText('kv_write');
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		t.getByRole('button', { name: 'Export trace' }).click()
	]);
	expect(download.suggestedFilename()).toMatch(/^Key-value-counter-count-trace-.*\.json$/);
	const file = info.outputPath('trace.json');
	await download.saveAs(file);
	const json = JSON.parse(await readFile(file, 'utf8')) as { format: string; version: number };
	expect(json.format).toBe('plugin-playground.trace');
	expect(json.version).toBe(1);

	const [whole] = await Promise.all([
		page.waitForEvent('download'),
		history(page).getByRole('button', { name: 'Export history' }).click()
	]);
	expect(whole.suggestedFilename()).toMatch(/-history-.*\.json$/);

	// A file that is not an export is refused with a message; nothing else changes.
	await page.getByLabel('Import trace').setInputFiles({
		name: 'notes.json',
		mimeType: 'application/json',
		buffer: Buffer.from('{"hello": "world"}')
	});
	await expect(t.getByRole('alert')).toContainText('not a Plugin Playground trace export');

	await page.getByLabel('Import trace').setInputFiles(file);
	await expect(t.getByRole('alert')).toHaveCount(0);
	await expect(t.locator('.badge')).toHaveText('imported');
	await expect(t).toContainText('from trace.json');
	await expect(t).toContainText('kv_write');
	await expect(history(page)).toContainText('imported');
});

test('a 50,000-line call streams 5,000 rows, counts the rest, and scrolls without rendering every row', async ({
	page
}) => {
	test.setTimeout(120_000);
	await openApp(page);
	await loadWat(
		page,
		'chatty',
		`(module
			(import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
			(import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
			(import "extism:host/user" "log" (func $log (param i64)))
			(memory (export "memory") 1)
			(func (export "chatty") (result i32)
				(local $i i32) (local $line i64)
				;; One block for every line: the playground's log reads it and leaves it allocated.
				(local.set $line (call $alloc (i64.const 1)))
				(call $store_u8 (local.get $line) (i32.const 120))
				(loop $again
					(call $log (local.get $line))
					(local.set $i (i32.add (local.get $i) (i32.const 1)))
					(br_if $again (i32.lt_u (local.get $i) (i32.const 50000))))
				(i32.const 0)))`
	);
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	const t = trace(page);
	// The worker streams the first 5,000 events and counts the rest: start, instantiate, 4,998 lines, two
	// notices, end.
	await expect(t).toContainText('5003 of 5003 events', { timeout: 60_000 });
	// 45,002 when the call made its instance (an `instantiate` step is streamed), 45,001 with an instance
	// prepared before the call; either way the two counts agree.
	await expect(t).toContainText(/(45,00[12]) events dropped \(log info \1\) after the first 5,000/);
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	const list = t.getByRole('list', { name: 'Trace events' });
	await list.scrollIntoViewIfNeeded();
	// Following the call, the list ends at its last row.
	await expect(t.getByRole('button', { name: /^[\d.]+ ms\s*return/ })).toBeInViewport();
	expect(await list.getByRole('listitem').count()).toBeLessThan(100);

	await list.evaluate((el) => (el.scrollTop = 0));
	const first = t.getByRole('button', { name: /chatty\(\(empty\)\)/ });
	await expect(first).toBeInViewport();
	// End jumps to the last row, which is rendered on demand.
	await first.focus();
	await page.keyboard.press('End');
	const last = t.getByRole('button', { name: /return/ });
	await expect(last).toBeFocused();
	await expect(last).toBeInViewport();
	// Scrolling to the middle renders the rows there, and only those.
	await list.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
	await expect(list.getByRole('listitem').first()).toHaveAttribute('aria-posinset', /^2\d{3}$/);
	expect(await list.getByRole('listitem').count()).toBeLessThan(100);

	await t.getByRole('checkbox', { name: /^info/ }).uncheck();
	// The call, its two notices and its return, and its `instantiate` step unless the instance was prepared.
	await expect(t).toContainText(/\b[45] of 5003 events/);
	await t.getByRole('checkbox', { name: /^info/ }).check();
	await t.getByRole('searchbox', { name: 'Search trace' }).fill('chatty');
	await expect(t).toContainText('1 of 5003 events');
});
