import { expect, test } from './fixtures';
import { WAT_BLOCK } from './hostile';

/** Every byte as a WAT string escape, so any payload survives the WAT parser unchanged. */
const watString = (s: string) =>
	[...new TextEncoder().encode(s)].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');

const PAYLOADS = {
	output: `<img src=x onerror="window.__xss='output'"><script>window.__xss='script'</script>`,
	log: `<img src=x onerror="window.__xss='log'">`,
	key: `<svg onload="window.__xss='kv'">`,
	value: `<b onmouseover="window.__xss='value'">bold</b>`,
	exportName: `<img src=x onerror="window.__xss='export'">`
};

/** A plugin whose output, log line, KV key and value, and export name are all HTML payloads. */
async function hostilePlugin(): Promise<Buffer> {
	const order = ['output', 'log', 'key', 'value'] as const;
	let at = 0;
	const data: string[] = [];
	const where: Record<string, [number, number]> = {};
	for (const name of order) {
		const bytes = new TextEncoder().encode(PAYLOADS[name]).length;
		where[name] = [at, bytes];
		data.push(`(data (i32.const ${at}) "${watString(PAYLOADS[name])}")`);
		at += bytes + 16;
	}
	const block = (name: string) =>
		`(call $block (i32.const ${where[name][0]}) (i32.const ${where[name][1]}))`;
	const wat = `(module
		(import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
		(import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
		(import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
		(import "extism:host/env" "log_info" (func $log_info (param i64)))
		(import "extism:host/user" "kv_write" (func $kv_write (param i64 i64)))
		(memory (export "memory") 1)
		${data.join('\n')}
		${WAT_BLOCK}
		(func (export "${watString(PAYLOADS.exportName)}") (result i32)
			(call $log_info ${block('log')})
			(call $kv_write ${block('key')} ${block('value')})
			(call $output_set ${block('output')} (i64.const ${where.output[1]}))
			(i32.const 0)))`;
	const wabt = await (await import('wabt')).default();
	const module = wabt.parseWat('hostile.wat', wat, {});
	return Buffer.from(module.toBinary({}).buffer);
}

test('plugin output, logs, export names and KV keys are shown as text, never run', async ({
	page
}) => {
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	await page.getByLabel('Plugin file').setInputFiles({
		name: '<img src=x onerror=alert(1)>.wasm',
		mimeType: 'application/wasm',
		buffer: await hostilePlugin()
	});
	const run = page.getByRole('button', { name: 'Run', exact: true });
	await expect(run).toBeEnabled();
	await expect(page.getByRole('combobox', { name: 'Function' })).toHaveValue(PAYLOADS.exportName);
	await run.click();

	await expect(page.getByRole('region', { name: 'Output' })).toContainText(PAYLOADS.output);
	await expect(page.getByRole('region', { name: 'Trace' })).toContainText(PAYLOADS.log);
	const kv = page.getByRole('region', { name: 'KV store' });
	await expect(kv).toContainText(PAYLOADS.key);
	await expect(kv).toContainText(PAYLOADS.value);
	await expect(page.getByRole('region', { name: 'Module' })).toContainText(PAYLOADS.exportName);
	// The file name is untrusted too.
	await expect(page.getByRole('navigation', { name: 'Loaded plugins' })).toContainText(
		'<img src=x onerror=alert(1)>.wasm'
	);

	// Hover everything once, in case a payload relies on mouse events.
	for (const el of await page.locator('main *').all())
		await el.hover({ force: true }).catch(() => {});
	expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
	expect(await page.locator('main img[src="x"], main script, main svg[onload]').count()).toBe(0);
});
