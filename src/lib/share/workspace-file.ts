/**
 * Workspace files: the whole shareable state in one `.json` file, with plugin bytes of any size, for what a
 * link cannot carry. Shape:
 *
 *     { "format": "plugin-playground.workspace", "version": 1,
 *       "state": <ShareState v1; module bytes as their sha256, other bytes as base64>,
 *       "blobs": { "<sha256>": "<base64 of the module>" } }
 *
 * Modules (a plugin's main module and the modules linked into it) are kept by hash, so two plugins with the
 * same module store it once and the reader checks every module against its hash. Make the state with `fromWorkspace(input, Infinity)` so every plugin travels.
 *
 * Not zipped. Measured with a real 565 KB module (Playwright's webp_codec.wasm): the file is 755 KB, and
 * gzip would make it 252 KB. A file saved to disk or attached to an issue does not need the difference,
 * while plain JSON can be opened, diffed and checked with any tool, and opening it needs no unzip step.
 */
import { fromBase64, toBase64 } from '../bytes/encoding';
import { sha256Hex } from '../bytes/hash';
import { shareFail, type ShareResult } from './errors';
import { cleanShareState, Invalid, OverCap, readShareState, type BytesReader } from './schema';
import type { ShareState } from './state';

/** The `format` of every workspace file. */
export const WORKSPACE_FILE_FORMAT = 'plugin-playground.workspace';
/** The version this build writes and the newest it reads. */
export const WORKSPACE_FILE_VERSION = 1;

/** The file's text for a state: tab-indented JSON, newline-terminated. */
export async function encodeWorkspaceFile(state: ShareState): Promise<string> {
	const clean = cleanShareState(state);
	const modules = new Map<Uint8Array, string>();
	const blobs: Record<string, string> = {};
	const sources = clean.plugins.flatMap((p) => [
		p.source,
		...(p.linked ?? []).map((l) => l.source)
	]);
	for (const source of sources) {
		if (source.kind !== 'inline') continue;
		const sha256 = await sha256Hex(source.bytes);
		modules.set(source.bytes, sha256);
		blobs[sha256] = toBase64(source.bytes);
	}
	const file = {
		format: WORKSPACE_FILE_FORMAT,
		version: WORKSPACE_FILE_VERSION,
		state: clean,
		blobs
	};
	const text = JSON.stringify(
		file,
		function (this: unknown, key: string, value: unknown) {
			if (!(value instanceof Uint8Array)) return value;
			const inModule = key === 'bytes' && (this as { kind?: unknown }).kind === 'inline';
			return (inModule && modules.get(value)) || toBase64(value);
		},
		'\t'
	);
	return `${text}\n`;
}

/** A download name: `workspace-2024-05-01T10-20-30.json`. */
export function workspaceFileName(at = new Date()): string {
	return `workspace-${at.toISOString().slice(0, 19).replace(/:/g, '-')}.json`;
}

const HINT =
	'Choose a file saved with Export workspace. If it was edited by hand, fix the field named above.';

/** Reads a workspace file's text; never throws. Every module is checked against its sha256. */
export async function decodeWorkspaceFile(
	text: string
): Promise<ShareResult<{ state: ShareState }>> {
	try {
		return await decode(text);
	} catch (err) {
		const reason = err instanceof Error ? err.message : String(err);
		return shareFail('corrupted', `The workspace file could not be read: ${reason}.`, HINT);
	}
}

async function decode(text: string): Promise<ShareResult<{ state: ShareState }>> {
	if (text.trim() === '') {
		return shareFail('empty', 'The file is empty.', 'Choose a file saved with Export workspace.');
	}
	let root: unknown;
	try {
		root = JSON.parse(text);
	} catch (err) {
		const reason = err instanceof Error ? err.message : String(err);
		if (!text.trimStart().startsWith('{')) {
			return shareFail(
				'foreign',
				'The file is not a workspace file: it is not JSON.',
				'Choose a .json file saved with Export workspace. A .wasm file is loaded as a plugin instead.'
			);
		}
		return endsEarly(text)
			? shareFail(
					'truncated',
					`The workspace file is cut short: its JSON stops before its end (${reason}).`,
					'Download or copy the file again; it was not saved or sent whole.'
				)
			: shareFail(
					'corrupted',
					`The workspace file is damaged: its JSON does not parse (${reason}).`,
					HINT
				);
	}
	if (!isObject(root) || root.format !== WORKSPACE_FILE_FORMAT) {
		const found = isObject(root)
			? `its "format" is ${root.format === undefined ? 'missing' : JSON.stringify(root.format)}`
			: 'it is not a JSON object';
		return shareFail(
			'foreign',
			`The file is JSON but not a Plugin Playground workspace file: ${found}, where "${WORKSPACE_FILE_FORMAT}" was expected.`,
			'Choose a file saved with Export workspace.'
		);
	}
	const version = root.version;
	if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
		return shareFail(
			'corrupted',
			`The workspace file's "version" should be a whole number from 1, but it is ${JSON.stringify(version) ?? 'missing'}.`,
			HINT
		);
	}
	if (version > WORKSPACE_FILE_VERSION) {
		return shareFail(
			'future-version',
			`This workspace file was made by a newer version of the playground (file version ${version}); this one reads up to version ${WORKSPACE_FILE_VERSION}.`,
			'Update the page (reload it, bypassing the cache) to get the newest playground.'
		);
	}
	const blobs = await readBlobs(root.blobs);
	if (!blobs.ok) return blobs;
	try {
		return {
			ok: true,
			state: readShareState(root.state, {
				bytes: fileBytes(blobs.modules),
				unknownFields: 'reject'
			})
		};
	} catch (err) {
		if (err instanceof OverCap) {
			return shareFail(
				'too-large',
				`The workspace file asks for more than the playground opens, so it was not opened: ${err.explain('state')}.`,
				'Ask the sender for a smaller workspace: fewer KV entries, shorter names and texts.'
			);
		}
		if (!(err instanceof Invalid)) throw err;
		return shareFail('corrupted', `The workspace file is damaged: ${err.explain('state')}.`, HINT);
	}
}

async function readBlobs(
	value: unknown
): Promise<ShareResult<{ modules: Map<string, Uint8Array> }>> {
	if (!isObject(value)) {
		return shareFail(
			'corrupted',
			`The workspace file's "blobs" should be an object of sha256 → base64, but it is ${value === undefined ? 'missing' : 'not an object'}.`,
			HINT
		);
	}
	const modules = new Map<string, Uint8Array>();
	for (const [sha256, base64] of Object.entries(value)) {
		const decoded = typeof base64 === 'string' ? fromBase64(base64) : null;
		if (!decoded?.ok) {
			return shareFail(
				'corrupted',
				`The workspace file is damaged: blobs["${sha256}"] should be base64${decoded ? ` (${decoded.error.message})` : ''}.`,
				HINT
			);
		}
		const actual = await sha256Hex(decoded.bytes);
		if (actual !== sha256) {
			return shareFail(
				'corrupted',
				`The workspace file is damaged: the module stored as sha256 ${sha256} has sha256 ${actual}, so its bytes were changed.`,
				'Export the workspace again from the playground that made it, or load that plugin yourself.'
			);
		}
		modules.set(sha256, decoded.bytes);
	}
	return { ok: true, modules };
}

/** In a file, module bytes are a sha256 key into `blobs`; other bytes are base64 in place. */
function fileBytes(modules: ReadonlyMap<string, Uint8Array>): BytesReader {
	return (value, path, role) => {
		if (typeof value !== 'string')
			throw new Invalid(path, role === 'module' ? 'a sha256 from "blobs"' : 'base64', value);
		if (role === 'module') {
			const bytes = modules.get(value);
			if (!bytes) throw new Invalid(path, 'the sha256 of a module in "blobs"', value);
			return bytes;
		}
		const decoded = fromBase64(value);
		if (!decoded.ok) throw new Invalid(path, 'base64', value);
		return decoded.bytes;
	};
}

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when JSON text stops inside a string or with brackets still open: it was cut, not mistyped. */
function endsEarly(text: string): boolean {
	let depth = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (inString) {
			if (c === 0x5c /* \ */) i++;
			else if (c === 0x22 /* " */) inString = false;
		} else if (c === 0x22) inString = true;
		else if (c === 0x7b /* { */ || c === 0x5b /* [ */) depth++;
		else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
	}
	return inString || depth > 0;
}
