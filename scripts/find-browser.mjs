// Finds a Chromium for the test runners and holds the launch settings they share; `node scripts/find-browser.mjs` prints its path.
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Arguments for headless Chromium on a machine without network; without the networking ones it keeps dialling out. */
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync'
];

/** Names a system Chromium goes by on PATH, in the order they are tried. */
const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome'];

/** What to tell someone who has no Chromium at all. */
export const NO_CHROMIUM_MESSAGE =
	'No Chromium found. Install one: `apt-get install -y chromium` (Debian/Ubuntu), or set CHROMIUM_PATH=/path/to/chrome.';

/**
 * Whether `file` is a regular file this process may execute.
 * @param {string} file
 * @returns {boolean}
 */
function isExecutable(file) {
	try {
		accessSync(file, constants.X_OK);
		return statSync(file).isFile();
	} catch {
		return false;
	}
}

/**
 * The first executable called `name` in a PATH directory, or undefined.
 * @param {string} name
 * @returns {string | undefined}
 */
function onPath(name) {
	for (const dir of (process.env.PATH ?? '').split(delimiter)) {
		if (dir && isExecutable(join(dir, name))) return join(dir, name);
	}
	return undefined;
}

/**
 * Playwright's downloaded Chromium, if playwright-core is installed and the download exists.
 * playwright-core is loaded lazily so the PATH lookup works before `npm ci`.
 * @returns {string | undefined}
 */
function playwrightChromium() {
	try {
		/** @type {typeof import('playwright-core')} */
		const playwright = createRequire(import.meta.url)('playwright-core');
		const file = playwright.chromium.executablePath();
		return isExecutable(file) ? file : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Path of a Chromium executable: $CHROMIUM_PATH or $CHROME_PATH, then chromium, chromium-browser or
 * google-chrome on PATH, then Playwright's own download.
 * @returns {string}
 * @throws {Error} when none is found, or when the variable names something that cannot be run.
 */
export function findChromium() {
	for (const variable of ['CHROMIUM_PATH', 'CHROME_PATH']) {
		const value = process.env[variable];
		if (!value) continue;
		if (isExecutable(value)) return value;
		throw new Error(
			`${variable}=${value} is not an executable file. Point it at a Chromium binary or unset it.`
		);
	}
	for (const name of PATH_NAMES) {
		const found = onPath(name);
		if (found) return found;
	}
	const downloaded = playwrightChromium();
	if (downloaded) return downloaded;
	throw new Error(NO_CHROMIUM_MESSAGE);
}

/**
 * Runs in a page before its own scripts (Playwright serialises it): removes JS Promise Integration from
 * the page, and starts every dedicated worker through a bootstrap that removes it before the worker's
 * script and that script's imports run. Inside such a worker `self.location` is the bootstrap's blob: URL
 * (`import.meta.url` is unchanged), and workers started by workers keep JSPI.
 */
function withoutJspi() {
	const strip = 'delete WebAssembly.Suspending; delete WebAssembly.promising;';
	/** @param {string} code */
	const scriptUrl = (code) => URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
	const stripModule = scriptUrl(strip);
	Reflect.deleteProperty(WebAssembly, 'Suspending');
	Reflect.deleteProperty(WebAssembly, 'promising');
	const NativeWorker = globalThis.Worker;
	globalThis.Worker = class extends NativeWorker {
		/**
		 * @param {string | URL} url
		 * @param {WorkerOptions} [options]
		 */
		constructor(url, options) {
			const script = JSON.stringify(new URL(String(url), document.baseURI).href);
			// Module imports evaluate in order, so the strip module runs before the whole worker graph.
			const bootstrap =
				options?.type === 'module'
					? `import ${JSON.stringify(stripModule)};\nimport ${script};\n`
					: `${strip}\nimportScripts(${script});\n`;
			super(scriptUrl(bootstrap), options);
		}
	};
}

/**
 * Makes a page look like a browser without JSPI (`WebAssembly.Suspending`, `WebAssembly.promising`), in the
 * page and in the workers it starts, from its next navigation on. Chromium 156 has no switch for this: V8
 * installs JSPI whenever WebAssembly is on, and `--js-flags=--no-experimental-wasm-jspi`,
 * `--js-flags=--no-wasm-jspi`, `--disable-features=WebAssemblyJSPromiseIntegration` and
 * `--disable-blink-features=WebAssemblyJSPromiseIntegration` change nothing. Patching workers over CDP
 * races Playwright, which resumes new workers itself, so workers are wrapped from inside the page instead.
 * @param {import('playwright-core').Page} page
 * @returns {Promise<import('playwright-core').Disposable>} removes the hook for later navigations
 */
export function hideJspi(page) {
	return page.addInitScript(withoutJspi);
}

const invokedAsScript =
	process.argv[1] !== undefined &&
	realpathSync(resolve(process.argv[1])) === realpathSync(fileURLToPath(import.meta.url));

if (invokedAsScript) {
	try {
		console.log(findChromium());
	} catch (error) {
		console.error(error instanceof Error ? error.message : String(error));
		process.exitCode = 1;
	}
}
