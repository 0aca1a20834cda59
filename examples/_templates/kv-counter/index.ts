// A counter kept by the host's KV store: each call reads "visits", adds one and writes it back, so the
// number outlives the plugin instance (see the KV store panel).
import { blockBytes, outputText, parseCount, textBlock } from '../_shared/util';
import { kv_read, kv_write } from '../_shared/host';

export function visit(): i32 {
	const visits = parseCount(blockBytes(kv_read(textBlock('visits')))) + 1;
	kv_write(textBlock('visits'), textBlock(visits.toString()));
	outputText('{"visits":' + visits.toString() + '}');
	return 0;
}
