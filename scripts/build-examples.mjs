// Builds every example plugin in examples/ into public/examples/<name>.wasm and writes index.json.
//
// AssemblyScript examples (examples/<name>/index.ts) compile in-process with the asc API, WAT
// examples (examples/<name>/<name>.wat) with wabt, C examples (examples/<name>/<name>.c, raw-ABI
// plugins without libc) with clang for wasm32. node_modules/.cache/examples-build.json lets a rebuild
// skip examples whose sources, meta.json, shared helpers, compilers and this script are unchanged.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ascOptions from '../src/lib/source/asc-options.json' with { type: 'json' };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const examplesDir = path.join(root, 'examples');
const sharedDir = path.join(examplesDir, '_shared');
const sharedCDir = path.join(sharedDir, 'c');
const outDir = path.join(root, 'public', 'examples');
const cachePath = path.join(root, 'node_modules', '.cache', 'examples-build.json');
const indexPath = path.join(outDir, 'index.json');

// The abort entry and `--use abort=` stop AssemblyScript importing `env.abort`: Extism hosts do not
// provide it, so the module would fail to link. The browser's compiler worker reads the same file, so a
// plugin built in the page gets the same bytes as this build.
const { abortEntry: ABORT_ENTRY, flags: ASC_FLAGS } = ascOptions;

/**
 * @typedef {{
 * 	title: string;
 * 	description: string;
 * 	export: string;
 * 	input: string;
 * 	tags: string[];
 * 	order: number;
 * 	config?: Record<string, string>;
 * 	allowedHosts?: string[];
 * 	abi?: string;
 * 	linked?: { name: string; source: string }[];
 * 	legacyPdk?: boolean;
 * }} Meta
 * @typedef {{ name: string; dir: string; kind: 'as' | 'wat' | 'c'; source: string; meta: Meta }} Example
 * @typedef {{ hash: string; sha256: string; size: number }} CacheEntry
 */

class BuildError extends Error {}

/** @param {Uint8Array | string} data */
function sha256(data) {
	return createHash('sha256').update(data).digest('hex');
}

/** @param {string} file */
function relative(file) {
	return path.relative(root, file).split(path.sep).join('/');
}

/** @param {number} bytes */
function formatSize(bytes) {
	return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/**
 * @param {string} name
 * @returns {Promise<string>}
 */
async function packageVersion(name) {
	const require = createRequire(import.meta.url);
	for (const dir of require.resolve.paths(name) ?? []) {
		const file = path.join(dir, name, 'package.json');
		if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')).version;
	}
	throw new BuildError(`cannot find the ${name} package; run npm install`);
}

/**
 * Files directly inside `dir`, sorted, as [path relative to the repository, sha256] pairs.
 * @param {string} dir
 */
async function fingerprintDir(dir) {
	const names = (await readdir(dir, { withFileTypes: true }))
		.filter((entry) => entry.isFile())
		.map((entry) => entry.name)
		.sort();
	return Promise.all(
		names.map(async (name) => {
			const file = path.join(dir, name);
			return [relative(file), sha256(await readFile(file))];
		})
	);
}

/**
 * @param {string} name
 * @param {unknown} value
 * @returns {Meta}
 */
function validateMeta(name, value) {
	const fail = (/** @type {string} */ problem) => {
		throw new BuildError(`examples/${name}/meta.json: ${problem}`);
	};
	if (typeof value !== 'object' || value === null || Array.isArray(value))
		fail('must be an object');
	const meta = /** @type {Record<string, unknown>} */ (value);
	for (const key of ['title', 'description', 'export', 'input']) {
		if (typeof meta[key] !== 'string') fail(`"${key}" must be a string`);
	}
	if (/[\r\n]/.test(/** @type {string} */ (meta.description)))
		fail('"description" must be one line');
	if (!Array.isArray(meta.tags) || !meta.tags.every((tag) => typeof tag === 'string')) {
		fail('"tags" must be an array of strings');
	}
	if (typeof meta.order !== 'number' || !Number.isFinite(meta.order))
		fail('"order" must be a number');
	if (meta.config !== undefined) {
		const config = meta.config;
		if (
			typeof config !== 'object' ||
			config === null ||
			Array.isArray(config) ||
			!Object.values(config).every((v) => typeof v === 'string')
		) {
			fail('"config" must map strings to strings');
		}
	}
	if (
		meta.allowedHosts !== undefined &&
		(!Array.isArray(meta.allowedHosts) || !meta.allowedHosts.every((h) => typeof h === 'string'))
	) {
		fail('"allowedHosts" must be an array of strings');
	}
	// Other modules of a manifest, linked into this one by name (WAT files in the folder).
	if (meta.linked !== undefined) {
		const ok =
			Array.isArray(meta.linked) &&
			meta.linked.length > 0 &&
			meta.linked.every(
				(l) =>
					typeof l?.name === 'string' &&
					l.name !== 'main' &&
					typeof l?.source === 'string' &&
					/^[a-z0-9-]+\.wat$/.test(l.source)
			) &&
			new Set(meta.linked.map((l) => l.name)).size === meta.linked.length;
		if (!ok) {
			fail(
				'"linked" must list modules as { "name": "...", "source": "<file>.wat" } with distinct names other than "main"'
			);
		}
	}
	// A regression example of a plugin built with a pre-1.0 PDK may import `env` `extism_*`.
	if (meta.legacyPdk !== undefined && typeof meta.legacyPdk !== 'boolean') {
		fail('"legacyPdk" must be true or false');
	}
	// The ABI profile the app opens the example with (e.g. "bifrost"); plain Extism examples have none.
	if (meta.abi !== undefined && (typeof meta.abi !== 'string' || !/^[a-z0-9-]+$/.test(meta.abi))) {
		fail('"abi" must be a lowercase profile id such as "bifrost"');
	}
	return /** @type {Meta} */ (value);
}

/**
 * @param {string} name
 * @returns {Promise<Example>}
 */
async function loadExample(name) {
	const dir = path.join(examplesDir, name);
	if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
		throw new BuildError(`examples/${name}: folder names must be lowercase kebab-case`);
	}
	const metaFile = path.join(dir, 'meta.json');
	if (!existsSync(metaFile)) throw new BuildError(`examples/${name}: missing meta.json`);
	let parsed;
	try {
		parsed = JSON.parse(await readFile(metaFile, 'utf8'));
	} catch (err) {
		throw new BuildError(`examples/${name}/meta.json: ${/** @type {Error} */ (err).message}`);
	}
	const meta = validateMeta(name, parsed);
	const asSource = path.join(dir, 'index.ts');
	const watSource = path.join(dir, `${name}.wat`);
	const cSource = path.join(dir, `${name}.c`);
	if (existsSync(asSource)) return { name, dir, kind: 'as', source: asSource, meta };
	if (existsSync(watSource)) return { name, dir, kind: 'wat', source: watSource, meta };
	if (existsSync(cSource)) return { name, dir, kind: 'c', source: cSource, meta };
	throw new BuildError(
		`examples/${name}: expected index.ts (AssemblyScript), ${name}.wat or ${name}.c`
	);
}

/** Example folders (those not starting with `_` or `.`), in display order. */
async function listExamples() {
	const names = (await readdir(examplesDir, { withFileTypes: true }))
		.filter((entry) => entry.isDirectory() && !/^[._]/.test(entry.name))
		.map((entry) => entry.name);
	const examples = await Promise.all(names.map(loadExample));
	return examples.sort((a, b) => a.meta.order - b.meta.order || a.name.localeCompare(b.name));
}

/** @type {Promise<typeof import('assemblyscript/asc')> | undefined} */
let ascLoading;

/**
 * @param {Example} example
 * @returns {Promise<Uint8Array>}
 */
async function compileAssemblyScript(example) {
	// Loaded on first use: importing the compiler takes about a second, too long for a no-op build.
	ascLoading ??= import('assemblyscript/asc');
	const asc = await ascLoading;
	const stderr = asc.createMemoryStream();
	const stdout = asc.createMemoryStream();
	/** @type {Uint8Array | undefined} */
	let binary;
	const { error } = await asc.main(
		[
			relative(example.source),
			ABORT_ENTRY,
			'--outFile',
			'plugin.wasm',
			...ASC_FLAGS,
			'--baseDir',
			root
		],
		{
			stdout,
			stderr,
			writeFile(filename, contents) {
				if (filename.endsWith('.wasm') && typeof contents !== 'string') binary = contents;
			}
		}
	);
	if (error || !binary) {
		const log = stderr.toString().trim();
		throw new BuildError(
			`examples/${example.name}: AssemblyScript compilation failed: ${error?.message ?? 'no output'}` +
				(log ? `\n${log}` : '')
		);
	}
	return binary;
}

/** @type {ReturnType<typeof import('wabt')> | undefined} */
let wabtLoading;

/**
 * @param {Example} example
 * @param {string} [source] The WAT file: the example's own, or one of its linked modules.
 * @returns {Promise<Uint8Array>}
 */
async function compileWat(example, source = example.source) {
	wabtLoading ??= import('wabt').then((wabt) => wabt.default());
	const wabt = await wabtLoading;
	const text = await readFile(source, 'utf8');
	/** @type {ReturnType<typeof wabt.parseWat> | undefined} */
	let module;
	try {
		module = wabt.parseWat(relative(source), text, {});
		module.validate();
		return module.toBinary({}).buffer;
	} catch (err) {
		throw new BuildError(
			`examples/${example.name}: WAT compilation failed: ${/** @type {Error} */ (err).message}`
		);
	} finally {
		module?.destroy();
	}
}

// Freestanding wasm32 without libc: the C examples bring their own allocator and helpers
// (examples/_shared/c), export what they mark with export_name, and import nothing.
const C_FLAGS = [
	'--target=wasm32',
	'-Os',
	'-ffreestanding',
	'-nostdlib',
	'-Wall',
	'-Wextra',
	'-Werror',
	'-Wl,--no-entry',
	'-Iexamples/_shared/c'
];
const INSTALL_CLANG =
	'install clang and lld: apt-get install -y clang lld (or set CLANG to a clang binary)';

const run = promisify(execFile);

/** @type {Promise<{ clang: string; version: string } | { error: string }> | undefined} */
let clangLooking;

/**
 * The clang to build C examples with: $CLANG, else `clang` on PATH, else a versioned clang-NN.
 * @returns {Promise<{ clang: string; version: string } | { error: string }>}
 */
function findClang() {
	clangLooking ??= (async () => {
		const names = process.env.CLANG
			? [process.env.CLANG]
			: ['clang', ...Array.from({ length: 8 }, (_, i) => `clang-${21 - i}`)];
		for (const clang of names) {
			try {
				const { stdout } = await run(clang, ['--version']);
				return { clang, version: stdout.split('\n')[0]?.trim() ?? clang };
			} catch {
				// Not installed under this name; try the next.
			}
		}
		return { error: `no clang found (${names.join(', ')}): ${INSTALL_CLANG}` };
	})();
	return clangLooking;
}

/**
 * @param {Example} example
 * @returns {Promise<Uint8Array>}
 */
async function compileC(example) {
	const found = await findClang();
	if ('error' in found) throw new BuildError(`examples/${example.name}: ${found.error}`);
	const dir = await mkdtemp(path.join(tmpdir(), 'examples-c-'));
	const out = path.join(dir, `${example.name}.wasm`);
	try {
		await run(found.clang, [...C_FLAGS, '-o', out, relative(example.source)], { cwd: root });
		return new Uint8Array(await readFile(out));
	} catch (err) {
		const { stderr = '', message } = /** @type {{ stderr?: string; message: string }} */ (err);
		const missingLinker =
			/wasm-ld/.test(stderr) && /(not found|doesn't exist|No such file)/i.test(stderr);
		throw new BuildError(
			`examples/${example.name}: C compilation failed` +
				(missingLinker ? ` (wasm-ld is missing: ${INSTALL_CLANG})` : '') +
				`\n${stderr.trim() || message}`
		);
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}

/**
 * The checks every example must pass, whatever built it. A linked module (`linkedName`) need not export
 * the example's function.
 * @param {Example} example
 * @param {Uint8Array} binary
 * @param {string | null} [linkedName]
 */
async function checkModule(example, binary, linkedName = null) {
	let module;
	try {
		module = await WebAssembly.compile(new Uint8Array(binary));
	} catch (err) {
		throw new BuildError(
			`examples/${example.name}: invalid WebAssembly: ${/** @type {Error} */ (err).message}`
		);
	}
	const envImports = WebAssembly.Module.imports(module).filter(
		(imp) => imp.module === 'env' && !(example.meta.legacyPdk && imp.name.startsWith('extism_'))
	);
	if (envImports.length > 0) {
		const names = envImports.map((imp) => `env.${imp.name}`).join(', ');
		throw new BuildError(
			`examples/${example.name}: imports ${names}, which Extism hosts do not provide`
		);
	}
	if (linkedName !== null) return;
	const exported = WebAssembly.Module.exports(module).some(
		(exp) => exp.kind === 'function' && exp.name === example.meta.export
	);
	if (!exported) {
		throw new BuildError(
			`examples/${example.name}: meta.json's export "${example.meta.export}" is not a function export`
		);
	}
}

/**
 * Writes `data` unless the file already holds exactly that, so file watchers see no idle changes.
 * @param {string} file
 * @param {string | Uint8Array} data
 */
async function writeIfChanged(file, data) {
	const bytes = typeof data === 'string' ? Buffer.from(data) : data;
	if (existsSync(file) && Buffer.compare(await readFile(file), bytes) === 0) return;
	const temp = `${file}.${process.pid}.tmp`;
	await writeFile(temp, bytes);
	await rename(temp, file);
}

/** The language each kind of example is written in, as the page's Source pane names it. */
const LANGUAGES = { as: 'assemblyscript', wat: 'wat', c: 'c' };

/**
 * Copies an example's source files (all but meta.json) to public/examples/<name>/src/, where the page's
 * Source pane reads them; returns their names, the entry file first.
 * @param {Example} example
 * @returns {Promise<string[]>}
 */
async function copySources(example) {
	const entry = path.basename(example.source);
	const names = (await readdir(example.dir, { withFileTypes: true }))
		.filter((e) => e.isFile() && e.name !== 'meta.json')
		.map((e) => e.name)
		.sort((a, b) => Number(b === entry) - Number(a === entry) || a.localeCompare(b));
	const dir = path.join(outDir, example.name, 'src');
	await mkdir(dir, { recursive: true });
	for (const name of names) {
		await writeIfChanged(path.join(dir, name), await readFile(path.join(example.dir, name)));
	}
	return names;
}

/** @returns {Promise<Record<string, CacheEntry>>} */
async function readCache() {
	try {
		const cache = JSON.parse(await readFile(cachePath, 'utf8'));
		return cache && typeof cache.examples === 'object' ? cache.examples : {};
	} catch {
		return {};
	}
}

async function main() {
	const started = performance.now();
	await mkdir(outDir, { recursive: true });
	await mkdir(path.dirname(cachePath), { recursive: true });
	const [examples, previous, shared, script, ascVersion, pdkVersion, wabtVersion] =
		await Promise.all([
			listExamples(),
			readCache(),
			fingerprintDir(sharedDir),
			readFile(fileURLToPath(import.meta.url)),
			packageVersion('assemblyscript'),
			packageVersion('@extism/as-pdk'),
			packageVersion('wabt')
		]);
	const toolchain = {
		assemblyscript: ascVersion,
		'@extism/as-pdk': pdkVersion,
		wabt: wabtVersion,
		script: sha256(script),
		flags: ASC_FLAGS
	};
	// Only C examples depend on clang and the C helpers; looking clang up costs one process spawn.
	const clang = examples.some((example) => example.kind === 'c') ? await findClang() : null;
	const cToolchain =
		clang && 'version' in clang
			? { clang: clang.version, flags: C_FLAGS, headers: await fingerprintDir(sharedCDir) }
			: null;

	/** @type {Record<string, CacheEntry>} */
	const cache = {};
	/** @type {string[]} */
	const failures = [];
	/** @type {Array<{ order: number; entry: Record<string, unknown> }>} */
	const index = [];
	let built = 0;
	const width = Math.max(...examples.map((example) => example.name.length));

	for (const example of examples) {
		const t0 = performance.now();
		const wasmFile = path.join(outDir, `${example.name}.wasm`);
		const hash = sha256(
			JSON.stringify({
				toolchain,
				shared,
				files: await fingerprintDir(example.dir),
				...(example.kind === 'c' ? { c: cToolchain } : {})
			})
		);
		const cached = previous[example.name];
		/** @type {Uint8Array | undefined} */
		let binary;
		/** @type {{ name: string; file: string; size: number; sha256: string }[]} */
		const linked = [];
		let action = 'cached';
		try {
			if (cached?.hash === hash && existsSync(wasmFile)) {
				binary = new Uint8Array(await readFile(wasmFile));
				// Rebuild a .wasm that was changed or damaged after it was built.
				if (sha256(binary) !== cached.sha256) binary = undefined;
			}
			if (!binary) {
				binary =
					example.kind === 'as'
						? await compileAssemblyScript(example)
						: example.kind === 'wat'
							? await compileWat(example)
							: await compileC(example);
				await checkModule(example, binary);
				await writeIfChanged(wasmFile, binary);
				action = 'built';
				built++;
			}
			// Linked modules are a few bytes of WAT: built every time, written only when changed.
			for (const [i, l] of (example.meta.linked ?? []).entries()) {
				const linkedBinary = await compileWat(example, path.join(example.dir, l.source));
				await checkModule(example, linkedBinary, l.name);
				const file = `${example.name}.linked-${i}.wasm`;
				await writeIfChanged(path.join(outDir, file), linkedBinary);
				linked.push({
					name: l.name,
					file,
					size: linkedBinary.byteLength,
					sha256: sha256(linkedBinary)
				});
			}
		} catch (err) {
			if (!(err instanceof BuildError)) throw err;
			console.error(`  FAILED ${example.name}\n${err.message}`);
			failures.push(example.name);
			continue;
		}
		const digest = sha256(binary);
		cache[example.name] = { hash, sha256: digest, size: binary.byteLength };
		const {
			title,
			description,
			export: exportName,
			input,
			tags,
			config,
			allowedHosts,
			abi
		} = example.meta;
		const sources = await copySources(example);
		const entry = {
			name: example.name,
			title,
			description,
			export: exportName,
			input,
			tags,
			...(config ? { config } : {}),
			...(allowedHosts ? { allowedHosts } : {}),
			...(abi ? { abi } : {}),
			...(linked.length ? { linked } : {}),
			language: LANGUAGES[example.kind],
			sources,
			file: `${example.name}.wasm`,
			size: binary.byteLength,
			sha256: digest
		};
		index.push({ order: example.meta.order, entry });
		const ms = Math.round(performance.now() - t0);
		const size = formatSize(binary.byteLength).padStart(9);
		console.log(`  ${action.padEnd(6)} ${example.name.padEnd(width)}  ${size}  ${ms} ms`);
	}

	// Remove outputs of examples that no longer exist.
	const names = new Set(examples.map((example) => example.name));
	for (const name of Object.keys(previous)) {
		if (names.has(name)) continue;
		await rm(path.join(outDir, `${name}.wasm`), { force: true });
		await rm(path.join(outDir, name), { recursive: true, force: true });
	}

	await writeIfChanged(cachePath, `${JSON.stringify({ examples: cache }, null, '\t')}\n`);
	const elapsed = Math.round(performance.now() - started);
	if (failures.length > 0) {
		console.error(
			`examples: ${failures.length} failed (${failures.join(', ')}); index.json not written`
		);
		process.exitCode = 1;
		return;
	}

	index.sort((a, b) => a.order - b.order);
	const entries = index.map(({ entry }) => entry);
	await writeIfChanged(indexPath, `${JSON.stringify(entries, null, '\t')}\n`);
	const counts = `${built} built, ${examples.length - built} cached`;
	console.log(`examples: ${examples.length} (${counts}) in ${elapsed} ms -> ${relative(outDir)}`);
}

main().catch((err) => {
	console.error(err instanceof BuildError ? `build-examples: ${err.message}` : err);
	process.exitCode = 1;
});
