// Builds the benchmark page (bench/index.html) on its own, so nothing of it reaches the app's dist/.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
	root: fileURLToPath(new URL('.', import.meta.url)),
	base: './',
	// PluginSession is a rune class: compile it with the app's Svelte settings.
	plugins: [svelte({ configFile: `${root}svelte.config.js` })],
	worker: { format: 'es' },
	build: {
		target: 'es2022',
		outDir: `${root}node_modules/.cache/bench/site/page`,
		emptyOutDir: true,
		reportCompressedSize: false
	},
	logLevel: 'warn'
});
