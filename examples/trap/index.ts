// A trap stops the call immediately; anything logged before it is still reported.
import { Host, LogLevel } from '@extism/as-pdk';

export function crash(): i32 {
	Host.log(LogLevel.Info, 'about to trap');
	unreachable();
	return 0;
}
