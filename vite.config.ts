import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';

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

// `base: './'` makes every asset URL relative, so `dist/` works from any host and any sub-path.
export default defineConfig({
	base: './',
	plugins: [svelte(), contentSecurityPolicy()],
	worker: { format: 'es' },
	optimizeDeps: { include: ['@extism/extism', 'comlink', 'idb-keyval', 'wabt'] },
	build: { target: 'es2022', sourcemap: true },
	server: { strictPort: false }
});
