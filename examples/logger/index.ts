// Logs the input once at every Extism log level, then once through a host function of our own.
import { Host } from '@extism/as-pdk';
import { log_debug, log_error, log_info, log_warn } from '@extism/as-pdk/lib/env';
import { log, log_trace } from '../_shared/host';
import { outputText, textBlock } from '../_shared/util';

export function log_all(): i32 {
	const text = Host.inputString();
	log_trace(textBlock('trace: ' + text));
	log_debug(textBlock('debug: ' + text));
	log_info(textBlock('info: ' + text));
	log_warn(textBlock('warn: ' + text));
	log_error(textBlock('error: ' + text));
	log(textBlock('host log: ' + text));
	outputText('logged 6 lines');
	return 0;
}
