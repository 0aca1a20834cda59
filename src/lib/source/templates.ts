/**
 * The "New plugin" templates: a plain Extism function, a KV counter, a logger, Bub hooks, a Bifrost hook,
 * a Harmont plugin and a StudioBrain plugin, each a folder
 * of examples/_templates/ that builds and runs as it is. Their text loads lazily, with the picker's choice.
 */
import type { SourceLanguage, SourceProject } from './project';

/** One template as the picker lists it. */
export interface PluginTemplate {
	id: string;
	title: string;
	description: string;
	language: SourceLanguage;
	/** The entry file in the template's folder. */
	entry: string;
	/** The export Run calls, and the input it starts with. */
	export: string;
	input: string;
	/** The hook ABI profile it is written for (`bub`, `bifrost`, …), when it is one. */
	abi?: string;
}

const BUB_ENVELOPE = (hook: string, args: string) =>
	`{"abi_version": "bub.extism.v1", "hook": "${hook}", "args": ${args}}`;

/** The templates, in picker order. */
export const TEMPLATES: readonly PluginTemplate[] = [
	{
		id: 'plain',
		title: 'Plain function (WAT)',
		description: "An Extism function written in WAT: answers its input's length.",
		language: 'wat',
		entry: 'plugin.wat',
		export: 'run',
		input: 'Hello'
	},
	{
		id: 'kv-counter',
		title: 'KV counter',
		description: "Counts visits in the host's KV store (kv_read, kv_write).",
		language: 'assemblyscript',
		entry: 'index.ts',
		export: 'visit',
		input: ''
	},
	{
		id: 'logger',
		title: 'Logger',
		description: "Logs its input at three levels and through the playground's log host function.",
		language: 'assemblyscript',
		entry: 'index.ts',
		export: 'log_input',
		input: 'Hello'
	},
	{
		id: 'bub-prompt',
		title: 'Bub hook: build_prompt',
		description: 'A Bub build_prompt hook that answers {"value": <prompt>}.',
		language: 'assemblyscript',
		entry: 'index.ts',
		export: 'build_prompt',
		input: BUB_ENVELOPE(
			'build_prompt',
			'{"message": {"content": "Summarise my unread email", "channel": "cli", "chat_id": "local", "session_id": "cli:local"}, "session_id": "cli:local", "state": {"session_id": "cli:local"}}'
		),
		abi: 'bub'
	},
	{
		id: 'bub-stream',
		title: 'Bub hook: run_model_stream',
		description: 'A Bub run_model_stream hook that streams its reply word by word.',
		language: 'assemblyscript',
		entry: 'index.ts',
		export: 'run_model_stream',
		input: BUB_ENVELOPE(
			'run_model_stream',
			'{"prompt": "Summarise my unread email", "session_id": "cli:local", "state": {"session_id": "cli:local"}}'
		),
		abi: 'bub'
	},
	{
		id: 'bifrost-hook',
		title: 'Bifrost hook: pre_hook',
		description:
			'A Bifrost plugin (revision 3) without Extism: its own malloc and free, and a pre_hook that adds a context key.',
		language: 'assemblyscript',
		entry: 'index.ts',
		export: 'pre_hook',
		input:
			'{"context": {"request_id": "abc-123"}, "request": {"provider": "openai", "model": "gpt-4", "input": [{"role": "user", "content": "Hello"}], "params": {"temperature": 0.7}}}',
		abi: 'bifrost'
	},
	{
		id: 'harmont',
		title: 'Harmont plugin',
		description:
			'A Harmont plugin: hm_manifest offers the subcommand hm hello, hm_subcommand_run runs it.',
		language: 'assemblyscript',
		entry: 'index.ts',
		export: 'hm_subcommand_run',
		input: '{"verb_path": ["hello"], "args": {}, "env": {}}',
		abi: 'harmont'
	},
	{
		id: 'studiobrain',
		title: 'StudioBrain plugin',
		description:
			'A StudioBrain plugin: get_info, list_routes and handle_request serving GET /hello.',
		language: 'assemblyscript',
		entry: 'index.ts',
		export: 'handle_request',
		input:
			'{"method": "GET", "path": "/hello", "headers": [{"key": "accept", "value": "application/json"}], "query_params": [], "body": null}',
		abi: 'studiobrain'
	}
];

const TEXTS = import.meta.glob<string>('../../../examples/_templates/*/*.{ts,wat}', {
	query: '?raw',
	import: 'default'
});

/** A template's project, its text loaded; it builds in a folder named after it, beside examples/_shared. */
export async function templateProject(template: PluginTemplate): Promise<SourceProject> {
	const load = TEXTS[`../../../examples/_templates/${template.id}/${template.entry}`];
	if (!load) throw new Error(`template ${template.id} has no ${template.entry}`);
	return {
		language: template.language,
		folder: `my-${template.id}`,
		files: [{ name: template.entry, text: await load() }]
	};
}
