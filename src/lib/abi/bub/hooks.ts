/**
 * Bub's hooks as bub-extism exposes them to wasm (`bub.extism.v1`), with Bub's own semantics. Sources:
 * bubbuild/bub-contrib@6b42022 packages/bub-extism (plugin.py, channel.py, tape_store.py, cli.py) and
 * bubbuild/bub@5e11ec5 (hooks/specs.py, hooks/runtime.py, framework.py). The order of each `args`
 * object is the order Bub builds its keyword arguments in, which the envelope encoder keeps.
 */
import type { HookSpec } from '../profile';

/** The inbound message as a channel delivers it, before Bub resolves its session. */
const INBOUND = { content: 'Summarise my unread email', channel: 'cli', chat_id: 'local' };
/** The same message after `resolve_session`: Bub sets `session_id` on a dict message. */
const MESSAGE = { ...INBOUND, session_id: 'cli:local' };
/**
 * A turn state as Bub builds it: `_runtime_workspace` from the framework (removed before any wasm call),
 * then what `load_state` hooks returned.
 */
const STATE = {
	_runtime_workspace: '/home/ada/notes',
	session_id: 'cli:local',
	model: 'openrouter:qwen/qwen3-coder-plus'
};
const MODEL_OUTPUT = 'You have 3 unread emails; the invoice from Lisbon Print is due on Friday.';

/** The 15 hooks of `bub.extism.v1`, in bub-extism's order (`PLUGIN_HOOK_NAMES` + `register_cli_commands`). */
export const BUB_HOOKS: readonly HookSpec[] = [
	{
		name: 'resolve_session',
		summary: 'Names the session an inbound message belongs to.',
		doc: 'Runs first in every turn. Plugins are asked newest-registered first and the first answer that is not null wins; bub-extism turns it into a string with Python str(). With no answer (or an empty one) Bub uses message.session_id, else "<channel>:<chat_id>". Bub then sets session_id on the message for every later hook.',
		args: { message: INBOUND },
		expects: 'any value; Bub turns it into a string (null: no answer)',
		combine: 'first result',
		defaultExport: 'resolve_session'
	},
	{
		name: 'build_prompt',
		summary: "Builds the model prompt from the message and the turn's state.",
		doc: 'Runs after load_state. The first answer that is not null wins; an empty prompt ("" or []) makes Bub fall back to the message content. A list is a list of content parts (OpenAI multimodal format).',
		args: { message: MESSAGE, session_id: 'cli:local', state: STATE },
		expects: 'a string, a list of content parts, or null',
		combine: 'first result',
		defaultExport: 'build_prompt'
	},
	{
		name: 'run_model',
		summary: 'Runs the model on the prompt and returns its text.',
		doc: 'The first answer that is not null is the model output. Bub uses run_model when the newest plugin that implements run_model or run_model_stream implements run_model; when no plugin answers, Bub reports "no model skill returned output" to on_error and uses the prompt as the output. run_model hooks do not receive the system prompt.',
		args: { prompt: 'Summarise my unread email', session_id: 'cli:local', state: STATE },
		expects: 'a string, or null',
		combine: 'first result',
		defaultExport: 'run_model'
	},
	{
		name: 'run_model_stream',
		summary: 'Runs the model and returns its output as stream events.',
		doc: 'Like run_model, for channels that stream. bub-extism accepts a list of {kind, data} events or {events, usage}; usage must be an object. Bub joins the data.delta of "text" events into the model output and reports "error" events to on_error.',
		args: { prompt: 'Summarise my unread email', session_id: 'cli:local', state: STATE },
		expects:
			'a list of {kind, data} events, or {events: [...], usage: {...}}; kind a string, data an object',
		combine: 'first result',
		defaultExport: 'run_model_stream'
	},
	{
		name: 'load_state',
		summary: "Loads the session's state at the start of a turn.",
		doc: "Every plugin runs. Bub starts from its runtime keys and merges each object answer into the state, oldest-registered plugin first, so the newest plugin's keys win. Non-object answers are ignored by Bub, but bub-extism rejects anything other than an object or null.",
		args: { message: MESSAGE, session_id: 'cli:local' },
		expects: 'an object, or null',
		combine: 'all run, objects merged',
		defaultExport: 'load_state'
	},
	{
		name: 'save_state',
		summary: "Persists the turn's state after the model ran.",
		doc: 'Every plugin runs, even when the model failed (Bub calls it in a finally block, with an empty model_output). The answers are ignored.',
		args: { message: MESSAGE, session_id: 'cli:local', state: STATE, model_output: MODEL_OUTPUT },
		expects: 'nothing (the answer is ignored)',
		combine: 'all run',
		defaultExport: 'save_state'
	},
	{
		name: 'render_outbound',
		summary: 'Turns the model output into outbound messages.',
		doc: 'Every plugin runs and the lists are concatenated, newest plugin first. An object becomes a one-item list and null an empty one. If no plugin renders anything, Bub sends one message {content: model_output, session_id, channel, chat_id}.',
		args: { message: MESSAGE, session_id: 'cli:local', state: STATE, model_output: MODEL_OUTPUT },
		expects: 'an outbound message object, a list of them, or null',
		combine: 'all run, lists concatenated',
		defaultExport: 'render_outbound'
	},
	{
		name: 'dispatch_outbound',
		summary: 'Sends one outbound message to its channel.',
		doc: 'Called once per outbound message; every plugin runs. bub-extism reduces the answer to its Python truthiness; Bub does not use it.',
		args: {
			message: { content: MODEL_OUTPUT, session_id: 'cli:local', channel: 'cli', chat_id: 'local' }
		},
		expects: 'true when sent (Python truthiness)',
		combine: 'all run',
		defaultExport: 'dispatch_outbound'
	},
	{
		name: 'onboard_config',
		summary: "Adds the plugin's settings to `bub onboard`'s config.",
		doc: 'Runs during `bub onboard`, oldest-registered plugin first; each sees the config collected so far and its object answer is merged into it.',
		args: {
			current_config: {
				model: 'openrouter:qwen/qwen3-coder-plus',
				enabled_channels: 'cli',
				stream_output: false
			}
		},
		expects: 'an object, or null',
		combine: 'all run, objects merged',
		defaultExport: 'onboard_config'
	},
	{
		name: 'on_error',
		summary: 'Observes a failure in any stage of a turn.',
		doc: 'Every plugin is told; a failure in an on_error hook is logged and swallowed. stage is "turn" when a hook failed and the turn was abandoned, "run_model" when no model answered or a stream reported an error.',
		args: {
			stage: 'turn',
			error: { type: 'ExtismHookError', message: 'missing api key' },
			message: MESSAGE
		},
		expects: 'nothing (the answer is ignored)',
		combine: 'observer',
		defaultExport: 'on_error'
	},
	{
		name: 'system_prompt',
		summary: 'Contributes to the system prompt of Bub’s built-in agent.',
		doc: "Every plugin runs; the non-empty answers are joined with a blank line, oldest-registered plugin first. Bub's built-in agent asks for it before calling its own model; wasm run_model hooks never see it.",
		args: { prompt: 'Summarise my unread email', state: STATE },
		expects: 'a string, or null',
		combine: 'all run, joined with a blank line',
		defaultExport: 'system_prompt'
	},
	{
		name: 'provide_tape_store',
		summary: 'Provides the store that records conversation tapes.',
		doc: 'Asked once when Bub starts; the first descriptor wins. Its functions name the exports Bub calls later as tape_store.list_tapes, fetch_all, append and reset; an operation left out fails only when Bub first needs it.',
		args: {},
		expects:
			'{functions: {list_tapes, fetch_all, append, reset}}: an object mapping each operation to an export name',
		combine: 'first result, at start-up',
		defaultExport: 'provide_tape_store'
	},
	{
		name: 'provide_channels',
		summary: 'Provides channels that receive and send messages.',
		doc: 'Asked once when Bub starts; every plugin runs and channels are kept by name, the first (newest plugin) winning. A descriptor needs a name; functions maps start, poll, send and stop to exports, called later as channel.start etc. poll repeats every pollIntervalSeconds (default 1).',
		args: {},
		expects:
			'a list of {name, enabled?, needsDebounce?, pollIntervalSeconds?, functions?}, or {channels: [...]}',
		combine: 'all run, de-duplicated by name',
		defaultExport: 'provide_channels'
	},
	{
		name: 'build_tape_context',
		summary: 'Chooses how much of the tape becomes context for the model.',
		doc: 'The first answer wins. anchor "last" (the default) or "last_anchor" means the last anchor, null means the whole tape, any other text names an anchor; state (default {}) must be an object.',
		args: {},
		expects: '{anchor: "last" | "last_anchor" | null | <anchor name>, state: {...}}',
		combine: 'first result',
		defaultExport: 'build_tape_context'
	},
	{
		name: 'register_cli_commands',
		summary: 'Adds commands to the `bub extism` command group.',
		doc: 'Asked when Bub builds its command line, for each plugin that binds it. Each command runs its export as cli_command with {plugin, command, payload}. The names add, list, show and remove are taken by bub extism itself.',
		args: { commands: [] },
		expects: 'a list of {name, function, help?}, or {commands: [...]}',
		combine: 'at start-up',
		defaultExport: 'register_cli_commands'
	}
];

const CHANNEL_DOC =
	'Called on the export named in a provide_channels descriptor, with the same envelope; the hook name tells the plugin which operation it is.';
const TAPE_DOC =
	'Called on the export named in the provide_tape_store descriptor, with the same envelope.';
const TAPE_ENTRY = {
	id: 7,
	kind: 'message',
	payload: { role: 'assistant', content: MODEL_OUTPUT },
	meta: {},
	date: '2026-04-26T09:30:00+00:00'
};

/** Calls Bub makes to exports named in a descriptor (channels, tape store, CLI commands). */
export const BUB_FOLLOW_UPS: readonly HookSpec[] = [
	{
		name: 'channel.start',
		summary: 'Starts a channel when Bub starts.',
		doc: `${CHANNEL_DOC} The answer is ignored.`,
		args: { channel: 'wasm' },
		expects: 'nothing (the answer is ignored)',
		combine: 'the plugin whose descriptor named it',
		defaultExport: 'channel_start',
		followUp: true
	},
	{
		name: 'channel.poll',
		summary: 'Asks a channel for new inbound messages.',
		doc: `${CHANNEL_DOC} Repeats every pollIntervalSeconds while Bub runs; each message starts a turn.`,
		args: { channel: 'wasm' },
		expects: 'a message, a list of messages, {messages: [...]}, or null',
		combine: 'the plugin whose descriptor named it',
		defaultExport: 'channel_poll',
		followUp: true
	},
	{
		name: 'channel.send',
		summary: 'Sends an outbound message through a channel.',
		doc: `${CHANNEL_DOC} The answer is ignored.`,
		args: { channel: 'wasm', message: { content: MODEL_OUTPUT, session_id: 'wasm:demo' } },
		expects: 'nothing (the answer is ignored)',
		combine: 'the plugin whose descriptor named it',
		defaultExport: 'channel_send',
		followUp: true
	},
	{
		name: 'channel.stop',
		summary: 'Stops a channel when Bub shuts down.',
		doc: `${CHANNEL_DOC} The answer is ignored.`,
		args: { channel: 'wasm' },
		expects: 'nothing (the answer is ignored)',
		combine: 'the plugin whose descriptor named it',
		defaultExport: 'channel_stop',
		followUp: true
	},
	{
		name: 'tape_store.list_tapes',
		summary: 'Lists the names of the stored tapes.',
		doc: `${TAPE_DOC} Each item is turned into a string.`,
		args: {},
		expects: 'a list of tape names, or null',
		combine: 'the plugin whose descriptor named it',
		defaultExport: 'tape_list_tapes',
		followUp: true
	},
	{
		name: 'tape_store.fetch_all',
		summary: 'Returns the entries of a tape that match a query.',
		doc: `${TAPE_DOC} Each entry must be an object; id is read with int(), kind defaults to "event", payload and meta to {}, date to now.`,
		args: {
			query: {
				tape: 'cli:local',
				query: null,
				after_anchor: null,
				after_last: false,
				between_anchors: null,
				between_dates: null,
				kinds: ['message'],
				limit: 20
			}
		},
		expects: 'a list of tape entries {id, kind, payload, meta, date}, or null',
		combine: 'the plugin whose descriptor named it',
		defaultExport: 'tape_fetch_all',
		followUp: true
	},
	{
		name: 'tape_store.append',
		summary: 'Appends one entry to a tape.',
		doc: `${TAPE_DOC} The answer is ignored.`,
		args: { tape: 'cli:local', entry: TAPE_ENTRY },
		expects: 'nothing (the answer is ignored)',
		combine: 'the plugin whose descriptor named it',
		defaultExport: 'tape_append',
		followUp: true
	},
	{
		name: 'tape_store.reset',
		summary: 'Empties a tape.',
		doc: `${TAPE_DOC} The answer is ignored.`,
		args: { tape: 'cli:local' },
		expects: 'nothing (the answer is ignored)',
		combine: 'the plugin whose descriptor named it',
		defaultExport: 'tape_reset',
		followUp: true
	},
	{
		name: 'cli_command',
		summary: 'Runs a command registered with register_cli_commands.',
		doc: '`bub extism <command> <payload>` calls the export named in the command descriptor; payload is the JSON given on the command line ({} by default). Bub prints a non-null answer as indented JSON.',
		args: { plugin: 'bub-cli', command: 'hello', payload: { name: 'Bub' } },
		expects: 'any JSON value to print, or null',
		combine: 'the plugin whose descriptor named it',
		defaultExport: 'cli_hello',
		followUp: true
	}
];

/** Every hook and follow-up call, for the reference card and the hook picker. */
export const BUB_ALL_HOOKS: readonly HookSpec[] = [...BUB_HOOKS, ...BUB_FOLLOW_UPS];

/** Names a bub `extism.json` may bind (`ALLOWED_HOOK_NAMES` in bub-extism's config.py). */
export const BUB_HOOK_NAMES: readonly string[] = BUB_HOOKS.map((hook) => hook.name);

/** The spec of a hook or follow-up call, by name. */
export function bubHook(name: string): HookSpec | undefined {
	return BUB_ALL_HOOKS.find((hook) => hook.name === name);
}
