/// <reference types="node" />
// Checks what scripts/build-examples.mjs produced (run `npm run examples` first):
// public/examples/index.json and every .wasm file it lists.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface ExampleEntry {
	name: string;
	title: string;
	description: string;
	export: string;
	input: string;
	tags: string[];
	config?: Record<string, string>;
	allowedHosts?: string[];
	linked?: { name: string; file: string; size: number; sha256: string }[];
	file: string;
	size: number;
	sha256: string;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = join(root, 'public', 'examples');
const indexPath = join(outDir, 'index.json');

const index: ExampleEntry[] = existsSync(indexPath)
	? JSON.parse(readFileSync(indexPath, 'utf8'))
	: [];
const sourceNames = readdirSync(join(root, 'examples'), { withFileTypes: true })
	.filter((entry) => entry.isDirectory() && !/^[._]/.test(entry.name))
	.map((entry) => entry.name)
	.sort();

function readWasm(entry: ExampleEntry): Uint8Array<ArrayBuffer> {
	return new Uint8Array(readFileSync(join(outDir, entry.file)));
}

async function compileExample(name: string): Promise<WebAssembly.Module> {
	const entry = index.find((candidate) => candidate.name === name);
	if (!entry) throw new Error(`${name} is not listed in index.json`);
	return WebAssembly.compile(readWasm(entry));
}

async function imports(name: string): Promise<WebAssembly.ModuleImportDescriptor[]> {
	return WebAssembly.Module.imports(await compileExample(name));
}

describe('examples index', () => {
	it('exists (run `npm run examples` first)', () => {
		expect(existsSync(indexPath), `${indexPath} is missing`).toBe(true);
		expect(Array.isArray(index)).toBe(true);
	});

	it('lists every example folder exactly once', () => {
		const listed = index.map((entry) => entry.name);
		expect(new Set(listed).size).toBe(listed.length);
		expect([...listed].sort()).toEqual(sourceNames);
	});
});

describe.each(index.map((entry) => [entry.name, entry] as const))('example %s', (name, entry) => {
	it('has complete metadata', () => {
		for (const key of ['title', 'description', 'export', 'input'] as const) {
			expect(typeof entry[key], key).toBe('string');
		}
		expect(entry.title.length).toBeGreaterThan(0);
		expect(entry.description).not.toMatch(/[\r\n]/);
		expect(Array.isArray(entry.tags) && entry.tags.length > 0).toBe(true);
		if (entry.config !== undefined) {
			expect(Object.values(entry.config).every((value) => typeof value === 'string')).toBe(true);
		}
		if (entry.allowedHosts !== undefined) expect(Array.isArray(entry.allowedHosts)).toBe(true);
	});

	it('points to a relative file that exists with the listed size and sha256', () => {
		// The app is served from arbitrary sub-paths, so the file must be relative to index.json.
		expect(entry.file).toBe(`${name}.wasm`);
		expect(existsSync(join(outDir, entry.file)), `${entry.file} exists`).toBe(true);
		const bytes = readWasm(entry);
		expect(bytes.byteLength).toBe(entry.size);
		expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/);
		expect(createHash('sha256').update(bytes).digest('hex')).toBe(entry.sha256);
	});

	it('compiles, exports its function and imports nothing from `env`', async () => {
		const module = await WebAssembly.compile(readWasm(entry));
		const exported = WebAssembly.Module.exports(module);
		expect(exported).toContainEqual({ name: entry.export, kind: 'function' });
		expect(exported).toContainEqual({ name: 'memory', kind: 'memory' });
		// AssemblyScript's default `abort` is an `env.abort` import, which no Extism host provides.
		// The pre-1.0 PDK example imports the old kernel, `env` `extism_*`, on purpose (meta `legacyPdk`).
		const fromEnv = WebAssembly.Module.imports(module).filter(
			(imp) => imp.module === 'env' && !(name === 'legacy-pdk' && imp.name.startsWith('extism_'))
		);
		expect(fromEnv).toEqual([]);
	});

	it('lists its linked modules, each built next to it with the listed size and sha256', () => {
		const linked = entry.linked;
		for (const [i, l] of (linked ?? []).entries()) {
			expect(l.file).toBe(`${name}.linked-${i}.wasm`);
			const bytes = readFileSync(join(outDir, l.file));
			expect(bytes.byteLength).toBe(l.size);
			expect(createHash('sha256').update(bytes).digest('hex')).toBe(l.sha256);
		}
		expect(name !== 'linked-shout' || linked?.[0]?.name === 'shouter').toBe(true);
	});
});

describe('example imports', () => {
	it('needs-host-fn imports the unprovided extism:host/user hello_world', async () => {
		expect(await imports('needs-host-fn')).toContainEqual({
			module: 'extism:host/user',
			name: 'hello_world',
			kind: 'function'
		});
	});

	it('wasi-hello imports wasi_snapshot_preview1 and exports _initialize', async () => {
		const module = await compileExample('wasi-hello');
		const wasi = WebAssembly.Module.imports(module).filter(
			(imp) => imp.module === 'wasi_snapshot_preview1'
		);
		expect(wasi.map((imp) => imp.name)).toContain('fd_write');
		expect(WebAssembly.Module.exports(module)).toContainEqual({
			name: '_initialize',
			kind: 'function'
		});
	});

	it('kv-counter imports kv_read and kv_write from extism:host/user', async () => {
		const user = (await imports('kv-counter'))
			.filter((imp) => imp.module === 'extism:host/user')
			.map((imp) => imp.name)
			.sort();
		expect(user).toEqual(['kv_read', 'kv_write']);
	});
});
