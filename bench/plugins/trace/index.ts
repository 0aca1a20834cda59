// Floods the trace. `emit` makes N `kv_read` host calls and N `log` lines (N is the decimal input,
// 25,000 when empty): 2N events plus the call's start and end. `spin` never returns, for stop tests.
import { Host } from '@extism/as-pdk';
import { free } from '@extism/as-pdk/lib/env';
import { kv_read, log } from '../../../examples/_shared/host';
import { outputText, parseCount, textBlock } from '../../../examples/_shared/util';

export function emit(): i32 {
	const asked = parseCount(Host.input());
	const pairs = asked == 0 ? 25000 : asked;
	const key = textBlock('trace-key');
	const line = textBlock('trace line');
	for (let i: u64 = 0; i < pairs; i++) {
		free(kv_read(key));
		log(line);
	}
	outputText((pairs * 2).toString());
	return 0;
}

// Counts iterations, so the loop has an effect the optimiser must keep; at one per nanosecond it would
// reach the end in 584 years.
let spins: u64 = 0;

export function spin(): i32 {
	while (spins != u64.MAX_VALUE) {
		spins++;
	}
	return 1;
}
