// Builds the benchmark's own plugins (bench/plugins/*) into a folder the bench page serves.
//
// AssemblyScript with @extism/as-pdk, like the examples; `echo-2mb` is `echo` with a 2 MiB passive data
// segment added to its data section. A cache file lets a rebuild skip plugins whose inputs are unchanged.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = path.join(ROOT, 'bench', 'plugins');
const SHARED = path.join(ROOT, 'examples', '_shared');

/** Flags as in scripts/build-examples.mjs: the abort entry stops AssemblyScript importing `env.abort`. */
const ABORT = ['examples/_shared/abort.ts', '--use', 'abort=examples/_shared/abort/pluginAbort'];
const OPTIMISE = ['--optimizeLevel', '3', '--shrinkLevel', '1', '--noColors'];

/** Size `echo-2mb` is padded to, in bytes. */
export const BIG_PLUGIN_BYTES = 2 * 1024 * 1024;

/**
 * @typedef {object} PluginSpec
 * @property {string} name output file is `<name>.wasm`
 * @property {string} source folder under bench/plugins
 * @property {string} runtime AssemblyScript runtime: `incremental` for plugins called many times; `stub`
 *   (never frees) only for the one-call cold-start plugin, where it keeps the module small
 * @property {number} [padTo] total size to pad the module to with a passive data segment
 */

/** @type {PluginSpec[]} */
export const PLUGINS = [
	{ name: 'echo', source: 'echo', runtime: 'incremental' },
	{ name: 'echo-small', source: 'echo', runtime: 'stub' },
	{ name: 'echo-2mb', source: 'echo', runtime: 'incremental', padTo: BIG_PLUGIN_BYTES },
	{ name: 'kv', source: 'kv', runtime: 'incremental' },
	{ name: 'trace', source: 'trace', runtime: 'incremental' }
];

/** @param {Uint8Array | string} data */
function sha256(data) {
	return createHash('sha256').update(data).digest('hex');
}

/** @param {string} dir */
async function fingerprint(dir) {
	const names = (await readdir(dir, { withFileTypes: true }))
		.filter((e) => e.isFile())
		.map((e) => e.name)
		.sort();
	return Promise.all(names.map(async (n) => [n, sha256(await readFile(path.join(dir, n)))]));
}

/** @param {string} name */
function packageVersion(name) {
	const require = createRequire(import.meta.url);
	return JSON.parse(
		require('node:fs').readFileSync(require.resolve(`${name}/package.json`), 'utf8')
	).version;
}

/**
 * Compiles one AssemblyScript entry file to a module.
 * @param {string} entry path relative to the repository
 * @param {string} runtime
 * @returns {Promise<Uint8Array>}
 */
async function compile(entry, runtime) {
	const asc = await import('assemblyscript/asc');
	const stderr = asc.createMemoryStream();
	/** @type {Uint8Array | undefined} */
	let binary;
	const { error } = await asc.main(
		[
			entry,
			...ABORT,
			'--outFile',
			'plugin.wasm',
			'--runtime',
			runtime,
			...OPTIMISE,
			'--baseDir',
			ROOT
		],
		{
			stdout: asc.createMemoryStream(),
			stderr,
			writeFile(filename, contents) {
				if (filename.endsWith('.wasm') && typeof contents !== 'string') binary = contents;
			}
		}
	);
	if (error || !binary) {
		throw new Error(`${entry}: ${error?.message ?? 'no output'}\n${stderr.toString().trim()}`);
	}
	return binary;
}

/** @param {number} value */
function leb128(value) {
	const out = [];
	do {
		let byte = value & 0x7f;
		value >>>= 7;
		if (value !== 0) byte |= 0x80;
		out.push(byte);
	} while (value !== 0);
	return out;
}

/**
 * @param {Uint8Array} bytes
 * @param {number} at
 * @returns {[number, number]} value and the offset after it
 */
function readLeb(bytes, at) {
	let value = 0;
	let shift = 0;
	for (;;) {
		const byte = bytes[at++];
		value += (byte & 0x7f) * 2 ** shift;
		shift += 7;
		if ((byte & 0x80) === 0) return [value, at];
	}
}

/** @param {number} id @param {Uint8Array | number[]} content */
function section(id, content) {
	return Uint8Array.from([id, ...leb128(content.length), ...content]);
}

/**
 * Adds a passive data segment holding `pad` to the module's data section (creating the section after the
 * code section if there is none) and keeps the data count section, if any, in step.
 * @param {Uint8Array} module
 * @param {Uint8Array} pad
 * @returns {Uint8Array}
 */
function withPassiveSegment(module, pad) {
	/** @type {{ id: number, start: number, end: number, body: number }[]} */
	const sections = [];
	for (let at = 8; at < module.length;) {
		const [size, body] = readLeb(module, at + 1);
		sections.push({ id: module[at], start: at, end: body + size, body });
		at = body + size;
	}
	const data = sections.find((s) => s.id === 11);
	let segments = 0;
	/** @type {Uint8Array} */
	let existing = new Uint8Array(0);
	if (data) {
		const [count, after] = readLeb(module, data.body);
		segments = count;
		existing = module.subarray(after, data.end);
	}
	const header = [...leb128(segments + 1), ...existing, 0x01, ...leb128(pad.length)];
	const bodyLength = header.length + pad.length;
	const newData = new Uint8Array(1 + leb128(bodyLength).length + bodyLength);
	newData.set([11, ...leb128(bodyLength), ...header]);
	newData.set(pad, newData.length - pad.length);
	/** @type {Uint8Array[]} */
	const parts = [module.subarray(0, 8)];
	for (const s of sections) {
		if (s.id === 11) parts.push(newData);
		else if (s.id === 12) parts.push(section(12, leb128(segments + 1)));
		else parts.push(module.subarray(s.start, s.end));
		if (s.id === 10 && !data) parts.push(newData);
	}
	if (!sections.some((s) => s.id === 10 || s.id === 11)) throw new Error('the module has no code');
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}

/**
 * Pads a module to `total` bytes with a passive data segment: data the engine must decode and keep, that
 * no instruction reads. Pseudo-random, so it does not compress away.
 * @param {Uint8Array} module
 * @param {number} total
 * @returns {Uint8Array}
 */
export function padModule(module, total) {
	let size = total - module.length;
	let out = module;
	// Section and segment lengths are LEB128, so the overhead settles after a step or two.
	for (let step = 0; step < 4 && out.length !== total; step++) {
		const pad = new Uint8Array(size);
		let x = 0x9e3779b9;
		for (let i = 0; i < pad.length; i++) {
			x ^= x << 13;
			x ^= x >>> 17;
			x ^= x << 5;
			pad[i] = x & 0xff;
		}
		out = withPassiveSegment(module, pad);
		size += total - out.length;
	}
	return out;
}

/**
 * Builds every bench plugin into `outDir` (skipping unchanged ones) and returns their sizes by name.
 * @param {string} outDir
 * @returns {Promise<Record<string, number>>}
 */
export async function buildPlugins(outDir) {
	await mkdir(outDir, { recursive: true });
	const cacheFile = path.join(outDir, 'cache.json');
	/** @type {Record<string, string>} */
	const previous = existsSync(cacheFile) ? JSON.parse(await readFile(cacheFile, 'utf8')) : {};
	const toolchain = {
		asc: packageVersion('assemblyscript'),
		pdk: packageVersion('@extism/as-pdk'),
		script: sha256(await readFile(fileURLToPath(import.meta.url))),
		shared: await fingerprint(SHARED)
	};
	/** @type {Record<string, string>} */
	const cache = {};
	/** @type {Record<string, number>} */
	const sizes = {};
	for (const spec of PLUGINS) {
		const dir = path.join(SOURCES, spec.source);
		const hash = sha256(JSON.stringify({ toolchain, spec, files: await fingerprint(dir) }));
		const file = path.join(outDir, `${spec.name}.wasm`);
		if (previous[spec.name] !== hash || !existsSync(file)) {
			let binary = await compile(
				path.relative(ROOT, path.join(dir, 'index.ts')).split(path.sep).join('/'),
				spec.runtime
			);
			if (spec.padTo) binary = padModule(binary, spec.padTo);
			await WebAssembly.compile(new Uint8Array(binary));
			await writeFile(file, binary);
		}
		cache[spec.name] = hash;
		sizes[spec.name] = (await readFile(file)).length;
	}
	await writeFile(cacheFile, `${JSON.stringify(cache, null, '\t')}\n`);
	return sizes;
}
