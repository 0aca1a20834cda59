/// <reference types="node" />
// How Bub reads an answer: the fixture responses, decode_response's rules in order, and each hook's
// checks, including every rejection bub-extism's own test suite makes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adapt, decodeResponse, readResponse, RULES, validate } from '../../src/lib/abi/bub/decode';
import { PyFloat } from '../../src/lib/abi/bub/python';
import { utf8Encode } from '../../src/lib/bytes/encoding';

const fixtures: { responses: Record<string, unknown> } = JSON.parse(
	readFileSync(new URL('../../../shared/abi/bub-extism.fixtures.json', import.meta.url), 'utf8')
);

/** A fixture response as output bytes: a string is the raw text, anything else its JSON. */
function output(response: unknown): Uint8Array {
	return utf8Encode(typeof response === 'string' ? response : JSON.stringify(response));
}

function fixture(name: string): Uint8Array {
	return output(fixtures.responses[name]);
}

function text(value: string): Uint8Array {
	return utf8Encode(value);
}

function rules(hook: string, bytes: Uint8Array, code: number | null = 0): string[] {
	return decodeResponse(hook, bytes, code).steps.map((s) => s.rule);
}

function issues(hook: string, value: unknown): string[] {
	return validate(hook, value).map((i) => i.message);
}

describe('decodeResponse: fixture responses', () => {
	it('plain_text: text that is not JSON is the value', () => {
		const d = decodeResponse('system_prompt', fixture('plain_text'), 0);
		expect(d).toMatchObject({ status: 'value', value: 'hello from wasm', issues: [] });
		expect(d.steps.map((s) => s.rule)).toEqual([RULES.notJson]);
		expect(d.steps[0]?.detail).toBe('json.loads: Expecting value: line 1 column 1 (char 0)');
	});

	it('wrapped and wrapped_text_alias: value, else text', () => {
		expect(decodeResponse('run_model', fixture('wrapped'), 0)).toMatchObject({
			status: 'value',
			value: 'hello from wasm'
		});
		expect(rules('run_model', fixture('wrapped'))).toEqual([RULES.object, RULES.value]);
		expect(decodeResponse('run_model', fixture('wrapped_text_alias'), 0).value).toBe(
			'hello from wasm'
		);
		expect(rules('run_model', fixture('wrapped_text_alias'))).toEqual([RULES.object, RULES.text]);
	});

	it('skip, skip_null and skip_empty: Bub moves on', () => {
		expect(decodeResponse('run_model', fixture('skip'), 0)).toMatchObject({
			status: 'skip',
			value: null
		});
		expect(rules('run_model', fixture('skip'))).toEqual([RULES.object, RULES.skip]);
		expect(rules('run_model', fixture('skip_null'))).toEqual([RULES.null]);
		expect(decodeResponse('run_model', fixture('skip_empty'), 0).status).toBe('skip');
		expect(rules('run_model', fixture('skip_empty'))).toEqual([RULES.empty]);
	});

	it('error and error_string: the hook fails with the message', () => {
		for (const name of ['error', 'error_string']) {
			const reading = readResponse('run_model', fixture(name), 0);
			expect(reading.decoded).toMatchObject({ status: 'error', value: 'missing api key' });
			expect(reading.raised).toEqual({ type: 'ExtismHookError', message: 'missing api key' });
			expect(reading.decoded.steps.at(-1)?.rule).toBe(RULES.error);
		}
	});

	it('stream_value: events and usage become a stream', () => {
		const reading = readResponse('run_model_stream', fixture('stream_value'), 0);
		expect(reading.decoded.issues).toEqual([]);
		expect(reading.passed).toEqual({
			events: [
				{ kind: 'text', data: { delta: 'hello' } },
				{ kind: 'final', data: { text: 'hello' } }
			],
			usage: { output_tokens: 1 }
		});
	});

	it('channels_value: one channel with its functions', () => {
		const reading = readResponse('provide_channels', fixture('channels_value'), 0);
		expect(reading.decoded.issues).toEqual([]);
		expect(reading.passed).toEqual([
			{
				name: 'wasm',
				enabled: true,
				needsDebounce: false,
				// float(1) in Python: 1.0
				pollIntervalSeconds: new PyFloat(1),
				functions: {
					start: 'channel_start',
					poll: 'channel_poll',
					send: 'channel_send',
					stop: 'channel_stop'
				}
			}
		]);
	});

	it('tape_store_value: all four operations bound', () => {
		const reading = readResponse('provide_tape_store', fixture('tape_store_value'), 0);
		expect(reading.decoded.issues).toEqual([]);
		expect(reading.passed).toEqual({
			functions: {
				list_tapes: 'tape_list_tapes',
				fetch_all: 'tape_fetch_all',
				append: 'tape_append',
				reset: 'tape_reset'
			}
		});
	});

	it('cli_value: one command', () => {
		const reading = readResponse('register_cli_commands', fixture('cli_value'), 0);
		expect(reading.decoded.issues).toEqual([]);
		expect(reading.passed).toEqual([
			{ name: 'hello', function: 'cli_hello', help: 'Run the hello command.' }
		]);
	});

	it('tape_context_value: "last" is the last anchor', () => {
		const reading = readResponse('build_tape_context', fixture('tape_context_value'), 0);
		expect(reading.decoded.issues).toEqual([]);
		expect(reading.passed).toEqual({ anchor: null, lastAnchor: true, state: {} });
	});
});

describe('decodeResponse: the rules in Bub’s order', () => {
	it('a non-zero return code fails before anything is decoded', () => {
		const reading = readResponse('run_model', fixture('wrapped'), 1);
		expect(reading.decoded.status).toBe('error');
		expect(reading.raised).toEqual({ type: 'Error', message: 'Error code: 1' });
		expect(reading.decoded.steps.map((s) => s.rule)).toEqual([RULES.code]);
		expect(readResponse('run_model', new Uint8Array(0), 3, 'boom').raised).toEqual({
			type: 'Error',
			message: 'boom'
		});
	});

	it('a null code (not known) decodes normally', () => {
		expect(decodeResponse('run_model', fixture('wrapped'), null).status).toBe('value');
	});

	it('output that is not UTF-8 fails with Python’s UnicodeDecodeError text', () => {
		const cases: Array<[number[], string]> = [
			[[0xff], "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"],
			[
				[0xe2, 0x28, 0xa1],
				"'utf-8' codec can't decode byte 0xe2 in position 0: invalid continuation byte"
			],
			[
				[0xe2, 0x82, 0x28],
				"'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte"
			],
			[[0xe2, 0x82], "'utf-8' codec can't decode bytes in position 0-1: unexpected end of data"],
			[
				[0x61, 0x62, 0xed, 0xa0, 0x80],
				"'utf-8' codec can't decode byte 0xed in position 2: invalid continuation byte"
			],
			[
				[0xf0, 0x9f, 0x98],
				"'utf-8' codec can't decode bytes in position 0-2: unexpected end of data"
			],
			[[0xc0, 0xaf], "'utf-8' codec can't decode byte 0xc0 in position 0: invalid start byte"],
			[
				[0xf4, 0x90, 0x80, 0x80],
				"'utf-8' codec can't decode byte 0xf4 in position 0: invalid continuation byte"
			]
		];
		for (const [bytes, message] of cases) {
			expect(readResponse('run_model', Uint8Array.from(bytes), 0).raised).toEqual({
				type: 'UnicodeDecodeError',
				message
			});
		}
	});

	it('keeps a BOM, which makes the output plain text', () => {
		const d = decodeResponse('run_model', Uint8Array.from([0xef, 0xbb, 0xbf, 0x22, 0x78, 0x22]), 0);
		expect(d.value).toBe('\ufeff"x"');
		expect(d.steps[0]?.detail).toContain('Unexpected UTF-8 BOM (decode using utf-8-sig)');
	});

	it('whitespace alone is text, not a skip', () => {
		expect(decodeResponse('run_model', text('  '), 0)).toMatchObject({
			status: 'value',
			value: '  '
		});
	});

	it('JSON that is not an object is the value as is, NaN included', () => {
		expect(decodeResponse('cli_command', text('"x"'), 0).value).toBe('x');
		expect(decodeResponse('cli_command', text('[1, 2]'), 0).value).toEqual([1, 2]);
		expect(decodeResponse('cli_command', text(' 123 '), 0).value).toBe(123);
		expect(decodeResponse('cli_command', text('NaN'), 0).value).toBeNaN();
		expect(rules('cli_command', text('false'))).toEqual([RULES.notObject]);
	});

	it('only a JSON true skips', () => {
		for (const skip of ['1', '"true"', 'false']) {
			expect(decodeResponse('cli_command', text(`{"skip": ${skip}, "value": 7}`), 0).value).toBe(7);
		}
	});

	it('an error must be truthy in Python’s sense', () => {
		for (const error of ['{}', '[]', '0', '""', 'false', 'null']) {
			const d = decodeResponse('cli_command', text(`{"error": ${error}, "value": 1}`), 0);
			expect(d).toMatchObject({ status: 'value', value: 1 });
		}
	});

	it('error messages go through str(), with Bub’s default', () => {
		const raised = (body: string) => readResponse('run_model', text(body), 0).raised?.message;
		expect(raised('{"error": {"message": 42}}')).toBe('42');
		expect(raised('{"error": {"message": null}}')).toBe('None');
		expect(raised('{"error": {"code": 500}}')).toBe('Extism hook returned an error');
		expect(raised('{"error": ["a", 1, true]}')).toBe("['a', 1, True]");
		expect(raised('{"error": true}')).toBe('True');
	});

	it('an error wins over a value, and a value over text', () => {
		expect(decodeResponse('run_model', text('{"value": "v", "error": "e"}'), 0).status).toBe(
			'error'
		);
		expect(decodeResponse('run_model', text('{"text": "t", "value": "v"}'), 0).value).toBe('v');
	});

	it('{"value": null} is a value of null, not a skip', () => {
		const reading = readResponse('run_model', text('{"value": null}'), 0);
		expect(reading.decoded).toMatchObject({ status: 'value', value: null, issues: [] });
		expect(reading.passed).toBeNull();
	});

	it('an object without value or text is the whole object', () => {
		const d = decodeResponse('load_state', text('{"turns": 2}'), 0);
		expect(d.value).toEqual({ turns: 2 });
		expect(d.steps.map((s) => s.rule)).toEqual([RULES.object, RULES.whole]);
	});

	it('JSON nested beyond Python’s recursion limit fails with RecursionError', () => {
		const reading = readResponse('cli_command', text('['.repeat(1495) + ']'.repeat(1495)), 0);
		expect(reading.raised?.type).toBe('RecursionError');
		expect(decodeResponse('cli_command', text('['.repeat(1494) + ']'.repeat(1494)), 0).status).toBe(
			'value'
		);
	});
});

describe('validate and adapt: what each hook accepts', () => {
	it('resolve_session turns any value into a string with str()', () => {
		expect(adapt('resolve_session', 42)).toBe('42');
		expect(adapt('resolve_session', { a: [true, null] })).toBe("{'a': [True, None]}");
		expect(adapt('resolve_session', null)).toBeNull();
		expect(issues('resolve_session', [1])).toEqual([]);
	});

	it('build_prompt takes a string, a content-part list or null', () => {
		expect(issues('build_prompt', 'p')).toEqual([]);
		expect(issues('build_prompt', [{ type: 'text', text: 'p' }])).toEqual([]);
		expect(issues('build_prompt', null)).toEqual([]);
		expect(issues('build_prompt', 5)).toEqual([
			'Extism build_prompt must return a string or content-part list'
		]);
	});

	it('run_model and system_prompt take a string or null', () => {
		expect(issues('run_model', ['x'])).toEqual(['Extism run_model must return a string']);
		expect(issues('system_prompt', { text: 'x' })).toEqual([
			'Extism system_prompt must return a string'
		]);
		expect(issues('system_prompt', null)).toEqual([]);
	});

	it('system_prompt accepts plain text (bub-extism test_system_prompt_accepts_plain_text_result)', () => {
		const reading = readResponse('system_prompt', text('from wasm'), 0);
		expect(reading.raised).toBeNull();
		expect(reading.passed).toBe('from wasm');
	});

	it('load_state and onboard_config take an object or null', () => {
		expect(issues('load_state', 'x')).toEqual(['Extism load_state must return an object']);
		expect(issues('onboard_config', [])).toEqual(['Extism onboard_config must return an object']);
		expect(issues('load_state', null)).toEqual([]);
	});

	it('render_outbound: object → one-item list, list as is, null → empty', () => {
		expect(adapt('render_outbound', { content: 'x' })).toEqual([{ content: 'x' }]);
		expect(adapt('render_outbound', [{ content: 'a' }, { content: 'b' }])).toHaveLength(2);
		expect(adapt('render_outbound', null)).toEqual([]);
		expect(issues('render_outbound', 'x')).toEqual([
			'Extism render_outbound must return an envelope or envelope list'
		]);
	});

	it('dispatch_outbound is reduced to Python truthiness', () => {
		expect(adapt('dispatch_outbound', {})).toBe(false);
		expect(adapt('dispatch_outbound', 'sent')).toBe(true);
		expect(adapt('dispatch_outbound', null)).toBe(false);
	});

	it('save_state and on_error answers are ignored', () => {
		expect(adapt('save_state', 'anything')).toBeNull();
		expect(issues('on_error', 5)).toEqual([]);
	});

	it('run_model_stream wraps a bare list of events (test_run_model_stream_wraps_returned_events)', () => {
		const events = [{ kind: 'text', data: { delta: 'hi' } }, { kind: 'final' }];
		expect(adapt('run_model_stream', events)).toEqual({
			events: [
				{ kind: 'text', data: { delta: 'hi' } },
				{ kind: 'final', data: {} }
			],
			usage: null
		});
	});

	it('run_model_stream rejects a usage that is not an object (test_run_model_stream_rejects_invalid_usage_shape)', () => {
		const reading = readResponse(
			'run_model_stream',
			text('{"value": {"events": [], "usage": "invalid"}}'),
			0
		);
		expect(reading.raised).toEqual({
			type: 'RuntimeError',
			message: 'Extism run_model_stream usage must be a JSON object'
		});
		expect(reading.decoded.issues).toEqual([
			{ path: 'usage', message: 'Extism run_model_stream usage must be a JSON object' }
		]);
	});

	it('run_model_stream checks each event', () => {
		expect(
			validate('run_model_stream', { events: ['x', { kind: 1 }, { kind: 'text', data: [] }] })
		).toEqual([
			{ path: 'events[0]', message: 'Extism stream event must be a JSON object' },
			{ path: 'events[1].kind', message: 'Extism stream event must include a string kind' },
			{ path: 'events[2].data', message: 'Extism stream event data must be a JSON object' }
		]);
		expect(issues('run_model_stream', 'hello')).toEqual([
			'Extism run_model_stream must return a list of stream events'
		]);
		expect(issues('run_model_stream', { events: null })).toEqual([
			'Extism run_model_stream must return a list of stream events'
		]);
		expect(adapt('run_model_stream', { usage: { output_tokens: 0 } })).toEqual({
			events: [],
			usage: { output_tokens: 0 }
		});
	});

	it('provide_tape_store rejects functions given as a list (test_tape_store_rejects_invalid_functions_shape)', () => {
		expect(validate('provide_tape_store', { functions: ['fetch_all'] })).toEqual([
			{ path: 'functions', message: 'Extism tape store descriptor must include a functions object' }
		]);
	});

	it('provide_tape_store requires functions (test_tape_store_requires_functions_object)', () => {
		expect(issues('provide_tape_store', {})).toEqual([
			'Extism tape store descriptor must include a functions object'
		]);
		expect(issues('provide_tape_store', 'store')).toEqual([
			'Extism provide_tape_store must return a descriptor object'
		]);
		expect(issues('provide_tape_store', { functions: { append: '' } })).toEqual([
			'Extism functions must map operation names to export names'
		]);
	});

	it('provide_tape_store accepts a partial descriptor and notes what will fail later', () => {
		const reading = readResponse(
			'provide_tape_store',
			text('{"value": {"functions": {"fetch_all": "fetch_all"}}}'),
			0
		);
		expect(reading.decoded.issues).toEqual([]);
		expect(reading.decoded.steps.at(-1)?.detail).toBe(
			"Extism tape store does not define 'list_tapes'; Extism tape store does not define 'append'; Extism tape store does not define 'reset'"
		);
	});

	it('provide_channels rejects {"channels": "bad"} (test_channel_proxy_rejects_invalid_wrapper_shape)', () => {
		expect(validate('provide_channels', { channels: 'bad' })).toEqual([
			{
				path: 'channels',
				message: 'Extism provide_channels must return a list of channel descriptors'
			}
		]);
		expect(adapt('provide_channels', { channels: [{ name: 'a' }] })).toEqual([
			{
				name: 'a',
				enabled: true,
				needsDebounce: false,
				pollIntervalSeconds: new PyFloat(1),
				functions: {}
			}
		]);
		expect(adapt('provide_channels', {})).toEqual([]);
	});

	it('provide_channels checks each descriptor', () => {
		expect(
			validate('provide_channels', [
				5,
				{ functions: { send: 'send' } },
				{ name: 'x', functions: ['send'] },
				{ name: 'y', pollIntervalSeconds: 'often' },
				{ name: 'z', pollIntervalSeconds: null }
			])
		).toEqual([
			{ path: '[0]', message: 'Extism channel descriptor must be an object' },
			{ path: '[1].name', message: 'Extism channel descriptor must include a name' },
			{ path: '[2].functions', message: 'Extism channel functions must be an object' },
			{ path: '[3].pollIntervalSeconds', message: "could not convert string to float: 'often'" },
			{
				path: '[4].pollIntervalSeconds',
				message: "float() argument must be a string or a real number, not 'NoneType'"
			}
		]);
		expect(
			adapt('provide_channels', [{ name: ' a ', pollIntervalSeconds: ' 2.5 ', enabled: 0 }])
		).toEqual([
			{ name: 'a', enabled: false, needsDebounce: false, pollIntervalSeconds: 2.5, functions: {} }
		]);
	});

	it('register_cli_commands rejects {"commands": "bad"} (test_plugin_defined_commands_reject_invalid_wrapper_shape)', () => {
		expect(issues('register_cli_commands', { commands: 'bad' })).toEqual([
			'Extism register_cli_commands must return a list'
		]);
	});

	it('register_cli_commands rejects a descriptor without function (test_plugin_defined_commands_reject_invalid_descriptor_shape)', () => {
		expect(validate('register_cli_commands', [{ name: 'hello' }])).toEqual([
			{ path: '[0].function', message: 'Extism CLI command descriptor requires name and function' }
		]);
		expect(issues('register_cli_commands', ['hello'])).toEqual([
			'Extism CLI command descriptor must be an object'
		]);
	});

	it('register_cli_commands rejects reserved and repeated names', () => {
		expect(
			issues('register_cli_commands', [
				{ name: 'list', function: 'f' },
				{ name: 'go', function: 'g' },
				{ name: 'go', function: 'h' }
			])
		).toEqual([
			"Extism CLI command 'list' conflicts with an existing command",
			"Extism CLI command 'go' conflicts with an existing command"
		]);
	});

	it('build_tape_context: anchor and state', () => {
		expect(adapt('build_tape_context', {})).toEqual({ anchor: null, lastAnchor: true, state: {} });
		expect(adapt('build_tape_context', { anchor: 'LAST_ANCHOR' })).toMatchObject({
			lastAnchor: true
		});
		expect(adapt('build_tape_context', { anchor: null })).toEqual({
			anchor: null,
			lastAnchor: false,
			state: {}
		});
		expect(adapt('build_tape_context', { anchor: 'handoff', state: { k: 1 } })).toEqual({
			anchor: 'handoff',
			lastAnchor: false,
			state: { k: 1 }
		});
		expect(issues('build_tape_context', { state: null })).toEqual([
			'Extism build_tape_context state must return an object'
		]);
		expect(issues('build_tape_context', 'last')).toEqual([
			'Extism build_tape_context must return an object'
		]);
	});

	it('tape_store.fetch_all rejects entries that are not objects (test_tape_store_rejects_invalid_entry_shape)', () => {
		const reading = readResponse('tape_store.fetch_all', text('{"value": ["bad-entry"]}'), 0);
		expect(reading.raised).toEqual({
			type: 'RuntimeError',
			message: 'Extism tape entry must be an object'
		});
	});

	it('tape_store.fetch_all reads entries as tape_entry_from_dict does', () => {
		expect(
			adapt('tape_store.fetch_all', [
				{
					id: 1,
					kind: 'message',
					payload: { role: 'user', content: 'hello' },
					meta: {},
					date: '2026-04-26T00:00:00+00:00'
				},
				{ id: '2', payload: [['role', 'system']] },
				{}
			])
		).toEqual([
			{
				id: 1,
				kind: 'message',
				payload: { role: 'user', content: 'hello' },
				meta: {},
				date: '2026-04-26T00:00:00+00:00'
			},
			{ id: 2, kind: 'event', payload: { role: 'system' }, meta: {}, date: null },
			{ id: 0, kind: 'event', payload: {}, meta: {}, date: null }
		]);
		expect(
			validate('tape_store.fetch_all', [
				{ id: 'x' },
				{ id: null },
				{ payload: 'ab' },
				{ meta: 3 },
				{ payload: [[1, 2, 3]] }
			])
		).toEqual([
			{ path: '[0].id', message: "invalid literal for int() with base 10: 'x'" },
			{
				path: '[1].id',
				message:
					"int() argument must be a string, a bytes-like object or a real number, not 'NoneType'"
			},
			{
				path: '[2].payload',
				message: 'dictionary update sequence element #0 has length 1; 2 is required'
			},
			{ path: '[3].meta', message: "'int' object is not iterable" },
			{
				path: '[4].payload',
				message: 'dictionary update sequence element #0 has length 3; 2 is required'
			}
		]);
		expect(issues('tape_store.fetch_all', { entries: [] })).toEqual([
			'Extism tape fetch_all must return a list'
		]);
	});

	it('tape_store.list_tapes: a list of names through str()', () => {
		expect(adapt('tape_store.list_tapes', ['main', 2])).toEqual(['main', '2']);
		expect(issues('tape_store.list_tapes', 'main')).toEqual([
			'Extism tape list_tapes must return a list'
		]);
	});

	it('channel.poll: a message, a list, or {messages}', () => {
		expect(adapt('channel.poll', { content: 'hi' })).toEqual([{ content: 'hi' }]);
		expect(adapt('channel.poll', { messages: [{ content: 'a' }] })).toEqual([{ content: 'a' }]);
		expect(adapt('channel.poll', null)).toEqual([]);
		expect(issues('channel.poll', { messages: 'x' })).toEqual([
			'Extism channel poll must return a message or message list'
		]);
	});

	it('cli_command and unknown hooks pass the value as is', () => {
		expect(adapt('cli_command', { greeting: 'hi' })).toEqual({ greeting: 'hi' });
		expect(adapt('no_such_hook', 5)).toBe(5);
	});
});
