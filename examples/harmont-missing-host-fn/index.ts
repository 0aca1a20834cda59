// Deliberately wrong Harmont plugin: its manifest requires hm_docker_ping, a host function the playground does not have.
import { manifest } from '../_shared/harmont';

export function hm_manifest(): i32 {
	return manifest(
		'{"api_version": 1, "name": "harmont-missing-host-fn", "version": "0.1.0", "description": null, "capabilities": [{"kind": "subcommand", "verb": "hello", "about": "Say hello", "args_schema": {"args": []}, "subcommands": []}], "required_host_fns": ["hm_log", "hm_docker_ping"], "config_schema": null, "allowed_hosts": []}'
	);
}
