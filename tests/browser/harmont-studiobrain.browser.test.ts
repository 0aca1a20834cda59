/**
 * Harmont's hm_* host functions and StudioBrain's var-based host calls in a real worker, against the
 * built examples: what the plugins see, what the KV store keeps and what the trace records.
 */
import { describe, expect, it } from 'vitest';
import { decodeAnswer } from '../../src/lib/abi/harmont/decode';
import { HM_PROVIDED } from '../../src/lib/abi/harmont/host-fns';
import { decodeStudioBrain } from '../../src/lib/abi/studiobrain/decode';
import { DEFAULT_REPLIES, hostVarsFor } from '../../src/lib/abi/studiobrain/host-vars';
import { requestFor } from '../../src/lib/abi/studiobrain/router';
import type { HostEvent, LogEvent } from '../../src/lib/trace/types';
import { disposedAfterEach, openExample, str, text } from './helpers';

const keep = disposedAfterEach();

const hostCalls = (events: readonly { type: string }[]) =>
	events.filter((e): e is HostEvent => e.type === 'host').map((e) => e.name);

describe('Harmont host functions', () => {
	it('harmont-probe links, passes its manifest check and counts runs in KV scope "plugin"', async () => {
		const { session } = await openExample('harmont-probe');
		keep(session);
		expect(session.loadError).toBeNull();
		session.exportName = 'hm_manifest';
		const manifest = await session.run(new Uint8Array(0));
		expect(
			decodeAnswer('hm_manifest', manifest!.output, 0, { available: HM_PROVIDED }).status
		).toBe('value');
		session.exportName = 'hm_subcommand_run';
		const request = text('{"verb_path": ["probe"], "args": {}, "env": {}}');
		await session.run(request.slice());
		const second = await session.run(request.slice());
		expect(second?.error).toBeNull();
		expect(JSON.parse(str(second!.output))).toEqual({
			exit_code: 0,
			message: 'probe ran 2 time(s)'
		});
		expect(str(session.kv.get('plugin/runs') ?? new Uint8Array(0))).toBe('2');
		const events = session.trace!.events;
		expect(hostCalls(events)).toEqual(['hm_log', 'hm_kv_get', 'hm_kv_set', 'hm_write_stdout']);
		const lines = events.filter((e): e is LogEvent => e.type === 'log');
		expect(lines.map((l) => [l.source, l.text])).toEqual([
			['host', 'probe: subcommand ["probe"]'],
			['stdout', 'probe ran 2 time(s)\n']
		]);
	});

	it('a PluginError from the probe decodes as HmError::PluginPanic', async () => {
		const { session } = await openExample('harmont-probe');
		keep(session);
		const outcome = await session.run(
			text('{"verb_path": ["probe", "fail"], "args": {}, "env": {}}')
		);
		expect(outcome?.code).toBe(1);
		const decoded = decodeAnswer('hm_subcommand_run', outcome!.output, outcome!.code, {
			errorText: outcome!.error?.message,
			pluginName: 'harmont-probe'
		});
		expect(decoded.value).toBe(
			"plugin 'harmont-probe' panicked during 'hm_subcommand_run': the probe was asked to fail"
		);
	});

	it('hm_should_cancel answers 0 and the executor runs its step', async () => {
		const { session } = await openExample('harmont-probe', {}, undefined);
		keep(session);
		session.exportName = 'hm_executor_run';
		const outcome = await session.run(text('{"step": {"key": "lint"}}'));
		expect(JSON.parse(str(outcome!.output)).exit_code).toBe(0);
		expect(hostCalls(session.trace!.events)).toEqual([
			'hm_should_cancel',
			'hm_log',
			'hm_write_stdout'
		]);
	});
});

describe('StudioBrain host through Extism vars', () => {
	it('/hello reads setting:greeting and /stats asks query_entities, both traced', async () => {
		const { session } = await openExample('studiobrain-hello');
		keep(session);
		session.hostVars = hostVarsFor({ greeting: 'Ahoy' }, DEFAULT_REPLIES);
		session.exportName = 'handle_request';
		const hello = await session.run(
			text(JSON.stringify(requestFor({ method: 'GET', path: '/hello' })))
		);
		const decoded = decodeStudioBrain('handle_request', hello!.output, hello!.code);
		expect(decoded.bodyJson).toEqual({ message: 'Ahoy, world' });
		const stats = await session.run(
			text(JSON.stringify(requestFor({ method: 'GET', path: '/stats' })))
		);
		expect(decodeStudioBrain('handle_request', stats!.output, stats!.code).bodyJson).toEqual({
			entities: 42
		});
		expect(hostCalls(session.trace!.events)).toEqual([
			'host_call:query_entities',
			'var_set',
			'var_get'
		]);
	});

	it('without an answer in the table, host_result stays unset and the plugin sees nothing', async () => {
		const { session } = await openExample('studiobrain-hello');
		keep(session);
		session.hostVars = hostVarsFor({}, {});
		session.exportName = 'handle_request';
		const stats = await session.run(
			text(JSON.stringify(requestFor({ method: 'GET', path: '/stats' })))
		);
		expect(decodeStudioBrain('handle_request', stats!.output, stats!.code).bodyJson).toEqual({
			entities: null
		});
		const answer = session.trace!.events.find(
			(e): e is HostEvent => e.type === 'host' && e.name === 'host_call:query_entities'
		);
		expect(answer?.result).toMatch(/no answer for query_entities/);
	});
});
