// A Harmont plugin (Extism era): Harmont calls hm_manifest first to learn what the plugin offers, here
// one subcommand, `hm hello`, which hm_subcommand_run carries out. It logs and writes to the user's
// terminal through the hm_* host functions its manifest asks for. Edit the message and press Run.
import { Host } from '@extism/as-pdk';
import { field, orText } from '../_shared/bub';
import { log, manifest, writeStdout } from '../_shared/harmont';
import { jsonString, outputText } from '../_shared/util';

export function hm_manifest(): i32 {
	return manifest(
		'{"api_version": 1, "name": "my-harmont-plugin", "version": "0.1.0",' +
			' "description": "Says hello from a subcommand.",' +
			' "capabilities": [' +
			'{"kind": "subcommand", "verb": "hello", "about": "Say hello", "args_schema": {"args": []}, "subcommands": []}],' +
			' "required_host_fns": ["hm_log", "hm_write_stdout"],' +
			' "config_schema": null, "allowed_hosts": []}'
	);
}

// `hm hello`: the input names the verbs typed, the arguments and the environment.
export function hm_subcommand_run(): i32 {
	const verbs = orText(field(Host.inputString(), 'verb_path'), '[]');
	log('info', 'hello: subcommand ' + verbs);
	const message = 'Hello from my Harmont plugin!';
	writeStdout(message + '\n');
	outputText('{"exit_code": 0, "message": ' + jsonString(message) + '}');
	return 0;
}
