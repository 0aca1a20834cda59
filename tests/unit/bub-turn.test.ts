// The turn simulator: Bub's stage order, newest-registered plugin first, first result vs all run, skips,
// and failures reported to on_error; with plugins faked as functions of the decoded envelope.
import { describe, expect, it } from 'vitest';
import { pyLoads } from '../../src/lib/abi/bub/python';
import {
	runTurn,
	type CallExport,
	type CallOutcome,
	type TurnNode,
	type TurnPlugin
} from '../../src/lib/abi/bub/turn';
import { utf8Decode, utf8Encode } from '../../src/lib/bytes/encoding';

interface Request {
	abi_version: string;
	hook: string;
	args: Record<string, unknown>;
}

type Export = (request: Request) => string | CallOutcome;

/** Fake plugins: each export answers from the decoded envelope; every call is logged. */
function fakeCalls(impls: Record<string, Record<string, Export>>) {
	const log: Array<{ plugin: string; hook: string; export: string; request: Request }> = [];
	const call: CallExport = async (plugin, hook, exportName, envelope) => {
		const parsed = pyLoads(utf8Decode(envelope));
		if (!parsed.ok) throw new Error(parsed.message);
		const request = parsed.value as Request;
		log.push({ plugin, hook, export: exportName, request });
		const impl = impls[plugin]?.[exportName];
		if (impl === undefined) throw new Error(`no fake for ${plugin}.${exportName}`);
		const answer = impl(request);
		return typeof answer === 'string' ? { output: utf8Encode(answer), code: 0 } : answer;
	};
	return { call, log };
}

const value = (v: unknown) => JSON.stringify({ value: v });
const SKIP = '{"skip": true}';

function stages(root: TurnNode): string[] {
	return root.children.map((stage) => stage.hook);
}

function stage(root: TurnNode, hook: string, nth = 0): TurnNode {
	const found = root.children.filter((s) => s.hook === hook)[nth];
	if (found === undefined) throw new Error(`no ${hook} stage`);
	return found;
}

const PROMPT: TurnPlugin = { name: 'prompt', order: 0, hooks: { build_prompt: 'build_prompt' } };
const MODEL: TurnPlugin = { name: 'model', order: 1, hooks: { run_model: 'run_model' } };
const promptImpl = {
	build_prompt: (r: Request) =>
		value(`[prompt:${r.args.session_id}] ${(r.args.message as { content: string }).content}`)
};
const modelImpl = {
	run_model: (r: Request) => value(`[model:${r.args.session_id}] ${r.args.prompt}`)
};

describe('runTurn', () => {
	it('splits build_prompt and run_model over two plugins, in that order', async () => {
		const { call, log } = fakeCalls({ prompt: promptImpl, model: modelImpl });
		const result = await runTurn(
			[PROMPT, MODEL],
			{ content: 'hello from bub', channel: 'cli', chat_id: 'example' },
			{},
			call
		);
		expect(result.error).toBeNull();
		expect(result.sessionId).toBe('cli:example');
		expect(result.prompt).toBe('[prompt:cli:example] hello from bub');
		expect(result.modelOutput).toBe('[model:cli:example] [prompt:cli:example] hello from bub');
		expect(log.map((c) => `${c.plugin}.${c.export}`)).toEqual([
			'prompt.build_prompt',
			'model.run_model'
		]);
		expect(stages(result.root)).toEqual([
			'resolve_session',
			'load_state',
			'build_prompt',
			'system_prompt',
			'run_model',
			'save_state',
			'render_outbound',
			'dispatch_outbound'
		]);
		// The message carries the resolved session from then on; the state goes out without runtime keys.
		expect(log[0]?.request.args).toEqual({
			message: {
				content: 'hello from bub',
				channel: 'cli',
				chat_id: 'example',
				session_id: 'cli:example'
			},
			session_id: 'cli:example',
			state: {}
		});
		expect(result.state).toMatchObject({ _runtime_workspace: '/workspace' });
		expect(stage(result.root, 'resolve_session').note).toContain('"<channel>:<chat_id>"');
		expect(stage(result.root, 'run_model')).toMatchObject({
			note: 'first result: model answered',
			passedOn: '[model:cli:example] [prompt:cli:example] hello from bub'
		});
		// No render_outbound plugin: Bub sends the model output itself.
		expect(result.outbounds).toEqual([
			{
				content: '[model:cli:example] [prompt:cli:example] hello from bub',
				session_id: 'cli:example',
				channel: 'cli',
				chat_id: 'example'
			}
		]);
	});

	it('asks the newest-registered plugin first; a skip passes to the next, and later ones are not called', async () => {
		const plugins: TurnPlugin[] = [
			{ name: 'old', order: 0, hooks: { run_model: 'run_model' } },
			{ name: 'middle', order: 1, hooks: { run_model: 'run_model' } },
			{ name: 'new', order: 2, hooks: { run_model: 'run_model' } }
		];
		const { call, log } = fakeCalls({
			new: { run_model: () => SKIP },
			middle: { run_model: () => 'plain text answer' },
			old: { run_model: () => value('never') }
		});
		const result = await runTurn(plugins, { content: 'hi' }, {}, call);
		expect(log.map((c) => c.plugin)).toEqual(['new', 'middle']);
		expect(result.modelOutput).toBe('plain text answer');
		const calls = stage(result.root, 'run_model').children;
		expect(calls.map((c) => [c.plugin, c.skipped])).toEqual([
			['new', 'answered skip: Bub moves on'],
			['middle', undefined],
			['old', 'not called: middle already answered (first result wins)']
		]);
		expect(calls[0]?.decoded?.status).toBe('skip');
		expect(calls[1]?.passedOn).toBe('plain text answer');
	});

	it('skips a bound export the module lacks, without calling it', async () => {
		const { call, log } = fakeCalls({ prompt: promptImpl });
		const missing: TurnPlugin = { ...MODEL, exports: ['something_else'] };
		const result = await runTurn([PROMPT, missing], { content: 'hi' }, {}, call);
		expect(log.map((c) => c.hook)).toEqual(['build_prompt']);
		const node = stage(result.root, 'run_model').children[0];
		expect(node?.skipped).toBe(
			'the module has no export "run_model": bub-extism skips the hook without a call'
		);
		// No model answered: Bub reports it and uses the prompt as the output.
		expect(result.modelOutput).toBe('[prompt:default:default] hi');
		expect(stages(result.root)).toContain('on_error');
	});

	it('ends the turn on an error answer, still saves state, and tells on_error (whose failures are swallowed)', async () => {
		const observer: TurnPlugin = {
			name: 'observer',
			order: 2,
			hooks: { on_error: 'on_error', save_state: 'save_state' }
		};
		const broken: TurnPlugin = {
			name: 'broken-observer',
			order: 3,
			hooks: { on_error: 'on_error' }
		};
		const { call, log } = fakeCalls({
			prompt: promptImpl,
			model: { run_model: () => '{"error": {"message": "missing api key"}}' },
			observer: { on_error: () => '', save_state: () => '' },
			'broken-observer': {
				on_error: () => ({
					output: new Uint8Array(0),
					code: null,
					error: { kind: 'trap', message: 'unreachable' }
				})
			}
		});
		const result = await runTurn(
			[PROMPT, MODEL, observer, broken],
			{ content: 'hi', channel: 'cli', chat_id: 'local' },
			{},
			call
		);
		expect(result.error).toEqual({ type: 'ExtismHookError', message: 'missing api key' });
		expect(result.modelOutput).toBeNull();
		expect(stages(result.root)).toEqual([
			'resolve_session',
			'load_state',
			'build_prompt',
			'system_prompt',
			'run_model',
			'save_state',
			'on_error'
		]);
		expect(stage(result.root, 'run_model').error).toBe('ExtismHookError: missing api key');
		const save = log.find((c) => c.hook === 'save_state');
		expect(save?.request.args.model_output).toBe('');
		const onError = log.filter((c) => c.hook === 'on_error');
		expect(onError.map((c) => c.plugin)).toEqual(['broken-observer', 'observer']);
		expect(onError[1]?.request.args).toEqual({
			stage: 'turn',
			error: { type: 'ExtismHookError', message: 'missing api key' },
			message: { content: 'hi', channel: 'cli', chat_id: 'local', session_id: 'cli:local' }
		});
		const brokenNode = stage(result.root, 'on_error').children[0];
		expect(brokenNode).toMatchObject({
			error: 'Error: unreachable',
			note: 'its own failure is logged and swallowed'
		});
		expect(result.root.error).toBe('ExtismHookError: missing api key');
	});

	it('fails the turn on a value the hook rejects', async () => {
		const { call } = fakeCalls({ prompt: { build_prompt: () => value(42) } });
		const result = await runTurn([PROMPT], { content: 'hi' }, {}, call);
		expect(result.error).toEqual({
			type: 'RuntimeError',
			message: 'Extism build_prompt must return a string or content-part list'
		});
		expect(stages(result.root)).toEqual([
			'resolve_session',
			'load_state',
			'build_prompt',
			'on_error'
		]);
	});

	it('treats a failed call as extism.Error', async () => {
		const { call } = fakeCalls({
			model: {
				run_model: () => ({
					output: new Uint8Array(0),
					code: 1,
					error: { kind: 'plugin', message: 'no key' }
				})
			}
		});
		const result = await runTurn([MODEL], { content: 'hi' }, {}, call);
		expect(result.error).toEqual({ type: 'Error', message: 'no key' });
		const rejecting: CallExport = () => Promise.reject(new Error('worker gone'));
		expect((await runTurn([MODEL], { content: 'hi' }, {}, rejecting)).error).toEqual({
			type: 'Error',
			message: 'worker gone'
		});
	});

	it('uses resolve_session, merges load_state oldest first and joins system prompts oldest first', async () => {
		const a: TurnPlugin = {
			name: 'a',
			order: 0,
			hooks: {
				load_state: 'load_state',
				system_prompt: 'system_prompt',
				resolve_session: 'resolve_session'
			}
		};
		const b: TurnPlugin = {
			name: 'b',
			order: 1,
			hooks: {
				load_state: 'load_state',
				system_prompt: 'system_prompt',
				build_prompt: 'build_prompt'
			}
		};
		const { call, log } = fakeCalls({
			a: {
				resolve_session: () => value(7),
				load_state: () => value({ model: 'a-model', turns: 1 }),
				system_prompt: () => 'Be brief.'
			},
			b: {
				load_state: () => value({ model: 'b-model' }),
				system_prompt: () => value('Answer in Portuguese.'),
				build_prompt: (r) => value(JSON.stringify(r.args.state))
			}
		});
		const result = await runTurn([a, b], { content: 'hi' }, { workspace: '/home/ada' }, call);
		expect(result.sessionId).toBe('7');
		expect(result.state).toEqual({
			_runtime_workspace: '/home/ada',
			_runtime_steering_inbox: null,
			model: 'b-model',
			turns: 1
		});
		expect(result.prompt).toBe('{"model":"b-model","turns":1}');
		expect(result.systemPrompt).toBe('Be brief.\n\nAnswer in Portuguese.');
		expect(log.filter((c) => c.hook === 'load_state').map((c) => c.plugin)).toEqual(['b', 'a']);
	});

	it('falls back to the message content for an empty prompt', async () => {
		const { call } = fakeCalls({ prompt: { build_prompt: () => value('') }, model: modelImpl });
		const result = await runTurn([PROMPT, MODEL], { content: 'raw', session_id: 's1' }, {}, call);
		expect(result.sessionId).toBe('s1');
		expect(result.prompt).toBe('raw');
		expect(stage(result.root, 'build_prompt').note).toBe(
			'an empty prompt: Bub uses the message content'
		);
	});

	it('concatenates render_outbound lists newest first and dispatches each message', async () => {
		const r1: TurnPlugin = {
			name: 'r1',
			order: 0,
			hooks: { render_outbound: 'render', dispatch_outbound: 'send' }
		};
		const r2: TurnPlugin = { name: 'r2', order: 1, hooks: { render_outbound: 'render' } };
		const { call, log } = fakeCalls({
			r1: { render: () => value([{ content: 'one' }, { content: 'two' }]), send: () => 'true' },
			r2: { render: () => value({ content: 'zero' }) }
		});
		const result = await runTurn([r1, r2], { content: 'hi' }, {}, call);
		expect(result.outbounds).toEqual([{ content: 'zero' }, { content: 'one' }, { content: 'two' }]);
		expect(
			log.filter((c) => c.hook === 'dispatch_outbound').map((c) => c.request.args.message)
		).toEqual(result.outbounds);
		expect(result.root.children.filter((s) => s.hook === 'dispatch_outbound')).toHaveLength(3);
	});

	it('streams: joins text deltas and reports error events to on_error', async () => {
		const streamer: TurnPlugin = {
			name: 'streamer',
			order: 0,
			hooks: { run_model_stream: 'stream', on_error: 'on_error' }
		};
		const events = [
			{ kind: 'text', data: { delta: 'Hel' } },
			{ kind: 'error', data: { kind: 'provider', message: 'rate limited' } },
			{ kind: 'text', data: { delta: 'lo' } }
		];
		const { call, log } = fakeCalls({
			streamer: { stream: () => value({ events, usage: { output_tokens: 2 } }), on_error: () => '' }
		});
		const result = await runTurn([streamer], { content: 'hi' }, { stream: true }, call);
		expect(result.error).toBeNull();
		expect(result.modelOutput).toBe('Hello');
		expect(log.find((c) => c.hook === 'on_error')?.request.args).toMatchObject({
			stage: 'run_model',
			error: { type: 'BubError', message: '[provider] rate limited' }
		});
	});

	it('streams: an error event Bub cannot turn into a BubError ends the turn', async () => {
		const streamer: TurnPlugin = {
			name: 'streamer',
			order: 0,
			hooks: { run_model_stream: 'stream' }
		};
		const { call } = fakeCalls({
			streamer: { stream: () => value([{ kind: 'error', data: { kind: 'bogus', message: 'x' } }]) }
		});
		const result = await runTurn([streamer], { content: 'hi' }, { stream: true }, call);
		expect(result.error).toEqual({
			type: 'ValueError',
			message: "'bogus' is not a valid ErrorKind"
		});
	});

	it('picks the model hook from the newest plugin implementing either', async () => {
		const streamer: TurnPlugin = {
			name: 'streamer',
			order: 2,
			hooks: { run_model_stream: 'stream' }
		};
		const { call } = fakeCalls({
			streamer: { stream: () => value([{ kind: 'text', data: { delta: 'streamed' } }]) },
			model: modelImpl
		});
		// Not streaming, but the newest model plugin only streams: Bub joins its text deltas.
		const text = await runTurn([MODEL, streamer], { content: 'hi' }, {}, call);
		expect(text.modelOutput).toBe('streamed');
		// Streaming, but the newest model plugin only has run_model: its answer becomes one text event.
		const streamed = await runTurn([MODEL], { content: 'hi' }, { stream: true }, call);
		expect(streamed.modelOutput).toBe('[model:default:default] hi');
	});

	it('fails like Bub when a non-streaming turn gets no stream', async () => {
		const streamer: TurnPlugin = {
			name: 'streamer',
			order: 0,
			hooks: { run_model_stream: 'stream' }
		};
		const { call } = fakeCalls({ streamer: { stream: () => SKIP } });
		const result = await runTurn([streamer], { content: 'hi' }, {}, call);
		expect(result.error?.type).toBe('TypeError');
	});

	it('with no model plugin, reports "no model skill returned output" and echoes the prompt', async () => {
		const { call } = fakeCalls({});
		const result = await runTurn([], { content: 'echo me' }, {}, call);
		expect(result.error).toBeNull();
		expect(result.modelOutput).toBe('echo me');
		expect(stage(result.root, 'on_error').request).toMatchObject({
			stage: 'run_model',
			error: { type: 'RuntimeError', message: 'no model skill returned output' }
		});
	});
});
