// The graceful way to fail: set an error message and return non-zero.
import { Host } from '@extism/as-pdk';
import { error_set } from '@extism/as-pdk/lib/env';
import { textBlock } from '../_shared/util';

export function fail(): i32 {
	error_set(textBlock('bad input: ' + Host.inputString()));
	return 1;
}
