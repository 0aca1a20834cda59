/**
 * Turning output bytes into what the Output panel shows, copies and downloads: a bounded text preview,
 * spaced hex that the Input's hex mode reads back (`hexText`), and a file name and type for a download.
 */
import { isProbablyText, utf8Decode } from '../bytes/encoding';
import { detectView, hexText } from '../workspace/io';
import { sniffImage, type OutputKind } from './sniff';

/** Bytes of output decoded for the Text view; a `<pre>` with many megabytes of text freezes the page. */
export const TEXT_PREVIEW_BYTES = 1024 * 1024;

/** Hex dump rows shown at most (16 bytes each): 64 KiB. */
export const HEX_PREVIEW_ROWS = 4096;

/** The first `limit` bytes as text, and whether anything was left out. */
export function textPreview(
	bytes: Uint8Array,
	limit = TEXT_PREVIEW_BYTES
): { text: string; truncated: boolean } {
	if (bytes.byteLength <= limit) return { text: utf8Decode(bytes), truncated: false };
	// Back up to the start of a UTF-8 sequence so the cut does not leave a replacement character.
	let end = limit;
	while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
	return { text: utf8Decode(bytes.subarray(0, end)), truncated: true };
}

/** What "Copy output" puts on the clipboard: the text itself, or spaced hex for binary or the Hex view. */
export function clipboardText(bytes: Uint8Array, view: OutputKind): string {
	return view !== 'hex' && isProbablyText(bytes) ? utf8Decode(bytes) : hexText(bytes);
}

/** A file to save: its name and MIME type. */
export interface SaveAs {
	name: string;
	type: string;
}

/** A download name and type for output bytes, from what they contain: `greet-output.json`, `…png`, `…bin`. */
export function outputFile(bytes: Uint8Array, exportName: string): SaveAs {
	const base = `${safeFileName(exportName) || 'plugin'}-output`;
	const image = sniffImage(bytes);
	if (image) return { name: `${base}.${image.ext}`, type: image.mime };
	const view = detectView(bytes);
	if (view === 'json') return { name: `${base}.json`, type: 'application/json' };
	if (view === 'text') return { name: `${base}.txt`, type: 'text/plain;charset=utf-8' };
	return { name: `${base}.bin`, type: 'application/octet-stream' };
}

/** Keeps letters, digits, dots, dashes and underscores; anything else becomes a dash. */
export function safeFileName(name: string): string {
	return name
		.replace(/[^\w.-]+/g, '-')
		.replace(/^[-.]+|-+$/g, '')
		.slice(0, 80);
}
