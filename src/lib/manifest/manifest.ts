import { fromBase64, toBase64 } from '../bytes/encoding';
import { sha256Hex } from '../bytes/hash';
import { fail, type PlaygroundError, type Result } from '../errors';
import { MAX_TIMEOUT_MS } from '../host/settings';

/** Fields every manifest module may carry: a name other modules link against, and its SHA-256. */
interface WasmItemCommon {
	name?: string;
	/** 64 lowercase hex digits. */
	hash?: string;
}

/** One module of a manifest: inline bytes, or a URL to fetch them from. */
export type ManifestWasmItem =
	| ({ kind: 'data'; data: Uint8Array } & WasmItemCommon)
	| ({
			kind: 'url';
			url: string;
			headers?: Record<string, string>;
			method?: string;
	  } & WasmItemCommon);

/** Memory limits from a manifest; null where the manifest sets none. */
export interface ManifestMemory {
	maxPages: number | null;
	maxHttpResponseBytes: number | null;
	maxVarBytes: number | null;
}

/** An Extism manifest after validation, in the playground's camelCase. */
export interface ParsedManifest {
	wasm: ManifestWasmItem[];
	config: Record<string, string>;
	allowedHosts: string[];
	memory: ManifestMemory;
	timeoutMs: number | null;
}

/** One module in Extism's native JSON manifest form. */
export interface ManifestJsonWasm {
	data?: string;
	url?: string;
	headers?: Record<string, string>;
	method?: string;
	name?: string;
	hash?: string;
}

/** A manifest in Extism's native snake_case JSON form, as `toManifestJson` writes it. */
export interface ManifestJson {
	wasm: ManifestJsonWasm[];
	config?: Record<string, string>;
	allowed_hosts?: string[];
	memory?: {
		max_pages?: number | null;
		max_http_response_bytes?: number | null;
		max_var_bytes?: number | null;
	};
	timeout_ms?: number | null;
}

/** Options for `toManifestJson`. */
export interface ManifestJsonOptions {
	/** Write empty and null fields too (`config: {}`, `max_pages: null`...), e.g. for a template. */
	includeEmpty?: boolean;
}

/** The most pages a 32-bit memory can have. */
const MAX_PAGES = 65536;
const HINT_FIELD =
	'Fix that field in the manifest (the format is described at https://extism.org/docs/concepts/manifest).';

/** Carries a manifest error out of nested validation; it never leaves this module. */
class ManifestError extends Error {
	constructor(readonly detail: PlaygroundError) {
		super(detail.message);
	}
}

function invalid(message: string, hint = HINT_FIELD): ManifestError {
	return new ManifestError({ kind: 'load', message: `The manifest is invalid: ${message}`, hint });
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
	return (
		typeof value === 'object' &&
		value !== null &&
		!Array.isArray(value) &&
		!ArrayBuffer.isView(value) &&
		!(value instanceof ArrayBuffer)
	);
}

/** What a wrong value is, for messages: `a number (3)`, `an array`, `null`. */
function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return 'binary data';
	switch (typeof value) {
		case 'string':
			return value.length > 40 ? 'a string' : `the string ${JSON.stringify(value)}`;
		case 'number':
		case 'boolean':
		case 'bigint':
			return `a ${typeof value} (${String(value)})`;
		case 'object':
			return 'an object';
		default:
			return typeof value;
	}
}

/** `parent.key`, or `parent["odd key"]` when the key is not a plain identifier. */
function child(parent: string, key: string): string {
	const plain = /^[A-Za-z_$][\w$-]*$/.test(key);
	const name = plain ? key : `[${JSON.stringify(key)}]`;
	if (parent === '') return name;
	return plain ? `${parent}.${name}` : `${parent}${name}`;
}

/** The value under the snake_case key, else under the camelCase one, with the key that was used. */
function pick(obj: JsonObject, snake: string, camel: string): { key: string; value: unknown } {
	if (obj[snake] !== undefined) return { key: snake, value: obj[snake] };
	return { key: camel, value: obj[camel] };
}

function stringRecord(value: unknown, path: string, hint?: string): Record<string, string> {
	if (!isObject(value)) {
		throw invalid(`${path} must be an object of strings; it is ${describe(value)}.`);
	}
	const entries = Object.entries(value).map(([key, v]) => {
		if (typeof v !== 'string') {
			throw invalid(`${child(path, key)} must be a string; it is ${describe(v)}.`, hint);
		}
		return [key, v] as const;
	});
	// fromEntries defines keys such as `__proto__` as plain properties instead of setting the prototype.
	return Object.fromEntries(entries);
}

function optionalString(obj: JsonObject, key: string, path: string): string | undefined {
	const value = obj[key];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string') {
		throw invalid(`${child(path, key)} must be a string; it is ${describe(value)}.`);
	}
	return value;
}

function readHash(obj: JsonObject, path: string): string | undefined {
	const hash = optionalString(obj, 'hash', path);
	if (hash === undefined) return undefined;
	if (!/^[0-9a-f]{64}$/i.test(hash)) {
		const what = /^[0-9a-f]*$/i.test(hash)
			? `${hash.length} hex digits`
			: 'characters that are not hex digits';
		throw invalid(
			`${path}.hash must be a SHA-256: 64 hex digits; it has ${what}.`,
			'Put the SHA-256 of the .wasm file in "hash" (sha256sum prints it), or remove the field.'
		);
	}
	return hash.toLowerCase();
}

function readData(value: unknown, path: string): Uint8Array {
	if (typeof value === 'string') {
		const decoded = fromBase64(value);
		if (!decoded.ok) throw invalid(`${path} is not valid base64. ${decoded.error.message}`);
		return decoded.bytes;
	}
	if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
	if (ArrayBuffer.isView(value)) {
		return new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice();
	}
	if (Array.isArray(value)) {
		const bytes = new Uint8Array(value.length);
		value.forEach((b: unknown, i) => {
			if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) {
				throw invalid(
					`${path}[${i}] must be a byte (a whole number from 0 to 255); it is ${describe(b)}.`
				);
			}
			bytes[i] = b;
		});
		return bytes;
	}
	throw invalid(`${path} must be base64 text or an array of bytes; it is ${describe(value)}.`);
}

function readWasmItem(item: unknown, path: string): ManifestWasmItem {
	if (!isObject(item)) {
		throw invalid(
			`${path} must be an object with "data", "url" or "path"; it is ${describe(item)}.`
		);
	}
	const sources = ['data', 'url', 'path'].filter((k) => item[k] !== undefined);
	if (sources.length > 1) {
		throw invalid(
			`${path} has both "${sources[0]}" and "${sources[1]}"; a module comes from exactly one of data, url or path.`
		);
	}
	const common: WasmItemCommon = {};
	const name = optionalString(item, 'name', path);
	const hash = readHash(item, path);
	if (name !== undefined) common.name = name;
	if (hash !== undefined) common.hash = hash;

	switch (sources[0]) {
		case 'path':
			throw new ManifestError({
				kind: 'load',
				message: `${path} points at the local path ${JSON.stringify(String(item.path))}, which a browser cannot read.`,
				hint: 'Load that file with the file picker instead, or give the module as a "url" or as base64 "data".'
			});
		case 'data':
			return { kind: 'data', data: readData(item.data, `${path}.data`), ...common };
		case 'url': {
			const raw = item.url instanceof URL ? item.url.href : item.url;
			if (typeof raw !== 'string') {
				throw invalid(`${path}.url must be a string; it is ${describe(raw)}.`);
			}
			if (raw.trim() === '') throw invalid(`${path}.url is empty.`);
			const out: ManifestWasmItem = { kind: 'url', url: raw };
			if (item.headers !== undefined && item.headers !== null) {
				out.headers = stringRecord(item.headers, `${path}.headers`);
			}
			const method = optionalString(item, 'method', path);
			if (method !== undefined) out.method = method;
			return { ...out, ...common };
		}
		default:
			throw invalid(
				`${path} has none of "data", "url" or "path"; each module needs one of them.`,
				'Give the module as { "url": "https://…/plugin.wasm" } or { "data": "<base64>" }.'
			);
	}
}

function readCount(
	obj: JsonObject,
	path: string,
	snake: string,
	camel: string,
	opts: { min: number; max?: number; unit: string; why?: string }
): number | null {
	const { key, value } = pick(obj, snake, camel);
	if (value === undefined || value === null) return null;
	const field = child(path, key);
	if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < opts.min) {
		throw invalid(
			`${field} must be a whole number of ${opts.unit}${opts.min > 0 ? `, at least ${opts.min}` : ''}; it is ${describe(value)}.`
		);
	}
	if (opts.max !== undefined && value > opts.max) {
		throw invalid(
			`${field} must be at most ${opts.max} ${opts.unit}${opts.why ? ` (${opts.why})` : ''}; it is ${value}.`
		);
	}
	return value;
}

function readManifest(root: unknown): ParsedManifest {
	if (!isObject(root)) {
		throw invalid(`it must be a JSON object with a "wasm" field; it is ${describe(root)}.`);
	}
	const rawWasm = root.wasm;
	if (rawWasm === undefined || rawWasm === null) {
		throw invalid(
			'it has no "wasm" field, so it names no module.',
			'Add "wasm": [{ "url": "https://…/plugin.wasm" }], or load the .wasm file itself.'
		);
	}
	let wasm: ManifestWasmItem[];
	if (Array.isArray(rawWasm)) {
		if (rawWasm.length === 0) {
			throw invalid(
				'the "wasm" list is empty; it needs at least one module.',
				'Add a module, e.g. "wasm": [{ "url": "https://…/plugin.wasm" }].'
			);
		}
		wasm = rawWasm.map((item: unknown, i) => readWasmItem(item, `wasm[${i}]`));
	} else if (isObject(rawWasm)) {
		wasm = [readWasmItem(rawWasm, 'wasm')];
	} else {
		throw invalid(`wasm must be a list of modules; it is ${describe(rawWasm)}.`);
	}

	const config =
		root.config === undefined || root.config === null
			? {}
			: stringRecord(
					root.config,
					'config',
					'Extism config values are strings: put quotes around it.'
				);

	const hosts = pick(root, 'allowed_hosts', 'allowedHosts');
	let allowedHosts: string[] = [];
	if (hosts.value !== undefined && hosts.value !== null) {
		if (!Array.isArray(hosts.value)) {
			throw invalid(`${hosts.key} must be a list of host names; it is ${describe(hosts.value)}.`);
		}
		allowedHosts = hosts.value.map((h: unknown, i) => {
			if (typeof h !== 'string') {
				throw invalid(`${hosts.key}[${i}] must be a string; it is ${describe(h)}.`);
			}
			return h;
		});
	}

	const memory: ManifestMemory = { maxPages: null, maxHttpResponseBytes: null, maxVarBytes: null };
	if (root.memory !== undefined && root.memory !== null) {
		if (!isObject(root.memory)) {
			throw invalid(`memory must be an object; it is ${describe(root.memory)}.`);
		}
		const m = root.memory;
		memory.maxPages = readCount(m, 'memory', 'max_pages', 'maxPages', {
			min: 0,
			max: MAX_PAGES,
			unit: 'pages'
		});
		memory.maxHttpResponseBytes = readCount(
			m,
			'memory',
			'max_http_response_bytes',
			'maxHttpResponseBytes',
			{ min: 0, unit: 'bytes' }
		);
		memory.maxVarBytes = readCount(m, 'memory', 'max_var_bytes', 'maxVarBytes', {
			min: 0,
			unit: 'bytes'
		});
	}
	const timeoutMs = readCount(root, '', 'timeout_ms', 'timeoutMs', {
		min: 1,
		max: MAX_TIMEOUT_MS,
		unit: 'milliseconds',
		why: '24 days: a browser fires a longer timer at once'
	});
	return { wasm, config, allowedHosts, memory, timeoutMs };
}

/**
 * Validates an Extism manifest given as JSON text or as an object, in the native snake_case or the
 * JS SDK's camelCase. Unknown top-level keys are ignored; the first wrong field is named exactly.
 */
export function parseManifest(input: unknown): Result<{ manifest: ParsedManifest }> {
	let root = input;
	if (typeof input === 'string') {
		try {
			root = JSON.parse(input);
		} catch (e) {
			return fail(
				'load',
				`The manifest is not valid JSON: ${e instanceof Error ? e.message : String(e)}.`,
				'Check the JSON syntax (quotes around keys, no trailing commas), or load the .wasm file itself.'
			);
		}
	}
	try {
		return { ok: true, manifest: readManifest(root) };
	} catch (e) {
		if (e instanceof ManifestError) return { ok: false, error: e.detail };
		return fail(
			'load',
			`The manifest could not be read: ${e instanceof Error ? e.message : String(e)}.`,
			HINT_FIELD
		);
	}
}

function itemLabel(item: { name?: string; url?: string }, index: number): string {
	const details = [item.name === undefined ? '' : JSON.stringify(item.name), item.url ?? ''].filter(
		(d) => d !== ''
	);
	return `wasm[${index}]${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

/**
 * Computes the SHA-256 of a manifest module's bytes and checks it against the manifest's `hash`,
 * when it has one. Never rejects.
 */
export async function verifyHash(
	item: { name?: string; hash?: string; url?: string },
	index: number,
	bytes: Uint8Array
): Promise<Result<{ sha256: string }>> {
	let sha256: string;
	try {
		sha256 = await sha256Hex(bytes);
	} catch (e) {
		return fail(
			'load',
			`Could not compute the SHA-256 of ${itemLabel(item, index)}: ${e instanceof Error ? e.message : String(e)}.`,
			'Browsers hash only on secure pages: open the playground over https or on localhost.'
		);
	}
	if (item.hash !== undefined && item.hash.toLowerCase() !== sha256) {
		return fail(
			'load',
			`${itemLabel(item, index)} does not match the manifest's hash: expected ${item.hash.toLowerCase()}, got ${sha256}.`,
			'The file changed since the manifest was written, or the hash is wrong: download the file again, or update "hash" if you trust the new file.'
		);
	}
	return { ok: true, sha256 };
}

function wasmItemJson(item: ManifestWasmItem): ManifestJsonWasm {
	const out: ManifestJsonWasm =
		item.kind === 'data' ? { data: toBase64(item.data) } : { url: item.url };
	if (item.kind === 'url' && item.headers !== undefined) out.headers = { ...item.headers };
	if (item.kind === 'url' && item.method !== undefined) out.method = item.method;
	if (item.name !== undefined) out.name = item.name;
	if (item.hash !== undefined) out.hash = item.hash;
	return out;
}

/**
 * The manifest in Extism's native JSON form (snake_case, data as base64): what `parseManifest`
 * reads back to an equal manifest. Empty and null fields are left out unless `includeEmpty`.
 */
export function toManifestJson(m: ParsedManifest, options: ManifestJsonOptions = {}): ManifestJson {
	const all = options.includeEmpty === true;
	const json: ManifestJson = { wasm: m.wasm.map(wasmItemJson) };
	if (all || Object.keys(m.config).length > 0) json.config = { ...m.config };
	if (all || m.allowedHosts.length > 0) json.allowed_hosts = [...m.allowedHosts];
	const memory: NonNullable<ManifestJson['memory']> = {};
	if (all || m.memory.maxPages !== null) memory.max_pages = m.memory.maxPages;
	if (all || m.memory.maxHttpResponseBytes !== null) {
		memory.max_http_response_bytes = m.memory.maxHttpResponseBytes;
	}
	if (all || m.memory.maxVarBytes !== null) memory.max_var_bytes = m.memory.maxVarBytes;
	if (Object.keys(memory).length > 0) json.memory = memory;
	if (all || m.timeoutMs !== null) json.timeout_ms = m.timeoutMs;
	return json;
}
