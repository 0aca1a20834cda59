// Measures what the KV write-ahead log costs per write (FileSystemSyncAccessHandle.write, with and without flush), in an on-disk profile and an off-the-record one: `node scripts/opfs-write-cost.mjs [writes]`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from './find-browser.mjs';

const WRITES = Number(process.argv[2] ?? 2000);
/** Flushing every write is slow, so that figure uses fewer writes. */
const FLUSHED_WRITES = 200;

/** Runs in a dedicated worker: appends 48-byte records as the log does, and times them. */
const WORKER = `
onmessage = async ({ data: { writes, flushed } }) => {
	const root = await navigator.storage.getDirectory();
	const file = await root.getFileHandle('opfs-write-cost.bin', { create: true });
	const handle = await file.createSyncAccessHandle();
	handle.truncate(0);
	const record = new Uint8Array(48);
	let at = 0;
	const time = (count, flush) => {
		const t = performance.now();
		for (let i = 0; i < count; i++) {
			at += handle.write(record, { at });
			if (flush === 'each') handle.flush();
		}
		if (flush === 'batch') handle.flush();
		return ((performance.now() - t) / count) * 1000;
	};
	const result = {
		'µs per write (no flush)': time(writes, 'none'),
		'µs per write, flush once per batch': time(writes, 'batch'),
		'µs per write, flush after each': time(flushed, 'each')
	};
	handle.close();
	await root.removeEntry('opfs-write-cost.bin');
	postMessage(Object.fromEntries(Object.entries(result).map(([k, v]) => [k, Number(v.toFixed(1))])));
};`;

/**
 * Opens a page on a made-up https origin (the private file system needs a secure context) and measures.
 * @param {import('playwright-core').BrowserContext} context
 */
async function measure(context) {
	const page = await context.newPage();
	await page.route('https://opfs.test/**', (route) =>
		route.fulfill({ contentType: 'text/html', body: '<title>opfs</title>' })
	);
	await page.goto('https://opfs.test/');
	return page.evaluate(
		/** @param {{ code: string, writes: number, flushed: number }} args */
		({ code, writes, flushed }) =>
			new Promise((resolve) => {
				const worker = new Worker(
					URL.createObjectURL(new Blob([code], { type: 'text/javascript' }))
				);
				worker.onmessage = (event) => resolve(event.data);
				worker.postMessage({ writes, flushed });
			}),
		{ code: WORKER, writes: WRITES, flushed: FLUSHED_WRITES }
	);
}

const launch = { executablePath: findChromium(), args: [...CHROMIUM_ARGS], headless: true };
const profile = mkdtempSync(join(tmpdir(), 'opfs-write-cost-'));
try {
	const onDisk = await chromium.launchPersistentContext(profile, launch);
	console.log('on-disk profile  ', JSON.stringify(await measure(onDisk)));
	await onDisk.close();
} finally {
	rmSync(profile, { recursive: true, force: true });
}
const browser = await chromium.launch(launch);
console.log('off the record   ', JSON.stringify(await measure(await browser.newContext())));
await browser.close();
