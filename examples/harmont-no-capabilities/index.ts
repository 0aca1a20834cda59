// Deliberately wrong Harmont plugin: its manifest declares no capabilities, so the host has nothing to call.
import { manifest } from '../_shared/harmont';

export function hm_manifest(): i32 {
	return manifest(
		'{"api_version": 1, "name": "harmont-no-capabilities", "version": "0.1.0", "description": null, "capabilities": [], "required_host_fns": [], "config_schema": null, "allowed_hosts": []}'
	);
}
