// Never returns. The host has to stop it; what the plugin did before that (a kv write, a log line)
// has already happened.
import { Host, LogLevel } from '@extism/as-pdk';
import { kv_write } from '../_shared/host';
import { textBlock } from '../_shared/util';

// Counts iterations. WebAssembly has no "loops must terminate" rule, so the optimiser keeps the
// loop even if it decides nobody reads this.
let spins: u32 = 0;

export function spin(): i32 {
	kv_write(textBlock('last-run'), textBlock('started'));
	Host.log(LogLevel.Info, 'spinning forever');
	while (true) {
		spins++;
	}
}
