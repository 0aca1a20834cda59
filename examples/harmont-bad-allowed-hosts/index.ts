// Deliberately wrong Harmont plugin: its allowed_hosts lists a URL with a scheme and path, which can never match a host name.
import { manifest } from '../_shared/harmont';

export function hm_manifest(): i32 {
	return manifest(
		'{"api_version": 1, "name": "harmont-bad-allowed-hosts", "version": "0.1.0", "description": null, "capabilities": [{"kind": "subcommand", "verb": "hello", "about": "Say hello", "args_schema": {"args": []}, "subcommands": []}], "required_host_fns": [], "config_schema": null, "allowed_hosts": ["https://api.github.com/repos"]}'
	);
}
