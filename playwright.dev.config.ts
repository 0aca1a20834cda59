// The dev server test: `npm run dev` as the README starts it, then the app in Chromium. The spec starts and
// stops the server itself, on a free port, so it can read the address and every line the server prints.
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './scripts/find-browser.mjs';

export default defineConfig({
	testDir: 'tests/dev',
	testMatch: '**/*.spec.ts',
	outputDir: 'test-results/dev/',
	workers: 1,
	retries: 0,
	// Building the examples and a forced dependency optimisation take most of a minute on two cores.
	timeout: 240_000,
	forbidOnly: !!process.env.CI,
	reporter: 'list',
	use: {
		browserName: 'chromium',
		headless: true,
		launchOptions: { executablePath: findChromium(), args: [...CHROMIUM_ARGS] },
		trace: 'off',
		screenshot: 'only-on-failure'
	}
});
