/**
 * What a plugin's output is: an image (by magic bytes, or an `<svg>` root for SVG text), JSON, text or
 * binary. The Output panel picks its view from this; downloads pick their file type from it.
 */
import { utf8Decode } from '../bytes/encoding';
import { detectView, type OutputView } from '../workspace/io';

/** The ways the Output panel can show bytes: the text views plus an image. */
export type OutputKind = OutputView | 'image';

/** An image format the browser can show through `<img>`. */
export interface ImageType {
	/** MIME type for the Blob behind the `<img>`. */
	mime: string;
	/** File extension for downloads, without the dot. */
	ext: string;
	/** Name for people: `PNG`, `SVG`. */
	label: string;
}

const PNG: ImageType = { mime: 'image/png', ext: 'png', label: 'PNG' };
const JPEG: ImageType = { mime: 'image/jpeg', ext: 'jpg', label: 'JPEG' };
const GIF: ImageType = { mime: 'image/gif', ext: 'gif', label: 'GIF' };
const WEBP: ImageType = { mime: 'image/webp', ext: 'webp', label: 'WebP' };
const SVG: ImageType = { mime: 'image/svg+xml', ext: 'svg', label: 'SVG' };

/** How far into SVG text the `<svg` root may start (after a prolog, comments and a doctype). */
const SVG_SCAN_BYTES = 4096;

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
	if (bytes.length < at + prefix.length) return false;
	return prefix.every((b, i) => bytes[at + i] === b);
}

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

/** The image format of `bytes` by its signature, or null when it is not an image we show. */
export function sniffImage(bytes: Uint8Array): ImageType | null {
	if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return PNG;
	if (startsWith(bytes, [0xff, 0xd8, 0xff])) return JPEG;
	if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return GIF;
	if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return WEBP;
	return isSvg(bytes) ? SVG : null;
}

/**
 * True when the text's first element is `<svg`: after an optional BOM, XML declaration, comments,
 * processing instructions and doctype. Only the opening of the text is read.
 */
function isSvg(bytes: Uint8Array): boolean {
	let text = utf8Decode(bytes.subarray(0, SVG_SCAN_BYTES)).replace(/^\uFEFF/, '');
	for (;;) {
		text = text.trimStart();
		const skip = /^(<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>)/i.exec(text);
		if (!skip) break;
		text = text.slice(skip[0].length);
	}
	return /^<svg[\s>/]/i.test(text) || /^<[A-Za-z_][\w.-]*:svg[\s>/]/.test(text);
}

/** Picks how to show output: an image when it is one, otherwise JSON, text or hex as `detectView` does. */
export function detectOutput(bytes: Uint8Array): OutputKind {
	return sniffImage(bytes) ? 'image' : detectView(bytes);
}
