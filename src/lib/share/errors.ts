/**
 * Why a share link or a workspace file could not be opened. Every failure is a `load` error (the app's
 * closed set of kinds) with a `reason`, so the UI can pick an icon or a next step without parsing text.
 */
import { endSentence, type PlaygroundError } from '../errors';

/** What went wrong with a link or a workspace file. */
export type ShareErrorReason =
	/** Nothing to read: an empty fragment or an empty file. */
	| 'empty'
	/** Not a playground link (some other `#anchor`), or a file that is not a workspace file. */
	| 'foreign'
	/** The link or file stops before its end: an app or a copy cut it short. */
	| 'truncated'
	/** Characters or bytes were changed: bad base64, a broken deflate stream, a failed checksum or hash,
	 * JSON that does not parse, or a field that breaks the format. */
	| 'corrupted'
	/** Made by a newer playground, in a format version this one cannot read. */
	| 'future-version'
	/** Inflates to more than any real link holds, or asks for more than `SHARE_LIMITS` (KV entries, name
	 * lengths...): refused before it can exhaust memory or freeze the page. */
	| 'too-large';

/** A failure to open a link or a workspace file, as plain data. */
export interface ShareError extends PlaygroundError {
	kind: 'load';
	reason: ShareErrorReason;
}

/** Success with a payload, or a `ShareError`; a `Result` that also says which way it failed. */
export type ShareResult<T extends object> = ({ ok: true } & T) | { ok: false; error: ShareError };

/** Builds a failed `ShareResult`, one line at call sites. */
export function shareFail(
	reason: ShareErrorReason,
	message: string,
	hint: string
): { ok: false; error: ShareError } {
	return {
		ok: false,
		error: { kind: 'load', reason, message: endSentence(message), hint: endSentence(hint) }
	};
}
