import { describe, expect, it } from 'vitest';
import { SAMPLES } from '../../src/lib/abi/bifrost/hooks';
import { pack, packedString } from '../../src/lib/abi/raw/packing';
import {
	httpResponseFor,
	runPipeline,
	sampleInput,
	type RawCaller
} from '../../src/lib/abi/bifrost/pipeline';
import type { RawResult } from '../../src/lib/abi/profile';
import { fromBase64, toBase64, utf8Decode, utf8Encode } from '../../src/lib/bytes/encoding';
import type { PlaygroundError } from '../../src/lib/errors';

type Answer = unknown | { code: number } | { error: PlaygroundError } | { raw: RawResult };
type Plugin = Record<string, Answer | ((inputs: unknown[]) => Answer)>;

/** A fake `call`: answers from a table keyed by export, and records what each export received. */
function fake(plugin: Plugin) {
	const calls: { export: string; inputs: unknown[] }[] = [];
	const call: RawCaller = async (exportName, inputs) => {
		const decoded = inputs.map((b) => JSON.parse(utf8Decode(b)));
		calls.push({ export: exportName, inputs: decoded });
		const entry = plugin[exportName];
		if (entry === undefined) throw new Error(`unexpected call to ${exportName}`);
		const answer = typeof entry === 'function' ? entry(decoded) : entry;
		if (answer && typeof answer === 'object') {
			if (
				'error' in answer &&
				typeof answer.error === 'object' &&
				answer.error &&
				'kind' in answer.error
			) {
				return { error: answer.error as PlaygroundError };
			}
			if ('code' in answer)
				return { packed: '0', ptr: 0, len: 0, bytes: null, code: Number(answer.code) };
			if ('raw' in answer) return answer.raw as RawResult;
		}
		const bytes = utf8Encode(typeof answer === 'string' ? answer : JSON.stringify(answer));
		return {
			packed: packedString(pack(4096, bytes.length)),
			ptr: 4096,
			len: bytes.length,
			bytes,
			export: exportName
		};
	};
	return { call, calls, exported: () => calls.map((c) => c.export) };
}

const input = sampleInput();

const UNAUTHORIZED = {
	status_code: 401,
	headers: { 'Content-Type': 'application/json' },
	body: toBase64(utf8Encode('{"error":"missing API key"}'))
};

const lifecycle = { get_name: 'hello-world', init: { code: 0 }, cleanup: { code: 0 } };

describe('revision 1 pipeline', () => {
	it('runs every stage in order and threads the rewritten request and response through', async () => {
		const rewritten = { ...SAMPLES.request, model: 'gpt-4o' };
		const marked = { chat_response: { id: 'marked' } };
		const f = fake({
			...lifecycle,
			http_transport_intercept: { response: null, error: '' },
			pre_hook: { request: rewritten, short_circuit: null, error: '' },
			post_hook: { response: marked, bifrost_error: null, error: '' }
		});
		const run = await runPipeline(1, input, f.call);
		expect(run.steps.map((s) => [s.hook, s.status])).toEqual([
			['get_name', 'ok'],
			['init', 'ok'],
			['r1.http_transport_intercept', 'ok'],
			['r1.pre_hook', 'ok'],
			['provider', 'ok'],
			['r1.post_hook', 'ok'],
			['cleanup', 'ok']
		]);
		expect(run.name).toBe('hello-world');
		expect(run.stopped).toBeNull();
		expect(run.warnings).toEqual([]);
		// Each revision 1 hook gets its JSON values as separate inputs.
		expect(f.calls[1]).toEqual({ export: 'init', inputs: [SAMPLES.config] });
		expect(f.calls[2]?.inputs).toEqual([SAMPLES.context, SAMPLES.httpRequest]);
		expect(f.calls[3]?.inputs).toEqual([SAMPLES.context, SAMPLES.request]);
		expect(f.calls[4]?.inputs).toEqual([SAMPLES.context, SAMPLES.response, null]);
		expect(run.steps[4]?.input).toEqual([rewritten]);
		expect(run.final).toMatchObject({ request: rewritten, response: marked, error: null });
	});

	it('a transport short-circuit ends the request before pre_hook and the provider; cleanup still runs', async () => {
		const f = fake({
			...lifecycle,
			http_transport_intercept: { response: UNAUTHORIZED, error: '' }
		});
		const run = await runPipeline(1, input, f.call);
		expect(f.exported()).toEqual(['get_name', 'init', 'http_transport_intercept', 'cleanup']);
		expect(run.steps.map((s) => s.hook)).not.toContain('provider');
		expect(run.steps[2]?.status).toBe('short-circuit');
		expect(run.stopped).toEqual({
			hook: 'r1.http_transport_intercept',
			reason: 'It answered with a response of its own.'
		});
		expect(run.final.httpResponse).toEqual(UNAUTHORIZED);
	});

	it('a pre_hook short-circuit skips only the provider: post_hook sees its error', async () => {
		const limited = { status_code: 429, error: { message: 'Rate limit exceeded' } };
		const f = fake({
			...lifecycle,
			http_transport_intercept: { response: null, error: '' },
			pre_hook: { request: null, short_circuit: { error: limited }, error: '' },
			post_hook: (inputs: unknown[]) => ({ response: null, bifrost_error: inputs[2], error: '' })
		});
		const run = await runPipeline(1, input, f.call);
		expect(run.steps.find((s) => s.hook === 'provider')).toMatchObject({
			status: 'skipped',
			note: 'Not called: pre_hook short-circuited with an error.'
		});
		expect(f.calls.find((c) => c.export === 'post_hook')?.inputs).toEqual([
			SAMPLES.context,
			null,
			limited
		]);
		expect(run.stopped).toBeNull();
		expect(run.final).toMatchObject({ response: null, error: limited });
	});

	it('a post_hook can recover from an error with a response', async () => {
		const f = fake({
			...lifecycle,
			http_transport_intercept: { response: null, error: '' },
			pre_hook: { request: null, short_circuit: null, error: '' },
			post_hook: {
				response: { chat_response: { id: 'recovered' } },
				bifrost_error: null,
				error: ''
			}
		});
		const run = await runPipeline(
			1,
			{ ...input, provider: { response: null, error: { status_code: 500 } } },
			f.call
		);
		expect(run.final).toMatchObject({
			response: { chat_response: { id: 'recovered' } },
			error: null
		});
		expect(run.final.request).toEqual(SAMPLES.request);
	});

	it('a failing pre_hook is logged and the request carries on unchanged; a failing intercept ends it', async () => {
		const warned = await runPipeline(
			1,
			input,
			fake({
				...lifecycle,
				http_transport_intercept: { response: null, error: '' },
				pre_hook: {
					request: { model: 'ignored' },
					short_circuit: null,
					error: 'quota lookup failed'
				},
				post_hook: { response: null, bifrost_error: null, error: '' }
			}).call
		);
		expect(warned.warnings).toEqual([
			'Export "pre_hook" reported an error: "quota lookup failed".'
		]);
		expect(warned.steps.find((s) => s.hook === 'r1.pre_hook')?.status).toBe('failed');
		expect(warned.final.request).toEqual(SAMPLES.request);
		expect(warned.final.response).toEqual(SAMPLES.response);

		const f = fake({ ...lifecycle, http_transport_intercept: { response: null, error: 'denied' } });
		const stopped = await runPipeline(1, input, f.call);
		expect(stopped.stopped).toEqual({
			hook: 'r1.http_transport_intercept',
			reason: 'Export "http_transport_intercept" reported an error: "denied".'
		});
		expect(f.exported().at(-1)).toBe('cleanup');
	});

	it('init failing means the plugin never loads: no hook and no cleanup', async () => {
		const f = fake({ get_name: 'x', init: { code: 1 } });
		const run = await runPipeline(1, input, f.call);
		expect(f.exported()).toEqual(['get_name', 'init']);
		expect(run.stopped?.hook).toBe('init');
		expect(run.stopped?.reason).toBe('Export "init" returned 1 (0x00000001 (1)); 0 means success.');
	});

	it('skips hooks the module does not export, and cannot load without get_name', async () => {
		const f = fake({ ...lifecycle, pre_hook: { request: null, short_circuit: null, error: '' } });
		const run = await runPipeline(
			1,
			{ ...input, exports: ['get_name', 'pre_hook', 'malloc'] },
			f.call
		);
		expect(f.exported()).toEqual(['get_name', 'pre_hook']);
		expect(run.steps.filter((s) => s.status === 'skipped').map((s) => s.hook)).toEqual([
			'init',
			'r1.http_transport_intercept',
			'r1.post_hook',
			'cleanup'
		]);
		expect(run.steps[1]?.note).toBe('The module does not export init: Bifrost skips this hook.');

		const nameless = await runPipeline(1, { ...input, exports: ['pre_hook'] }, fake({}).call);
		expect(nameless.stopped).toEqual({
			hook: 'get_name',
			reason: 'The module does not export get_name, which every Bifrost plugin must.'
		});
	});

	it('a trap ends the request when the hook’s failure would, and is only logged otherwise', async () => {
		const trap: PlaygroundError = {
			kind: 'trap',
			message: 'Export "pre_hook" trapped: unreachable.',
			hint: ''
		};
		const f = fake({
			...lifecycle,
			http_transport_intercept: { response: null, error: '' },
			pre_hook: { error: trap },
			post_hook: { response: null, bifrost_error: null, error: '' }
		});
		const run = await runPipeline(1, input, f.call);
		expect(run.warnings).toEqual([trap.message]);
		expect(run.steps.find((s) => s.hook === 'r1.pre_hook')).toMatchObject({
			status: 'failed',
			error: trap
		});
		expect(run.stopped).toBeNull();

		const timeout: PlaygroundError = { kind: 'timeout', message: 'did not finish', hint: '' };
		const timed = await runPipeline(
			1,
			input,
			fake({
				...lifecycle,
				http_transport_intercept: { response: null, error: '' },
				pre_hook: { error: timeout }
			}).call
		);
		expect(timed.stopped).toEqual({ hook: 'r1.pre_hook', reason: 'did not finish' });
	});

	it('a bad pointer is a failed step naming the export and the value', async () => {
		const bad: RawResult = {
			packed: packedString(pack(0xffff_0000, 8)),
			ptr: 0xffff_0000,
			len: 8,
			bytes: null,
			memoryBytes: 65536,
			export: 'http_transport_intercept'
		};
		const run = await runPipeline(
			1,
			input,
			fake({ ...lifecycle, http_transport_intercept: { raw: bad } }).call
		);
		expect(run.stopped?.reason).toMatch(
			/^Export "http_transport_intercept" returned pointer 0xffff0000 \(4294901760\)/
		);
	});
});

describe('revision 3 pipeline', () => {
	const echoContext = (key: string) => (inputs: unknown[]) => {
		const obj = inputs[0] as { context: Record<string, unknown> };
		return { context: { ...obj.context, [key]: true } };
	};

	it('maps http_pre_hook → pre_hook → provider → post_hook → http_post_hook, merging context', async () => {
		const f = fake({
			...lifecycle,
			http_pre_hook: (i: unknown[]) => ({
				...echoContext('http_pre')(i),
				request: null,
				response: null,
				has_response: false,
				error: ''
			}),
			pre_hook: (i: unknown[]) => ({
				...echoContext('pre')(i),
				request: null,
				short_circuit: null,
				has_short_circuit: false,
				error: ''
			}),
			post_hook: (i: unknown[]) => ({
				...echoContext('post')(i),
				response: null,
				error: null,
				has_error: false,
				hook_error: ''
			}),
			http_post_hook: (i: unknown[]) => ({ ...echoContext('http_post')(i), error: '' })
		});
		const run = await runPipeline(3, input, f.call);
		expect(run.steps.map((s) => s.hook)).toEqual([
			'get_name',
			'init',
			'http_pre_hook',
			'pre_hook',
			'provider',
			'post_hook',
			'http_post_hook',
			'cleanup'
		]);
		expect(f.calls[2]?.inputs).toEqual([
			{ context: SAMPLES.context, request: SAMPLES.httpRequest }
		]);
		expect(f.calls[3]?.inputs).toEqual([
			{ context: { ...SAMPLES.context, http_pre: true }, request: SAMPLES.request }
		]);
		expect(f.calls[4]?.inputs).toEqual([
			{
				context: { ...SAMPLES.context, http_pre: true, pre: true },
				response: SAMPLES.response,
				error: {},
				has_error: false
			}
		]);
		const httpPost = f.calls[5]?.inputs[0] as { response: { status_code: number; body: string } };
		expect(httpPost.response.status_code).toBe(200);
		const body = fromBase64(httpPost.response.body);
		expect(body.ok && JSON.parse(utf8Decode(body.bytes))).toEqual(SAMPLES.response.chat_response);
		expect(run.final.context).toEqual({
			...SAMPLES.context,
			http_pre: true,
			pre: true,
			post: true,
			http_post: true
		});
		expect(run.final.httpResponse).toEqual(httpResponseFor(SAMPLES.response, null));
	});

	it('has_response in http_pre_hook ends the request', async () => {
		const f = fake({
			...lifecycle,
			http_pre_hook: {
				context: {},
				request: null,
				response: UNAUTHORIZED,
				has_response: true,
				error: ''
			}
		});
		const run = await runPipeline(3, input, f.call);
		expect(f.exported()).toEqual(['get_name', 'init', 'http_pre_hook', 'cleanup']);
		expect(run.stopped?.hook).toBe('http_pre_hook');
		expect(run.final.httpResponse).toEqual(UNAUTHORIZED);
	});

	it('a pre_hook short-circuit skips the provider; post hooks still run with its response', async () => {
		const mock = { chat_response: { id: 'mock-123', model: 'gpt-4' } };
		const f = fake({
			...lifecycle,
			http_pre_hook: { context: {}, request: null, response: null, has_response: false, error: '' },
			pre_hook: {
				context: {},
				request: null,
				short_circuit: { response: mock },
				has_short_circuit: true,
				error: ''
			},
			post_hook: { context: {}, response: null, error: null, has_error: false, hook_error: '' },
			http_post_hook: { context: {}, error: '' }
		});
		const run = await runPipeline(3, input, f.call);
		expect(run.steps.find((s) => s.hook === 'pre_hook')?.status).toBe('short-circuit');
		expect(run.steps.find((s) => s.hook === 'provider')?.status).toBe('skipped');
		expect(f.calls.find((c) => c.export === 'post_hook')?.inputs[0]).toMatchObject({
			response: mock,
			has_error: false
		});
		expect(run.final.response).toEqual(mock);
		expect(run.stopped).toBeNull();
	});

	it('an http_post_hook error replaces the response and ends the request', async () => {
		const f = fake({
			...lifecycle,
			http_pre_hook: { context: {}, has_response: false, error: '' },
			pre_hook: { context: {}, has_short_circuit: false, error: '' },
			post_hook: { context: {}, has_error: false, hook_error: '' },
			http_post_hook: { context: {}, error: 'blocked by policy' }
		});
		const run = await runPipeline(3, input, f.call);
		expect(run.stopped).toEqual({
			hook: 'http_post_hook',
			reason: 'Export "http_post_hook" reported an error: "blocked by policy".'
		});
		expect(run.final.httpResponse).toBeNull();
	});

	it('revision 2 calls http_intercept and has no http_post_hook', async () => {
		const f = fake({
			...lifecycle,
			http_intercept: { context: {}, has_response: false, error: '' },
			pre_hook: { context: {}, has_short_circuit: false, error: '' },
			post_hook: { context: {}, has_error: false, hook_error: '' }
		});
		await runPipeline(2, input, f.call);
		expect(f.exported()).toEqual([
			'get_name',
			'init',
			'http_intercept',
			'pre_hook',
			'post_hook',
			'cleanup'
		]);
	});

	it('builds the HTTP response from an error with its status', () => {
		const built = httpResponseFor(null, { status_code: 429, error: { message: 'slow down' } });
		expect(built.status_code).toBe(429);
		expect(httpResponseFor(null, { error: {} }).status_code).toBe(500);
	});
});
