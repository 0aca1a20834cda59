// The smallest useful plugin: read the input as UTF-8 text, write a greeting back.
import { Host } from '@extism/as-pdk';
import { outputText } from '../_shared/util';

export function greet(): i32 {
	const name = Host.inputString();
	outputText('Hello, ' + name + '!');
	return 0;
}
