import { expect, test } from './fixtures';
import { hideJspi } from '../../scripts/find-browser.mjs';

// Chromium has JS Promise Integration; Firefox and Safari do not. Hiding it from the page and from every
// worker it starts reproduces those browsers: http_request must still work, synchronously. The hiding
// starts workers from blob: URLs, which the built page's policy (worker-src 'self') refuses, so this test
// runs with the policy off: it is about JSPI, and csp.spec.ts covers the policy.
test.describe(() => {
	test.use({ bypassCSP: true });
	test('http_request works with JS Promise Integration unavailable', async ({ page, baseURL }) => {
		await hideJspi(page);
		await page.goto('./');
		await expect(page.locator('body[data-ready="true"]')).toBeAttached();
		expect(
			await page.evaluate(() => typeof (WebAssembly as { Suspending?: unknown }).Suspending)
		).toBe('undefined');
		const workerJspi = await page.evaluate(async () => {
			const blob = new Blob(['postMessage(typeof WebAssembly.promising)'], {
				type: 'text/javascript'
			});
			const worker = new Worker(URL.createObjectURL(blob));
			return new Promise<string>((resolve) => (worker.onmessage = (e) => resolve(String(e.data))));
		});
		expect(workerJspi).toBe('undefined');

		await page.getByRole('combobox', { name: 'Example' }).selectOption({ label: 'HTTP GET' });
		await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
		const url = `${baseURL}examples/index.json`;
		await page.getByRole('textbox', { name: 'Input' }).fill(url);
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		await expect(page.getByRole('region', { name: 'Output' })).toContainText('"name": "greet"');
		const trace = page.getByRole('region', { name: 'Trace' });
		await expect(trace).toContainText('http_request');
		await expect(trace).toContainText('status 200');
	});
});

test('a host not in allowed_hosts is refused by name', async ({ page }) => {
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	await page.getByRole('combobox', { name: 'Example' }).selectOption({ label: 'HTTP GET' });
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	await page.getByRole('textbox', { name: 'Input' }).fill('http://not-allowed.invalid/x');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	const alert = page.getByRole('alert');
	await expect(alert).toContainText('"not-allowed.invalid" refused');
	await expect(alert).toContainText('allowed_hosts');
});
