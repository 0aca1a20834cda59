import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * The built page's Content-Security-Policy. Plugins are untrusted, so the page may run only its own
 * scripts, and WebAssembly. What each source is for:
 * - `worker-src 'self'`: the plugin host is a module worker from the page's own origin; no blob: workers.
 * - `img-src blob: data:`: output images are shown from blob: URLs, and the favicon is a data: URL.
 * - `style-src 'unsafe-inline'`: CodeMirror adds its themes to the document as <style> elements with
 *   generated content (only in a shadow root would it use constructed style sheets), so neither a hash nor
 *   a nonce (a static page has no per-response one) can allow them. Styles cannot run script.
 * - `connect-src http: https:`: plugins load by URL from any host, and a plugin's `http_request` reaches
 *   the hosts the user allowed (the host checks the allow list; the policy cannot know it).
 * `frame-ancestors` (who may embed the page, as the share dialog's <iframe> snippet does) is ignored in a
 * <meta> element; only a response header can set it, and static hosts such as GitHub Pages send none.
 */
const CONTENT_SECURITY_POLICY = [
	"default-src 'self'",
	"script-src 'self' 'wasm-unsafe-eval'",
	"worker-src 'self'",
	"style-src 'self' 'unsafe-inline'",
	"img-src 'self' blob: data:",
	"connect-src 'self' http: https:",
	"object-src 'none'",
	"base-uri 'none'",
	"form-action 'none'"
].join('; ');

/** Puts the policy in the built page only: the dev server injects inline scripts and styles of its own. */
function contentSecurityPolicy(): Plugin {
	return {
		name: 'content-security-policy',
		apply: 'build',
		transformIndexHtml: () => [
			{
				tag: 'meta',
				attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
				injectTo: 'head-prepend'
			}
		]
	};
}

/**
 * The service worker (Workbox, generated at build time) that makes the playground work offline once loaded.
 * It precaches the app shell, the plugin worker and the examples (modules and sources); the lazy chunks (the
 * input editor, the WAT view and its wabt worker, the output diff, the Source pane and its compiler worker)
 * are cached the first time they load. A new build waits
 * until the person chooses to reload (`registerType: 'prompt'`), so code never changes under a session.
 * Every path is relative to the service worker, so it works from any sub-path, like the rest of `dist/`.
 */
function offline() {
	return VitePWA({
		registerType: 'prompt',
		injectRegister: false,
		includeAssets: ['icon.svg'],
		manifest: {
			name: 'Plugin Playground',
			short_name: 'Playground',
			description: 'Load, run, trace and learn WebAssembly plugins in your browser.',
			start_url: './',
			scope: './',
			display: 'standalone',
			background_color: '#f7f7fa',
			theme_color: '#5a3fd6',
			icons: [
				{ src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
				{ src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
				{ src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' }
			]
		},
		workbox: {
			globPatterns: [
				'**/*.{html,js,css,json,wasm,png,svg,webmanifest}',
				'examples/*/src/*.{ts,wat,c}'
			],
			// Loaded on first use, then kept by the runtime cache below.
			globIgnores: [
				'**/assets/codemirror-*.js',
				'**/assets/theme-spec-*.js',
				'**/assets/WatView-*',
				'**/assets/wat-viewer-*.js',
				'**/assets/wat-tools-*.js',
				'**/assets/libesm-*.js',
				// The Source pane's editor and the compiler worker with wabt, asc and binaryen (about 3 MB
				// gzipped): cached by the first build, so a visitor who never builds never downloads them.
				'**/assets/source-editor-*.js',
				'**/assets/compiler-*.js',
				'**/assets/asc-*.js',
				'**/assets/wabt-*.js'
			],
			// Examples and the plugin worker are a few hundred KiB each at most; the limit is a guard.
			maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
			navigateFallback: 'index.html',
			cleanupOutdatedCaches: true,
			runtimeCaching: [
				{
					// Hashed file names never change content: the first copy is good for ever.
					urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname.includes('/assets/'),
					handler: 'CacheFirst',
					options: { cacheName: 'lazy-chunks', expiration: { maxEntries: 64 } }
				}
			]
		}
	});
}

// `base: './'` makes every asset URL relative, so `dist/` works from any host and any sub-path.
export default defineConfig({
	base: './',
	plugins: [svelte(), contentSecurityPolicy(), offline()],
	worker: { format: 'es' },
	optimizeDeps: {
		include: ['@extism/extism', 'comlink', 'idb-keyval', 'wabt'],
		// Already ES modules, and 13 MB: pre-bundling them would only slow the dev server's first build.
		exclude: ['assemblyscript', 'binaryen']
	},
	build: { target: 'es2022', sourcemap: true },
	server: { strictPort: false }
});
