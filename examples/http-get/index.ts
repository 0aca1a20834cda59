// Fetches the URL given as input with Extism's `http_request`. The host only allows hosts listed in
// the manifest's `allowedHosts`.
import { Host, LogLevel } from '@extism/as-pdk';
import { error_set, http_request, length, output_set } from '@extism/as-pdk/lib/env';
import { http_status_code } from '../_shared/host';
import { jsonString, textBlock } from '../_shared/util';

export function fetch(): i32 {
	const url = Host.inputString();
	const request = '{"method":"GET","url":' + jsonString(url) + '}';
	// The second argument is the request body's block; 0 means none.
	const response = http_request(textBlock(request), 0);
	const status = http_status_code();
	Host.log(LogLevel.Info, 'status ' + status.toString());
	if (response == 0) {
		error_set(textBlock('no response from ' + url));
		return 1;
	}
	// The response body is already an Extism block: output it as-is, without copying.
	output_set(response, length(response));
	return 0;
}
