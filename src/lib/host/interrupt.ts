/**
 * The errors of a call that the page ended itself, by its timeout or the Stop button. They name the
 * culprit: the export, or the plugin's start code when the call was still instantiating the plugin (a start
 * function or `_initialize` that never returns ends here, not in a page that hangs).
 */
import { fail, type PlaygroundError } from '../errors';
import { describeStartCode } from '../wasm/start-code';

/** Where the call was when it was ended. */
export interface Interrupted {
	exportName: string;
	/** `instantiate` while the start code ran, `call` once the export was running. */
	phase: 'instantiate' | 'call';
	/** What runs at instantiation (`startCode`), to name it. */
	startCode: readonly string[];
	timeoutMs: number;
}

const RESTARTED =
	'The plugin was restarted, so its memory (globals, vars) was reset; KV data is kept.';

/** The call ran past its timeout. */
export function timeoutError(at: Interrupted): PlaygroundError {
	const seconds = `${at.timeoutMs / 1000} s`;
	if (at.phase === 'instantiate') {
		const code = describeStartCode(at.startCode);
		return fail(
			'timeout',
			`The plugin's ${code} did not return within ${seconds}, so export "${at.exportName}" never ran. It runs when the plugin is instantiated, before any export.`,
			`Look for a loop that never ends in the plugin's initialisation code (${code}), or raise the timeout in Host settings if it is only slow. ${RESTARTED}`
		).error;
	}
	return fail(
		'timeout',
		`Export "${at.exportName}" did not finish within ${seconds} and was stopped.`,
		`If it should take longer, raise the timeout in Host settings; otherwise look for a loop that never ends. ${RESTARTED}`
	).error;
}

/** The person pressed Stop. */
export function stoppedError(at: Interrupted): PlaygroundError {
	if (at.phase === 'instantiate') {
		return fail(
			'stopped',
			`You stopped the plugin while its ${describeStartCode(at.startCode)} was running, before export "${at.exportName}" began.`,
			'Run it again when ready; the plugin starts from a clean memory and its start code runs again.'
		).error;
	}
	return fail(
		'stopped',
		`You stopped export "${at.exportName}".`,
		'Run it again when ready; the plugin starts from a clean memory.'
	).error;
}
