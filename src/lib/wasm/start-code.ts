/**
 * The plugin code that runs by itself when a module is instantiated, before any export is called: the
 * module's start function, a WASI reactor's `_initialize`, GHC's `hs_init`, and for raw-ABI modules a
 * command's `_start` (as wazero runs it). The playground instantiates only inside a call, so this code
 * runs under that call's timeout and Stop, and the trace and error messages name it.
 */
import type { ModuleInfo } from './types';

/** What runs at instantiation, in the order it runs; empty when instantiating runs no plugin code. */
export function startCode(info: ModuleInfo, raw: boolean): string[] {
	const exported = (name: string) =>
		info.exports.some((e) => e.name === name && e.kind === 'function');
	const ran: string[] = [];
	if (info.hasStart) ran.push('start function');
	if (exported('hs_init')) ran.push('hs_init');
	if (exported('_initialize')) ran.push('_initialize');
	else if (raw && exported('_start')) ran.push('_start');
	return ran;
}

/** `start function and _initialize`, or `start code` when nothing is known to run. */
export function describeStartCode(ran: readonly string[]): string {
	if (ran.length === 0) return 'start code';
	return ran.length === 1 ? `${ran[0]}` : `${ran.slice(0, -1).join(', ')} and ${ran.at(-1)}`;
}
