/**
 * The KV export file: one namespace's entries as versioned JSON. Values that read as text stay text, so the
 * file can be read and edited by hand; anything else is base64. The file comes from the user's disk, so the
 * decoder checks every field and returns a typed error instead of throwing.
 */
import { fromBase64, isProbablyText, toBase64, utf8Decode, utf8Encode } from '../bytes/encoding';
import { safeFileName } from '../output/present';

/** The `format` field of every KV export. */
export const KV_FORMAT = 'plugin-playground.kv';
/** The version this build writes and the newest it reads. */
export const KV_VERSION = 1;

/** One stored value: UTF-8 text, or base64 for bytes that are not text. */
export type KvFileValue = { text: string } | { base64: string };

/** A KV export as written to disk. */
export interface KvFile {
	format: typeof KV_FORMAT;
	version: typeof KV_VERSION;
	/** The namespace the entries were exported from; an import may put them in another one. */
	namespace: string;
	entries: Record<string, KvFileValue>;
}

/** What is wrong with a file that is not a KV export this build can read. */
export type KvDecodeErrorCode = 'json' | 'format' | 'version' | 'namespace' | 'entries' | 'value';

/** A decoding failure: which check failed, what was found, and what to do. */
export interface KvDecodeError {
	code: KvDecodeErrorCode;
	message: string;
	hint: string;
}

/** A decoded export, or why it could not be read. */
export type KvDecoded =
	| { ok: true; namespace: string; entries: Map<string, Uint8Array> }
	| { ok: false; error: KvDecodeError };

/** The export file for a namespace's entries, keys in sorted order so exports diff well. */
export function encodeKvFile(namespace: string, entries: ReadonlyMap<string, Uint8Array>): KvFile {
	const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	return {
		format: KV_FORMAT,
		version: KV_VERSION,
		namespace,
		// fromEntries defines a key such as `__proto__` as a plain property instead of setting the prototype.
		entries: Object.fromEntries(sorted.map(([key, value]) => [key, encodeValue(value)]))
	};
}

/** The export file as the JSON text that is downloaded. */
export function stringifyKvFile(file: KvFile): string {
	return `${JSON.stringify(file, null, '\t')}\n`;
}

/** A download name for a namespace's export: `kv-example-kv-counter.json`. */
export function kvFileName(namespace: string): string {
	return `kv-${safeFileName(namespace) || 'namespace'}.json`;
}

function encodeValue(value: Uint8Array): KvFileValue {
	// isProbablyText decodes strictly, so the text encodes back to exactly these bytes.
	return isProbablyText(value) ? { text: utf8Decode(value) } : { base64: toBase64(value) };
}

const HINT_EXPORT = 'Pick a file made with Export KV, or fix the field named above.';

function reject(code: KvDecodeErrorCode, message: string, hint = HINT_EXPORT): KvDecoded {
	return { ok: false, error: { code, message, hint } };
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a wrong value is, for messages. */
function what(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'string') {
		return value.length > 40 ? 'a long string' : `the string ${JSON.stringify(value)}`;
	}
	if (typeof value === 'object') return 'an object';
	return `a ${typeof value} (${String(value)})`;
}

/** Reads a KV export from the text of a file; never throws. */
export function decodeKvFile(text: string): KvDecoded {
	let root: unknown;
	try {
		root = JSON.parse(text);
	} catch (e) {
		return reject(
			'json',
			`The file is not JSON: ${e instanceof Error ? e.message : String(e)}.`,
			'Pick a file made with Export KV.'
		);
	}
	if (!isObject(root)) return reject('format', `The file is not a KV export: it is ${what(root)}.`);
	if (root.format !== KV_FORMAT) {
		return reject(
			'format',
			`The file is not a KV export: "format" must be "${KV_FORMAT}"; it is ${root.format === undefined ? 'missing' : what(root.format)}.`
		);
	}
	const version = root.version;
	if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
		return reject(
			'version',
			`"version" must be a whole number from 1; it is ${version === undefined ? 'missing' : what(version)}.`
		);
	}
	if (version > KV_VERSION) {
		return reject(
			'version',
			`The file is KV export version ${version}, made by a newer playground; this one reads version ${KV_VERSION}.`,
			'Open it in an up-to-date playground, or export it again from there in an older format.'
		);
	}
	if (typeof root.namespace !== 'string') {
		return reject(
			'namespace',
			`"namespace" must be a string; it is ${root.namespace === undefined ? 'missing' : what(root.namespace)}.`
		);
	}
	if (!isObject(root.entries)) {
		return reject(
			'entries',
			`"entries" must be an object of key → value; it is ${root.entries === undefined ? 'missing' : what(root.entries)}.`
		);
	}
	const entries = new Map<string, Uint8Array>();
	for (const [key, raw] of Object.entries(root.entries)) {
		const field = `entries[${JSON.stringify(key)}]`;
		const fields = isObject(raw)
			? Object.keys(raw).filter((k) => k === 'text' || k === 'base64')
			: [];
		if (!isObject(raw) || fields.length !== 1) {
			return reject(
				'value',
				`${field} must be {"text": "…"} or {"base64": "…"}; it is ${isObject(raw) && fields.length === 2 ? 'an object with both' : what(raw)}.`
			);
		}
		const value = fields[0] === 'text' ? raw.text : raw.base64;
		if (typeof value !== 'string') {
			return reject('value', `${field}.${fields[0]} must be a string; it is ${what(value)}.`);
		}
		if (fields[0] === 'text') {
			entries.set(key, utf8Encode(value));
			continue;
		}
		const bytes = fromBase64(value);
		if (!bytes.ok) return reject('value', `${field}.base64: ${bytes.error.message}`);
		entries.set(key, bytes.bytes);
	}
	return { ok: true, namespace: root.namespace, entries };
}

/** A KV write as the session applies it. */
export interface KvPut {
	key: string;
	value: Uint8Array;
}

/** What importing entries into a namespace would do. */
export interface KvImportPlan {
	/** Writes for the keys that are new or hold different bytes. */
	changes: KvPut[];
	/** Keys that are not in the namespace yet. */
	added: string[];
	/** Keys whose current value the import replaces; the user confirms these first. */
	overwritten: string[];
	/** Keys that already hold the same bytes. */
	unchanged: string[];
}

/** Plans merging imported entries into the current ones: entries not in the file are kept. */
export function planKvImport(
	current: ReadonlyMap<string, Uint8Array>,
	incoming: ReadonlyMap<string, Uint8Array>
): KvImportPlan {
	const plan: KvImportPlan = { changes: [], added: [], overwritten: [], unchanged: [] };
	for (const [key, value] of incoming) {
		const old = current.get(key);
		if (old !== undefined && sameBytes(old, value)) {
			plan.unchanged.push(key);
			continue;
		}
		(old === undefined ? plan.added : plan.overwritten).push(key);
		plan.changes.push({ key, value });
	}
	return plan;
}

/** True when both arrays hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
	if (a.byteLength !== b.byteLength) return false;
	for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
	return true;
}
