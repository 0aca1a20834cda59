/**
 * How Bub reads a wasm export's answer. Sources: bubbuild/bub-contrib@6b42022 packages/bub-extism
 * codec.py `decode_response` (the decoding rules, in its order), plugin.py (what each hook's adapter
 * accepts and turns the value into), stream.py, channel.py, tape_store.py, cli.py and descriptors.py
 * (descriptor checks). Error texts are Bub's own; where Bub lets a Python builtin fail (`int()`,
 * `float()`, `dict()`), the text is that builtin's.
 */
import type { Decoded, DecodeStep, ValidationIssue } from '../profile';
import {
	isJsonObject,
	isPyFloat,
	pyDecodeUtf8,
	pyDict,
	pyDumps,
	pyEntries,
	PyFloat,
	pyFloat,
	pyInt,
	pyKeys,
	pyLoads,
	pyNumber,
	pyStr,
	pyTruthy,
	type JsonObject
} from './python';

/** An exception Bub raises, as bub-extism reports it to `on_error`: `{type, message}`. */
export interface BubRaise {
	type: string;
	message: string;
}

/** A decoded answer, the exception Bub raises for it (if any), and the value Bub's adapter passes on. */
export interface BubReading {
	decoded: Decoded;
	/** What Bub raises: an error answer, a failed call, or a value the hook rejects (first issue). */
	raised: BubRaise | null;
	/** The value the hook's adapter hands to Bub (`null` for a skip, after conversions such as `str()`). */
	passed: unknown;
}

/** The decoding rules, in bub-extism's words and order. */
export const RULES = {
	code: 'non-zero return code → extism.Error, nothing decoded',
	utf8: 'output is not UTF-8 → UnicodeDecodeError',
	empty: 'no output → skip',
	notJson: 'not JSON → the text is the value',
	tooDeep: 'JSON nested too deep → RecursionError',
	tooLong: 'an int of more than 4,300 digits → ValueError',
	null: 'JSON null → skip',
	notObject: 'JSON that is not an object → that value as is',
	object: 'JSON object → Bub reads skip, error, value, text',
	skip: '{"skip": true} → skip',
	error: 'truthy "error" → the hook fails (ExtismHookError)',
	value: '"value" → its value',
	text: '"text" → its value',
	whole: 'no "value" or "text" → the whole object'
} as const;

/** A short, single-line preview of a value for step details, as Python's json writes it. */
function preview(value: unknown): string {
	const text = pyDumps(value);
	return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Python's name for a JSON value's type, as builtins print it in errors. */
function pyType(value: unknown): string {
	if (value === null || value === undefined) return 'NoneType';
	if (Array.isArray(value)) return 'list';
	switch (typeof value) {
		case 'string':
			return 'str';
		case 'boolean':
			return 'bool';
		case 'number':
		case 'bigint':
			return isPyFloat(value) ? 'float' : 'int';
		default:
			return value instanceof PyFloat ? 'float' : 'dict';
	}
}

/** `dict.get(key, default)`: the default only when the key is absent (a JSON null is Python's None). */
function get(obj: JsonObject, key: string, fallback: unknown): unknown {
	return Object.hasOwn(obj, key) ? obj[key] : fallback;
}

/** descriptors.py `required_text`: `str(value or "").strip()`, empty meaning missing. */
function requiredText(value: unknown): string {
	return pyTruthy(value) ? pyStr(value).trim() : '';
}

/** Collects issues and notes while a checker walks a value. */
class Checker {
	readonly issues: ValidationIssue[] = [];
	readonly notes: DecodeStep[] = [];

	fail(path: string, message: string): void {
		this.issues.push({ path, message });
	}

	note(rule: string, detail: string): void {
		this.notes.push({ rule, detail });
	}
}

type Check = (value: unknown, c: Checker) => unknown;

function optionalString(hook: string): Check {
	return (value, c) => {
		if (value !== null && typeof value !== 'string')
			c.fail('', `Extism ${hook} must return a string`);
		return value;
	};
}

function optionalMapping(hook: string): Check {
	return (value, c) => {
		if (value !== null && !isJsonObject(value)) c.fail('', `Extism ${hook} must return an object`);
		return value;
	};
}

const ignored: Check = () => null;

/** descriptors.py `normalize_function_bindings`: operation → export name, both non-empty text. */
function functionBindings(
	value: unknown,
	path: string,
	c: Checker,
	missing: { ok: boolean; message: string }
): Record<string, string> {
	if (value === null || value === undefined) {
		if (!missing.ok) c.fail(path, missing.message);
		return {};
	}
	if (!isJsonObject(value)) {
		c.fail(path, missing.message);
		return {};
	}
	const bindings: Record<string, string> = {};
	for (const [operation, exportName] of pyEntries(value)) {
		const op = operation.trim();
		const name = requiredText(exportName);
		if (op === '' || name === '') {
			c.fail(`${path}.${operation}`, 'Extism functions must map operation names to export names');
		} else {
			bindings[op] = name;
		}
	}
	return bindings;
}

/** Python's `float(value)` for a JSON value, or the TypeError/ValueError text it raises. */
function floatOf(value: unknown): { ok: true; value: number } | { ok: false; message: string } {
	if (typeof value === 'number' || typeof value === 'bigint' || value instanceof PyFloat) {
		return { ok: true, value: pyNumber(value) };
	}
	if (typeof value === 'boolean') return { ok: true, value: value ? 1 : 0 };
	if (typeof value === 'string') {
		const text = value.trim().replace(/(?<=\d)_(?=\d)/g, '');
		if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) {
			return { ok: true, value: Number(text) };
		}
		const special = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
		if (special !== null) {
			const sign = special[1] === '-' ? -1 : 1;
			return { ok: true, value: special[2]?.toLowerCase() === 'nan' ? NaN : sign * Infinity };
		}
		return { ok: false, message: `could not convert string to float: '${value}'` };
	}
	return {
		ok: false,
		message: `float() argument must be a string or a real number, not '${pyType(value)}'`
	};
}

/** Python's `int(value)` for a JSON value, or the error text it raises. */
function intOf(
	value: unknown
): { ok: true; value: number | bigint } | { ok: false; message: string } {
	if (typeof value === 'boolean') return { ok: true, value: value ? 1 : 0 };
	if (typeof value === 'bigint') return { ok: true, value };
	if (typeof value === 'number' || value instanceof PyFloat) {
		const n = pyNumber(value);
		if (Number.isNaN(n)) return { ok: false, message: 'cannot convert float NaN to integer' };
		if (!Number.isFinite(n)) {
			return { ok: false, message: 'cannot convert float infinity to integer' };
		}
		return { ok: true, value: pyInt(BigInt(Math.trunc(n))) };
	}
	if (typeof value === 'string') {
		const text = value.trim();
		if (/^[+-]?\d+(?:_\d+)*$/.test(text)) {
			return { ok: true, value: pyInt(BigInt(text.replaceAll('_', ''))) };
		}
		return { ok: false, message: `invalid literal for int() with base 10: '${value}'` };
	}
	return {
		ok: false,
		message: `int() argument must be a string, a bytes-like object or a real number, not '${pyType(value)}'`
	};
}

/** Python's `dict(value or {})` for a JSON value, or the error text it raises. */
function dictOf(value: unknown): { ok: true; value: JsonObject } | { ok: false; message: string } {
	if (!pyTruthy(value)) return { ok: true, value: {} };
	if (isJsonObject(value)) return { ok: true, value: pyDict(pyEntries(value)) };
	if (typeof value === 'string') {
		return {
			ok: false,
			message: 'dictionary update sequence element #0 has length 1; 2 is required'
		};
	}
	if (!Array.isArray(value))
		return { ok: false, message: `'${pyType(value)}' object is not iterable` };
	const pairs: Array<[string, unknown]> = [];
	for (const [i, item] of value.entries()) {
		const pair = typeof item === 'string' ? [...item] : item;
		if (!Array.isArray(pair)) {
			return {
				ok: false,
				message: `cannot convert dictionary update sequence element #${i} to a sequence`
			};
		}
		if (pair.length !== 2) {
			return {
				ok: false,
				message: `dictionary update sequence element #${i} has length ${pair.length}; 2 is required`
			};
		}
		const [key, item2] = pair as [unknown, unknown];
		if (typeof key === 'object' && key !== null && !(key instanceof PyFloat)) {
			return { ok: false, message: `unhashable type: '${pyType(key)}'` };
		}
		pairs.push([pyStr(key), item2]);
	}
	return { ok: true, value: pyDict(pairs) };
}

/** stream.py `_stream_payload`: events and usage. */
const checkStream: Check = (value, c) => {
	if (value === null) return null;
	let events: unknown = value;
	let usage: JsonObject | null = null;
	let at = '';
	if (isJsonObject(value)) {
		events = get(value, 'events', []);
		at = 'events';
		const rawUsage = value.usage;
		if (rawUsage !== undefined && rawUsage !== null) {
			if (isJsonObject(rawUsage)) usage = rawUsage;
			else c.fail('usage', 'Extism run_model_stream usage must be a JSON object');
		}
	}
	if (!Array.isArray(events)) {
		c.fail(at, 'Extism run_model_stream must return a list of stream events');
		return null;
	}
	const out = events.map((event: unknown, i) => {
		const path = `${at}[${i}]`;
		if (!isJsonObject(event)) {
			c.fail(path, 'Extism stream event must be a JSON object');
			return null;
		}
		const data = get(event, 'data', {});
		if (typeof event.kind !== 'string') {
			c.fail(`${path}.kind`, 'Extism stream event must include a string kind');
		} else if (!isJsonObject(data)) {
			c.fail(`${path}.data`, 'Extism stream event data must be a JSON object');
		}
		return { kind: event.kind, data };
	});
	if (!Array.isArray(value)) c.note('{events, usage} → a stream', `${out.length} events`);
	else c.note('a bare list → a stream of those events, no usage', `${out.length} events`);
	return { events: out, usage };
};

/** plugin.py `_outbound_messages`. */
const checkOutbound: Check = (value, c) => {
	if (value === null) return [];
	if (isJsonObject(value)) {
		c.note('an object → a one-item list', 'one outbound message');
		return [value];
	}
	if (Array.isArray(value)) return value;
	c.fail('', 'Extism render_outbound must return an envelope or envelope list');
	return [];
};

/** tape_store.py `tape_store_from_value` and `_functions_from_descriptor`. */
const checkTapeStore: Check = (value, c) => {
	if (value === null) return null;
	if (!isJsonObject(value)) {
		c.fail('', 'Extism provide_tape_store must return a descriptor object');
		return null;
	}
	const functions = functionBindings(value.functions, 'functions', c, {
		ok: false,
		message: 'Extism tape store descriptor must include a functions object'
	});
	const missing = ['list_tapes', 'fetch_all', 'append', 'reset'].filter((op) => !(op in functions));
	if (c.issues.length === 0 && missing.length > 0) {
		c.note(
			'an operation left out → fails when Bub first calls it',
			missing.map((op) => `Extism tape store does not define '${op}'`).join('; ')
		);
	}
	return { functions };
};

/** channel.py `channels_from_value` and `ExtismChannel.from_descriptor`. */
const checkChannels: Check = (value, c) => {
	if (value === null) return [];
	let list: unknown = value;
	let at = '';
	if (isJsonObject(value)) {
		list = get(value, 'channels', []);
		at = 'channels';
	}
	if (!Array.isArray(list)) {
		c.fail(at, 'Extism provide_channels must return a list of channel descriptors');
		return [];
	}
	return list.map((descriptor: unknown, i) => {
		const path = `${at}[${i}]`;
		if (!isJsonObject(descriptor)) {
			c.fail(path, 'Extism channel descriptor must be an object');
			return null;
		}
		const name = requiredText(descriptor.name);
		if (name === '') c.fail(`${path}.name`, 'Extism channel descriptor must include a name');
		const interval = floatOf(get(descriptor, 'pollIntervalSeconds', 1));
		if (!interval.ok) c.fail(`${path}.pollIntervalSeconds`, interval.message);
		return {
			name,
			enabled: pyTruthy(get(descriptor, 'enabled', true)),
			needsDebounce: pyTruthy(get(descriptor, 'needsDebounce', false)),
			// float(): a whole number of seconds is a float (1.0) in Bub.
			pollIntervalSeconds: interval.ok ? pyFloat(interval.value) : null,
			functions: functionBindings(descriptor.functions, `${path}.functions`, c, {
				ok: true,
				message: 'Extism channel functions must be an object'
			})
		};
	});
};

/** plugin.py `_tape_context`. */
const checkTapeContext: Check = (value, c) => {
	if (value === null) return null;
	if (!isJsonObject(value)) {
		c.fail('', 'Extism build_tape_context must return an object');
		return null;
	}
	const rawAnchor = get(value, 'anchor', 'last');
	const text = rawAnchor === null ? null : pyStr(rawAnchor);
	const lastAnchor = text !== null && ['last', 'last_anchor'].includes(text.toLowerCase());
	if (text === null) c.note('anchor null → the whole tape', 'no anchor');
	else if (lastAnchor)
		c.note(`anchor ${JSON.stringify(text)} → LAST_ANCHOR`, 'the last anchor on the tape');
	const state = get(value, 'state', {});
	if (!isJsonObject(state))
		c.fail('state', 'Extism build_tape_context state must return an object');
	return { anchor: lastAnchor ? null : text, lastAnchor, state };
};

/** Command names bub extism itself uses (cli.py `RESERVED_COMMAND_NAMES`). */
const RESERVED_COMMANDS = ['add', 'list', 'remove', 'show'];

/** cli.py `commands_from_value` and `CommandDescriptor.from_descriptor`, then the name conflicts. */
const checkCommands: Check = (value, c) => {
	if (value === null) return [];
	let list: unknown = value;
	let at = '';
	if (isJsonObject(value)) {
		list = get(value, 'commands', []);
		at = 'commands';
	}
	if (!Array.isArray(list)) {
		c.fail(at, 'Extism register_cli_commands must return a list');
		return [];
	}
	const commands = list.map((descriptor: unknown, i) => {
		const path = `${at}[${i}]`;
		if (!isJsonObject(descriptor)) {
			c.fail(path, 'Extism CLI command descriptor must be an object');
			return null;
		}
		const name = requiredText(descriptor.name);
		const fn = requiredText(descriptor.function);
		if (name === '' || fn === '') {
			c.fail(
				`${path}.${name === '' ? 'name' : 'function'}`,
				'Extism CLI command descriptor requires name and function'
			);
		}
		const help = descriptor.help;
		return { name, function: fn, help: help === undefined || help === null ? null : pyStr(help) };
	});
	const taken = new Set(RESERVED_COMMANDS);
	commands.forEach((command, i) => {
		if (command === null || command.name === '') return;
		if (taken.has(command.name)) {
			c.fail(
				`${at}[${i}].name`,
				`Extism CLI command '${command.name}' conflicts with an existing command`
			);
		}
		taken.add(command.name);
	});
	return commands;
};

/** channel.py `_messages_from_value`. */
const checkPoll: Check = (value, c) => {
	if (value === null) return [];
	let list: unknown = value;
	let at = '';
	if (isJsonObject(value)) {
		list = get(value, 'messages', [value]);
		if (Object.hasOwn(value, 'messages')) at = 'messages';
		else c.note('an object → one message', 'one inbound message');
	}
	if (!Array.isArray(list)) {
		c.fail(at, 'Extism channel poll must return a message or message list');
		return [];
	}
	return list;
};

/** tape_store.py `list_tapes`. */
const checkListTapes: Check = (value, c) => {
	if (value === null) return [];
	if (!Array.isArray(value)) {
		c.fail('', 'Extism tape list_tapes must return a list');
		return [];
	}
	return value.map(pyStr);
};

/** tape_store.py `fetch_all` and codec.py `tape_entry_from_dict`. */
const checkFetchAll: Check = (value, c) => {
	if (value === null) return [];
	if (!Array.isArray(value)) {
		c.fail('', 'Extism tape fetch_all must return a list');
		return [];
	}
	return value.map((entry: unknown, i) => {
		const path = `[${i}]`;
		if (!isJsonObject(entry)) {
			c.fail(path, 'Extism tape entry must be an object');
			return null;
		}
		const id = intOf(get(entry, 'id', 0));
		if (!id.ok) c.fail(`${path}.id`, id.message);
		const payload = dictOf(entry.payload);
		if (!payload.ok) c.fail(`${path}.payload`, payload.message);
		const meta = dictOf(entry.meta);
		if (!meta.ok) c.fail(`${path}.meta`, meta.message);
		// An empty date becomes "now" in Bub (utc_now()); null here stands for that.
		const date = pyStr(get(entry, 'date', ''));
		return {
			id: id.ok ? id.value : null,
			kind: pyStr(get(entry, 'kind', 'event')),
			payload: payload.ok ? payload.value : null,
			meta: meta.ok ? meta.value : null,
			date: date === '' ? null : date
		};
	});
};

/** What each hook's adapter accepts and what it passes on to Bub. Hooks not listed pass the value as is. */
const CHECKS: Record<string, Check> = {
	resolve_session: (value, c) => {
		if (value === null) return null;
		const text = pyStr(value);
		if (typeof value !== 'string') c.note('resolve_session → str(value)', JSON.stringify(text));
		return text;
	},
	build_prompt: (value, c) => {
		if (value !== null && typeof value !== 'string' && !Array.isArray(value)) {
			c.fail('', 'Extism build_prompt must return a string or content-part list');
		}
		return value;
	},
	run_model: optionalString('run_model'),
	run_model_stream: checkStream,
	load_state: optionalMapping('load_state'),
	save_state: ignored,
	render_outbound: checkOutbound,
	dispatch_outbound: (value) => pyTruthy(value),
	onboard_config: optionalMapping('onboard_config'),
	on_error: ignored,
	system_prompt: optionalString('system_prompt'),
	provide_tape_store: checkTapeStore,
	provide_channels: checkChannels,
	build_tape_context: checkTapeContext,
	register_cli_commands: checkCommands,
	'channel.start': ignored,
	'channel.poll': checkPoll,
	'channel.send': ignored,
	'channel.stop': ignored,
	'tape_store.list_tapes': checkListTapes,
	'tape_store.fetch_all': checkFetchAll,
	'tape_store.append': ignored,
	'tape_store.reset': ignored
};

function check(hook: string, value: unknown): { checker: Checker; passed: unknown } {
	const checker = new Checker();
	const run = CHECKS[hook];
	const passed = run === undefined ? value : run(value, checker);
	return { checker, passed };
}

/**
 * Whether a decoded value is what `hook` accepts, in Bub's terms; empty when it is. Bub raises on the
 * first issue; the rest are listed too, so all can be fixed at once.
 */
export function validate(hook: string, value: unknown): ValidationIssue[] {
	return check(hook, value).checker.issues;
}

/**
 * What the hook's adapter hands to Bub for a value (`null` for a skip): `str()` for resolve_session,
 * a list for render_outbound, a boolean for dispatch_outbound, normalised descriptors, and so on.
 */
export function adapt(hook: string, value: unknown): unknown {
	return check(hook, value).passed;
}

function skipped(hook: string, steps: DecodeStep[]): BubReading {
	return {
		decoded: { status: 'skip', value: null, steps, issues: [] },
		raised: null,
		passed: adapt(hook, null)
	};
}

function raised(type: string, message: string, steps: DecodeStep[]): BubReading {
	return {
		decoded: { status: 'error', value: message, steps, issues: [] },
		raised: { type, message },
		passed: null
	};
}

/**
 * Reads an export's answer as bub-extism does, with the exception Bub raises and the value it passes on.
 * `pluginError` is the message the plugin set with `error_set`, which the Python SDK raises for a non-zero
 * return code instead of `Error code: N`.
 */
export function readResponse(
	hook: string,
	output: Uint8Array,
	code: number | null,
	pluginError?: string
): BubReading {
	if (code !== null && code !== 0) {
		const message = pluginError ?? `Error code: ${code}`;
		return raised('Error', message, [{ rule: RULES.code, detail: `returned ${code}: ${message}` }]);
	}
	const decodedText = pyDecodeUtf8(output);
	if (!decodedText.ok) {
		return raised('UnicodeDecodeError', decodedText.message, [
			{ rule: RULES.utf8, detail: decodedText.message }
		]);
	}
	const text = decodedText.text;
	if (text === '') return skipped(hook, [{ rule: RULES.empty, detail: '0 bytes' }]);

	const steps: DecodeStep[] = [];
	const parsed = pyLoads(text);
	let value: unknown;
	if (!parsed.ok && parsed.error !== 'JSONDecodeError') {
		const rule = parsed.error === 'RecursionError' ? RULES.tooDeep : RULES.tooLong;
		return raised(parsed.error, parsed.message, [{ rule, detail: parsed.message }]);
	}
	if (!parsed.ok) {
		steps.push({ rule: RULES.notJson, detail: `json.loads: ${parsed.message}` });
		value = text;
	} else if (parsed.value === null) {
		return skipped(hook, [{ rule: RULES.null, detail: 'null' }]);
	} else if (!isJsonObject(parsed.value)) {
		steps.push({ rule: RULES.notObject, detail: preview(parsed.value) });
		value = parsed.value;
	} else {
		const object = parsed.value;
		steps.push({ rule: RULES.object, detail: `keys: ${pyKeys(object).join(', ') || 'none'}` });
		if (object.skip === true)
			return skipped(hook, [...steps, { rule: RULES.skip, detail: 'skip: true' }]);
		if (pyTruthy(object.error)) {
			const error = object.error;
			const message = isJsonObject(error)
				? pyStr(get(error, 'message', 'Extism hook returned an error'))
				: pyStr(error);
			return raised('ExtismHookError', message, [...steps, { rule: RULES.error, detail: message }]);
		}
		if (Object.hasOwn(object, 'value')) {
			value = object.value;
			steps.push({ rule: RULES.value, detail: preview(value) });
		} else if (Object.hasOwn(object, 'text')) {
			value = object.text;
			steps.push({ rule: RULES.text, detail: preview(value) });
		} else {
			value = object;
			steps.push({ rule: RULES.whole, detail: preview(value) });
		}
	}
	const { checker, passed } = check(hook, value);
	const first = checker.issues[0];
	return {
		decoded: {
			status: 'value',
			value,
			steps: [...steps, ...checker.notes],
			issues: checker.issues
		},
		raised: first === undefined ? null : { type: 'RuntimeError', message: first.message },
		passed: first === undefined ? passed : null
	};
}

/** Reads an export's answer as bub-extism does (see `readResponse`). */
export function decodeResponse(
	hook: string,
	output: Uint8Array,
	code: number | null,
	pluginError?: string
): Decoded {
	return readResponse(hook, output, code, pluginError).decoded;
}
