/**
 * StudioBrain's WASM plugin exports (Extism PDK, JSON in and out), as its hello-world-wasm template
 * implements them (`studiobrain.fixtures.json`): what the host sends each export and what it expects.
 * The host reaches the plugin only through these exports; the plugin reaches the host through Extism
 * vars (see host-vars.ts).
 */
import { utf8Encode } from '../../bytes/encoding';
import { fail, type PlaygroundError } from '../../errors';
import type { HookSpec } from '../profile';
import { httpRequestProblem } from './types';

/** A HookEvent as the host sends it on an entity change; `data` is the entity as a JSON string. */
export const SAMPLE_HOOK_EVENT = {
	entity_type: 'character',
	entity_id: 'aria-blackwood',
	data: '{"name":"Aria"}',
	actor: 'user123',
	source: 'ui'
};

/** The request the host's router passes on for `GET /hello`. */
export const SAMPLE_HTTP_REQUEST = {
	method: 'GET',
	path: '/hello',
	headers: [{ key: 'accept', value: 'application/json' }],
	query_params: [],
	body: null
};

/** An export spec, with whether it takes a HookEvent, an HttpRequest or nothing. */
export interface StudioBrainHook extends HookSpec {
	input: 'empty' | 'hook_event' | 'http_request';
}

const entityHook = (name: string, what: string, expects: string): StudioBrainHook => ({
	name,
	summary: `Runs when an entity is ${what}.`,
	doc: `The host sends a HookEvent: entity_type, entity_id, the entity as a JSON string in data, and who did it (actor, source: both required strings). ${name === 'on_entity_validate' ? 'A ValidationResult with valid: false and its errors blocks the save; each error names a field, a message and a severity.' : 'A HookResult may replace the entity data (data: a JSON string, or null to keep it), add messages for the user, or abort the change with abort: true and an abort_reason.'}`,
	args: SAMPLE_HOOK_EVENT,
	expects,
	combine: 'every plugin with the export, in load order',
	defaultExport: name,
	input: 'hook_event'
});

/** The exports StudioBrain calls, in the template's order. */
export const STUDIOBRAIN_HOOKS: readonly StudioBrainHook[] = [
	{
		name: 'get_info',
		summary: 'Names the plugin: id, name, version, description, author.',
		doc: 'Called with no input when the plugin is loaded; the id is where its routes are mounted (/api/plugins/<id>/...).',
		args: {},
		expects: '{id, name, version, description, author}',
		combine: 'once per plugin',
		defaultExport: 'get_info',
		input: 'empty'
	},
	entityHook('on_entity_save', 'saved', 'a HookResult {data, messages, abort, abort_reason}'),
	entityHook('on_entity_create', 'created', 'a HookResult {data, messages, abort, abort_reason}'),
	entityHook('on_entity_delete', 'deleted', 'a HookResult {data, messages, abort, abort_reason}'),
	entityHook(
		'on_entity_validate',
		'validated before a save',
		'a ValidationResult {valid, errors: [{field, message, severity}]}'
	),
	{
		name: 'on_project_init',
		summary: 'Runs when a project opens.',
		doc: 'Called with no input; the messages are shown to the user, success: false reports a failed start.',
		args: {},
		expects: '{success, messages}',
		combine: 'every plugin with the export',
		defaultExport: 'on_project_init',
		input: 'empty'
	},
	{
		name: 'list_routes',
		summary: 'Lists the HTTP routes the plugin serves.',
		doc: 'Called with no input; StudioBrain mounts each route under /api/plugins/<plugin id>/ and sends matching requests to handle_request. Pick a route below to send it one.',
		args: {},
		expects: 'a list of {method, path, description}',
		combine: 'once per plugin',
		defaultExport: 'list_routes',
		input: 'empty'
	},
	{
		name: 'handle_request',
		summary: 'Answers an HTTP request to one of its routes.',
		doc: 'The router strips the /api/plugins/<id> prefix and sends an HttpRequest: method, path, headers and query_params as lists of {key, value}, body as a list of byte numbers or null. The HttpResponse has a status, headers in the same form and a body of byte numbers.',
		args: SAMPLE_HTTP_REQUEST,
		expects: 'an HttpResponse {status, headers, body}',
		combine: 'the plugin that owns the route',
		defaultExport: 'handle_request',
		input: 'http_request'
	}
];

/** The hook spec of an export name, or undefined. */
export function studioBrainHook(name: string): StudioBrainHook | undefined {
	return STUDIOBRAIN_HOOKS.find((h) => h.name === name);
}

/** The bytes StudioBrain sends an export: nothing, or the checked HookEvent / HttpRequest as JSON. */
export function encodeCall(
	name: string,
	args: unknown
): { ok: true; bytes: Uint8Array } | { ok: false; error: PlaygroundError } {
	const hook = studioBrainHook(name);
	if (!hook) {
		return fail(
			'call',
			`StudioBrain has no export "${name}".`,
			`Pick one of: ${STUDIOBRAIN_HOOKS.map((h) => h.name).join(', ')}.`
		);
	}
	if (hook.input === 'empty') return { ok: true, bytes: new Uint8Array(0) };
	const problem =
		hook.input === 'hook_event' ? hookEventProblem(args) : httpRequestProblem(args, 'request');
	if (problem) {
		return fail(
			'call',
			`${name}: ${problem}.`,
			'Fix the arguments, or pick the export again to restore the sample.'
		);
	}
	return { ok: true, bytes: utf8Encode(JSON.stringify(args)) };
}

/** What keeps a value from being a HookEvent (serde would refuse it), or null. */
export function hookEventProblem(v: unknown): string | null {
	if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'a HookEvent is an object';
	const o = v as Record<string, unknown>;
	for (const key of ['entity_type', 'entity_id', 'actor', 'source']) {
		if (typeof o[key] !== 'string') return `"${key}" must be a string (it is required)`;
	}
	if (typeof o.data !== 'string') {
		return '"data" must be the entity as a JSON string, e.g. "{\\"name\\":\\"Aria\\"}"';
	}
	return null;
}
