// Hostile share links and a huge stored history: each finding of the trust issue, built in the test with the
// project's own link format, opened, and held to the 200 ms main-thread budget.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { expectResponsive, longestTask, watchLongTasks } from './hostile';
import { encodeLink } from '../../src/lib/share/codec';
import { SHARE_LIMITS, type ShareState } from '../../src/lib/share/state';
import { summarizeCall } from '../../src/lib/trace/call-summary';
import type { CallTrace, TraceEvent } from '../../src/lib/trace/types';
import { GREET_PLUGIN, sealLink } from '../fixtures/share/seal';

const GREET = GREET_PLUGIN;

/**
 * Opens a link in a tab that has loaded the app once before, so the figure is the link's cost and not the
 * browser's first compile of the app's code (its own finding: 140–390 ms on this loaded machine, no link).
 */
async function openLink(page: Page, fragment: string) {
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	await page.goto('about:blank');
	await watchLongTasks(page);
	await page.goto(`./#${fragment}`);
	await expect(page.locator('body[data-ready="true"]')).toBeAttached({ timeout: 30_000 });
}

const refusal = (page: Page) => page.getByRole('alert').filter({ hasText: 'cannot be opened' });
const tabs = (page: Page) =>
	page.getByRole('navigation', { name: 'Loaded plugins' }).getByRole('button', { name: /^Close / });

test('a 15 MiB plugin name in a 21K-character link is refused, naming the size cap', async ({
	page
}) => {
	const fragment = await sealLink({
		v: 1,
		plugins: [{ ...GREET, name: 'A'.repeat(15 * 1024 * 1024) }],
		activeIndex: 0
	});
	expect(fragment.length).toBeGreaterThan(20_000);
	expect(fragment.length).toBeLessThan(25_000);
	await openLink(page, fragment);
	await expect(refusal(page)).toContainText('unpacks to more than 4 MiB');
	await expect(refusal(page)).toContainText('workspace file');
	await expect(tabs(page)).toHaveCount(0);
	await expectResponsive(page);
});

test('a 5,000-character plugin name is refused, naming the name cap and the length asked for', async ({
	page
}) => {
	await openLink(
		page,
		await sealLink({ v: 1, plugins: [{ ...GREET, name: 'B'.repeat(5000) }], activeIndex: 0 })
	);
	await expect(refusal(page)).toContainText('plugins[0].name holds 5,000 characters');
	await expect(refusal(page)).toContainText('at most 1,024');
	await expect(tabs(page)).toHaveCount(0);
	await expectResponsive(page);
});

test('a link listing 300 plugins opens the first 16, says so, and starts at most 16 workers', async ({
	page
}) => {
	test.setTimeout(120_000);
	const plugins = Array.from({ length: 300 }, (_, i) => ({ ...GREET, name: `Greet ${i + 1}` }));
	const state: ShareState = { v: 1, plugins, activeIndex: 0 };
	// Within every other cap, so the project's own encoder makes it.
	await openLink(page, await encodeLink(state));
	const notice = page
		.getByRole('region', { name: 'Notices' })
		.getByRole('status')
		.filter({ hasText: 'lists 300 plugins' });
	await expect(notice).toContainText(`at most ${SHARE_LIMITS.plugins}`);
	await expect(tabs(page)).toHaveCount(SHARE_LIMITS.plugins);
	await expect(page.getByRole('button', { name: 'Close Greet 16', exact: true })).toBeVisible();
	await expect(page.getByRole('button', { name: 'Close Greet 17', exact: true })).toHaveCount(0);
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled({
		timeout: 30_000
	});
	expect(page.workers().length).toBeLessThanOrEqual(SHARE_LIMITS.plugins);
	await expectResponsive(page);
});

test('a link with 100,000 KV entries is refused and writes nothing to IndexedDB', async ({
	page
}) => {
	const count = 100_000;
	const kv = Object.fromEntries(Array.from({ length: count }, (_, i) => [`key${i}`, i]));
	const blobs = Array.from({ length: count }, (_, i) => Uint8Array.of(i & 0xff));
	const fragment = await sealLink({ v: 1, plugins: [{ ...GREET, kv }], activeIndex: 0 }, blobs);
	await openLink(page, fragment);
	await expect(refusal(page)).toContainText('plugins[0].kv holds 100,000 entries');
	await expect(refusal(page)).toContainText('at most 1,000');
	await expect(tabs(page)).toHaveCount(0);
	await expectResponsive(page);
	const stored = await page.evaluate(
		() =>
			new Promise<number>((resolve, reject) => {
				const open = indexedDB.open('plugin-playground-kv');
				open.onsuccess = () => {
					const db = open.result;
					// Segments hold the entries: no segment, no entry.
					if (!db.objectStoreNames.contains('segments')) return resolve(0);
					const counted = db.transaction('segments').objectStore('segments').count();
					counted.onsuccess = () => resolve(counted.result);
					counted.onerror = () => reject(counted.error);
				};
				open.onerror = () => reject(open.error);
			})
	);
	expect(stored).toBe(0);
});

test('a history of 100 calls × 50,000 events lists within the budget; an opened entry shows its trace', async ({
	page
}) => {
	test.setTimeout(300_000);
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	await page.getByRole('combobox', { name: 'Example' }).selectOption({ label: 'Greet' });
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();

	// The open plugin's id, from the saved workspace.
	const pluginId = await page.evaluate(async () => {
		const read = <T>(db: IDBDatabase, key: string) =>
			new Promise<T | undefined>((resolve, reject) => {
				const got = db.transaction('workspace').objectStore('workspace').get(key);
				got.onsuccess = () => resolve(got.result as T | undefined);
				got.onerror = () => reject(got.error);
			});
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const open = indexedDB.open('plugin-playground-workspace');
			open.onsuccess = () => resolve(open.result);
			open.onerror = () => reject(open.error);
		});
		for (;;) {
			const id = await read<string>(db, 'current');
			const ws = id ? await read<{ plugins: { id: string }[] }>(db, `ws:${id}`) : undefined;
			if (ws?.plugins[0]) return ws.plugins[0].id;
			await new Promise((r) => setTimeout(r, 100));
		}
	});

	// 100 calls of 50,000 log events each, written straight into the history as this build stores it.
	const events: TraceEvent[] = [
		{ type: 'start', t: 0, export: 'greet', input: { size: 0, head: new Uint8Array(0) } },
		...Array.from({ length: 49_998 }, (_, i) => ({
			type: 'log' as const,
			t: i / 100,
			level: 'info' as const,
			source: 'host' as const,
			text: `stored line ${i}`
		})),
		{
			type: 'end',
			t: 500,
			status: 'ok',
			duration: 500,
			inputSize: 0,
			outputSize: 0,
			memoryPages: 1
		}
	];
	const calls: CallTrace[] = Array.from({ length: 100 }, (_, i) => ({
		id: i + 1,
		pluginId,
		pluginName: 'Greet',
		export: 'greet',
		startedAt: Date.UTC(2026, 0, 1, 12, 0, i),
		dropped: 0,
		events: []
	}));
	const summaries = calls.map((call) => summarizeCall({ ...call, events }));
	await page.evaluate(
		async ({ calls, summaries, text }) => {
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const open = indexedDB.open('plugin-playground-history');
				open.onsuccess = () => resolve(open.result);
				open.onerror = () => reject(open.error);
			});
			// One events array built here from its JSON, shared by every record: the clone per put is the cost.
			const events = JSON.parse(text) as unknown[];
			for (const [i, call] of calls.entries()) {
				const tx = db.transaction(['history', 'summaries'], 'readwrite');
				tx.objectStore('history').put({ v: 1, trace: { ...call, events } }, [
					call.startedAt,
					call.pluginId,
					call.id
				]);
				tx.objectStore('summaries').put({ v: 1, summary: summaries[i] }, [
					call.pluginId,
					call.startedAt,
					call.id
				]);
				await new Promise((resolve, reject) => {
					tx.oncomplete = resolve;
					tx.onerror = () => reject(tx.error);
				});
			}
			db.close();
		},
		{ calls, summaries, text: JSON.stringify(events) }
	);

	await watchLongTasks(page);
	await page.reload();
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	const history = page.getByRole('region', { name: 'History' });
	await expect(history.getByRole('checkbox', { name: /^Compare greet at / })).toHaveCount(100);
	await expect(history).toContainText('500.0 ms');
	await expectResponsive(page);

	// Opening an older entry reads its trace then.
	await history.getByRole('button', { name: /greet/ }).nth(10).click();
	const trace = page.getByRole('region', { name: 'Trace' });
	await expect(trace).toContainText('from History');
	await expect(trace).toContainText('50000 of 50000 events', { timeout: 30_000 });
	await expect(trace).toContainText('stored line 0');
	console.log(
		`after opening one entry: longest ${(await longestTask(page)).longest.toFixed(0)} ms`
	);
});
