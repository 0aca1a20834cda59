// End-to-end tests against the built app, served from dist/ under a sub-path to prove the relative base works.
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './scripts/find-browser.mjs';

/** Where dist/ is mounted: a deep path, as on GitHub Pages project sites. */
const BASE_PATH = '/some/sub/path/';
// PW_PORT and PW_DIST let several builds be tested side by side (e.g. by parallel branches of work).
const PORT = Number(process.env.PW_PORT ?? 4173);
const DIST = process.env.PW_DIST ?? 'dist';
const BASE_URL = `http://127.0.0.1:${PORT}${BASE_PATH}`;

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.spec.ts',
	outputDir: 'test-results/',
	// One worker: the box has two cores and each test runs plugin workers of its own.
	workers: 1,
	fullyParallel: false,
	retries: 0,
	timeout: 60_000,
	forbidOnly: !!process.env.CI,
	reporter: 'list',
	use: {
		baseURL: BASE_URL,
		browserName: 'chromium',
		headless: true,
		launchOptions: { executablePath: findChromium(), args: [...CHROMIUM_ARGS] },
		trace: 'off',
		// The offline service worker would answer requests that tests route or count; only the offline
		// spec (tests/e2e/offline.spec.ts) lets it register.
		serviceWorkers: 'block',
		screenshot: 'only-on-failure'
	},
	webServer: {
		command: `node scripts/serve-static.mjs ${DIST} --base ${BASE_PATH} --port ${PORT}`,
		url: BASE_URL,
		reuseExistingServer: !process.env.CI,
		timeout: 30_000,
		stdout: 'ignore',
		stderr: 'pipe'
	}
});
