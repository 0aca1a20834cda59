import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// `base: './'` makes every asset URL relative, so `dist/` works from any host and any sub-path.
export default defineConfig({
	base: './',
	plugins: [svelte()],
	worker: { format: 'es' },
	optimizeDeps: { include: ['@extism/extism', 'comlink', 'idb-keyval'] },
	build: { target: 'es2022', sourcemap: true },
	server: { strictPort: false }
});
