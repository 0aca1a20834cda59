// AssemblyScript calls `abort` on failed assertions, out-of-bounds access and out-of-memory. By
// default that is an import of `env.abort`, a host function Extism does not provide, so the module
// would not link. The build passes `--use abort=examples/_shared/abort/pluginAbort` to call this.
// It records the message with `error_set` (hosts that read it can show it), then traps.
import { Memory } from '@extism/as-pdk';
import { error_set } from '@extism/as-pdk/lib/env';

let aborting = false;

function pluginAbort(
	message: string | null,
	fileName: string | null,
	lineNumber: u32,
	columnNumber: u32
): void {
	// Building the message allocates; if that aborts too, just trap.
	if (!aborting) {
		aborting = true;
		const where = (fileName === null ? '?' : fileName) + ':' + lineNumber.toString();
		const text = 'abort: ' + (message === null ? 'unknown' : message) + ' at ' + where;
		error_set(Memory.allocateString(text + ':' + columnNumber.toString()).offset);
	}
	unreachable();
}
