import { fromHex, isProbablyText, toHex, utf8Decode, utf8Encode } from '../bytes/encoding';
import { fail, type Result } from '../errors';
import type { InputMode } from './types';

/** Turns the input editor's text into the bytes sent to the plugin, by mode. */
export function encodeInput(text: string, mode: InputMode): Result<{ bytes: Uint8Array }> {
	if (mode === 'hex') return fromHex(text);
	if (mode === 'json' && text.trim() !== '') {
		try {
			JSON.parse(text);
		} catch (err) {
			const reason = err instanceof Error ? err.message : String(err);
			return fail(
				'call',
				`The input is not valid JSON: ${reason}.`,
				'Fix the JSON, or switch the input mode to Text to send it as it is.'
			);
		}
	}
	return { ok: true, bytes: utf8Encode(text) };
}

/** Re-expresses input text when the user switches modes, so the bytes stay the same where possible. */
export function convertInput(text: string, from: InputMode, to: InputMode): string {
	if (from === to) return text;
	if (to === 'hex') {
		const encoded = encodeInput(text, from);
		return encoded.ok ? toHex(encoded.bytes) : text;
	}
	if (from === 'hex') {
		const decoded = fromHex(text);
		return decoded.ok ? utf8Decode(decoded.bytes) : text;
	}
	return text;
}

/** The ways output can be shown. */
export type OutputView = 'text' | 'json' | 'hex';

/** Picks how to show output: JSON when it parses as an object or array, text when printable, else hex. */
export function detectView(bytes: Uint8Array): OutputView {
	if (bytes.byteLength === 0) return 'text';
	if (!isProbablyText(bytes)) return 'hex';
	const text = utf8Decode(bytes).trim();
	if ((text.startsWith('{') || text.startsWith('[')) && parseJson(text) !== undefined)
		return 'json';
	return 'text';
}

/** Parses JSON, or returns undefined. */
export function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}
