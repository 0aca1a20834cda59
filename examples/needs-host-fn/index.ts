// Imports a host function that the playground does not provide, so the plugin cannot be
// instantiated. The error names the missing import.
import { Host, Memory } from '@extism/as-pdk';
import { error_set, length, output_set } from '@extism/as-pdk/lib/env';
import { textBlock } from '../_shared/util';

@external('extism:host/user', 'hello_world')
declare function hello_world(input: u64): u64;

export function greet_host(): i32 {
	const input = Memory.allocateBytes(Host.input());
	const result = hello_world(input.offset);
	if (result == 0) {
		error_set(textBlock('hello_world returned no block'));
		return 1;
	}
	output_set(result, length(result));
	return 0;
}
