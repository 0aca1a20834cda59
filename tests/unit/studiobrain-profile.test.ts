/// <reference types="node" />
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeStudioBrain } from '../../src/lib/abi/studiobrain/decode';
import {
	encodeCall,
	hookEventProblem,
	SAMPLE_HOOK_EVENT,
	SAMPLE_HTTP_REQUEST,
	STUDIOBRAIN_HOOKS,
	studioBrainHook
} from '../../src/lib/abi/studiobrain/hooks';
import {
	DEFAULT_REPLIES,
	DOCUMENTED_HOST_FUNCTIONS,
	HOST_CALL_NAMES,
	hostCallReply,
	hostVarsFor,
	presetVars,
	QUERY_ENTITIES_REQUEST
} from '../../src/lib/abi/studiobrain/host-vars';
import { studioBrainProfile } from '../../src/lib/abi/studiobrain/profile';
import {
	bodyProblem,
	bodyToText,
	httpRequestProblem,
	httpResponseProblems,
	textToBody
} from '../../src/lib/abi/studiobrain/types';
import { utf8Decode, utf8Encode } from '../../src/lib/bytes/encoding';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = JSON.parse(
	readFileSync(join(root, 'tests/fixtures/studiobrain.fixtures.json'), 'utf8')
);
const sharedFile = join(root, '../shared/abi/studiobrain.fixtures.json');
const { exports: exportsFixture, types } = fixtures;
const json = (v: unknown) => utf8Encode(JSON.stringify(v));

describe('StudioBrain fixtures', () => {
	it('the committed copy matches the shared fixtures when they are there', () => {
		if (!existsSync(sharedFile)) return;
		expect(fixtures).toEqual(JSON.parse(readFileSync(sharedFile, 'utf8')));
	});

	it('is an Extism PDK ABI with every export of the template', () => {
		expect(fixtures.runtime).toMatch(/^Extism PDK/);
		expect(studioBrainProfile.transport).toBe('extism');
		expect(STUDIOBRAIN_HOOKS.map((h) => h.name)).toEqual(Object.keys(exportsFixture));
	});

	it.each(Object.entries(exportsFixture) as [string, { in: unknown }][])(
		'%s takes %j',
		(name, vector) => {
			const hook = studioBrainHook(name);
			const expected =
				vector.in === 'empty' ? 'empty' : vector.in === 'HookEvent' ? 'hook_event' : 'http_request';
			expect(hook?.input).toBe(expected);
			if (expected === 'empty') {
				const encoded = encodeCall(name, {});
				expect(encoded.ok && encoded.bytes.length).toBe(0);
			}
		}
	);

	it('sends the fixture HookEvent and HttpRequest as they are', () => {
		expect(SAMPLE_HOOK_EVENT).toEqual(types.HookEvent);
		expect(SAMPLE_HTTP_REQUEST).toEqual(types.HttpRequest);
		const event = encodeCall('on_entity_save', types.HookEvent);
		expect(event.ok && JSON.parse(utf8Decode(event.bytes))).toEqual(types.HookEvent);
		const request = encodeCall('handle_request', types.HttpRequest);
		expect(request.ok && JSON.parse(utf8Decode(request.bytes))).toEqual(types.HttpRequest);
	});

	it('refuses a HookEvent whose data is not a JSON string, or without actor/source', () => {
		expect(fixtures._types_note).toContain('data is a JSON *string*');
		expect(hookEventProblem({ ...types.HookEvent, data: { name: 'Aria' } })).toMatch(
			/"data" must be the entity as a JSON string/
		);
		const noActor: Record<string, unknown> = { ...types.HookEvent };
		delete noActor.actor;
		expect(hookEventProblem(noActor)).toBe('"actor" must be a string (it is required)');
		const refused = encodeCall('on_entity_validate', { ...types.HookEvent, source: null });
		expect(!refused.ok && refused.error.message).toBe(
			'on_entity_validate: "source" must be a string (it is required).'
		);
	});

	it('refuses an HttpRequest with a text body or headers as an object', () => {
		expect(httpRequestProblem({ ...types.HttpRequest, body: '{}' }, 'request')).toBe(
			'"body" must be a list of byte numbers (Vec<u8>), not a string'
		);
		expect(httpRequestProblem({ ...types.HttpRequest, headers: { accept: 'x' } }, 'request')).toBe(
			'"headers" must be a list of {key, value}'
		);
		expect(bodyProblem([1, 256], 'body')).toBe('"body[1]" must be a byte number from 0 to 255');
	});
});

describe('decoding answers', () => {
	it.each([
		['get_info', exportsFixture.get_info.out],
		['on_project_init', exportsFixture.on_project_init.out],
		['list_routes', exportsFixture.list_routes.out],
		['on_entity_save', types.HookResult_passthrough],
		['on_entity_create', types.HookResult_passthrough],
		['on_entity_delete', types.HookResult_passthrough]
	])('%s: the fixture answer is valid', (name, out) => {
		const decoded = decodeStudioBrain(name, json(out), 0);
		expect([decoded.status, decoded.issues]).toEqual(['value', []]);
		expect(decoded.value).toEqual(out);
	});

	it('on_entity_validate: valid false blocks the save, and is still a valid answer', () => {
		const decoded = decodeStudioBrain('on_entity_validate', json(types.ValidationResult_fail), 0);
		expect(decoded.status).toBe('value');
		expect(decoded.steps.at(-1)).toEqual({
			rule: 'valid: false → the save is blocked',
			detail: '1 error(s)'
		});
		const bad = decodeStudioBrain('on_entity_validate', json({ valid: 'no', errors: [{}] }), 0);
		expect(bad.issues.map((i) => i.path)).toEqual([
			'valid',
			'errors[0].field',
			'errors[0].message',
			'errors[0].severity'
		]);
	});

	it('a HookResult that aborts says so', () => {
		const abort = { ...types.HookResult_passthrough, abort: true, abort_reason: 'locked' };
		const decoded = decodeStudioBrain('on_entity_delete', json(abort), 0);
		expect(decoded.steps.at(-1)).toEqual({
			rule: 'abort: true → the change is cancelled',
			detail: 'locked'
		});
	});

	it('handle_request: the fixture response, its body as text and as JSON', () => {
		const decoded = decodeStudioBrain('handle_request', json(types.HttpResponse), 0);
		expect(decoded.status).toBe('value');
		expect(decoded.bodyText).toBe('{}');
		expect(decoded.bodyJson).toEqual({});
		expect(bodyToText(types.HttpResponse.body)).toBe('{}');
		expect(textToBody('{}')).toEqual(types.HttpResponse.body);
		expect(httpResponseProblems(types.HttpResponse)).toEqual([]);
	});

	it('handle_request: a string body and a text status do not deserialize', () => {
		const decoded = decodeStudioBrain(
			'handle_request',
			json({ status: '200', headers: [], body: 'hello' }),
			0
		);
		expect(decoded.status).toBe('error');
		expect(decoded.issues.map((i) => i.message)).toEqual([
			'"status" must be an HTTP status code (u16, 100 to 999)',
			'"body" must be a list of byte numbers (Vec<u8>), not a string'
		]);
	});

	it('list_routes: an object instead of a list is refused', () => {
		const decoded = studioBrainProfile.decode(
			'list_routes',
			json({ routes: exportsFixture.list_routes.out }),
			0
		);
		expect(decoded.status).toBe('error');
		expect(decoded.issues[0].message).toBe(
			'list_routes must return a list of {method, path, description}, not an object'
		);
	});

	it('a failed call is the plugin’s error; text that is not JSON cannot be read', () => {
		const failed = studioBrainProfile.decode('get_info', new Uint8Array(0), 1, 'boom');
		expect([failed.status, failed.value]).toEqual(['error', 'boom']);
		expect(decodeStudioBrain('get_info', utf8Encode('hello'), 0).issues).toEqual([
			{ path: '', message: 'StudioBrain expects JSON' }
		]);
	});
});

describe('the host through Extism vars', () => {
	const vars = fixtures.host_interaction_via_extism_vars;

	it('sets setting:<key> for every setting before a call', () => {
		expect(vars['setting:<key>']).toContain('setting:greeting');
		expect(presetVars({ greeting: 'Hi', depth: '3' })).toEqual({
			'setting:greeting': 'Hi',
			'setting:depth': '3'
		});
	});

	it('answers host_call:<name> in host_result:<name>, from the table', () => {
		for (const name of HOST_CALL_NAMES)
			expect(vars['host_call:<name> / host_result:<name>']).toContain(name);
		const { replies } = hostVarsFor({}, DEFAULT_REPLIES);
		expect(hostCallReply('host_call:query_entities', replies)).toEqual({
			name: 'query_entities',
			resultKey: 'host_result:query_entities',
			value: JSON.stringify(types.EntityQueryResult)
		});
		expect(hostCallReply('host_call:lora_train', replies)?.value).toBeNull();
		expect(hostCallReply('setting:greeting', replies)).toBeNull();
		expect(QUERY_ENTITIES_REQUEST).toEqual(types.EntityQueryFilter);
	});

	it('needs no imported host functions; the documented ones are listed as unverified', () => {
		expect(vars.imported_host_functions).toMatch(/^none/);
		const docs = fixtures.docs_described_api_unverified_against_code;
		expect(DOCUMENTED_HOST_FUNCTIONS).toEqual([
			...Object.keys(docs.host_functions).filter((k) => k !== 'others_named_in_capabilities'),
			...docs.host_functions.others_named_in_capabilities
		]);
		const info = {
			flavor: 'extism',
			exports: ['get_info', 'list_routes', 'handle_request'].map((name) => ({
				name,
				kind: 'function'
			})),
			imports: []
		} as never;
		expect(studioBrainProfile.detect(info)).toEqual({
			matches: true,
			detail: 'exports get_info, list_routes, handle_request'
		});
	});
});
