// Two test projects: `unit` (pure TypeScript in Node) and `browser` (real Chromium, real Workers and wasm).
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_ARGS, findChromium } from './scripts/find-browser.mjs';

// Each project extends vite.config.ts, so tests compile Svelte, workers and deps as the app does.
export default defineConfig({
	test: {
		projects: [
			{
				extends: './vite.config.ts',
				test: {
					name: 'unit',
					environment: 'node',
					include: ['tests/unit/**/*.test.ts']
				}
			},
			{
				extends: './vite.config.ts',
				// The examples index and built plugins are fetched from /examples/ as in the app.
				publicDir: 'public',
				test: {
					name: 'browser',
					include: ['tests/browser/**/*.browser.test.ts'],
					// Workers compiling wasm on a two-core machine are slow to start.
					testTimeout: 30_000,
					hookTimeout: 30_000,
					browser: {
						enabled: true,
						headless: true,
						provider: playwright({
							launchOptions: {
								// Looked up only when the browser starts, so `--project unit` runs without a Chromium.
								get executablePath() {
									return findChromium();
								},
								args: [...CHROMIUM_ARGS]
							}
						}),
						instances: [{ browser: 'chromium' }],
						screenshotDirectory: 'test-results/vitest-screenshots'
					}
				}
			}
		]
	}
});
