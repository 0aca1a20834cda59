/** The playground's user host functions, bare: enough to link the bench plugins, nothing recorded. */
import type { CallContext } from '@extism/extism';

export const bareFunctions = {
	'extism:host/user': {
		kv_read: (ctx: CallContext) => ctx.store(new Uint8Array(0)),
		kv_write: () => {},
		log: () => {}
	}
};
