// A Bub channel named "wasm". provide_channels describes it; Bub then calls channel.start once,
// channel.poll every pollIntervalSeconds (each message becomes a turn), channel.send for each reply
// and channel.stop at shutdown. start queues one greeting; send records what Bub sent under
// "channel:wasm:sent".
import { answer, field, kvAppend, kvPut, kvText, readRequest, skip } from '../_shared/bub';

const PENDING = 'channel:wasm:pending';

export function provide_channels(): i32 {
	const request = readRequest();
	if (request.hook != 'provide_channels') return skip();
	return answer(
		'[{"name": "wasm", "enabled": true, "needsDebounce": false, "pollIntervalSeconds": 1, ' +
			'"functions": {"start": "channel_start", "poll": "channel_poll", "send": "channel_send", "stop": "channel_stop"}}]'
	);
}

export function channel_start(): i32 {
	const request = readRequest();
	if (request.hook != 'channel.start') return skip();
	kvPut(PENDING, '[{"content": "ping from the wasm channel", "channel": "wasm", "chat_id": "demo"}]');
	return answer('true');
}

export function channel_poll(): i32 {
	const request = readRequest();
	if (request.hook != 'channel.poll') return skip();
	const pending = kvText(PENDING);
	kvPut(PENDING, '[]');
	return answer('{"messages": ' + (pending.length > 0 ? pending : '[]') + '}');
}

export function channel_send(): i32 {
	const request = readRequest();
	if (request.hook != 'channel.send') return skip();
	const message = field(request.args, 'message');
	if (message !== null) kvAppend('channel:wasm:sent', message);
	return answer('true');
}

export function channel_stop(): i32 {
	const request = readRequest();
	if (request.hook != 'channel.stop') return skip();
	kvPut(PENDING, '[]');
	return answer('true');
}
