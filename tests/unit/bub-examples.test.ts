/// <reference types="node" />
// Runs the built bub example plugins (run `npm run examples` first) with the Extism JS SDK in Node,
// feeding them envelopes from encodeEnvelope and reading their answers with readResponse: proof that
// the examples and the decoder agree. Like Bub, each call gets a fresh plugin instance.
import createPlugin, { type CallContext } from '@extism/extism';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBubConfig } from '../../src/lib/abi/bub/config';
import { readResponse, RULES, type BubReading } from '../../src/lib/abi/bub/decode';
import { encodeEnvelope } from '../../src/lib/abi/bub/envelope';
import { bubHook } from '../../src/lib/abi/bub/hooks';
import { runTurn, type CallOutcome, type TurnPlugin } from '../../src/lib/abi/bub/turn';
import { utf8Decode, utf8Encode } from '../../src/lib/bytes/encoding';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NAMES = [
	'bub-prompt',
	'bub-model',
	'bub-state',
	'bub-tape-store',
	'bub-channel',
	'bub-cli',
	'bub-bad-stream',
	'bub-bad-tape-store',
	'bub-bad-channels',
	'bub-bad-cli'
];

interface Meta {
	export: string;
	input: string;
	tags: string[];
	abi: string;
	hooks: Record<string, string>;
}

const modules = new Map<string, WebAssembly.Module>();
/** The host's key-value store, shared by every call as the playground's is. */
let kv = new Map<string, Uint8Array>();

function meta(name: string): Meta {
	return JSON.parse(readFileSync(join(root, 'examples', name, 'meta.json'), 'utf8'));
}

const hostUser = {
	kv_read(ctx: CallContext, key: bigint) {
		return ctx.store(kv.get(ctx.read(key)?.text() ?? '') ?? new Uint8Array(0));
	},
	kv_write(ctx: CallContext, key: bigint, value: bigint) {
		kv.set(ctx.read(key)?.text() ?? '', ctx.read(value)?.bytes().slice() ?? new Uint8Array(0));
	}
};

/** Calls an export on a fresh instance, as bub-extism does. */
async function callExport(
	name: string,
	exportName: string,
	envelope: Uint8Array
): Promise<CallOutcome> {
	const module = modules.get(name);
	if (module === undefined) throw new Error(`${name} is not built`);
	const plugin = await createPlugin(
		{ wasm: [{ module }] },
		{ useWasi: false, runInWorker: false, functions: { 'extism:host/user': hostUser } }
	);
	try {
		const output = await plugin.call(exportName, envelope);
		return { output: output === null ? new Uint8Array(0) : output.bytes().slice(), code: 0 };
	} catch (e) {
		return { output: new Uint8Array(0), code: 1, error: { kind: 'plugin', message: String(e) } };
	} finally {
		await plugin.close();
	}
}

/** Encodes `args` for `hook`, calls `exportName` and reads the answer as Bub would. */
async function ask(
	name: string,
	exportName: string,
	hook: string,
	args: unknown
): Promise<BubReading> {
	const envelope = encodeEnvelope(hook, args);
	if (!envelope.ok) throw new Error(envelope.error.message);
	const outcome = await callExport(name, exportName, envelope.bytes);
	return readResponse(hook, outcome.output, outcome.code, outcome.error?.message);
}

/** The hook's prefilled arguments. */
function argsOf(hook: string): Record<string, unknown> {
	const spec = bubHook(hook);
	if (spec === undefined) throw new Error(`unknown hook ${hook}`);
	return spec.args;
}

const MESSAGE = { content: 'hello', channel: 'cli', chat_id: 'local' };

beforeAll(async () => {
	for (const name of NAMES) {
		const file = join(root, 'public', 'examples', `${name}.wasm`);
		if (existsSync(file)) modules.set(name, await WebAssembly.compile(readFileSync(file)));
	}
});

describe.each(NAMES)('%s metadata', (name) => {
	it('is built (run `npm run examples` first) and declares the bub ABI', () => {
		expect(modules.has(name), `${name}.wasm`).toBe(true);
		const m = meta(name);
		expect(m.abi).toBe('bub');
		expect(m.tags).toContain('bub');
		// Its hooks make a valid extism.json entry, binding the main export.
		const config = parseBubConfig({
			plugins: { [name]: { manifest: { wasm: [{ path: `${name}.wasm` }] }, hooks: m.hooks } }
		});
		expect(config.ok).toBe(true);
		expect(Object.values(m.hooks)).toContain(m.export);
	});

	it('has the exact envelope Bub sends for its main hook as input', () => {
		const m = meta(name);
		const hook = Object.keys(m.hooks).find((h) => m.hooks[h] === m.export) ?? '';
		const envelope = encodeEnvelope(hook, argsOf(hook));
		expect(envelope.ok && envelope.text).toBe(m.input);
	});

	it('answers {"skip": true} from every export to a hook it does not handle', async () => {
		const module = modules.get(name);
		if (module === undefined) return;
		const exports = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function');
		for (const { name: exportName } of exports) {
			const reading = await ask(name, exportName, 'onboard_config', argsOf('onboard_config'));
			expect(reading.decoded.status, exportName).toBe('skip');
			expect(reading.decoded.steps.map((s) => s.rule)).toEqual([RULES.object, RULES.skip]);
		}
	});
});

describe('bub example plugins', () => {
	it('bub-prompt builds the prompt like the Go example and answers system_prompt in plain text', async () => {
		const built = await ask('bub-prompt', 'build_prompt', 'build_prompt', {
			message: { content: 'hello from bub ✓' },
			session_id: 'example',
			state: {}
		});
		expect(built.passed).toBe('[bub-prompt:example] hello from bub ✓');
		const system = await ask(
			'bub-prompt',
			'system_prompt',
			'system_prompt',
			argsOf('system_prompt')
		);
		expect(system.decoded.steps.map((s) => s.rule)).toEqual([RULES.notJson]);
		expect(system.passed).toBe('You are Bub, a concise assistant. Answer in plain text.');
	});

	it('bub-model echoes like the Rust example, and streams events with usage', async () => {
		const text = await ask('bub-model', 'run_model', 'run_model', {
			prompt: 'hello from bub',
			session_id: 'example',
			state: {}
		});
		expect(text.passed).toBe('[bub-model:example] hello from bub');
		const parts = await ask('bub-model', 'run_model', 'run_model', {
			prompt: [{ type: 'text', text: 'hi "there"' }],
			session_id: 's',
			state: {}
		});
		expect(parts.passed).toBe('[bub-model:s] [{"type": "text", "text": "hi \\"there\\""}]');
		const stream = await ask('bub-model', 'run_model_stream', 'run_model_stream', {
			prompt: 'hi there',
			session_id: 's',
			state: {}
		});
		expect(stream.raised).toBeNull();
		expect(stream.passed).toEqual({
			events: [
				{ kind: 'text', data: { delta: '[bub-model:s] ' } },
				{ kind: 'text', data: { delta: 'hi ' } },
				{ kind: 'text', data: { delta: 'there' } },
				{ kind: 'final', data: { text: '[bub-model:s] hi there' } }
			],
			usage: { output_tokens: 3 }
		});
	});

	it('bub-state keeps the turn count in the host between fresh instances', async () => {
		kv = new Map();
		const args = { message: MESSAGE, session_id: 'cli:local' };
		expect((await ask('bub-state', 'load_state', 'load_state', args)).passed).toEqual({ turns: 0 });
		const saved = await ask('bub-state', 'save_state', 'save_state', {
			...args,
			state: { turns: 0 },
			model_output: 'Olá 👋'
		});
		expect(saved.raised).toBeNull();
		expect((await ask('bub-state', 'load_state', 'load_state', args)).passed).toEqual({
			turns: 1,
			last_output: 'Olá 👋'
		});
	});

	it('bub-tape-store describes its store and its follow-ups agree with the decoder', async () => {
		kv = new Map();
		const store = await ask('bub-tape-store', 'provide_tape_store', 'provide_tape_store', {});
		expect(store.decoded.issues).toEqual([]);
		const functions = (store.passed as { functions: Record<string, string> }).functions;
		expect(functions).toEqual({
			list_tapes: 'tape_list_tapes',
			fetch_all: 'tape_fetch_all',
			append: 'tape_append',
			reset: 'tape_reset'
		});
		const append = argsOf('tape_store.append');
		for (const tape of ['cli:local', 'main', 'cli:local']) {
			const reading = await ask('bub-tape-store', functions.append ?? '', 'tape_store.append', {
				...append,
				tape
			});
			expect(reading.decoded.status).toBe('skip');
		}
		expect(
			(await ask('bub-tape-store', functions.list_tapes ?? '', 'tape_store.list_tapes', {})).passed
		).toEqual(['cli:local', 'main']);
		const fetched = await ask(
			'bub-tape-store',
			functions.fetch_all ?? '',
			'tape_store.fetch_all',
			argsOf('tape_store.fetch_all')
		);
		expect(fetched.raised).toBeNull();
		expect(fetched.passed).toEqual([append.entry, append.entry]);
		await ask('bub-tape-store', functions.reset ?? '', 'tape_store.reset', { tape: 'cli:local' });
		expect(
			(
				await ask(
					'bub-tape-store',
					functions.fetch_all ?? '',
					'tape_store.fetch_all',
					argsOf('tape_store.fetch_all')
				)
			).passed
		).toEqual([]);
	});

	it('bub-channel describes a channel whose start, poll and send work as follow-ups', async () => {
		kv = new Map();
		const channels = await ask('bub-channel', 'provide_channels', 'provide_channels', {});
		expect(channels.decoded.issues).toEqual([]);
		const [channel] = channels.passed as Array<{ name: string; functions: Record<string, string> }>;
		expect(channel?.name).toBe('wasm');
		const fn = channel?.functions ?? {};
		expect(
			(await ask('bub-channel', fn.start ?? '', 'channel.start', { channel: 'wasm' })).raised
		).toBeNull();
		expect(
			(await ask('bub-channel', fn.poll ?? '', 'channel.poll', { channel: 'wasm' })).passed
		).toEqual([{ content: 'ping from the wasm channel', channel: 'wasm', chat_id: 'demo' }]);
		expect(
			(await ask('bub-channel', fn.poll ?? '', 'channel.poll', { channel: 'wasm' })).passed
		).toEqual([]);
		await ask('bub-channel', fn.send ?? '', 'channel.send', argsOf('channel.send'));
		expect(JSON.parse(utf8Decode(kv.get('channel:wasm:sent') ?? utf8Encode('null')))).toEqual([
			argsOf('channel.send').message
		]);
	});

	it('bub-cli registers "hello" and answers the cli_command call', async () => {
		const commands = await ask('bub-cli', 'register_cli_commands', 'register_cli_commands', {
			commands: []
		});
		expect(commands.passed).toEqual([
			{ name: 'hello', function: 'cli_hello', help: 'Greets payload.name.' }
		]);
		const hello = await ask('bub-cli', 'cli_hello', 'cli_command', {
			plugin: 'cli',
			command: 'hello',
			payload: { name: 'Bub' }
		});
		expect(hello.passed).toEqual({ greeting: 'Hello, Bub!', plugin: 'cli' });
	});

	it("the deliberately wrong plugins are rejected with Bub's messages", async () => {
		const cases: Array<[string, string, string, string]> = [
			[
				'bub-bad-stream',
				'run_model_stream',
				'run_model_stream',
				'Extism run_model_stream usage must be a JSON object'
			],
			[
				'bub-bad-tape-store',
				'provide_tape_store',
				'provide_tape_store',
				'Extism tape store descriptor must include a functions object'
			],
			[
				'bub-bad-tape-store',
				'tape_fetch_all',
				'tape_store.fetch_all',
				'Extism tape entry must be an object'
			],
			[
				'bub-bad-channels',
				'provide_channels',
				'provide_channels',
				'Extism provide_channels must return a list of channel descriptors'
			],
			[
				'bub-bad-cli',
				'register_cli_commands',
				'register_cli_commands',
				'Extism register_cli_commands must return a list'
			],
			[
				'bub-bad-cli',
				'register_cli_commands_no_function',
				'register_cli_commands',
				'Extism CLI command descriptor requires name and function'
			]
		];
		for (const [name, exportName, hook, message] of cases) {
			const reading = await ask(name, exportName, hook, argsOf(hook));
			expect(reading.raised, `${name}.${exportName}`).toEqual({ type: 'RuntimeError', message });
		}
	});

	it('runs a whole turn over bub-prompt, bub-model and bub-state, newest registered first', async () => {
		kv = new Map();
		const plugins: TurnPlugin[] = ['bub-state', 'bub-prompt', 'bub-model'].map((name, order) => ({
			name,
			order,
			hooks: meta(name).hooks,
			exports: WebAssembly.Module.exports(modules.get(name) as WebAssembly.Module).map(
				(e) => e.name
			)
		}));
		const call = (plugin: string, _hook: string, exportName: string, envelope: Uint8Array) =>
			callExport(plugin, exportName, envelope);
		const first = await runTurn(plugins, MESSAGE, {}, call);
		expect(first.error).toBeNull();
		expect(first.systemPrompt).toBe('You are Bub, a concise assistant. Answer in plain text.');
		expect(first.modelOutput).toBe('[bub-model:cli:local] [bub-prompt:cli:local] hello');
		expect(first.state).toMatchObject({ turns: 0 });
		const second = await runTurn(plugins, MESSAGE, { stream: true }, call);
		expect(second.state).toMatchObject({ turns: 1, last_output: first.modelOutput });
		expect(second.modelOutput).toBe(first.modelOutput);
	});
});
