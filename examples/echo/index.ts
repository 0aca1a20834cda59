// Returns the input bytes unchanged. Nothing is decoded as text, so any binary input survives.
import { Host } from '@extism/as-pdk';

export function echo(): i32 {
	Host.output(Host.input());
	return 0;
}
