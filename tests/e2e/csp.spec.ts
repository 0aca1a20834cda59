import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** Opens the built app and waits until it is ready. */
async function openApp(page: Page) {
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

test('the built page carries its Content-Security-Policy before any script', async ({ page }) => {
	await openApp(page);
	const meta = page.locator('head > meta[http-equiv="Content-Security-Policy"]');
	await expect(meta).toHaveCount(1);
	const policy = (await meta.getAttribute('content')) ?? '';
	const directives = Object.fromEntries(
		policy.split(';').map((directive) => {
			const [name = '', ...sources] = directive.trim().split(/\s+/);
			return [name, sources];
		})
	);
	expect(directives).toEqual({
		'default-src': ["'self'"],
		'script-src': ["'self'", "'wasm-unsafe-eval'"],
		'worker-src': ["'self'"],
		'style-src': ["'self'", "'unsafe-inline'"],
		'img-src': ["'self'", 'blob:', 'data:'],
		'connect-src': ["'self'", 'http:', 'https:'],
		'object-src': ["'none'"],
		'base-uri': ["'none'"],
		'form-action': ["'none'"]
	});
	// A policy in a <meta> covers only what comes after it.
	expect(
		await page.evaluate(() => document.head.querySelector('meta[http-equiv], script')?.tagName)
	).toBe('META');
});

test.describe('an injected script', () => {
	test.use({ cspViolationsExpected: true });

	test('does not run, and the browser reports the violation', async ({ page }) => {
		await openApp(page);
		const reported: string[] = [];
		page.on('console', (message) => {
			if (message.type() === 'error') reported.push(message.text());
		});
		const outcome = await page.evaluate(async () => {
			const violations: string[] = [];
			document.addEventListener('securitypolicyviolation', (e) =>
				violations.push(`${e.effectiveDirective} ${e.blockedURI}`)
			);
			const script = document.createElement('script');
			script.textContent = 'document.body.dataset.injected = "script";';
			document.body.append(script);
			const img = document.createElement('img');
			img.setAttribute('onerror', 'document.body.dataset.injected = "handler";');
			img.src = 'data:,not an image';
			document.body.append(img);
			await new Promise<void>((resolve) => {
				img.addEventListener('error', () => resolve(), { once: true });
			});
			// Violation events are queued as tasks; let them arrive.
			await new Promise((resolve) => setTimeout(resolve));
			return { injected: document.body.dataset.injected ?? null, violations };
		});
		expect(outcome).toEqual({
			injected: null,
			violations: ['script-src-elem inline', 'script-src-attr inline']
		});
		// What the fixture watches for in every other test.
		expect(reported.filter((text) => /Content[- ]Security[- ]Policy/i.test(text))).toHaveLength(2);
	});
});
