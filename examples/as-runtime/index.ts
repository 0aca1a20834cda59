// A plugin that exports its language runtime next to its own function, as AssemblyScript's
// --exportRuntime (or a JS binding that passes strings in) does: __new, __pin, __unpin and __collect are
// internals that nobody should pick by accident.
import { Host } from '@extism/as-pdk';
import { outputText } from '../_shared/util';

export function shout(): i32 {
	outputText(Host.inputString().toUpperCase() + '!');
	return 0;
}

export { __new, __pin, __unpin, __collect };
