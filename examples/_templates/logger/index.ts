// Logs the input at three Extism log levels and once through the playground's own `log` host function;
// the lines show in the trace, filtered by the Log level setting.
import { Host } from '@extism/as-pdk';
import { log_info, log_warn, log_error } from '@extism/as-pdk/lib/env';
import { log } from '../_shared/host';
import { outputText, textBlock } from '../_shared/util';

export function log_input(): i32 {
	const input = Host.inputString();
	log_info(textBlock('info: ' + input));
	log_warn(textBlock('warn: ' + input));
	log_error(textBlock('error: ' + input));
	log(textBlock('host log: ' + input));
	outputText('logged 4 lines');
	return 0;
}
