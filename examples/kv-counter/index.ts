// A counter stored by the host. `kv_read` and `kv_write` are host functions the playground provides
// under `extism:host/user`; the value outlives the plugin instance.
import { blockBytes, outputText, parseCount, textBlock } from '../_shared/util';
import { kv_read, kv_write } from '../_shared/host';

export function count(): i32 {
	// A missing key comes back as offset 0 or an empty block; both parse as 0.
	const current = parseCount(blockBytes(kv_read(textBlock('count'))));
	const next = current + 1;
	kv_write(textBlock('count'), textBlock(next.toString()));
	outputText('{"count":' + next.toString() + '}');
	return 0;
}
