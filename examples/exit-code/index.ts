// A non-zero return value without `error_set`: the call failed, with output but no message.
import { outputText } from '../_shared/util';

export function run(): i32 {
	outputText('partial output');
	return 3;
}
