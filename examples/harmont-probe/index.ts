// A Harmont (Extism era) plugin with three capabilities: the subcommand `hm probe`, the step runner
// `probe` and a lifecycle hook that aborts a build before a step named "deploy". It calls the hm_* host
// functions the playground provides: hm_log, hm_kv_get/hm_kv_set, hm_should_cancel, hm_write_stdout.
import { Host } from '@extism/as-pdk';
import { field, orText, text } from '../_shared/bub';
import {
	byteListText,
	kvGetJson,
	kvSet,
	log,
	manifest,
	pluginError,
	shouldCancel,
	writeStdout
} from '../_shared/harmont';
import { jsonString, outputText, parseCount } from '../_shared/util';

export function hm_manifest(): i32 {
	return manifest(
		'{"api_version": 1, "name": "harmont-probe", "version": "0.1.0",' +
			' "description": "Probes the hm_* host functions from three capabilities.",' +
			' "capabilities": [' +
			'{"kind": "subcommand", "verb": "probe", "about": "Count runs in the plugin KV scope", "args_schema": {"args": []}, "subcommands": []},' +
			' {"kind": "step_executor", "runner": "probe", "default": false, "step_schema": null},' +
			' {"kind": "lifecycle_hook", "events": ["step_start", "step_end"], "phase": "before", "timeout_ms": 1000}],' +
			' "required_host_fns": ["hm_log", "hm_kv_get", "hm_kv_set", "hm_should_cancel", "hm_write_stdout"],' +
			' "config_schema": null, "allowed_hosts": []}'
	);
}

// `hm probe` counts its runs in KV scope "plugin"; `hm probe fail` fails with a PluginError.
export function hm_subcommand_run(): i32 {
	const input = Host.inputString();
	const verbs = orText(field(input, 'verb_path'), '[]');
	log('info', 'probe: subcommand ' + verbs);
	if (verbs.includes('"fail"')) {
		return pluginError('probe.failed', 'the probe was asked to fail');
	}
	const runs = parseCount(Uint8Array.wrap(String.UTF8.encode(byteListText(kvGetJson('plugin', 'runs'))))) + 1;
	kvSet('plugin', 'runs', runs.toString());
	writeStdout('probe ran ' + runs.toString() + ' time(s)\n');
	outputText('{"exit_code": 0, "message": ' + jsonString('probe ran ' + runs.toString() + ' time(s)') + '}');
	return 0;
}

export function hm_executor_run(): i32 {
	const input = Host.inputString();
	const key = orText(text(field(field(input, 'step'), 'key')), '?');
	if (shouldCancel()) {
		log('warn', 'probe: step ' + key + ' cancelled');
		outputText('{"exit_code": 130, "committed_snapshot": null, "artifacts": []}');
		return 0;
	}
	log('info', 'probe: running step ' + key);
	writeStdout('step ' + key + ': ok\n');
	outputText('{"exit_code": 0, "committed_snapshot": null, "artifacts": []}');
	return 0;
}

export function hm_hook_on_event(): i32 {
	const input = Host.inputString();
	const event = field(input, 'event');
	const kind = orText(text(field(event, 'kind')), '');
	const key = orText(text(field(event, 'key')), '');
	log('debug', 'probe: hook ' + kind + ' ' + key);
	if (kind == 'step_start' && key == 'deploy') {
		outputText('{"kind": "abort", "reason": "probe: no deploys from the playground"}');
	} else {
		outputText('{"kind": "continue"}');
	}
	return 0;
}
