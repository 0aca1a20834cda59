/// <reference types="node" />
// The bub.extism.v1 request: every fixture vector byte for byte (expected texts were produced by Python's
// `json.dumps(request, ensure_ascii=False)`, as bub-extism's bridge.py calls it), state sanitising, diffState.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffState, encodeEnvelope, sanitizeState } from '../../src/lib/abi/bub/envelope';
import { BUB_ALL_HOOKS } from '../../src/lib/abi/bub/hooks';
import { utf8Decode } from '../../src/lib/bytes/encoding';

interface Fixtures {
	requests: Record<string, { args: Record<string, unknown> }>;
	secondary_calls: Record<string, { hook: string; args: Record<string, unknown> }>;
	state_sanitize_example: { in: Record<string, unknown>; out: Record<string, unknown> };
}

const fixtures: Fixtures = JSON.parse(
	readFileSync(new URL('../../../shared/abi/bub-extism.fixtures.json', import.meta.url), 'utf8')
);

/** Python's output for each fixture request, keyed by hook (or secondary call) name. */
const PYTHON_BYTES: Record<string, string> = {
	resolve_session:
		'{"abi_version": "bub.extism.v1", "hook": "resolve_session", "args": {"message": {"content": "hi", "channel": "cli", "chat_id": "local"}}}',
	build_prompt:
		'{"abi_version": "bub.extism.v1", "hook": "build_prompt", "args": {"message": {"content": "hello"}, "session_id": "cli:local", "state": {}}}',
	run_model:
		'{"abi_version": "bub.extism.v1", "hook": "run_model", "args": {"prompt": "hello", "session_id": "cli:local", "state": {}}}',
	run_model_stream:
		'{"abi_version": "bub.extism.v1", "hook": "run_model_stream", "args": {"prompt": "hello", "session_id": "cli:local", "state": {}}}',
	load_state:
		'{"abi_version": "bub.extism.v1", "hook": "load_state", "args": {"message": {"content": "hello"}, "session_id": "cli:local"}}',
	save_state:
		'{"abi_version": "bub.extism.v1", "hook": "save_state", "args": {"message": {"content": "hello"}, "session_id": "cli:local", "state": {}, "model_output": "hi!"}}',
	render_outbound:
		'{"abi_version": "bub.extism.v1", "hook": "render_outbound", "args": {"message": {"content": "hello"}, "session_id": "cli:local", "state": {}, "model_output": "hi!"}}',
	dispatch_outbound:
		'{"abi_version": "bub.extism.v1", "hook": "dispatch_outbound", "args": {"message": {"content": "hi!"}}}',
	onboard_config:
		'{"abi_version": "bub.extism.v1", "hook": "onboard_config", "args": {"current_config": {}}}',
	on_error:
		'{"abi_version": "bub.extism.v1", "hook": "on_error", "args": {"stage": "model", "error": {"type": "RuntimeError", "message": "boom"}, "message": null}}',
	system_prompt:
		'{"abi_version": "bub.extism.v1", "hook": "system_prompt", "args": {"prompt": "hello", "state": {}}}',
	provide_tape_store: '{"abi_version": "bub.extism.v1", "hook": "provide_tape_store", "args": {}}',
	provide_channels: '{"abi_version": "bub.extism.v1", "hook": "provide_channels", "args": {}}',
	build_tape_context: '{"abi_version": "bub.extism.v1", "hook": "build_tape_context", "args": {}}',
	register_cli_commands:
		'{"abi_version": "bub.extism.v1", "hook": "register_cli_commands", "args": {"commands": []}}',
	cli_command:
		'{"abi_version": "bub.extism.v1", "hook": "cli_command", "args": {"plugin": "<config entry name>", "command": "hello", "payload": {"name": "Bub"}}}',
	'channel.start':
		'{"abi_version": "bub.extism.v1", "hook": "channel.start", "args": {"channel": "wasm"}}',
	'channel.poll':
		'{"abi_version": "bub.extism.v1", "hook": "channel.poll", "args": {"channel": "wasm"}}',
	'channel.send':
		'{"abi_version": "bub.extism.v1", "hook": "channel.send", "args": {"channel": "wasm", "message": {"content": "hello"}}}',
	'channel.stop':
		'{"abi_version": "bub.extism.v1", "hook": "channel.stop", "args": {"channel": "wasm"}}',
	'tape_store.list_tapes':
		'{"abi_version": "bub.extism.v1", "hook": "tape_store.list_tapes", "args": {}}',
	'tape_store.reset':
		'{"abi_version": "bub.extism.v1", "hook": "tape_store.reset", "args": {"tape": "main"}}',
	'tape_store.append':
		'{"abi_version": "bub.extism.v1", "hook": "tape_store.append", "args": {"tape": "main", "entry": {"id": 0, "kind": "message", "payload": {"role": "assistant", "content": "ok"}, "meta": {}, "date": "2026-04-26T00:00:00+00:00"}}}',
	'tape_store.fetch_all':
		'{"abi_version": "bub.extism.v1", "hook": "tape_store.fetch_all", "args": {"query": {"tape": "main", "query": null, "after_anchor": null, "after_last": false, "between_anchors": null, "between_dates": null, "kinds": [], "limit": null}}}'
};

function envelopeText(hook: string, args: unknown): string {
	const result = encodeEnvelope(hook, args);
	if (!result.ok) throw new Error(result.error.message);
	expect(utf8Decode(result.bytes)).toBe(result.text);
	return result.text;
}

describe('encodeEnvelope: fixture vectors', () => {
	it.each(Object.entries(fixtures.requests))('%s request', (hook, { args }) => {
		expect(envelopeText(hook, args)).toBe(PYTHON_BYTES[hook]);
	});

	it.each(Object.entries(fixtures.secondary_calls))('%s follow-up call', (name, call) => {
		expect(call.hook).toBe(name);
		expect(envelopeText(call.hook, call.args)).toBe(PYTHON_BYTES[name]);
	});

	it('covers every hook the profile lists', () => {
		expect(Object.keys(PYTHON_BYTES).sort()).toEqual(BUB_ALL_HOOKS.map((h) => h.name).sort());
	});

	it('sends the exact run_model envelope with the state filtered (bub-extism test_bridge)', () => {
		const state = {
			visible: { ok: true },
			_runtime_agent: { tools: () => [] },
			not_json: Symbol('object()')
		};
		expect(envelopeText('run_model', { prompt: 'hello', session_id: 's1', state })).toBe(
			'{"abi_version": "bub.extism.v1", "hook": "run_model", "args": {"prompt": "hello", "session_id": "s1", "state": {"visible": {"ok": true}}}}'
		);
	});
});

describe('encodeEnvelope: Python json.dumps details', () => {
	it('writes floats, NaN/Infinity, non-ASCII and escapes as Python does', () => {
		const state = {
			visible: { ok: true },
			ratio: 0.1,
			big: 1e16,
			tiny: 1e-5,
			third: 1 / 3,
			huge: 1.5e300,
			nan: NaN,
			inf: Infinity,
			ninf: -Infinity,
			text: 'Grüße 🌍 "q" \\ \n\t\u0007\u2028\u007f',
			list: [1, 2.5, null, false, [], {}],
			n: -12
		};
		// Printed by Python 3 `json.dumps(..., ensure_ascii=False)`; U+2028 and DEL stay raw.
		const python =
			'{"abi_version": "bub.extism.v1", "hook": "system_prompt", "args": {"prompt": "hello", "state": {"visible": {"ok": true}, "ratio": 0.1, "big": 1e+16, "tiny": 1e-05, "third": 0.3333333333333333, "huge": 1.5e+300, "nan": NaN, "inf": Infinity, "ninf": -Infinity, "text": "Grüße 🌍 \\"q\\" \\\\ \\n\\t\\u0007\u2028\u007f", "list": [1, 2.5, null, false, [], {}], "n": -12}}}';
		expect(envelopeText('system_prompt', { prompt: 'hello', state })).toBe(python);
	});

	it('writes floats in Python repr around its notation thresholds', () => {
		const values = [
			1e15 + 0.5,
			123456.789,
			0.0001,
			0.00012,
			2 ** 60,
			5e-324,
			-2.5e-7,
			1.7976931348623157e308
		];
		// Python: [1000000000000000.5, 123456.789, 0.0001, 0.00012, 1.152921504606847e+18, 5e-324, -2.5e-07, 1.7976931348623157e+308]
		expect(envelopeText('cli_command', { payload: values })).toContain(
			'"payload": [1000000000000000.5, 123456.789, 0.0001, 0.00012, 1.152921504606847e+18, 5e-324, -2.5e-07, 1.7976931348623157e+308]'
		);
	});

	it('writes bigints as Python ints', () => {
		expect(envelopeText('cli_command', { payload: 12345678901234567890n })).toContain(
			'"payload": 12345678901234567890'
		);
	});

	it('puts arguments in the order bub-extism builds them, unknown ones last', () => {
		const text = envelopeText('save_state', {
			model_output: 'hi!',
			extra: 1,
			state: {},
			session_id: 's',
			message: { content: 'x' }
		});
		expect(text).toBe(
			'{"abi_version": "bub.extism.v1", "hook": "save_state", "args": {"message": {"content": "x"}, "session_id": "s", "state": {}, "model_output": "hi!", "extra": 1}}'
		);
	});

	it('drops unsendable values anywhere in the arguments, shortening lists', () => {
		const text = envelopeText('dispatch_outbound', {
			message: {
				content: 'x',
				callback: () => 1,
				items: [1, undefined, Symbol('s'), 2],
				when: new Date(0)
			}
		});
		expect(text).toContain('"message": {"content": "x", "items": [1, 2]}');
	});

	it('keeps _runtime_ keys outside the top level of the state, and in other arguments', () => {
		const text = envelopeText('build_prompt', {
			message: { _runtime_id: 1 },
			session_id: 's',
			state: { _runtime_workspace: '/w', nested: { _runtime_x: 1 } }
		});
		expect(text).toContain('"message": {"_runtime_id": 1}');
		expect(text).toContain('"state": {"nested": {"_runtime_x": 1}}');
	});

	it('leaves a __proto__ key as data', () => {
		const args = JSON.parse('{"payload": {"__proto__": {"x": 1}}}');
		expect(envelopeText('cli_command', args)).toContain('"payload": {"__proto__": {"x": 1}}');
	});

	it('drops a value that contains itself instead of recursing forever', () => {
		const loop: Record<string, unknown> = { a: 1 };
		loop.self = loop;
		expect(envelopeText('cli_command', { payload: loop })).toContain('"payload": {"a": 1}');
	});

	it("refuses text Python cannot encode as UTF-8 (a lone surrogate), at Python's position", () => {
		const result = encodeEnvelope('run_model', { prompt: 'x\ud800', session_id: 's', state: {} });
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.error.kind).toBe('call');
		expect(result.error.message).toContain(
			"UnicodeEncodeError: 'utf-8' codec can't encode character '\\ud800' in position 75: surrogates not allowed"
		);
	});

	it('accepts paired surrogates (emoji) as UTF-8', () => {
		const text = envelopeText('run_model', { prompt: '🌍', session_id: 's', state: {} });
		expect(text).toContain('"prompt": "🌍"');
	});

	it('rejects arguments that are not an object, and a state that is not one', () => {
		const notObject = encodeEnvelope('run_model', ['hello']);
		expect(notObject.ok).toBe(false);
		if (!notObject.ok) expect(notObject.error.message).toContain('they are a list');
		const badState = encodeEnvelope('run_model', { prompt: 'p', session_id: 's', state: [1] });
		expect(badState.ok).toBe(false);
		if (!badState.ok)
			expect(badState.error.message).toContain('The state of run_model must be an object');
	});
});

describe('sanitizeState and diffState', () => {
	it('matches the fixture state_sanitize_example', () => {
		// The fixture writes Python objects as placeholders; these are their JavaScript counterparts.
		const typed = {
			...fixtures.state_sanitize_example.in,
			_runtime_agent: { name: 'agent' },
			not_json: () => 'object()'
		};
		expect(sanitizeState(typed)).toEqual(fixtures.state_sanitize_example.out);
		expect(Object.keys(typed)).toEqual(Object.keys(fixtures.state_sanitize_example.in));
	});

	it('lists each removed key with its reason', () => {
		class Agent {}
		const typed = {
			_runtime_workspace: '/w',
			keep: 1,
			agent: new Agent(),
			nested: { fn: () => 1, ok: true, list: [1, Symbol('x'), { u: undefined }] }
		};
		const sent = sanitizeState(typed);
		expect(sent).toEqual({ keep: 1, nested: { ok: true, list: [1, {}] } });
		expect(diffState(typed, sent)).toEqual([
			{
				path: '_runtime_workspace',
				reason: "begins with _runtime_: Bub's runtime internals stay in Python"
			},
			{ path: 'agent', reason: 'an Agent has no JSON form: Bub drops it' },
			{ path: 'nested.fn', reason: 'a function has no JSON form: Bub drops it' },
			{ path: 'nested.list[1]', reason: 'a symbol has no JSON form: Bub drops it' },
			{ path: 'nested.list[2].u', reason: 'undefined has no JSON form: Bub drops it' }
		]);
	});

	it('keeps NaN and Infinity (Python writes them) and reports nothing for a clean state', () => {
		const typed = { a: NaN, b: Infinity, 'odd key': [] };
		expect(sanitizeState(typed)).toEqual(typed);
		expect(diffState(typed, sanitizeState(typed))).toEqual([]);
	});

	it('quotes odd keys in paths', () => {
		expect(diffState({ 'a b': { f: () => 1 } }, { 'a b': {} })).toEqual([
			{ path: '["a b"].f', reason: 'a function has no JSON form: Bub drops it' }
		]);
	});
});
