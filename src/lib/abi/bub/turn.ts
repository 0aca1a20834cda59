/**
 * A pure simulation of one Bub turn over wasm plugins, calling each export through an injected function.
 * Sources: bubbuild/bub@5e11ec5 src/bub/framework.py (`process_inbound`, `build_state`, `build_prompt`,
 * `_run_model`, `_collect_outbounds`, `get_system_prompt`), src/bub/hooks/runtime.py (`call_first`,
 * `call_many`, `notify_error`, `run_model`, `run_model_stream`: newest-registered plugin first), and
 * bubbuild/bub-contrib@6b42022 packages/bub-extism plugin.py (what each adapter sends and passes on).
 *
 * Assumptions, since the playground runs only the wasm plugins:
 * - Bub's builtin plugin (its own session, state, prompt and model hooks) is left out; where it would
 *   answer, the framework's fallbacks apply (default session id, message content as prompt...).
 * - system_prompt runs right after build_prompt. In Bub only the builtin agent asks for it, just before
 *   calling its model; wasm run_model hooks never receive it. It is shown so its plugins can be tried.
 * - The state starts with Bub's runtime keys (`_runtime_workspace`, `_runtime_steering_inbox`); no plugin
 *   ever sees them, because bub-extism strips `_runtime_*` before each call.
 */
import type { Decoded } from '../profile';
import { adapt, readResponse, type BubRaise } from './decode';
import { encodeEnvelope } from './envelope';
import {
	isJsonObject,
	pyDict,
	pyEntries,
	pyKeys,
	pySet,
	pyStr,
	pyTruthy,
	type JsonObject
} from './python';

/** A wasm plugin as Bub registered it: one entry of extism.json. */
export interface TurnPlugin {
	name: string;
	/** Registration order (position in extism.json): the highest is registered last and answers first. */
	order: number;
	/** Hook name → export name. A hook not listed is not implemented by this plugin. */
	hooks: Readonly<Record<string, string>>;
	/** The module's function exports, when known: a bound export missing here is skipped without a call. */
	exports?: readonly string[];
}

/** What calling an export produced. */
export interface CallOutcome {
	output: Uint8Array;
	/** The export's return code; null when the call did not return (trap, timeout...). */
	code: number | null;
	/** A failure of the call itself (link error, trap, `error_set` message...). */
	error?: { kind: string; message: string };
}

/** Calls one export with the envelope bytes; the real one runs the plugin in its worker. */
export type CallExport = (
	plugin: string,
	hook: string,
	exportName: string,
	envelope: Uint8Array
) => Promise<CallOutcome>;

/** How the turn runs. */
export interface TurnOptions {
	/** Bub's `stream_output` (the channel asked for a streamed reply): prefers run_model_stream. */
	stream?: boolean;
	/** The workspace Bub records in `state._runtime_workspace`. */
	workspace?: string;
}

/** One step of the turn: a stage (a hook Bub runs over its plugins) or one plugin's call within it. */
export interface TurnNode {
	hook: string;
	/** For a call: the plugin asked. */
	plugin?: string;
	/** For a call: the export bound to the hook. */
	export?: string;
	/** For a stage: the arguments Bub passes. For a call: the arguments as sent (sanitised). */
	request?: unknown;
	/** For a call: the envelope text sent. */
	envelope?: string;
	/** For a call: how Bub read the answer; null when no call was made or it failed before answering. */
	decoded: Decoded | null;
	/** Why no call was made, or why the answer was not used (a skip). */
	skipped?: string;
	/** What this step hands to the next: the adapter's value for a call, the combined result for a stage. */
	passedOn?: unknown;
	/** What Bub did here, in a sentence: who answered, how results combined, which fallback applied. */
	note?: string;
	/** The exception Bub raised here, as `Type: message`. */
	error?: string;
	children: TurnNode[];
}

/** The whole turn: its tree, and what it produced. */
export interface TurnResult {
	/** The `turn` node; its children are the stages in the order Bub ran them. */
	root: TurnNode;
	sessionId: string | null;
	prompt: unknown;
	/** What the builtin agent would put in its system prompt. */
	systemPrompt: string | null;
	modelOutput: string | null;
	outbounds: unknown[];
	/** The turn state as Bub holds it (runtime keys included). */
	state: JsonObject | null;
	/** The exception that ended the turn, as on_error received it. */
	error: BubRaise | null;
}

/** Carries the exception that ends a turn out of nested stages; never leaves this module. */
class TurnFailure extends Error {
	constructor(readonly raise: BubRaise) {
		super(raise.message);
	}
}

/** `ErrorKind` values in bub/errors.py: a stream "error" event must use one. */
const ERROR_KINDS = [
	'invalid_input',
	'config',
	'provider',
	'tool',
	'temporary',
	'not_found',
	'unknown'
];

/** codec.py `message_to_json`: a dict as is, anything else `{"content": str(message)}`. */
function messageToJson(message: unknown): JsonObject {
	return isJsonObject(message) ? message : { content: pyStr(message) };
}

/** envelope.py `content_of`. */
function contentOf(message: unknown): string {
	if (!isJsonObject(message)) return '';
	return pyStr(Object.hasOwn(message, 'content') ? message.content : '');
}

/** framework.py `_default_session_id`: the message's session_id, else `<channel>:<chat_id>`. */
function defaultSessionId(message: unknown): string {
	const field = (key: string) =>
		isJsonObject(message) && Object.hasOwn(message, key) ? message[key] : undefined;
	const sessionId = field('session_id');
	if (sessionId !== undefined && sessionId !== null) return pyStr(sessionId);
	const channel = field('channel');
	const chatId = field('chat_id');
	return `${channel === undefined ? 'default' : pyStr(channel)}:${chatId === undefined ? 'default' : pyStr(chatId)}`;
}

/** `dict.update`: the source's keys in its order, a `__proto__` key kept as data. */
function update(target: JsonObject, source: JsonObject): void {
	for (const [key, value] of pyEntries(source)) pySet(target, key, value);
}

/** Runs hooks over the plugins the way Bub's HookRuntime does, recording each step. */
class TurnRunner {
	constructor(
		/** Newest-registered first. */
		private readonly plugins: readonly TurnPlugin[],
		private readonly call: CallExport,
		private readonly root: TurnNode
	) {}

	/** Adds a stage to the turn's tree, in the order Bub reaches it. */
	stage(hook: string, request: unknown): TurnNode {
		const stage: TurnNode = { hook, request, decoded: null, children: [] };
		this.root.children.push(stage);
		return stage;
	}

	implementing(hook: string): TurnPlugin[] {
		return this.plugins.filter((p) => Object.hasOwn(p.hooks, hook));
	}

	private async invoke(
		plugin: TurnPlugin,
		hook: string,
		args: JsonObject
	): Promise<{ node: TurnNode; passed: unknown; raised: BubRaise | null }> {
		const exportName = plugin.hooks[hook] ?? hook;
		const node: TurnNode = {
			hook,
			plugin: plugin.name,
			export: exportName,
			decoded: null,
			children: []
		};
		if (plugin.exports !== undefined && !plugin.exports.includes(exportName)) {
			node.skipped = `the module has no export "${exportName}": bub-extism skips the hook without a call`;
			node.passedOn = adapt(hook, null);
			return { node, passed: node.passedOn, raised: null };
		}
		const envelope = encodeEnvelope(hook, args);
		if (!envelope.ok) {
			const raised = { type: 'UnicodeEncodeError', message: envelope.error.message };
			node.error = `${raised.type}: ${raised.message}`;
			return { node, passed: null, raised };
		}
		node.request = envelope.args;
		node.envelope = envelope.text;
		let outcome: CallOutcome;
		try {
			outcome = await this.call(plugin.name, hook, exportName, envelope.bytes);
		} catch (e) {
			outcome = {
				output: new Uint8Array(0),
				code: null,
				error: { kind: 'call', message: e instanceof Error ? e.message : String(e) }
			};
		}
		if (outcome.error !== undefined && (outcome.code === null || outcome.code === 0)) {
			// The Extism Python SDK raises extism.Error for any failed call.
			const raised = { type: 'Error', message: outcome.error.message };
			node.error = `${raised.type}: ${raised.message}`;
			return { node, passed: null, raised };
		}
		const reading = readResponse(hook, outcome.output, outcome.code, outcome.error?.message);
		node.decoded = reading.decoded;
		node.passedOn = reading.passed;
		if (reading.raised !== null) node.error = `${reading.raised.type}: ${reading.raised.message}`;
		else if (reading.decoded.status === 'skip') node.skipped = 'answered skip: Bub moves on';
		return { node, passed: reading.passed, raised: reading.raised };
	}

	/** HookRuntime.call_first: newest first, the first value that is not None ends the hook. */
	async firstResult(
		hook: string,
		args: JsonObject
	): Promise<{ stage: TurnNode; answer: { plugin: string; value: unknown } | null }> {
		const stage = this.stage(hook, args);
		let answer: { plugin: string; value: unknown } | null = null;
		for (const plugin of this.implementing(hook)) {
			if (answer !== null) {
				stage.children.push({
					hook,
					plugin: plugin.name,
					export: plugin.hooks[hook],
					decoded: null,
					skipped: `not called: ${answer.plugin} already answered (first result wins)`,
					children: []
				});
				continue;
			}
			const { node, passed, raised } = await this.invoke(plugin, hook, args);
			stage.children.push(node);
			if (raised !== null) {
				stage.error = node.error;
				throw new TurnFailure(raised);
			}
			if (passed !== null && passed !== undefined) answer = { plugin: plugin.name, value: passed };
			else if (node.decoded?.status === 'value')
				node.skipped = 'answered null: Bub asks the next plugin';
		}
		stage.note = answer === null ? 'no plugin answered' : `first result: ${answer.plugin} answered`;
		stage.passedOn = answer?.value ?? null;
		return { stage, answer };
	}

	/** HookRuntime.call_many: every plugin runs, newest first; each adapter's value is kept, None included. */
	async allResults(
		hook: string,
		args: JsonObject
	): Promise<{ stage: TurnNode; results: unknown[] }> {
		const stage = this.stage(hook, args);
		const results: unknown[] = [];
		for (const plugin of this.implementing(hook)) {
			const { node, passed, raised } = await this.invoke(plugin, hook, args);
			stage.children.push(node);
			if (raised !== null) {
				stage.error = node.error;
				throw new TurnFailure(raised);
			}
			results.push(passed);
		}
		return { stage, results };
	}

	/** HookRuntime.notify_error: every on_error plugin is told; their own failures are swallowed. */
	async notifyError(stageName: string, error: BubRaise, message: unknown): Promise<void> {
		const args = {
			stage: stageName,
			error: { type: error.type, message: error.message },
			message: message === null ? null : messageToJson(message)
		};
		const stage = this.stage('on_error', args);
		stage.note = `Bub reports ${error.type} from stage "${stageName}" to every on_error plugin`;
		for (const plugin of this.implementing('on_error')) {
			const { node, raised } = await this.invoke(plugin, 'on_error', args);
			if (raised !== null) node.note = 'its own failure is logged and swallowed';
			stage.children.push(node);
		}
	}
}

/** The text Bub collects from stream events: the `delta` of each "text" event, through `str()`. */
function streamText(events: ReadonlyArray<{ kind: unknown; data: unknown }>): string {
	return events
		.filter((event) => event.kind === 'text')
		.map((event) => {
			const data = isJsonObject(event.data) ? event.data : {};
			return pyStr(Object.hasOwn(data, 'delta') ? data.delta : '');
		})
		.join('');
}

/** framework.py builds `BubError(**data)` from an "error" event; the exception if that fails, else the error. */
function bubErrorOf(
	data: JsonObject
): { ok: true; error: BubRaise } | { ok: false; raise: BubRaise } {
	const kind = Object.hasOwn(data, 'kind') ? data.kind : 'unknown';
	if (typeof kind !== 'string' || !ERROR_KINDS.includes(kind)) {
		const shown = typeof kind === 'string' ? `'${kind}'` : pyStr(kind);
		return {
			ok: false,
			raise: { type: 'ValueError', message: `${shown} is not a valid ErrorKind` }
		};
	}
	const unexpected = pyKeys(data).find((key) => !['kind', 'message', 'details'].includes(key));
	if (unexpected !== undefined) {
		return {
			ok: false,
			raise: {
				type: 'TypeError',
				message: `BubError.__init__() got an unexpected keyword argument '${unexpected}'`
			}
		};
	}
	if (!Object.hasOwn(data, 'message')) {
		return {
			ok: false,
			raise: {
				type: 'TypeError',
				message: "BubError.__init__() missing 1 required positional argument: 'message'"
			}
		};
	}
	return { ok: true, error: { type: 'BubError', message: `[${kind}] ${pyStr(data.message)}` } };
}

type StreamValue = { events: Array<{ kind: unknown; data: unknown }>; usage: unknown };

/** framework.py `_run_model` with HookRuntime.run_model / run_model_stream; returns the model output. */
async function runModel(
	runner: TurnRunner,
	plugins: readonly TurnPlugin[],
	inbound: JsonObject,
	args: JsonObject,
	stream: boolean
): Promise<string> {
	const prompt = args.prompt;
	const fallback = async (stage: TurnNode) => {
		await runner.notifyError(
			'run_model',
			{ type: 'RuntimeError', message: 'no model skill returned output' },
			inbound
		);
		const output = typeof prompt === 'string' ? prompt : contentOf(inbound);
		stage.note = `no model answered: Bub reports it to on_error and uses the ${typeof prompt === 'string' ? 'prompt' : 'message content'} as the output`;
		stage.passedOn = output;
		return output;
	};
	// HookRuntime picks the mode from the newest plugin implementing either hook.
	const picker = plugins.find(
		(p) => Object.hasOwn(p.hooks, 'run_model') || Object.hasOwn(p.hooks, 'run_model_stream')
	);
	if (picker === undefined) {
		return fallback(runner.stage(stream ? 'run_model_stream' : 'run_model', args));
	}
	const hasText = Object.hasOwn(picker.hooks, 'run_model');
	const hasStream = Object.hasOwn(picker.hooks, 'run_model_stream');
	if (!stream && hasText) {
		const { stage, answer } = await runner.firstResult('run_model', args);
		return answer === null ? fallback(stage) : (answer.value as string);
	}
	if (stream && !hasStream) {
		const { stage, answer } = await runner.firstResult('run_model', args);
		const output = pyStr(answer?.value ?? null);
		stage.note = `${picker.name} implements run_model, not run_model_stream: Bub streams its answer as one text event${answer === null ? ' (no answer: the delta is None, written "None")' : ''}`;
		stage.passedOn = output;
		return output;
	}
	const { stage, answer } = await runner.firstResult('run_model_stream', args);
	if (answer === null) {
		if (stream) return fallback(stage);
		// HookRuntime.run_model iterates the stream without checking for None.
		const raise = {
			type: 'TypeError',
			message: "'async for' requires an object with __aiter__ method, got NoneType"
		};
		stage.error = `${raise.type}: ${raise.message}`;
		throw new TurnFailure(raise);
	}
	const value = answer.value as StreamValue;
	if (stream) {
		for (const event of value.events) {
			if (event.kind !== 'error') continue;
			const error = bubErrorOf(isJsonObject(event.data) ? event.data : {});
			if (!error.ok) {
				stage.error = `${error.raise.type}: ${error.raise.message}`;
				throw new TurnFailure(error.raise);
			}
			await runner.notifyError('run_model', error.error, inbound);
		}
	}
	const output = streamText(value.events);
	stage.note = `${stage.note}; Bub joins the text deltas`;
	stage.passedOn = output;
	return output;
}

/**
 * Runs one turn for `message` over `plugins` (any order; Bub asks the newest-registered first), calling
 * exports through `call`. Never rejects: a failed call (`call` rejecting included), an error answer or a
 * rejected value ends the turn as Bub would, recorded in `error` and reported to on_error.
 */
export async function runTurn(
	plugins: readonly TurnPlugin[],
	message: unknown,
	options: TurnOptions,
	call: CallExport
): Promise<TurnResult> {
	const newestFirst = [...plugins].sort((a, b) => b.order - a.order);
	const root: TurnNode = { hook: 'turn', request: message, decoded: null, children: [] };
	const runner = new TurnRunner(newestFirst, call, root);
	const result: TurnResult = {
		root,
		sessionId: null,
		prompt: null,
		systemPrompt: null,
		modelOutput: null,
		outbounds: [],
		state: null,
		error: null
	};
	let inbound = messageToJson(message);
	try {
		const session = await runner.firstResult('resolve_session', { message: inbound });
		const resolved = session.answer?.value;
		const sessionId = pyTruthy(resolved) ? pyStr(resolved) : defaultSessionId(inbound);
		if (!pyTruthy(resolved)) {
			session.stage.note = `${session.answer === null ? 'no plugin answered' : 'an empty answer'}: Bub uses ${isJsonObject(message) && Object.hasOwn(message, 'session_id') ? "the message's session_id" : '"<channel>:<chat_id>"'}`;
		}
		session.stage.passedOn = sessionId;
		result.sessionId = sessionId;
		// framework.py: inbound.setdefault("session_id", session_id), seen by every later hook.
		if (isJsonObject(message) && !Object.hasOwn(inbound, 'session_id')) {
			inbound = pyDict([...pyEntries(inbound), ['session_id', sessionId]]);
		}

		const state: JsonObject = {
			_runtime_workspace: options.workspace ?? '/workspace',
			_runtime_steering_inbox: null
		};
		result.state = state;
		const loaded = await runner.allResults('load_state', {
			message: inbound,
			session_id: sessionId
		});
		const objects = loaded.results.filter(isJsonObject);
		for (const object of [...objects].reverse()) update(state, object);
		loaded.stage.note = `${objects.length} object${objects.length === 1 ? '' : 's'} merged into Bub's state, oldest plugin first (the newest wins a shared key)`;
		loaded.stage.passedOn = pyDict(pyEntries(state));

		const built = await runner.firstResult('build_prompt', {
			message: inbound,
			session_id: sessionId,
			state
		});
		let prompt = built.answer?.value ?? null;
		if (!pyTruthy(prompt)) {
			prompt = contentOf(inbound);
			built.stage.note = `${built.answer === null ? 'no plugin answered' : 'an empty prompt'}: Bub uses the message content`;
		}
		built.stage.passedOn = prompt;
		result.prompt = prompt;

		const system = await runner.allResults('system_prompt', { prompt, state });
		const systemPrompt = [...system.results].reverse().filter(pyTruthy).map(pyStr).join('\n\n');
		system.stage.note =
			"non-empty answers joined with a blank line, oldest plugin first; Bub's builtin agent would prepend this to its model call (run_model hooks do not receive it)";
		system.stage.passedOn = systemPrompt;
		result.systemPrompt = systemPrompt;

		const modelArgs = { prompt, session_id: sessionId, state };
		let modelOutput = '';
		let modelFailure: unknown = null;
		try {
			modelOutput = await runModel(
				runner,
				newestFirst,
				inbound,
				modelArgs,
				options.stream === true
			);
		} catch (e) {
			modelFailure = e;
		}
		// Bub saves the state in a `finally`, even when the model failed.
		const saved = await runner.allResults('save_state', {
			message: inbound,
			session_id: sessionId,
			state,
			model_output: modelOutput
		});
		saved.stage.note = 'every plugin runs; answers are ignored';
		if (modelFailure !== null) throw modelFailure;
		result.modelOutput = modelOutput;

		const rendered = await runner.allResults('render_outbound', {
			message: inbound,
			session_id: sessionId,
			state,
			model_output: modelOutput
		});
		let outbounds = rendered.results.flatMap((batch) => (Array.isArray(batch) ? batch : [batch]));
		if (outbounds.length === 0) {
			const fallback: JsonObject = { content: modelOutput, session_id: sessionId };
			for (const key of ['channel', 'chat_id']) {
				const value = inbound[key];
				if (value !== undefined && value !== null) fallback[key] = value;
			}
			outbounds = [fallback];
			rendered.stage.note = 'no plugin rendered a message: Bub sends the model output as one';
		} else {
			rendered.stage.note = `${outbounds.length} outbound message${outbounds.length === 1 ? '' : 's'}, lists concatenated newest plugin first`;
		}
		rendered.stage.passedOn = outbounds;
		result.outbounds = outbounds;

		for (const outbound of outbounds) {
			const sent = await runner.allResults('dispatch_outbound', {
				message: messageToJson(outbound)
			});
			sent.stage.note =
				'every plugin runs for each outbound message; answers are reduced to true/false and ignored';
			sent.stage.passedOn = sent.results;
		}
	} catch (e) {
		if (!(e instanceof TurnFailure)) throw e;
		result.error = e.raise;
		root.error = `${e.raise.type}: ${e.raise.message}`;
		root.note = 'a hook failed: Bub abandons the turn, reports it to on_error and re-raises';
		await runner.notifyError('turn', e.raise, inbound);
	}
	return result;
}
