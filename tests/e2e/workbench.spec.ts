// The workbench: input, output and trace on one screen in panes that scroll inside, one set of labelled
// timings everywhere, a tab strip that never wraps, table cells that fold, and trace rows that stay put.
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { pickExample } from './app';

async function openApp(page: Page, width = 1280, height = 800) {
	await page.setViewportSize({ width, height });
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

async function run(page: Page) {
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Trace' })).toContainText('latest call');
}

/** Fails unless the element lies wholly inside the viewport, as the person sees it without scrolling. */
async function expectOnScreen(page: Page, target: Locator, what: string) {
	const box = await target.boundingBox();
	const size = page.viewportSize();
	expect(box, `${what} is rendered`).not.toBeNull();
	if (!box || !size) return;
	expect(box.y, `${what} starts on screen`).toBeGreaterThanOrEqual(0);
	expect(box.x, `${what} starts on screen`).toBeGreaterThanOrEqual(0);
	expect(box.y + box.height, `${what} ends above the fold`).toBeLessThanOrEqual(size.height);
	expect(box.x + box.width, `${what} ends inside the window`).toBeLessThanOrEqual(size.width);
}

/** The page itself never scrolls: every pane scrolls inside. */
async function expectNoPageScroll(page: Page) {
	const overflow = await page.evaluate(() => {
		const el = document.scrollingElement as HTMLElement;
		return { y: el.scrollHeight - el.clientHeight, x: el.scrollWidth - el.clientWidth };
	});
	expect(overflow).toEqual({ y: 0, x: 0 });
}

async function expectWorkbench(page: Page) {
	await expectOnScreen(page, page.getByRole('textbox', { name: 'Input' }), 'the input');
	await expectOnScreen(page, page.getByRole('button', { name: 'Run', exact: true }), 'Run');
	const output = page.getByRole('region', { name: 'Output' });
	await expectOnScreen(page, output.getByRole('heading', { name: /Output/ }), 'the Output heading');
	await expectOnScreen(page, output.getByRole('list', { name: 'Output as JSON' }), 'the output');
	const trace = page.getByRole('region', { name: 'Trace' });
	await expectOnScreen(page, trace.getByRole('list', { name: 'Trace events' }), 'the trace');
	await expectOnScreen(
		page,
		trace.getByRole('listitem').filter({ hasText: 'return' }),
		'the last trace row'
	);
	await expectNoPageScroll(page);
}

for (const [width, height] of [
	[1280, 800],
	[1024, 768]
] as const) {
	test(`at ${width}×${height} the input, the output and the trace are all on screen`, async ({
		page
	}) => {
		await openApp(page, width, height);
		await pickExample(page, 'Count vowels');
		await run(page);
		await expectWorkbench(page);
		// No hook ABI: no panel for it, and the picker says so beside Run.
		await expect(page.getByRole('region', { name: 'Hook ABI' })).toHaveCount(0);
		await expect(page.getByRole('combobox', { name: 'Hook ABI' })).toHaveValue('none');
	});
}

test('a hook ABI gets its own pane beside the trace, and the output stays on screen', async ({
	page
}) => {
	await openApp(page);
	await pickExample(page, 'Bub: prompt builder');
	const abi = page.getByRole('region', { name: 'Hook ABI' });
	await expect(page.getByRole('combobox', { name: 'Hook ABI' })).toHaveValue('bub');
	await abi.getByRole('button', { name: /^Call / }).click();
	await expect(page.getByRole('region', { name: 'Decoded result' })).toBeVisible();
	await expectOnScreen(
		page,
		page.getByRole('region', { name: 'Decoded result' }).getByRole('heading').first(),
		'the decoded result'
	);
	const trace = page.getByRole('region', { name: 'Trace' });
	await expectOnScreen(page, trace.getByRole('list', { name: 'Trace events' }), 'the trace');
	await expectOnScreen(
		page,
		page.getByRole('region', { name: 'Output' }).getByRole('heading', { name: /Output/ }),
		'the output'
	);
	await expectNoPageScroll(page);
	// Back to a plain call: the hook pane goes and the trace takes its room.
	const before = (await trace.boundingBox())?.height ?? 0;
	await page.getByRole('combobox', { name: 'Hook ABI' }).selectOption('none');
	await expect(abi).toHaveCount(0);
	await expect.poll(async () => (await trace.boundingBox())?.height ?? 0).toBeGreaterThan(before);
});

test('one set of labelled timings, the same in Output, History and Trace', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'Key-value counter');
	await run(page);
	const output = page.getByRole('region', { name: 'Output' });
	const trace = page.getByRole('region', { name: 'Trace' });
	const history = page.getByRole('region', { name: 'History' });
	const figure = (where: Locator, label: string) =>
		where.locator('.figure').filter({ has: where.page().getByText(label, { exact: true }) });
	// The first call of an instance includes its instantiation; each figure has its label.
	for (const label of ['round trip', 'plugin', 'host calls', 'instantiation']) {
		await expect(figure(output, label)).toHaveCount(1);
		const shown = await figure(output, label).locator('.value').textContent();
		expect(shown).toMatch(/^\d+\.\d+ m?s$/);
		await expect(figure(trace, label).locator('.value')).toHaveText(shown ?? '');
		await expect(figure(history, label).first().locator('.value')).toHaveText(shown ?? '');
	}
	// The second call reuses the instance: no instantiation figure, everywhere.
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(output).toContainText('"count": 2');
	await expect(figure(output, 'round trip')).toHaveCount(1);
	await expect(figure(output, 'instantiation')).toHaveCount(0);
	await expect(figure(trace, 'instantiation')).toHaveCount(0);
	await expect(history.getByRole('listitem').first().locator('.figure')).toHaveCount(3);
	// Host time is the sum of the trace's host rows.
	const hostRows = await trace.locator('.row.host .ms').allTextContents();
	const sum = hostRows.reduce((n, t) => n + Number.parseFloat(t), 0);
	const host = Number.parseFloat(
		(await figure(output, 'host calls').locator('.value').textContent()) ?? ''
	);
	expect(Math.abs(host - sum)).toBeLessThan(0.02 * hostRows.length + 0.01);
});

test('plugin tabs stay on one row and scroll, with the selected one in view', async ({ page }) => {
	await openApp(page);
	const titles = [
		'Greet',
		'Echo',
		'Trap',
		'Logger',
		'Count vowels',
		'Key-value counter',
		'Plugin error',
		'Exit code',
		'Memory hog',
		'Loop forever',
		'Greet'
	];
	for (const title of titles) await pickExample(page, title);
	const nav = page.getByRole('navigation', { name: 'Loaded plugins' });
	const tabs = nav.getByRole('listitem');
	await expect(tabs).toHaveCount(titles.length);
	const tops = new Set<number>();
	for (const box of await tabs.evaluateAll((els) =>
		els.map((el) => Math.round(el.getBoundingClientRect().top))
	))
		tops.add(box);
	expect(tops.size, 'all tabs on one row').toBe(1);
	const strip = nav.getByRole('list');
	expect(await strip.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
	await expectOnScreen(page, nav.locator('[aria-current="page"]'), 'the selected tab');
	// Selecting the first tab brings it back into view.
	await tabs.first().getByRole('button').first().click();
	await expectOnScreen(page, tabs.first(), 'the first tab');
	await expectNoPageScroll(page);
});

test('opening a trace event never moves the rows above it', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'Logger');
	await run(page);
	const trace = page.getByRole('region', { name: 'Trace' });
	const rows = trace.getByRole('listitem');
	await expect(rows.filter({ hasText: 'return' })).toHaveCount(1);
	const count = await rows.count();
	expect(count).toBeGreaterThanOrEqual(7);
	const tops = () =>
		rows.evaluateAll((els) => els.map((el) => Math.round(el.getBoundingClientRect().top)));
	const before = await tops();
	// Open the last row (the live call ended: the list was following it).
	await rows
		.nth(count - 1)
		.getByRole('button')
		.first()
		.click();
	await expect(
		rows
			.nth(count - 1)
			.getByRole('button')
			.first()
	).toHaveAttribute('aria-expanded', 'true');
	expect((await tops()).slice(0, count)).toEqual(before);
	// Open a row above it: the rows above the new one stay, and it stays where it was.
	await rows.nth(3).getByRole('button').first().click();
	expect((await tops()).slice(0, 4)).toEqual(before.slice(0, 4));
	// Open one below the open one: it does not jump although the row above closed.
	const below = rows.nth(5);
	const top = await below.evaluate((el) => Math.round(el.getBoundingClientRect().top));
	await below.getByRole('button').first().click();
	await expect(below.getByRole('button').first()).toHaveAttribute('aria-expanded', 'true');
	expect(await below.evaluate((el) => Math.round(el.getBoundingClientRect().top))).toBe(top);
});

test('the side panel collapses, gives its room to the call and trace, and stays so', async ({
	page
}) => {
	await openApp(page);
	await pickExample(page, 'Greet');
	const toggle = page.getByRole('button', { name: 'Side panel' });
	await expect(toggle).toHaveAttribute('aria-expanded', 'true');
	await expect(page.getByRole('region', { name: 'Module' })).toBeVisible();
	const width = (await page.getByRole('region', { name: 'Call' }).boundingBox())?.width ?? 0;
	await toggle.click();
	await expect(toggle).toHaveAttribute('aria-expanded', 'false');
	await expect(page.getByRole('region', { name: 'Module' })).toHaveCount(0);
	await expect(page.getByRole('region', { name: 'KV store' })).toHaveCount(0);
	expect((await page.getByRole('region', { name: 'Call' }).boundingBox())?.width).toBeGreaterThan(
		width + 150
	);
	await page.reload();
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	await expect(page.getByRole('button', { name: 'Side panel' })).toHaveAttribute(
		'aria-expanded',
		'false'
	);
	await page.getByRole('button', { name: 'Side panel' }).click();
	await expect(page.getByRole('region', { name: 'Module' })).toBeVisible();
});

test('long KV keys and values fit one line, and show whole on demand', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'Key-value counter');
	const kv = page.getByRole('region', { name: 'KV store' });
	const key = 'a-key-name-long-enough-to-need-more-than-its-column';
	const value = 'v'.repeat(300);
	await kv.getByRole('textbox', { name: 'Key' }).fill(key);
	await kv.getByRole('textbox', { name: 'Value' }).fill(value);
	await kv.getByRole('button', { name: 'Save entry' }).click();
	const cell = kv.getByRole('cell', { name: value, exact: true });
	await expect(cell).toBeVisible();
	const height = (await cell.boundingBox())?.height ?? 0;
	expect(height).toBeLessThan(40);
	// The headers never break inside a word.
	for (const name of ['Key', 'Value', 'Size']) {
		const header = kv.getByRole('columnheader', { name, exact: true });
		expect((await header.boundingBox())?.height).toBeLessThan(40);
	}
	await kv.getByRole('button', { name: `Show all of ${key}` }).click();
	await expect(kv.getByRole('button', { name: `Show all of ${key}` })).toHaveAttribute(
		'aria-expanded',
		'true'
	);
	expect((await cell.boundingBox())?.height).toBeGreaterThan(height * 2);
	const keyCell = kv.getByRole('cell', { name: key, exact: true });
	expect(await keyCell.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
});

test('the embed view puts the call and output beside the trace at 1024 px', async ({
	page,
	browser
}) => {
	await openApp(page);
	await pickExample(page, 'Count vowels');
	await page.getByRole('button', { name: 'Share', exact: true }).click();
	const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
	const embed = await browser.newPage({ viewport: { width: 1024, height: 700 } });
	await embed.goto(`${link}&embed=1`);
	await expect(embed.locator('body[data-ready="true"]')).toBeAttached();
	await embed.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(embed.getByRole('region', { name: 'Output' })).toContainText('"count"');
	await expectWorkbench(embed);
	await embed.close();
});
