// A Bub CLI command: register_cli_commands adds "hello" to `bub extism`, and
// `bub extism hello '{"name": "Ada"}'` calls cli_hello with {plugin, command, payload}.
import { answer, field, orText, readRequest, skip, text } from '../_shared/bub';
import { jsonString } from '../_shared/util';

export function register_cli_commands(): i32 {
	const request = readRequest();
	if (request.hook != 'register_cli_commands') return skip();
	return answer('[{"name": "hello", "help": "Greets payload.name.", "function": "cli_hello"}]');
}

export function cli_hello(): i32 {
	const request = readRequest();
	if (request.hook != 'cli_command') return skip();
	const name = orText(text(field(field(request.args, 'payload'), 'name')), 'world');
	const plugin = orText(text(field(request.args, 'plugin')), '');
	return answer(
		'{"greeting": ' + jsonString('Hello, ' + name + '!') + ', "plugin": ' + jsonString(plugin) + '}'
	);
}
