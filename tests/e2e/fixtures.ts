/**
 * The `test` every e2e spec uses: Playwright's, plus an automatic check that the page broke no rule of its
 * Content-Security-Policy and threw no uncaught error during the test. Import `test` and `expect` from here.
 */
import { expect, test as base } from '@playwright/test';

export { expect };

export const test = base.extend<{ pageGuard: void; cspViolationsExpected: boolean }>({
	/** A test that provokes a violation on purpose (to prove the policy blocks it) sets this with `test.use`. */
	cspViolationsExpected: [false, { option: true }],
	pageGuard: [
		async ({ page, cspViolationsExpected }, use) => {
			const problems: string[] = [];
			page.on('pageerror', (error) => problems.push(`uncaught error: ${error.message}`));
			page.on('console', (message) => {
				if (
					!cspViolationsExpected &&
					message.type() === 'error' &&
					/Content[- ]Security[- ]Policy/i.test(message.text())
				) {
					problems.push(`CSP violation: ${message.text()}`);
				}
			});
			await use();
			expect(problems, 'the page broke its CSP or threw an uncaught error').toEqual([]);
		},
		{ auto: true }
	]
});
