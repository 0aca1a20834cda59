import { fail, type PlaygroundError } from '../errors';
import { formatBytes } from '../bytes/encoding';
import { PAGE_SIZE, type FuncSig } from '../wasm/types';
import { formatSignature } from '../workspace/io';
import { MAX_MEMORY_HINT } from './memory-cap';

/** A failure raised inside a host function, recorded by the host before the error unwinds the plugin. */
export interface HostFailure {
	kind: 'host' | 'limit';
	ns: string;
	name: string;
	message: string;
	/** What to do about it, when the host function knows better than the generic advice. */
	hint?: string;
}

/** What the host knew when a call threw. */
export interface ThrowContext {
	exportName: string;
	/** The first failure a host function raised during the call, if any. */
	hostFailure: HostFailure | null;
	/** Linear memory after the call and its cap, in pages. */
	memoryPages: number | null;
	maxPages: number | null;
	/** Linear memory right after instantiation, in pages: Max memory bounds growth from there. */
	initialPages?: number;
}

/** The shape of a thrown value that matters here: JS errors keep only name and message across realms. */
export interface ThrownLike {
	name: string;
	message: string;
}

const PLUGIN_ERROR_PREFIX = 'Plugin-originated error: ';

/** Reads `name`/`message` from anything thrown. */
export function thrownLike(err: unknown): ThrownLike {
	if (err instanceof Error) return { name: err.name, message: err.message };
	return { name: 'Error', message: String(err) };
}

/** Turns an error thrown by a plugin call into a typed, actionable `PlaygroundError`. */
export function classifyCallError(err: ThrownLike, ctx: ThrowContext): PlaygroundError {
	const where = `Export "${ctx.exportName}"`;
	if (ctx.hostFailure) {
		const f = ctx.hostFailure;
		return fail(
			f.kind,
			`${where} failed in host function ${f.ns}::${f.name}: ${f.message}`,
			f.hint ??
				(f.kind === 'limit'
					? 'Raise the limit in Host settings, or make the plugin use less.'
					: 'The host function refused the request: read its message above and fix the request or the Host settings.')
		).error;
	}
	if (err.message.startsWith(PLUGIN_ERROR_PREFIX)) {
		return fail(
			'plugin',
			err.message.slice(PLUGIN_ERROR_PREFIX.length),
			`${where} reported this error itself (error_set) and returned non-zero. Check the input it was given.`
		).error;
	}
	if (err.name === 'RangeError' && /call stack/i.test(err.message)) {
		return fail(
			'limit',
			`${where} exhausted the call stack (${err.message}).`,
			'Look for unbounded recursion in the plugin.'
		).error;
	}
	if (err.name === 'RuntimeError') {
		const initial = ctx.initialPages ?? 0;
		const ceiling = ctx.maxPages === null ? null : ctx.maxPages + initial;
		if (nearCap(ctx.memoryPages, ceiling)) {
			const started = initial > 0 ? `, grown from ${describePages(initial)}, ` : ' ';
			return fail(
				'limit',
				`${where} trapped (${err.message}) with its memory at ${describePages(ctx.memoryPages)}${started}under a Max memory of ${describePages(ctx.maxPages)} of growth: an allocation was most likely refused.`,
				MAX_MEMORY_HINT
			).error;
		}
		return fail(
			'trap',
			`${where} trapped: ${err.message}.`,
			'A trap is a bug or a panic/abort in the plugin. The log lines just before it in the Trace usually say why.'
		).error;
	}
	if (err.name === 'CompileError' || err.name === 'LinkError') {
		return fail('link', `${where}: ${err.message}`, 'Reload the plugin; check its imports.').error;
	}
	return fail(
		'host',
		`${where} failed: ${err.message}`,
		'This came from the runtime, not the plugin. Try again; if it persists, reload the plugin.'
	).error;
}

/**
 * Why an export that takes parameters cannot be called as an Extism function, which takes none (the input
 * travels through the kernel) and returns an i32 or nothing: the SDK would pass it nothing, and the engine
 * would fail converting the missing arguments (for an i64, "Cannot convert undefined to a BigInt").
 * Such exports are usually meant to be imported by another module of a manifest. Returns message and hint.
 */
export function notCallable(exportName: string, sig: FuncSig): [string, string] {
	return [
		`Export "${exportName}" takes parameters ${formatSignature(sig)}, so it is not an Extism function: Extism calls an export with no arguments (the input travels through the kernel) and reads back an i32 or nothing.`,
		'This is usually a function another module imports: load a manifest that links this module, by its name, into the module that imports it, and call that one. Pick an export without parameters to call this module on its own.'
	];
}

/** The error for a call that returned non-zero without calling `error_set`. */
export function exitError(exportName: string, code: number): PlaygroundError {
	return fail(
		'exit',
		`Export "${exportName}" returned ${code} without an error message.`,
		'Extism treats a non-zero return as failure, but the plugin gave no reason (the JS SDK does not throw for this). Call error_set before returning non-zero, or return 0 on success.'
	).error;
}

/**
 * The error for a module that ended itself with a non-zero WASI exit code: a command's `_start` (through
 * `proc_exit`, or `main` returning non-zero), or any export that called `proc_exit`.
 */
export function procExitError(exportName: string, code: number, command: boolean): PlaygroundError {
	return command
		? fail(
				'exit',
				`The WASI command exited with code ${code}.`,
				'A command reports failure with a non-zero exit code; what it wrote to stderr (in the Trace) usually says why.'
			).error
		: fail(
				'exit',
				`Export "${exportName}" called WASI proc_exit(${code}): the module ended itself with a non-zero exit code.`,
				'The plugin exits instead of returning (os.Exit, exit(), a panic handler); what it wrote to stderr (in the Trace) usually says why.'
			).error;
}

function nearCap(pages: number | null, cap: number | null): boolean {
	return pages !== null && cap !== null && pages >= cap * 0.75;
}

function describePages(pages: number | null): string {
	if (pages === null) return 'unknown';
	return `${pages} page${pages === 1 ? '' : 's'} (${formatBytes(pages * PAGE_SIZE)})`;
}
