/**
 * Share links: the whole shareable state in the URL fragment, so a link opens with no server on any static
 * host, and never in the query string, so it is never sent to one.
 *
 * Fragment grammar (ABNF, RFC 5234; after the `#`):
 *
 *     fragment = "v" version "." payload *( "&" param )
 *     version  = "1" / %x31-39 1*DIGIT      ; decimal, no leading zero; this build reads 1 and 2
 *                                          ; and writes 2 only for a state with plugins' source
 *     payload  = 1*( ALPHA / DIGIT / "-" / "_" )   ; base64url, no padding, of `frame`
 *     param    = name [ "=" value ]          ; "embed=1", "autorun=1"; unknown names are ignored
 *
 * Bytes of formats v1 and v2 (v2's JSON may carry a plugin's source, `SharedPlugin.code`):
 *
 *     frame    = varint(len(deflated)) crc32(body) deflated   ; crc32 big-endian, 4 bytes
 *     deflated = deflate-raw(body)                            ; CompressionStream('deflate-raw')
 *     body     = varint(len(json)) json *( varint(len(blob)) blob )
 *     json     = UTF-8 JSON of the ShareState; every byte field is the index of its blob
 *
 * varint is unsigned LEB128. Bytes travel as blobs after the JSON rather than as base64 inside it: base64
 * text deflates about 30% worse than the bytes themselves (measured on the examples: 5,172 vs 6,702 bytes
 * for count-vowels.wasm), and inline plugins are most of a long link.
 *
 * Integrity: CRC-32 of the inflated body. Raw deflate has no checksum of its own, and a flipped character
 * often still inflates; CRC-32 catches every 1- and 2-bit error and every burst up to 32 bits, and all but
 * 1 in 4 billion others, in 4 bytes (6 characters). A truncated SHA-256 would cost more characters and add
 * nothing: the check is against damage (chat apps, bad copies), and anyone editing a link on purpose can
 * recompute any unkeyed hash. Safety against hostile links comes from elsewhere: every field is validated,
 * URL plugins are checked against their sha256, and nothing runs on open except built-in examples.
 * The frame starts with the deflated length so a cut link is told apart from a changed one, whatever the
 * browser's inflater says.
 */
import { formatBytes, utf8Encode } from '../bytes/encoding';
import {
	base64UrlLength,
	concat,
	crc32,
	deflate,
	fromBase64Url,
	inflate,
	readVarint,
	toBase64Url,
	varint
} from './binary';
import { shareFail, type ShareResult } from './errors';
import { cleanShareState, Invalid, OverCap, readShareState, type BytesReader } from './schema';
import { SHARE_VERSION, type ShareParams, type ShareState, type ShareVersion } from './state';

/**
 * The most a link may inflate to; inflation stops as soon as it passes this, so a zip bomb costs no more.
 * Everything after inflation (checksum, JSON parse, field checks) runs in one main-thread task, and the
 * page's budget for a task is 200 ms: measured in Node 20, parsing 4 MiB of trace-event JSON takes 69 ms
 * and 16 MiB takes 229 ms. Real links are far smaller: inline plugins are at most 32 KiB deflated.
 */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** The fragment (without `#`) for a state: `v1.<payload>`, then `&embed=1` and `&autorun=1` when asked. */
export async function encodeLink(
	state: ShareState,
	params: Partial<ShareParams> = {}
): Promise<string> {
	const blobs: Uint8Array[] = [];
	const json = JSON.stringify(cleanShareState(state), (_key, value: unknown) =>
		value instanceof Uint8Array ? blobs.push(value) - 1 : value
	);
	const jsonBytes = utf8Encode(json);
	const body = concat([
		varint(jsonBytes.byteLength),
		jsonBytes,
		...blobs.flatMap((blob) => [varint(blob.byteLength), blob])
	]);
	if (body.byteLength > MAX_BODY_BYTES) {
		throw new Error(
			`This workspace is too big for a link: it holds ${formatBytes(body.byteLength)}, and a link may hold ${formatBytes(MAX_BODY_BYTES)}. Leave out the recorded result, or export a workspace file.`
		);
	}
	const deflated = await deflate(body);
	const crc = new Uint8Array(4);
	new DataView(crc.buffer).setUint32(0, crc32(body));
	const frame = concat([varint(deflated.byteLength), crc, deflated]);
	return `v${state.v}.${toBase64Url(frame)}${paramsText({ embed: false, autorun: false, ...params })}`;
}

/** A decoded link: the state as of the current format, its switches, and the format it was written in. */
export interface DecodedLink {
	state: ShareState;
	params: ShareParams;
	/** The format version the link was made in; older ones are migrated to the current state. */
	version: number;
}

/**
 * Reads a fragment (with or without `#`, or a whole URL); never throws. Each failure says what happened and
 * what to do: empty, not a playground link, cut short, damaged, or made by a newer playground.
 */
export async function decodeLink(link: string): Promise<ShareResult<DecodedLink>> {
	try {
		return await decode(link);
	} catch (err) {
		// Every known failure is returned above; this only keeps "never throws" true for the unforeseen.
		const reason = err instanceof Error ? err.message : String(err);
		return shareFail('corrupted', `The link could not be read: ${reason}.`, COPY_AGAIN);
	}
}

const COPY_AGAIN =
	'Copy the link again from the original message. If it still fails, ask the sender to share again or to send a workspace file.';

/** Readers by format version. Each returns the current `ShareState`: an old format reads, then migrates. */
const READERS: Record<
	number,
	(payload: string, offset: number) => Promise<ShareResult<{ state: ShareState }>>
> = {
	1: (payload, offset) => decodeFrame(payload, offset, 1),
	2: (payload, offset) => decodeFrame(payload, offset, 2)
};

async function decode(link: string): Promise<ShareResult<DecodedLink>> {
	const fragment = fragmentOf(link);
	if (fragment === '') {
		return shareFail(
			'empty',
			'The link has nothing after its "#", so there is no workspace in it.',
			'Open the link exactly as it was sent; if it ends at the "#", ask the sender to copy it again.'
		);
	}
	const amp = fragment.indexOf('&');
	const head = amp < 0 ? fragment : fragment.slice(0, amp);
	const match = /^v(\d+)(\.|$)/.exec(head);
	if (!match) {
		return shareFail(
			'foreign',
			`"${clip(fragment)}" is not a Plugin Playground share link: the part after "#" of a share link starts with "v1." or "v${SHARE_VERSION}.".`,
			'If someone sent you this link, ask them to use Share again and send what it copies; otherwise, load a plugin to start.'
		);
	}
	const digits = match[1] ?? '';
	const version = Number(digits);
	if (!/^[1-9]\d*$/.test(digits)) {
		return shareFail(
			'corrupted',
			`The link says it is format "v${clip(digits)}", which no playground writes: its start was changed.`,
			COPY_AGAIN
		);
	}
	if (version > SHARE_VERSION) {
		return shareFail(
			'future-version',
			`This link was made by a newer version of the playground (format v${clip(digits)}); this one reads links up to v${SHARE_VERSION}.`,
			'Update the page (reload it, bypassing the cache) to get the newest playground, or ask the sender for a workspace file.'
		);
	}
	const read = READERS[version];
	if (!read || !match[2]) {
		return shareFail(
			'truncated',
			`The link stops right after "v${digits}": the workspace that should follow is missing.`,
			CUT_HINT
		);
	}
	const got = await read(head.slice(match[0].length), match[0].length);
	if (!got.ok) return got;
	return { ok: true, state: got.state, params: readParams(fragment), version };
}

const CUT_HINT =
	'Copy the whole link again. Chat apps and email sometimes cut long links: ask the sender for a shorter one (without recorded results or KV data) or for a workspace file.';

/** Reads the frame of a v1 or v2 link (the same bytes; v2's state may carry plugins' source). */
async function decodeFrame(
	payload: string,
	offset: number,
	version: ShareVersion
): Promise<ShareResult<{ state: ShareState }>> {
	const bad = /[^A-Za-z0-9_-]/.exec(payload);
	if (bad) {
		return shareFail(
			'corrupted',
			`The link has a character that cannot be in it, ${quoteChar(payload, bad.index)}, at position ${offset + bad.index + 1} after the "#": the workspace in it is written only with letters, digits, "-" and "_".`,
			`${COPY_AGAIN} An app that adds or changes characters in links can be avoided by pasting the link in a code block.`
		);
	}
	// A cut can leave a length no bytes encode to; the length check below reports it as a cut.
	const frame =
		fromBase64Url(payload.length % 4 === 1 ? payload.slice(0, -1) : payload) ?? new Uint8Array();
	const length = readVarint(frame, 0);
	if (!length) {
		return frame.byteLength < 5
			? shareFail('truncated', 'The link is cut short right after its start.', CUT_HINT)
			: shareFail(
					'corrupted',
					'The link is damaged: its first characters, which give its length, are wrong.',
					COPY_AGAIN
				);
	}
	const expected = base64UrlLength(length.next + 4 + length.value);
	if (payload.length < expected) {
		return shareFail(
			'truncated',
			`The link is cut short: it has ${count(payload.length)} of the ${count(expected)} characters that should follow "v${version}.", so the workspace in it cannot be read.`,
			CUT_HINT
		);
	}
	if (payload.length > expected) {
		const extra = payload.length - expected;
		return shareFail(
			'corrupted',
			`The link has ${count(extra)} character${extra === 1 ? '' : 's'} more than it should (${count(payload.length)} after "v${version}." where its start says ${count(expected)}): something was added to it or its start was changed.`,
			`Remove anything pasted after the link, then try again. ${COPY_AGAIN}`
		);
	}
	const crc = new DataView(frame.buffer, frame.byteOffset).getUint32(length.next);
	let body: Uint8Array | null;
	try {
		body = await inflate(frame.subarray(length.next + 4), MAX_BODY_BYTES);
	} catch {
		return shareFail(
			'corrupted',
			'The link is damaged: the compressed workspace in it does not decompress, so some of its characters were changed after it was made.',
			COPY_AGAIN
		);
	}
	if (!body) {
		return shareFail(
			'too-large',
			`The link unpacks to more than ${formatBytes(MAX_BODY_BYTES)}, far more than any workspace link holds, so it was not opened.`,
			'Ask the sender for a workspace file instead.'
		);
	}
	// The checksum, the parse and the field checks each run in a task of their own: on a big link each
	// takes tens of milliseconds, and together they would pass the page's 200 ms budget for one task.
	await nextTask();
	if (crc32(body) !== crc) {
		return shareFail(
			'corrupted',
			'The link is damaged: its contents do not match the checksum it carries, so some of its characters were changed after it was made (a bad copy, or an edit).',
			COPY_AGAIN
		);
	}
	await nextTask();
	const unpacked = unpack(body);
	await nextTask();
	try {
		if (typeof unpacked === 'string') throw new Error(unpacked);
		const bytes = blobReader(body, unpacked.blobs);
		const state = readShareState(unpacked.json, { bytes, unknownFields: 'reject' });
		if (state.v !== version) {
			throw new Error(`its state says format v${state.v}, but the link starts with "v${version}."`);
		}
		return { ok: true, state };
	} catch (err) {
		if (err instanceof OverCap) {
			return shareFail(
				'too-large',
				`The link asks for more than the playground opens from a link, so it was not opened: ${err.explain()}.`,
				'Ask the sender to share again without KV data or recorded results, or with shorter names and texts; workspace files have the same caps.'
			);
		}
		const problem = err instanceof Error ? err.message : String(err);
		return shareFail(
			'corrupted',
			`The link passed its checksum, but what it holds breaks the link format: ${problem}. It was made by a tool that does not follow the playground's format, or edited and sealed again.`,
			'Ask the sender to share again from the playground, or to send a workspace file.'
		);
	}
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Lets the event loop run (paint, input) before the next step of a decode. */
function nextTask(): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Splits a body into its JSON and where each blob lies (`[start, end)` pairs, flat), or says what is wrong
 * with it. Blobs are copied out only when a field reads them: a link of 100,000 tiny blobs costs no
 * 100,000 allocations before its fields are checked.
 */
function unpack(body: Uint8Array): { json: unknown; blobs: number[] } | string {
	const length = readVarint(body, 0);
	if (!length || length.next + length.value > body.byteLength) return 'its JSON part is cut short';
	let json: unknown;
	try {
		json = JSON.parse(strictUtf8.decode(body.subarray(length.next, length.next + length.value)));
	} catch (err) {
		return `its JSON part does not parse (${err instanceof Error ? err.message : String(err)})`;
	}
	const blobs: number[] = [];
	for (let at = length.next + length.value; at < body.byteLength;) {
		const size = readVarint(body, at);
		if (!size || size.next + size.value > body.byteLength) {
			return `byte block ${blobs.length / 2} is cut short`;
		}
		blobs.push(size.next, size.next + size.value);
		at = size.next + size.value;
	}
	return { json, blobs };
}

/** Reads a field's blob index; `spans` are the blobs' `[start, end)` pairs in `body`. */
function blobReader(body: Uint8Array, spans: readonly number[]): BytesReader {
	const count = spans.length / 2;
	return (value, path) => {
		if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= count) {
			const expected =
				count === 0
					? 'bytes, but the link holds none'
					: `a byte block number from 0 to ${count - 1}`;
			throw new Invalid(path, expected, value);
		}
		// A copy, so each field owns its bytes: transferring one to a worker must not detach the others.
		return body.slice(spans[2 * value], spans[2 * value + 1]);
	};
}

/** How a share fragment starts; a URL never does. */
const FRAGMENT_START = /^v\d+\./;

/**
 * The fragment of a link: the part after its `#`, or the whole text when it has none or is a fragment
 * already (`v1.…`), up to any further `#` (which a chat app or a reader may append, and which no share
 * fragment contains), without the tabs and line breaks that mail clients insert and that browsers drop from
 * addresses anyway.
 */
export function fragmentOf(link: string): string {
	const text = link.replace(/[\t\n\r]/g, '');
	const hash = text.indexOf('#');
	const fragment = hash < 0 || FRAGMENT_START.test(text) ? text : text.slice(hash + 1);
	const extra = fragment.indexOf('#');
	return extra < 0 ? fragment : fragment.slice(0, extra);
}

/** The switches of a fragment (or a link); unknown names, and values other than `1`, read as off. */
export function readParams(fragment: string): ShareParams {
	const params: ShareParams = { embed: false, autorun: false };
	for (const part of fragmentOf(fragment).split('&').slice(1)) {
		const [name, value] = part.split('=');
		if ((name === 'embed' || name === 'autorun') && value === '1') params[name] = true;
	}
	return params;
}

function paramsText(params: ShareParams): string {
	return `${params.embed ? '&embed=1' : ''}${params.autorun ? '&autorun=1' : ''}`;
}

/** The same link (fragment or whole URL) with switches turned on or off; other parameters are kept. */
export function withParams(link: string, params: Partial<ShareParams>): string {
	const hash = link.indexOf('#');
	const before = hash < 0 || FRAGMENT_START.test(link) ? '' : link.slice(0, hash + 1);
	const [head = '', ...rest] = fragmentOf(link).split('&');
	const others = rest.filter((p) => !/^(embed|autorun)(=|$)/.test(p));
	const next = { ...readParams(link), ...params };
	return `${before}${[head, ...others].join('&')}${paramsText(next)}`;
}

/** The link to share: the page's address without its own fragment, then `#` and the fragment. */
export function shareUrl(pageUrl: string, fragment: string): string {
	const hash = pageUrl.indexOf('#');
	return `${hash < 0 ? pageUrl : pageUrl.slice(0, hash)}#${fragment}`;
}

function clip(text: string): string {
	return text.length > 24 ? `${text.slice(0, 24)}…` : text;
}

function count(n: number): string {
	return n.toLocaleString('en-US');
}

function quoteChar(text: string, at: number): string {
	const code = text.codePointAt(at) ?? 0;
	return code < 0x21 || (code >= 0x7f && code <= 0xa0)
		? `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
		: `"${String.fromCodePoint(code)}"`;
}
