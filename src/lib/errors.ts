/** The closed set of ways a load or a call can fail; the UI and tests switch on these. */
export type ErrorKind =
	| 'load'
	| 'link'
	| 'call'
	| 'trap'
	| 'plugin'
	| 'exit'
	| 'timeout'
	| 'stopped'
	| 'host'
	| 'limit'
	| 'storage'
	| 'build';

/** An error as plain data: what happened (`message`) and what the user can do about it (`hint`). */
export interface PlaygroundError {
	kind: ErrorKind;
	message: string;
	hint: string;
}

/** Success with a payload, or a typed error. Used at every boundary instead of throwing. */
export type Result<T extends object> = ({ ok: true } & T) | { ok: false; error: PlaygroundError };

/**
 * `text` without a full stop doubled at its end. Messages quote other messages
 * (`Could not save: ${reason}.`), which often end with a full stop (or ! or ?) of their own; an ellipsis
 * is left as it is.
 */
export function endSentence(text: string): string {
	return text.replace(/(?<!\.)([.!?…])\.$/u, '$1');
}

/** Builds a `PlaygroundError`; a helper so call sites stay one line. */
export function fail(
	kind: ErrorKind,
	message: string,
	hint: string
): { ok: false; error: PlaygroundError } {
	return { ok: false, error: { kind, message: endSentence(message), hint: endSentence(hint) } };
}

/** Short titles shown next to an error, one per kind. */
export const ERROR_TITLES: Record<ErrorKind, string> = {
	load: 'Could not load the module',
	link: 'Missing imports',
	call: 'The call could not start',
	trap: 'The plugin trapped',
	plugin: 'The plugin reported an error',
	exit: 'The plugin exited with a non-zero code',
	timeout: 'The call timed out',
	stopped: 'The call was stopped',
	host: 'A host function failed',
	limit: 'A resource limit was reached',
	storage: 'Browser storage failed',
	build: 'The build failed'
};
