// The Bifrost examples through the real worker: loaded raw (without the Extism SDK), called through their
// own allocator, run through the pipeline, and traced as malloc / write / call / packed / free.
import { describe, expect, it } from 'vitest';
import { decodeHook } from '../../src/lib/abi/bifrost/decode';
import { findHook, SAMPLES } from '../../src/lib/abi/bifrost/hooks';
import {
	runPipeline,
	sampleInput,
	type PipelineInput,
	type RawCaller
} from '../../src/lib/abi/bifrost/pipeline';
import { bifrostProfile } from '../../src/lib/abi/bifrost/profile';
import { detectRevision } from '../../src/lib/abi/bifrost/revisions';
import { fromBase64, utf8Decode } from '../../src/lib/bytes/encoding';
import type { HostEvent, TraceEvent } from '../../src/lib/trace/types';
import type { PluginSession } from '../../src/state/plugin-session.svelte';
import { disposedAfterEach, examples, openExample, str, text } from './helpers';

/** Sessions a test opened, disposed after it. */
const keep = disposedAfterEach();

async function open(name: string) {
	const opened = await openExample(name);
	keep(opened.session);
	expect(opened.loaded.ok, opened.loaded.ok ? '' : opened.loaded.error.message).toBe(true);
	return opened.session;
}

/** The pipeline's `call`, through the session's worker. */
function caller(session: PluginSession): RawCaller {
	return async (exportName, inputs) => {
		const outcome = await session.runRaw({ export: exportName, inputs });
		if (!outcome) throw new Error(`runRaw(${exportName}) did not start`);
		if (outcome.error || !outcome.result) return { error: outcome.error! };
		return outcome.result;
	};
}

function input(session: PluginSession, overrides: Partial<PipelineInput> = {}): PipelineInput {
	return {
		...sampleInput(),
		exports: session.info!.exports.filter((e) => e.kind === 'function').map((e) => e.name),
		...overrides
	};
}

const memoryEvents = (events: TraceEvent[]) =>
	events.filter((e): e is HostEvent => e.type === 'host' && e.ns === 'abi:memory');

/** Runs one hook with its prefilled arguments, as the Call panel would through the profile. */
async function callHook(session: PluginSession, hookName: string) {
	const encoded = bifrostProfile.encode(hookName, findHook(hookName)!.args, session.info!);
	if (!encoded.ok) throw new Error(encoded.error.message);
	const outcome = await session.runRaw(encoded.call, hookName);
	return { outcome: outcome!, decoded: bifrostProfile.decode(hookName, outcome!.result!) };
}

describe('Bifrost examples through the real worker', () => {
	it('lists every Bifrost example with its ABI', async () => {
		const bifrost = (await examples()).filter((e) => e.name.startsWith('bifrost-'));
		expect(bifrost.map((e) => e.name).sort()).toEqual([
			'bifrost-bad-json',
			'bifrost-bad-length',
			'bifrost-bad-pointer',
			'bifrost-hello',
			'bifrost-null',
			'bifrost-null-pointer',
			'bifrost-r3'
		]);
		expect(bifrost.every((e) => (e as { abi?: string }).abi === 'bifrost')).toBe(true);
	});

	it('bifrost-hello loads raw as revision 1; plain Run of get_name returns its name', async () => {
		const session = await open('bifrost-hello');
		expect(session.info?.flavor).toBe('raw');
		expect(session.wasi).toBe(false);
		expect(detectRevision(session.info!).revision).toBe(1);
		const outcome = await session.run(text(''));
		expect(outcome?.error).toBeNull();
		expect(str(outcome!.output)).toBe('hello-world');
	});

	it('bifrost-hello with an API key: the request goes through every hook', async () => {
		const session = await open('bifrost-hello');
		const run = await runPipeline(1, input(session), caller(session));
		expect(run.stopped).toBeNull();
		expect(run.steps.map((s) => [s.hook, s.status])).toEqual([
			['get_name', 'ok'],
			['init', 'ok'],
			['r1.http_transport_intercept', 'ok'],
			['r1.pre_hook', 'ok'],
			['provider', 'ok'],
			['r1.post_hook', 'ok'],
			['cleanup', 'ok']
		]);
		expect((run.final.request as { input: unknown[] }).input[0]).toEqual({
			role: 'system',
			content: 'The hello-world plugin says hello.'
		});
		expect(session.history.length).toBe(6);
	});

	it('bifrost-hello without an API key: http_transport_intercept answers 401 itself', async () => {
		const session = await open('bifrost-hello');
		const httpRequest = structuredClone(SAMPLES.httpRequest) as unknown as {
			headers: Record<string, string>;
		};
		delete httpRequest.headers.authorization;
		const run = await runPipeline(
			1,
			input(session, { httpRequest: httpRequest as unknown as Record<string, unknown> }),
			caller(session)
		);
		expect(run.stopped).toEqual({
			hook: 'r1.http_transport_intercept',
			reason: 'It answered with a response of its own.'
		});
		expect(run.steps.map((s) => s.hook)).not.toContain('provider');
		const response = run.final.httpResponse as { status_code: number; body: string };
		expect(response.status_code).toBe(401);
		const body = fromBase64(response.body);
		expect(body.ok && JSON.parse(utf8Decode(body.bytes))).toEqual({
			error: {
				type: 'authentication_error',
				message: 'missing API key: send an authorization header'
			}
		});
	});

	it('traces the memory protocol: malloc, write, call, packed, free', async () => {
		const session = await open('bifrost-hello');
		const { outcome, decoded } = await callHook(session, 'r1.pre_hook');
		expect(outcome.error).toBeNull();
		expect(decoded.status).toBe('value');
		const events = session.trace!.events;
		expect(events[0]).toMatchObject({ type: 'start', export: 'pre_hook', hook: 'r1.pre_hook' });
		expect(memoryEvents(events).map((e) => e.name)).toEqual([
			'malloc',
			'write',
			'malloc',
			'write',
			'call',
			'packed',
			'free',
			'free',
			'free'
		]);
		const packed = memoryEvents(events).find((e) => e.name === 'packed')!;
		expect(packed.args.value).toMatch(/^0x[0-9a-f]{16} → ptr 0x[0-9a-f]{8} \(\d+\), len/);
		expect(events.at(-1)).toMatchObject({ type: 'end', status: 'ok' });
	});

	it('bifrost-r3: context flows through every hook; hello-mock short-circuits before the provider', async () => {
		const session = await open('bifrost-r3');
		expect(detectRevision(session.info!)).toMatchObject({
			revision: 3,
			allocator: { malloc: 'malloc', free: 'free', freeTakesSize: true }
		});
		const run = await runPipeline(3, input(session), caller(session));
		expect(run.stopped).toBeNull();
		expect(run.final.context).toMatchObject({
			http_pre_hook: 'hello-r3',
			plugin_processed: true,
			post_processed: true,
			http_post_hook: 'seen'
		});
		const mocked = await runPipeline(
			3,
			input(session, { request: { ...SAMPLES.request, model: 'hello-mock' } }),
			caller(session)
		);
		expect(mocked.steps.find((s) => s.hook === 'provider')?.status).toBe('skipped');
		expect(mocked.final.response).toMatchObject({ chat_response: { id: 'mock-123' } });
	});
});

describe('bad Bifrost fixtures through the real worker', () => {
	it('bifrost-bad-pointer: the error names the export and the pointer; the trace flags it', async () => {
		const session = await open('bifrost-bad-pointer');
		const { decoded } = await callHook(session, 'pre_hook');
		expect(decoded.status).toBe('error');
		expect(String(decoded.value)).toMatch(
			/^Export "pre_hook" returned pointer 0xffff0000 \(4294901760\), past the end of memory/
		);
		const packed = memoryEvents(session.trace!.events).find((e) => e.name === 'packed');
		expect(packed?.error).toMatch(/^pointer 0xffff0000 is past the end of memory/);
		// Plain Run reports the same answer as an error too.
		const run = await session.run(text(JSON.stringify(findHook('pre_hook')!.args)));
		expect(run?.error).toMatchObject({ kind: 'plugin' });
		expect(run?.error?.message).toMatch(/returned pointer 0xffff0000 \(4294901760\)/);
	});

	it('bifrost-null-pointer: pointer 0 with a length is a named null pointer, in the hook call and in Run', async () => {
		const session = await open('bifrost-null-pointer');
		const { outcome, decoded } = await callHook(session, 'pre_hook');
		expect(outcome.result).toMatchObject({ ptr: 0, len: 16, bytes: null });
		expect(decoded.status).toBe('error');
		expect(String(decoded.value)).toMatch(
			/^Null pointer: export "pre_hook" returned pointer 0 with length 0x00000010 \(16\)/
		);
		const packed = memoryEvents(session.trace!.events).find((e) => e.name === 'packed');
		expect(packed?.error).toMatch(/^null pointer: pointer 0 with length 0x00000010/);
		const run = await session.run(text(JSON.stringify(findHook('pre_hook')!.args)));
		expect(run?.error).toMatchObject({ kind: 'plugin' });
		expect(run?.error?.message).toMatch(/^Null pointer: export "pre_hook"/);
		expect(run?.output.byteLength).toBe(0);
	});

	it('bifrost-bad-length: the error names the length and where the answer would end', async () => {
		const session = await open('bifrost-bad-length');
		const { decoded } = await callHook(session, 'pre_hook');
		expect(String(decoded.value)).toMatch(
			/^Export "pre_hook" returned length 0x7fffffff \(2147483647\) at pointer 0x[0-9a-f]{8} \(\d+\): the answer would end at byte 0x[0-9a-f]{8} \(\d+\), past the end of memory/
		);
	});

	it('bifrost-bad-json: the error quotes the start of the bytes', async () => {
		const session = await open('bifrost-bad-json');
		const { decoded } = await callHook(session, 'pre_hook');
		expect(String(decoded.value)).toMatch(
			/^Export "pre_hook" returned 86 bytes at 0x[0-9a-f]{8} \(\d+\) that are not JSON; they start with "\{\\"context\\":\{\},/
		);
	});

	it('bifrost-null: 0 is "nothing" and the pipeline carries on without the hook', async () => {
		const session = await open('bifrost-null');
		const { decoded } = await callHook(session, 'pre_hook');
		expect(decoded.status).toBe('skip');
		expect(decoded.steps.at(-1)?.detail).toMatch(
			/^Export "pre_hook" returned 0 \(0x0000000000000000\)/
		);
		const pre = findHook('pre_hook')!;
		const direct = await session.runRaw({ export: 'pre_hook', inputs: [text('{}')] });
		expect(decodeHook(pre, direct!.result!).action).toBe('continue');
		const run = await runPipeline(3, input(session), caller(session));
		expect(run.steps.find((s) => s.hook === 'pre_hook')?.decoded?.status).toBe('skip');
		expect(run.steps.find((s) => s.hook === 'provider')?.status).toBe('ok');
	});
});
