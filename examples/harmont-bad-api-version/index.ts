// Deliberately wrong Harmont plugin: its manifest declares api_version 2 (the native-dylib ABI), which the Extism-era host refuses.
import { manifest } from '../_shared/harmont';

export function hm_manifest(): i32 {
	return manifest(
		'{"api_version": 2, "name": "harmont-bad-api-version", "version": "0.1.0", "description": null, "capabilities": [{"kind": "subcommand", "verb": "hello", "about": "Say hello", "args_schema": {"args": []}, "subcommands": []}], "required_host_fns": ["hm_log"], "config_schema": null, "allowed_hosts": []}'
	);
}
