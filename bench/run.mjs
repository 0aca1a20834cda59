// Measures the playground beside the baselines a user would pick instead, in one run; prints a table and
// writes bench/results.json. Budget misses are reported, never fatal: `npm run bench:check` judges them.
//
// Usage: node bench/run.mjs [--quick] [--only roundtrip,cold,restart,kv,history,share,build,trace,page,hostile]
//   --quick: few iterations, to try the harness (rough figures); --only: just those parts.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { CHROMIUM_ARGS, findChromium } from '../scripts/find-browser.mjs';
import { serveStatic } from '../scripts/serve-static.mjs';
import { buildPlugins } from './build-plugins.mjs';
import { evaluate, formatValue } from './budgets.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'bench');
const SITE = path.join(CACHE, 'site');
const APP = path.join(CACHE, 'app');
const RESULTS = path.join(ROOT, 'bench', 'results.json');
/** Where the app is mounted, as in playwright.config.ts. */
const APP_BASE = '/some/sub/path/';
/** Caching as a typical static host (GitHub Pages) allows; new browser contexts still start empty. */
const CACHING = { 'Cache-Control': 'max-age=600' };
/** Cross-origin isolation, which Extism's own worker mode (baseline c) needs. */
const ISOLATION = {
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Embedder-Policy': 'require-corp'
};
/**
 * The trace test's plugin makes 25,000 kv_read calls and 25,000 log lines. A call streams at most 5,000
 * events to the page (STREAM_MAX_EVENTS in src/lib/trace/flood.ts) and counts the rest, so the trace shows
 * at least this many rows, complete once the count of dropped events arrives with the call's end.
 */
const TRACE_EVENTS = 5_000;

/** Parts of the run, for --only. */
const PARTS = [
	'roundtrip',
	'cold',
	'restart',
	'kv',
	'history',
	'share',
	'build',
	'trace',
	'page',
	'hostile'
];
/** The flows of hostile input whose longest main-thread task the `hostile` part reads (Playwright specs). */
const HOSTILE_SPECS = [
	'tests/e2e/abuse-modules.spec.ts',
	'tests/e2e/abuse-limits.spec.ts',
	'tests/e2e/abuse-links.spec.ts',
	'tests/e2e/wat-view.spec.ts'
];
const { values: flags } = parseArgs({
	options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } }
});
const quick = flags.quick;
const only = new Set(flags.only ? flags.only.split(',') : PARTS);
for (const part of only) {
	if (!PARTS.includes(part)) throw new Error(`--only ${part}: not one of ${PARTS.join(', ')}`);
}
/** Iteration counts; --quick divides them to try the harness. */
const N = (/** @type {number} */ full, /** @type {number} */ few) => (quick ? few : full);

const started = performance.now();
/** @param {string} text */
function progress(text) {
	const seconds = ((performance.now() - started) / 1000).toFixed(0).padStart(4);
	process.stderr.write(`[bench ${seconds} s] ${text}\n`);
}

/**
 * @typedef {{ median: number, p25: number, p75: number, min: number, max: number, n: number }} Stats
 */

/**
 * @param {number[]} samples
 * @returns {Stats}
 */
function stats(samples) {
	const sorted = samples.filter(Number.isFinite).sort((a, b) => a - b);
	const at = (/** @type {number} */ q) => {
		if (!sorted.length) return NaN;
		const i = (sorted.length - 1) * q;
		const lo = Math.floor(i);
		return sorted[lo] + (sorted[Math.ceil(i)] - sorted[lo]) * (i - lo);
	};
	return {
		median: at(0.5),
		p25: at(0.25),
		p75: at(0.75),
		min: sorted[0] ?? NaN,
		max: sorted.at(-1) ?? NaN,
		n: sorted.length
	};
}

/** @param {Stats} a @param {Stats} b */
const ratio = (a, b) => a.median / b.median;

/**
 * Runs a command from the repository root, failing with its output when it fails.
 * @param {string[]} command
 */
function sh(command) {
	return new Promise((resolve, reject) => {
		const child = spawn(command[0], command.slice(1), {
			cwd: ROOT,
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let output = '';
		child.stdout.on('data', (d) => (output += d));
		child.stderr.on('data', (d) => (output += d));
		child.on('close', (code) =>
			code === 0
				? resolve(output)
				: reject(new Error(`${command.join(' ')}: exit ${code}\n${output}`))
		);
	});
}

/**
 * 8. The abuse suite's flows (huge export and import tables, 20,000 KV keys, oversized modules and links,
 * endless loops, the WAT view of a 2 MB module), run by Playwright on the bench's build of the app; each
 * prints the longest main-thread task it saw. Their tests fail only on a frozen page: the 200 ms target
 * is checked here, on a run whose load is recorded.
 */
async function hostileFlows() {
	const port = 4600 + Math.floor(Math.random() * 300);
	const output = await new Promise((resolve) => {
		const child = spawn('npx', ['playwright', 'test', ...HOSTILE_SPECS, '--reporter=list'], {
			cwd: ROOT,
			env: { ...process.env, PW_DIST: APP, PW_PORT: String(port) },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let text = '';
		child.stdout.on('data', (d) => (text += d));
		child.stderr.on('data', (d) => (text += d));
		child.on('close', (code) => resolve({ text, code }));
	});
	const { text, code } = /** @type {{ text: string, code: number }} */ (output);
	/** @type {{ flow: string, longest: number }[]} */
	const flows = [];
	for (const match of text.matchAll(
		/^\[([^\]]+)\] .*?longest main-thread task (?:from the click on )?(\d+) ms/gm
	)) {
		flows.push({ flow: match[1], longest: Number(match[2]) });
	}
	if (flows.length === 0) throw new Error(`no flow printed its longest task (exit ${code})`);
	const worst = flows.reduce((a, b) => (b.longest > a.longest ? b : a));
	return { flows, longest: worst.longest, worst: worst.flow, failed: code !== 0 };
}

/** Builds the bench plugins, the example plugins, the app (into the cache, not dist/) and the bench page. */
async function buildAll() {
	progress('building bench plugins, examples, app and bench page');
	const plugins = await buildPlugins(path.join(SITE, 'plugins'));
	try {
		await sh([process.execPath, 'scripts/build-examples.mjs']);
	} catch (error) {
		// Someone may be halfway through adding an example; the built ones still make a working app.
		const built = await readFile(path.join(ROOT, 'public', 'examples', 'index.json')).catch(
			() => null
		);
		if (!built) throw error;
		progress(`examples did not all build; using the ones already built:\n${String(error).trim()}`);
	}
	// The app's own vite.config.ts, into a private folder, so a bench run never swaps dist/ under e2e tests.
	await build({
		root: ROOT,
		configFile: path.join(ROOT, 'vite.config.ts'),
		build: { outDir: APP, emptyOutDir: true },
		logLevel: 'warn'
	});
	await build({ configFile: path.join(ROOT, 'bench', 'vite.config.ts') });
	return plugins;
}

/**
 * Static imports of a built chunk (`import{a}from"./x.js"`, `import"./x.js"`), not dynamic `import()`.
 * @param {string} code
 * @returns {string[]}
 */
function staticImports(code) {
	const found = [];
	const pattern =
		/(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{}\s,]*?from\s*)?["'`]([^"'`]+\.js)["'`]/g;
	for (const match of code.matchAll(pattern)) found.push(match[1]);
	return found;
}

/** 5a. Page weight: what index.html loads before any plugin, its static imports, the worker, the rest. */
async function pageWeight() {
	const html = await readFile(path.join(APP, 'index.html'), 'utf8');
	const refs = [
		...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g),
		...html.matchAll(/<link[^>]*\brel="(?:stylesheet|modulepreload)"[^>]*\bhref="([^"]+)"/g)
	].map((m) => path.join(APP, m[1]));
	const initial = new Set();
	const queue = [...refs];
	while (queue.length) {
		const file = /** @type {string} */ (queue.shift());
		if (initial.has(file)) continue;
		initial.add(file);
		if (file.endsWith('.js')) {
			const code = await readFile(file, 'utf8');
			for (const spec of staticImports(code)) queue.push(path.resolve(path.dirname(file), spec));
		}
	}
	const size = async (/** @type {string} */ file) => {
		const bytes = await readFile(file);
		return {
			file: path.relative(APP, file),
			raw: bytes.length,
			gzip: gzipSync(bytes, { level: 9 }).length
		};
	};
	const files = await Promise.all([...initial].map(size));
	const assets = (await readdir(path.join(APP, 'assets'))).filter((f) => /\.(js|css)$/.test(f));
	const others = await Promise.all(
		assets
			.map((f) => path.join(APP, 'assets', f))
			.filter((f) => !initial.has(f))
			.map(size)
	);
	const worker = others.filter((f) => f.file.includes('plugin-host'));
	// The Source pane's compiler worker and what it loads: wabt, asc and binaryen.
	const compiler = others.filter((f) => /^assets\/(compiler|asc|wabt)-/.test(f.file));
	const lazy = others.filter((f) => !f.file.includes('plugin-host'));
	const sum = (
		/** @type {{ raw: number, gzip: number }[]} */ list,
		/** @type {'raw' | 'gzip'} */ k
	) => list.reduce((n, f) => n + f[k], 0);
	const js = files.filter((f) => f.file.endsWith('.js'));
	const css = files.filter((f) => f.file.endsWith('.css'));
	return {
		initialGzip: sum(files, 'gzip'),
		initialRaw: sum(files, 'raw'),
		initialJsGzip: sum(js, 'gzip'),
		initialCssGzip: sum(css, 'gzip'),
		workerGzip: sum(worker, 'gzip'),
		workerRaw: sum(worker, 'raw'),
		lazyGzip: sum(lazy, 'gzip'),
		compilerGzip: sum(compiler, 'gzip'),
		files,
		worker,
		lazy
	};
}

/**
 * Runs a function of the bench page, with a deadline.
 * @template T
 * @param {import('playwright-core').Page} page
 * @param {string} name
 * @param {unknown} arg
 * @param {number} seconds
 * @returns {Promise<T>}
 */
async function inPage(page, name, arg, seconds) {
	let timer;
	const deadline = new Promise((_, reject) => {
		timer = setTimeout(() => reject(new Error(`${name} took over ${seconds} s`)), seconds * 1000);
	});
	try {
		return await Promise.race([
			page.evaluate(
				// @ts-expect-error: window.bench is the page's API (bench/page.ts), unknown to this file.
				([fn, a]) => window.bench[fn](a),
				[name, arg]
			),
			deadline
		]);
	} finally {
		clearTimeout(timer);
	}
}

/** 1. Round trips, summarised. @param {any[]} sizes */
function summariseRoundTrip(sizes) {
	/** @type {Record<string, any>} */
	const out = {};
	for (const { label, bytes, samples } of sizes) {
		const s = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, stats(v)]));
		out[label] = {
			bytes,
			...s,
			ratios: {
				'a/b': ratio(s.a, s.b),
				'a/c': ratio(s.a, s.c),
				'a/d': ratio(s.a, s.d),
				'aShown/d': ratio(s.aShown, s.d),
				'a/e': ratio(s.a, s.e),
				'e/d': ratio(s.e, s.d),
				'd/b': ratio(s.d, s.b),
				'd/c': ratio(s.d, s.c)
			}
		};
	}
	return out;
}

/** 2. Cold starts, summarised. @param {any[]} plugins */
function summariseColdStart(plugins) {
	/** @type {Record<string, any>} */
	const out = {};
	for (const { label, plugin, size, samples } of plugins) {
		const s = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, stats(v)]));
		out[label] = {
			plugin,
			size,
			...s,
			ratios: {
				'playground/main': ratio(s.playground, s.main),
				'playground/workerFloor': ratio(s.playground, s.workerFloor),
				'playground/warmWorkerFloor': ratio(s.playground, s.warmWorkerFloor),
				'playground/bootCompileFloor': ratio(s.playground, s.bootCompileFloor),
				'workerFloor/main': ratio(s.workerFloor, s.main),
				'warmWorkerFloor/main': ratio(s.warmWorkerFloor, s.main),
				'main/compileFloor': ratio(s.main, s.compileFloor)
			}
		};
	}
	return out;
}

/**
 * Runs in the app page: clicks Run and resolves once the Trace region shows at least `atLeast` events and
 * the count of dropped ones (after having shown less), at the next animation frame; reads the end event's
 * time from the rows.
 * @param {number} atLeast
 */
function clickRunAndWaitForTrace(atLeast) {
	const region = /** @type {HTMLElement} */ (document.querySelector('[aria-label="Trace"]'));
	const run = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Run');
	if (!region || !run) throw new Error('no Trace region or Run button');
	const count = () => {
		const match = /(\d[\d,.\s\u00a0\u202f]*?)\s*events\b/.exec(region.textContent ?? '');
		return match ? Number(match[1].replace(/\D/g, '')) : -1;
	};
	return new Promise((resolve) => {
		let left = false;
		const observer = new MutationObserver(() => {
			const n = count();
			const done = n >= atLeast && /events dropped/.test(region.textContent ?? '');
			if (!done) left = true;
			if (!left || !done) return;
			observer.disconnect();
			const mutationAt = performance.now();
			requestAnimationFrame(() => {
				const frameAt = performance.now();
				const times = [...(region.textContent ?? '').matchAll(/(\d+\.\d+)\s*ms/g)].map((m) =>
					Number(m[1])
				);
				resolve({ clickAt, mutationAt, frameAt, endT: times.length ? Math.max(...times) : null });
			});
		});
		observer.observe(region, { subtree: true, childList: true, characterData: true });
		const clickAt = performance.now();
		run.click();
	});
}

/**
 * Runs in the app page: scrolls the trace list from the top to the end in `frames` steps, one per
 * animation frame, and returns the time between consecutive frames.
 * @param {number} frames
 */
async function scrollTrace(frames) {
	const region = /** @type {HTMLElement} */ (document.querySelector('[aria-label="Trace"]'));
	const list = [region, ...region.querySelectorAll('*')].find(
		(el) =>
			el.scrollHeight > el.clientHeight + 100 &&
			/(auto|scroll)/.test(getComputedStyle(el).overflowY)
	);
	if (!list) throw new Error('no scrollable trace list');
	region.scrollIntoView();
	const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
	list.scrollTop = 0;
	for (let i = 0; i < 5; i++) await frame();
	// The baseline: as many frames of the same page, not scrolling; a slow frame here is the machine's.
	/** @type {number[]} */
	const idle = [];
	let previous = /** @type {number} */ (await frame());
	for (let i = 0; i < frames; i++) {
		const now = /** @type {number} */ (await frame());
		idle.push(now - previous);
		previous = now;
	}
	const end = list.scrollHeight - list.clientHeight;
	const step = Math.ceil(end / frames);
	/** @type {number[]} */
	const deltas = [];
	let last = /** @type {number} */ (await frame());
	while (list.scrollTop < end - 1 && deltas.length < frames * 2) {
		list.scrollTop = Math.min(end, list.scrollTop + step);
		const now = /** @type {number} */ (await frame());
		deltas.push(now - last);
		last = now;
	}
	for (let i = 0; i < 3; i++) {
		const now = /** @type {number} */ (await frame());
		deltas.push(now - last);
		last = now;
	}
	return { deltas, idle, scrolled: list.scrollTop, end };
}

/**
 * 4. The trace UI in the real built app: load the trace plugin through the `Plugin file` input, run it,
 * time until the Trace region shows every event, then scroll the list to the end.
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 * @param {Buffer} plugin
 */
async function traceUi(browser, url, plugin) {
	const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
	const page = await context.newPage();
	try {
		await page.goto(url);
		await page.waitForSelector('body[data-ready="true"]');
		await page.getByLabel('Plugin file').setInputFiles({
			name: 'bench-trace.wasm',
			mimeType: 'application/wasm',
			buffer: plugin
		});
		await page.getByRole('combobox', { name: 'Function', exact: true }).selectOption('emit');
		await page.getByRole('button', { name: 'Run', exact: true }).waitFor();
		const enabled = () =>
			page.waitForFunction(
				() =>
					[...document.querySelectorAll('button')].some(
						(b) => b.textContent?.trim() === 'Run' && !b.disabled
					),
				null,
				{ timeout: 60_000 }
			);
		await enabled();
		const shownAfterEnd = [];
		const clickToShown = [];
		const callMs = [];
		const worstFrame = [];
		const worstIdleFrame = [];
		/** @type {number[]} */
		const frames = [];
		const runs = N(4, 2);
		for (let i = -1; i < runs; i++) {
			const r = /** @type {any} */ (await page.evaluate(clickRunAndWaitForTrace, TRACE_EVENTS));
			await enabled();
			const scroll = await page.evaluate(scrollTrace, N(150, 60));
			if (scroll.scrolled < scroll.end - 2)
				throw new Error('the trace list did not scroll to the end');
			if (i < 0) continue;
			clickToShown.push(r.frameAt - r.clickAt);
			if (r.endT !== null) {
				callMs.push(r.endT);
				shownAfterEnd.push(r.frameAt - (r.clickAt + r.endT));
			}
			worstFrame.push(Math.max(...scroll.deltas));
			worstIdleFrame.push(Math.max(...scroll.idle));
			frames.push(...scroll.deltas);
		}
		return {
			events: TRACE_EVENTS,
			shownAfterEnd: stats(shownAfterEnd),
			clickToShown: stats(clickToShown),
			callMs: stats(callMs),
			worstFrame: stats(worstFrame),
			worstIdleFrame: stats(worstIdleFrame),
			frame: {
				...stats(frames),
				p95: frames.sort((a, b) => a - b)[Math.floor(frames.length * 0.95)]
			}
		};
	} finally {
		await context.close();
	}
}

/**
 * Installed before the app's scripts: once the page is ready, picks `example` in the Example combobox and
 * records when the Run button is enabled, all in page time (ms since navigation start).
 * @param {string} example
 */
function pageDriver(example) {
	/** @type {Record<string, number | null>} */
	const result = {};
	let phase = 0;
	const check = () => {
		const body = document.body;
		if (!body) return;
		if (phase === 0 && body.dataset.ready === 'true') {
			const select = /** @type {HTMLSelectElement | null} */ (
				document.querySelector('select[aria-label="Example"]')
			);
			if (!select || ![...select.options].some((o) => o.value === example)) return;
			phase = 1;
			result.ready = performance.now();
			result.readyMark = performance.getEntriesByName('playground-ready')[0]?.startTime ?? null;
			select.value = example;
			select.dispatchEvent(new Event('input', { bubbles: true }));
			select.dispatchEvent(new Event('change', { bubbles: true }));
		}
		if (phase === 1) {
			const run = [...document.querySelectorAll('button')].find(
				(b) => b.textContent?.trim() === 'Run'
			);
			if (!run || run.disabled) return;
			phase = 2;
			observer.disconnect();
			result.loaded = performance.now();
			result.fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null;
			/** @type {any} */ (window).__benchPage = result;
		}
	};
	const observer = new MutationObserver(check);
	observer.observe(document, { subtree: true, childList: true, attributes: true });
}

/**
 * 5b. Navigation to a ready page, and to a page with an example loaded, in fresh browser contexts.
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 */
async function pageLoad(browser, url) {
	const ready = [];
	const readyMark = [];
	const loaded = [];
	const fcp = [];
	const runs = N(8, 2);
	for (let i = -1; i < runs; i++) {
		const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
		const page = await context.newPage();
		try {
			await page.addInitScript(pageDriver, 'echo');
			await page.goto(url);
			const handle = await page.waitForFunction(
				() => /** @type {any} */ (window).__benchPage,
				null,
				{
					timeout: 60_000
				}
			);
			const r = /** @type {Record<string, number | null>} */ (await handle.jsonValue());
			if (i < 0) continue;
			ready.push(/** @type {number} */ (r.ready));
			if (r.readyMark !== null) readyMark.push(r.readyMark);
			loaded.push(/** @type {number} */ (r.loaded));
			if (r.fcp !== null) fcp.push(r.fcp);
		} finally {
			await context.close();
		}
	}
	return {
		example: 'echo',
		ready: stats(ready),
		readyMark: stats(readyMark),
		readyWithExample: stats(loaded),
		fcp: stats(fcp)
	};
}

/** 6. Share links, summarised. @param {any} r */
function summariseShare(r) {
	if (!r) return null;
	const encode = stats(r.samples.encode);
	const decode = stats(r.samples.decode);
	const floorEncode = stats(r.floor.encode);
	const floorDecode = stats(r.floor.decode);
	return {
		stateBytes: r.stateBytes,
		fragmentChars: r.fragmentChars,
		compression: r.stateBytes / r.fragmentChars,
		encode,
		decode,
		floor: {
			fragmentChars: r.floorFragmentChars,
			compression: r.stateBytes / r.floorFragmentChars,
			encode: floorEncode,
			decode: floorDecode
		},
		ratios: {
			'encode/floor': ratio(encode, floorEncode),
			'decode/floor': ratio(decode, floorDecode),
			'size/floor': r.fragmentChars / r.floorFragmentChars
		}
	};
}

/** @param {number | undefined} n */
function fmtMs(n) {
	if (n === undefined || !Number.isFinite(n)) return 'n/a';
	if (n < 1) return `${n.toFixed(3)} ms`;
	if (n < 10) return `${n.toFixed(2)} ms`;
	return `${n.toFixed(1)} ms`;
}
/** @param {number | undefined} n */
const fmtX = (n) => (n === undefined || !Number.isFinite(n) ? 'n/a' : `${n.toFixed(2)}×`);
/** @param {number} n */
const fmtKB = (n) => `${(n / 1000).toFixed(1)} KB`;
/** @param {number} n */
const fmtOps = (n) => (Number.isFinite(n) ? `${Math.round(n).toLocaleString('en-US')}/s` : 'n/a');

/**
 * The table: one row per figure, with the baseline beside it and the ratio.
 * @param {any} f figures
 * @param {string[]} errors
 */
function table(f, errors) {
	/** @type {((string | null)[] | null)[]} */
	const rows = [['figure', 'playground', 'baseline', 'ratio'], null];
	const add = (/** @type {string[]} */ ...cells) => rows.push(cells);
	const section = (/** @type {string} */ title) => rows.push([title]);
	if (f.roundTrip) {
		section('1. Round trip, echo (median per call)');
		for (const [label, s] of Object.entries(f.roundTrip)) {
			add(`  ${label}: (a) playground run()`, fmtMs(s.a.median), '', '');
			add(`  ${label}:     until the outcome is set`, fmtMs(s.aShown.median), '', '');
			add(`  ${label}:     inside the worker (end event)`, fmtMs(s.aWorker.median), '', '');
			add(`  ${label}: vs (b) Extism, main thread`, '', fmtMs(s.b.median), fmtX(s.ratios['a/b']));
			add(`  ${label}: vs (c) Extism, runInWorker`, '', fmtMs(s.c.median), fmtX(s.ratios['a/c']));
			add(`  ${label}: vs (d) minimal worker`, '', fmtMs(s.d.median), fmtX(s.ratios['a/d']));
			add(`  ${label}:     (d) inside its worker`, '', fmtMs(s.dWorker.median), '');
			add(
				`  ${label}: vs (e) minimal worker via Comlink`,
				'',
				fmtMs(s.e.median),
				fmtX(s.ratios['a/e'])
			);
			add(`  ${label}:     (e)/(d): what Comlink adds`, '', '', fmtX(s.ratios['e/d']));
			add(
				`  ${label}:     (d)/(b), (d)/(c): the floor's own ratios`,
				'',
				'',
				`${fmtX(s.ratios['d/b'])}, ${fmtX(s.ratios['d/c'])}`
			);
		}
	}
	if (f.coldStart) {
		section('2. Cold start, bytes in hand → first result (median)');
		for (const [label, s] of Object.entries(f.coldStart)) {
			const name = `${label} (${s.size.toLocaleString('en-US')} B)`;
			add(`  ${name}: playground`, fmtMs(s.playground.median), '', '');
			add(
				`  ${name}:   load() / first run()`,
				`${fmtMs(s.playgroundLoad.median)} / ${fmtMs(s.playgroundRun.median)}`,
				'',
				''
			);
			add(
				`  ${name}:   compile in load() / instantiate in the first run()`,
				`${fmtMs(s.playgroundCompile.median)} / ${fmtMs(s.playgroundInstantiate.median)}`,
				'',
				''
			);
			add(
				`  ${name}: vs createPlugin, main thread`,
				'',
				fmtMs(s.main.median),
				fmtX(s.ratios['playground/main'])
			);
			add(
				`  ${name}: vs minimal worker`,
				'',
				fmtMs(s.workerFloor.median),
				fmtX(s.ratios['playground/workerFloor'])
			);
			add(
				`  ${name}: vs minimal worker, started before`,
				'',
				fmtMs(s.warmWorkerFloor.median),
				fmtX(s.ratios['playground/warmWorkerFloor'])
			);
			add(
				`  ${name}: vs minimal worker start + WebAssembly.compile`,
				'',
				fmtMs(s.bootCompileFloor.median),
				fmtX(s.ratios['playground/bootCompileFloor'])
			);
			add(
				`  ${name}: vs compile+instantiate+call`,
				'',
				fmtMs(s.compileFloor.median),
				fmtX(s.playground.median / s.compileFloor.median)
			);
		}
	}
	if (f.reinstantiate) {
		section('2b. Re-instantiation from the cached Module (median)');
		const r = f.reinstantiate;
		add('  stop() → ready (the standby worker swapped in)', fmtMs(r.restart.median), '', '');
		add(
			'  vs minimal worker: terminate, new worker, load',
			'',
			fmtMs(r.floorNew.median),
			fmtX(r.restart.median / r.floorNew.median)
		);
		add(
			'  vs minimal worker: terminate, spare worker, load',
			'',
			fmtMs(r.floorSpare.median),
			fmtX(r.restart.median / r.floorSpare.median)
		);
		add('  configure() (same worker)', fmtMs(f.reinstantiate.configure.median), '', '');
	}
	if (f.kv) {
		section(
			`3. KV (${f.kv.writes.toLocaleString('en-US')} writes in one call; kv_read ×${f.kv.reads.toLocaleString('en-US')})`
		);
		add('  call duration (outcome)', fmtMs(f.kv.callMs.median), '', '');
		add(
			'  durable after the call returns (vs 10,000 puts, one transaction)',
			fmtMs(f.kv.durableAfterShown.median),
			fmtMs(f.kv.floorDurable.median),
			fmtX(f.kv.ratios['durable/floor'])
		);
		add(
			'  vs one record holding all 10,000 (one put)',
			'',
			fmtMs(f.kv.floorOneRecord.median),
			fmtX(f.kv.ratios['durable/oneRecord'])
		);
		add('  durable after run() resolves', fmtMs(f.kv.durableAfterRun.median), '', '');
		add(
			'  kv_read ops/s in the plugin (vs bare host)',
			fmtOps(f.kv.readOps.median),
			fmtOps(f.kv.bareOps.median),
			fmtX(f.kv.ratios['readOps/bare'])
		);
	}
	if (f.history) {
		const h = f.history;
		section(
			`3b. History (${h.entries} calls × ${h.events.toLocaleString('en-US')}-event traces, one plugin)`
		);
		add(
			'  list loaded (vs reading every trace)',
			fmtMs(h.list.median),
			fmtMs(h.floorAll.median),
			fmtX(h.list.median / h.floorAll.median)
		);
		add('  list loaded, database opened first', fmtMs(h.listOpen.median), '', '');
		add('  one trace loaded when opened', fmtMs(h.traceOpen.median), '', '');
	}
	if (f.trace) {
		section(
			`4. Trace UI, 50,000 host calls and logs (${f.trace.events.toLocaleString('en-US')} streamed), built app (median)`
		);
		add('  call duration in the worker', fmtMs(f.trace.callMs.median), '', '');
		add('  trace shown after the call ends', fmtMs(f.trace.shownAfterEnd.median), '', '');
		add('  click → trace shown', fmtMs(f.trace.clickToShown.median), '', '');
		add(
			'  worst frame scrolling (vs not scrolling), median of runs',
			fmtMs(f.trace.worstFrame.median),
			fmtMs(f.trace.worstIdleFrame.median),
			fmtX(f.trace.worstFrame.median / f.trace.worstIdleFrame.median)
		);
		add(
			'  scroll frame p95 / median',
			`${fmtMs(f.trace.frame.p95)} / ${fmtMs(f.trace.frame.median)}`,
			'',
			''
		);
	}
	if (f.page) {
		section('5. Page');
		add('  initial JS + CSS, gzip -9', fmtKB(f.page.initialGzip), '', '');
		add('    JS / CSS', `${fmtKB(f.page.initialJsGzip)} / ${fmtKB(f.page.initialCssGzip)}`, '', '');
		add(
			'  plugin worker chunk, gzip (raw)',
			`${fmtKB(f.page.workerGzip)} (${fmtKB(f.page.workerRaw)})`,
			'',
			''
		);
		add('  lazy chunks, gzip', fmtKB(f.page.lazyGzip), '', '');
		if (f.page.ready) {
			add(
				'  navigation → ready (playground-ready mark)',
				fmtMs(f.page.ready.readyMark.median),
				'',
				''
			);
			add(
				`  navigation → "${f.page.ready.example}" loaded, Run enabled`,
				fmtMs(f.page.ready.readyWithExample.median),
				'',
				''
			);
			add('  first contentful paint', fmtMs(f.page.ready.fcp.median), '', '');
		}
	}
	if ('share' in f) section('6. Share links');
	if (f.share) {
		const s = f.share;
		add(
			`  encode ${fmtKB(s.stateBytes)} workspace (vs deflate+base64url)`,
			fmtMs(s.encode.median),
			fmtMs(s.floor.encode.median),
			fmtX(s.ratios['encode/floor'])
		);
		add(
			'  decode',
			fmtMs(s.decode.median),
			fmtMs(s.floor.decode.median),
			fmtX(s.ratios['decode/floor'])
		);
		add(
			'  compression (state bytes ÷ link chars)',
			`${s.compression.toFixed(2)}× (${s.fragmentChars} chars)`,
			`${s.floor.compression.toFixed(2)}×`,
			fmtX(s.ratios['size/floor'])
		);
	} else if (f.share === null) {
		add('  n/a (share links not built yet)', '', '', '');
	}
	if (f.build) {
		const b = f.build;
		section('7. Builds in the page (Source pane)');
		add('  WAT example (wasi-upper), median', fmtMs(b.wat.median), '', '');
		add('  count-vowels, compiler loading first', fmtMs(b.asCold.wall), '', '');
		add('  count-vowels, compiler loaded, median', fmtMs(b.asWarm.median), '', '');
		if (b.asPrepared !== undefined)
			add('  count-vowels, first build once the pane prepared it', fmtMs(b.asPrepared), '', '');
		// The Long Tasks API reports tasks over 50 ms only: 0 means none was that long.
		add(
			'  longest main-thread task meanwhile',
			b.longestTask > 0 ? fmtMs(b.longestTask) : 'none over 50 ms',
			'',
			''
		);
		if (f.page?.compilerGzip)
			add('  compiler download, gzip -9', fmtKB(f.page.compilerGzip), '', '');
	}
	if (f.hostile) {
		section('8. Hostile input, the abuse suite on this build (longest main-thread task)');
		for (const { flow, longest } of f.hostile.flows) {
			add(`  ${flow.length > 70 ? `${flow.slice(0, 69)}…` : flow}`, fmtMs(longest), '', '');
		}
		if (f.hostile.failed)
			add('  (some of these tests failed: see npx playwright test)', '', '', '');
	}
	const widths = [0, 0, 0, 0];
	for (const row of rows) {
		if (row && row.length > 1)
			row.forEach((c, i) => (widths[i] = Math.max(widths[i], (c ?? '').length)));
	}
	const lines = rows.map((row) => {
		if (!row) return widths.map((w) => '-'.repeat(w)).join('-+-');
		if (row.length === 1) return row[0] ?? '';
		return row
			.map((c, i) => (i === 0 ? (c ?? '').padEnd(widths[i]) : (c ?? '').padStart(widths[i])))
			.join(' | ');
	});
	const verdicts = evaluate(f);
	lines.push('', 'Budgets (npm run bench:check):');
	for (const v of verdicts) {
		const status = v.value === null ? 'MISSING' : v.pass ? 'pass' : 'FAIL';
		lines.push(
			`  ${status.padEnd(7)} ${v.label}: ${formatValue(v.value, v.unit)} (≤ ${formatValue(v.limit, v.unit)})`
		);
	}
	for (const e of errors) lines.push(`  error: ${e}`);
	return lines.join('\n');
}

/**
 * Runs `body` with the bench page in a browser of its own with an on-disk profile, as people browse. The
 * default contexts are off the record: there the KV log's every write is an IPC round trip to the browser
 * process (see scripts/opfs-write-cost.mjs), which slows a 10,000-write call twentyfold and lets storage
 * catch up while it runs, so "durable after the call" would measure the wrong browser.
 * @template T
 * @param {string} url where the bench site is served
 * @param {(page: import('playwright-core').Page) => Promise<T>} body
 * @returns {Promise<T>}
 */
async function onDisk(url, body) {
	const dir = await mkdtemp(path.join(tmpdir(), 'bench-disk-'));
	const context = await chromium.launchPersistentContext(dir, {
		executablePath: findChromium(),
		args: [...CHROMIUM_ARGS],
		headless: true
	});
	try {
		const page = context.pages()[0] ?? (await context.newPage());
		await page.goto(`${url}page/index.html`);
		await page.waitForSelector('body[data-ready="true"]');
		return await body(page);
	} finally {
		await context.close();
		await rm(dir, { recursive: true, force: true });
	}
}

async function main() {
	const plugins = await buildAll();
	/** @type {Record<string, any>} */
	const figures = {};
	/** @type {string[]} */
	const errors = [];
	/**
	 * Runs one part; a failure is recorded and the others still run.
	 * @param {string} name
	 * @param {() => Promise<void>} part
	 */
	const attempt = async (name, part) => {
		if (!only.has(name)) return;
		progress(name);
		try {
			await part();
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			errors.push(`${name}: ${message.split('\n')[0]}`);
			progress(`${name} FAILED: ${message}`);
		}
	};

	await attempt('page', async () => {
		figures.page = await pageWeight();
	});

	const site = await serveStatic({ root: SITE, headers: { ...CACHING, ...ISOLATION } });
	const app = await serveStatic({ root: APP, base: APP_BASE, headers: CACHING });
	const browser = await chromium.launch({
		executablePath: findChromium(),
		args: [...CHROMIUM_ARGS]
	});
	/** @type {Record<string, unknown> | undefined} */
	let environment;
	try {
		const context = await browser.newContext();
		const page = await context.newPage();
		/** @type {string[]} */
		const pageErrors = [];
		page.on('pageerror', (e) => pageErrors.push(e.message));
		page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
		await page.goto(`${site.url}page/index.html`);
		await page.waitForSelector('body[data-ready="true"]');
		environment = await inPage(page, 'environment', null, 10);

		await attempt('roundtrip', async () => {
			const sizes = [
				{ label: '16 B', bytes: 16, iterations: N(400, 30), warmup: N(40, 5) },
				{ label: '64 KiB', bytes: 64 * 1024, iterations: N(150, 15), warmup: N(15, 3) },
				{ label: '16 MiB', bytes: 16 * 1024 * 1024, iterations: N(7, 3), warmup: 1 }
			];
			figures.roundTrip = summariseRoundTrip(await inPage(page, 'roundTrip', sizes, 400));
		});
		await attempt('cold', async () => {
			const specs = [
				{ label: '3 KB', plugin: 'echo-small', iterations: N(25, 4) },
				{ label: '2 MB', plugin: 'echo-2mb', iterations: N(12, 3) }
			];
			figures.coldStart = summariseColdStart(await inPage(page, 'coldStart', specs, 300));
		});
		await attempt('restart', async () => {
			const r = /** @type {any} */ (await inPage(page, 'reinstantiate', N(15, 4), 200));
			figures.reinstantiate = {
				restart: stats(r.restart),
				configure: stats(r.configure),
				floorNew: stats(r.floorNew),
				floorSpare: stats(r.floorSpare)
			};
		});
		await attempt('kv', async () => {
			const r = /** @type {any} */ (
				await onDisk(site.url, (disk) =>
					inPage(disk, 'kv', { writes: 10_000, reads: 20_000, iterations: N(5, 2) }, 400)
				)
			);
			const s = Object.fromEntries(
				Object.entries(r).map(([k, v]) => [k, Array.isArray(v) ? stats(v) : v])
			);
			figures.kv = {
				...s,
				ratios: {
					'durable/floor': s.durableAfterShown.median / s.floorDurable.median,
					'durable/oneRecord': s.durableAfterShown.median / s.floorOneRecord.median,
					'readOps/bare': s.readOps.median / s.bareOps.median
				}
			};
		});
		await attempt('history', async () => {
			const spec = { entries: 100, events: 50_000, iterations: N(15, 3) };
			const r = /** @type {any} */ (
				await onDisk(site.url, (disk) => inPage(disk, 'history', spec, 400))
			);
			figures.history = {
				entries: r.entries,
				events: r.events,
				list: stats(r.list),
				listOpen: stats(r.listOpen),
				traceOpen: stats(r.traceOpen),
				floorAll: stats(r.floorAll)
			};
		});
		await attempt('share', async () => {
			const r = await inPage(page, 'share', { bytes: 64 * 1024, iterations: N(20, 3) }, 120);
			figures.share = summariseShare(r);
		});
		await attempt('build', async () => {
			figures.build = await inPage(page, 'build', { iterations: N(5, 2) }, 300);
		});
		if (pageErrors.length) progress(`bench page errors:\n  ${pageErrors.join('\n  ')}`);
		await context.close();

		await attempt('trace', async () => {
			const plugin = await readFile(path.join(SITE, 'plugins', 'trace.wasm'));
			figures.trace = await traceUi(browser, app.url, plugin);
		});
		await attempt('page', async () => {
			if (figures.page) figures.page.ready = await pageLoad(browser, app.url);
		});
	} finally {
		await browser.close();
		await site.close();
		await app.close();
	}

	await attempt('hostile', async () => {
		figures.hostile = await hostileFlows();
	});

	const results = {
		version: 1,
		date: new Date().toISOString(),
		quick,
		only: flags.only ? [...only] : null,
		seconds: Math.round((performance.now() - started) / 1000),
		machine: {
			cpus: cpus().length,
			cpu: cpus()[0]?.model,
			loadavg: loadavg(),
			node: process.version
		},
		environment,
		plugins,
		figures,
		budgets: evaluate(figures),
		errors
	};
	await writeFile(RESULTS, `${JSON.stringify(results, null, '\t')}\n`);
	console.log(table(figures, errors));
	console.log(
		`\nWrote bench/results.json in ${results.seconds} s${quick ? ' (--quick: rough figures)' : ''}.`
	);
}

main().catch((error) => {
	console.error(error instanceof Error ? (error.stack ?? error.message) : error);
	process.exitCode = 1;
});
