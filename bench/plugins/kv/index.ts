// KV load. `write_many` stores N entries (N is the decimal input) in one call; `read_many` reads one
// key N times. Both go through the playground's `extism:host/user` functions.
import { Host } from '@extism/as-pdk';
import { free, length } from '@extism/as-pdk/lib/env';
import { kv_read, kv_write } from '../../../examples/_shared/host';
import { outputText, parseCount, textBlock } from '../../../examples/_shared/util';

export function write_many(): i32 {
	const count = parseCount(Host.input());
	const value = textBlock('0123456789abcdef');
	for (let i: u64 = 0; i < count; i++) {
		const key = textBlock('key-' + i.toString());
		kv_write(key, value);
		free(key);
	}
	outputText(count.toString());
	return 0;
}

export function read_many(): i32 {
	const count = parseCount(Host.input());
	const key = textBlock('key-1');
	let bytes: u64 = 0;
	for (let i: u64 = 0; i < count; i++) {
		const value = kv_read(key);
		bytes += length(value);
		free(value);
	}
	outputText(bytes.toString());
	return 0;
}
