/**
 * KV values in the KV panel: how a stored value reads in the Text, JSON or Hex view, and how the entry form
 * turns what was typed back into the bytes the plugin will read.
 */
import { formatBytes, fromHex, isProbablyText, utf8Decode, utf8Encode } from '../bytes/encoding';
import { fail, type Result } from '../errors';
import { textPreview } from '../output/present';
import { detectView, findJsonError, hexText, parseJson } from '../workspace/io';
import type { InputMode } from '../workspace/types';

/** How values are shown in the table and typed in the form: the same three modes as the call input. */
export type KvView = InputMode;

/** Bytes of a value shown in a table cell; the rest is summarised, since one big value would swamp the table. */
export const KV_PREVIEW_BYTES = 2048;

/** What a table cell shows: the value's text, and a short note when it is not shown as asked. */
export interface KvCell {
	text: string;
	note: string | null;
}

/** A value as the table shows it in the chosen view. */
export function showKvValue(bytes: Uint8Array, view: KvView, limit = KV_PREVIEW_BYTES): KvCell {
	if (bytes.byteLength === 0) return { text: '', note: 'empty' };
	const cut = `first ${formatBytes(limit)} of ${formatBytes(bytes.byteLength)}`;
	if (view === 'hex' || !isProbablyText(bytes)) {
		const notes = view === 'hex' ? [] : ['binary, shown as hex'];
		if (bytes.byteLength > limit) notes.push(cut);
		return { text: hexText(bytes.subarray(0, limit)), note: notes.join('; ') || null };
	}
	if (view === 'json') {
		const value = parseJson(utf8Decode(bytes));
		if (value !== undefined) {
			const pretty = JSON.stringify(value, null, 2);
			return pretty.length > limit
				? { text: pretty.slice(0, limit), note: `first ${limit} characters` }
				: { text: pretty, note: null };
		}
	}
	const preview = textPreview(bytes, limit);
	const notes = view === 'json' ? ['not JSON'] : [];
	if (preview.truncated) notes.push(cut);
	return { text: preview.text, note: notes.join('; ') || null };
}

/** A stored value as the entry form starts editing it: JSON, text, or hex for bytes that are not text. */
export function editableKvValue(bytes: Uint8Array): { mode: KvView; text: string } {
	const mode = detectView(bytes);
	return { mode, text: mode === 'hex' ? hexText(bytes) : utf8Decode(bytes) };
}

/** The bytes of a value typed in the entry form; JSON must parse, hex must be whole bytes. */
export function encodeKvValue(text: string, mode: KvView): Result<{ bytes: Uint8Array }> {
	if (mode === 'hex') return fromHex(text);
	if (mode === 'json') {
		const problem = findJsonError(text);
		if (problem) {
			return fail(
				'call',
				`The value is not valid JSON: ${problem.message}.`,
				'Fix the JSON, or set Value mode to Text to store it exactly as typed.'
			);
		}
	}
	return { ok: true, bytes: utf8Encode(text) };
}
