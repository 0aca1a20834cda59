// Deliberately wrong CLI commands. register_cli_commands wraps something that is not a list
// ("Extism register_cli_commands must return a list"); register_cli_commands_no_function gives a
// descriptor without a function ("Extism CLI command descriptor requires name and function").
import { answer, readRequest, skip } from '../_shared/bub';

export function register_cli_commands(): i32 {
	const request = readRequest();
	if (request.hook != 'register_cli_commands') return skip();
	return answer('{"commands": "bad"}');
}

export function register_cli_commands_no_function(): i32 {
	const request = readRequest();
	if (request.hook != 'register_cli_commands') return skip();
	return answer('[{"name": "hello"}]');
}
