// Bub's exact bytes, checked against CPython 3.12 itself: every expected value below comes from
// tests/fixtures/python/bub-values.json, written by scripts/python-vectors.py (see its header to regenerate).
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fieldsOf, fieldText, parseFieldInput, withArg } from '../../src/lib/abi/arg-fields';
import { readResponse } from '../../src/lib/abi/bub/decode';
import {
	diffState,
	encodeEnvelope,
	parseBubJson,
	sanitizeState
} from '../../src/lib/abi/bub/envelope';
import {
	PY_MAX_DEPTH,
	pyDict,
	pyDumps,
	pyEncodeError,
	pyEntries,
	PyFloat,
	pyFloat,
	pyInt,
	pyKeys,
	pyLoads,
	pyRepr,
	pySet,
	pyStr
} from '../../src/lib/abi/bub/python';
import { runTurn, type CallExport, type TurnPlugin } from '../../src/lib/abi/bub/turn';
import { utf8Encode } from '../../src/lib/bytes/encoding';

interface LoadsCase {
	text: string;
	ok?: { dumps: string; str: string; repr: string };
	error?: string;
	message?: string;
}
interface Limit {
	max: number;
	error: string;
}
interface Vectors {
	python: string;
	loads: LoadsCase[];
	errors: Array<{ text: string; message: string | null }>;
	envelopes: Array<{ hook: string; args: string; bytes: string }>;
	surrogates: Array<{ text: string; message: string | null }>;
	pretty: Array<{ text: string; indent2: string }>;
	generated: Array<{ dumps: string; str: string }>;
	nesting: {
		worker_thread: {
			loads: Record<'list' | 'dict', Limit>;
			encode: Record<string, Array<{ prompt: string; bytes: string }>>;
		};
	};
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const vectors = JSON.parse(
	readFileSync(join(root, 'tests/fixtures/python/bub-values.json'), 'utf8')
) as Vectors;

function read(text: string): unknown {
	const parsed = pyLoads(text);
	if (!parsed.ok) throw new Error(`${text}: ${parsed.message}`);
	return parsed.value;
}

describe('the vectors', () => {
	it('come from CPython 3.12', () => {
		expect(vectors.python).toMatch(/^3\.12\./);
	});
});

describe('json.loads then json.dumps, str() and repr()', () => {
	for (const c of vectors.loads) {
		it(c.text.length > 60 ? `${c.text.slice(0, 40)}… (${c.text.length} chars)` : c.text, () => {
			const parsed = pyLoads(c.text);
			if (c.ok === undefined) {
				expect(parsed).toEqual({ ok: false, error: c.error, message: c.message });
				return;
			}
			expect(parsed.ok).toBe(true);
			if (!parsed.ok) return;
			expect(pyDumps(parsed.value)).toBe(c.ok.dumps);
			expect(pyStr(parsed.value)).toBe(c.ok.str);
			expect(pyRepr(parsed.value)).toBe(c.ok.repr);
		});
	}

	it('keeps key order, first place with last value, as a CPython dict', () => {
		const value = read('{"b": 1, "2": 2, "b": 3}') as Record<string, unknown>;
		expect(pyKeys(value)).toEqual(['b', '2']);
		expect(value.b).toBe(3);
		// JavaScript alone would have put "2" first.
		expect(Object.keys(value)).toEqual(['2', 'b']);
	});

	it('tells int from float: 1 is a number, 1.0 a PyFloat, -0.0 is -0, big ints are bigints', () => {
		expect(read('1')).toBe(1);
		expect(read('1.0')).toEqual(new PyFloat(1));
		expect(Object.is(read('-0.0'), -0)).toBe(true);
		expect(Object.is(read('-0'), 0)).toBe(true);
		expect(read('9007199254740993')).toBe(9007199254740993n);
		expect(read('1e16')).toBe(1e16);
	});
});

describe('seeded random values', () => {
	it('read back, they are written and printed byte for byte as Python does', () => {
		expect(vectors.generated.length).toBeGreaterThanOrEqual(400);
		const differ = vectors.generated.filter((c) => {
			const parsed = pyLoads(c.dumps);
			return !parsed.ok || pyDumps(parsed.value) !== c.dumps || pyStr(parsed.value) !== c.str;
		});
		expect(differ).toEqual([]);
	});
});

describe("bub-extism's error message: str() of the error value", () => {
	for (const c of vectors.errors) {
		it(c.text, () => {
			const reading = readResponse('run_model', utf8Encode(c.text), 0);
			if (c.message === null) expect(reading.decoded.status).toBe('value');
			else expect(reading.raised).toEqual({ type: 'ExtismHookError', message: c.message });
		});
	}
});

describe('the envelope bytes', () => {
	for (const c of vectors.envelopes) {
		it(c.args, () => {
			const envelope = encodeEnvelope(c.hook, read(c.args));
			expect(envelope.ok && envelope.text).toBe(c.bytes);
			expect(envelope.ok && envelope.bytes).toEqual(utf8Encode(c.bytes));
		});
	}

	it('reads the editor text with the same reader, NaN included', () => {
		const parsed = parseBubJson('{"state": {"n": NaN}}', 'Hook arguments');
		expect(parsed.ok && pyDumps(parsed.value)).toBe('{"state": {"n": NaN}}');
		expect(parseBubJson('{"a": nan}', 'Hook arguments')).toMatchObject({
			ok: false,
			error: {
				message: 'Hook arguments is not valid JSON: Expecting value: line 1 column 7 (char 6).'
			}
		});
		const deep = '['.repeat(PY_MAX_DEPTH + 1) + ']'.repeat(PY_MAX_DEPTH + 1);
		expect(parseBubJson(deep, 'Turn message')).toMatchObject({
			ok: false,
			error: {
				message:
					"Python's json cannot read Turn message: RecursionError: maximum recursion depth exceeded while decoding a JSON array from a unicode string."
			}
		});
	});
});

describe("str.encode('utf-8') on lone surrogates", () => {
	for (const c of vectors.surrogates) {
		it(c.text, () => {
			expect(pyEncodeError(JSON.parse(c.text) as string)).toBe(c.message);
		});
	}
});

describe('json.dumps(indent=2), as the page prints values', () => {
	for (const c of vectors.pretty) {
		it(c.text, () => {
			expect(pyDumps(read(c.text), 2)).toBe(c.indent2);
		});
	}
});

describe("CPython 3.12's nesting limits in bub-extism's worker thread", () => {
	const nested = (kind: 'list' | 'dict', depth: number) =>
		kind === 'list'
			? '['.repeat(depth) + ']'.repeat(depth)
			: '{"a": '.repeat(depth) + '1' + '}'.repeat(depth);

	for (const kind of ['list', 'dict'] as const) {
		it(`json.loads reads ${kind}s as deep as Python and fails one level deeper with its message`, () => {
			const limit = vectors.nesting.worker_thread.loads[kind];
			expect(PY_MAX_DEPTH).toBe(limit.max);
			expect(pyLoads(nested(kind, limit.max)).ok).toBe(true);
			expect(pyLoads(nested(kind, limit.max + 1))).toEqual({
				ok: false,
				error: 'RecursionError',
				message: limit.error
			});
			const reading = readResponse('run_model', utf8Encode(nested(kind, limit.max + 1)), 0);
			expect(reading.raised).toEqual({ type: 'RecursionError', message: limit.error });
		});
	}

	for (const [kind, rows] of Object.entries(vectors.nesting.worker_thread.encode)) {
		it(`the encoder drops the ${kind} levels Python cannot encode, keeping their containers`, () => {
			for (const row of rows) {
				const envelope = encodeEnvelope('run_model', pyDict([['prompt', read(row.prompt)]]));
				expect(envelope.ok && envelope.text, `${kind} of ${row.prompt.length} chars`).toBe(
					row.bytes
				);
			}
		});
	}

	it('sanitizeState cuts a deep state where the envelope does', () => {
		const deep = read('['.repeat(600) + ']'.repeat(600));
		const sent = sanitizeState(pyDict([['deep', deep]]));
		const envelope = encodeEnvelope('run_model', pyDict([['state', pyDict([['deep', deep]])]]));
		expect(envelope.ok && envelope.text).toBe(
			`{"abi_version": "bub.extism.v1", "hook": "run_model", "args": {"state": ${pyDumps(sent)}}}`
		);
		expect(pyDumps(sent).length).toBeLessThan(1200);
		const removed = diffState(pyDict([['deep', deep]]), sent);
		expect(removed).toHaveLength(1);
		expect(removed[0]?.path).toMatch(/^deep(\[0\])+$/);
		expect(removed[0]?.reason).toMatch(/^nested too deep: Python's recursion limit/);
	});
});

/** Any value of the model: dicts with integer-like keys, big ints, whole and special floats. */
const pyValue = fc.letrec<{ value: unknown }>((tie) => ({
	value: fc.oneof(
		{ depthSize: 'small', withCrossShrink: true },
		fc.constant(null),
		fc.boolean(),
		fc.string(),
		fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(pyInt),
		fc.double().map(pyFloat),
		fc.array(tie('value'), { maxLength: 4 }),
		fc
			.array(fc.tuple(fc.oneof(fc.string(), fc.nat().map(String)), tie('value')), { maxLength: 4 })
			.map(pyDict)
	)
})).value;

describe('the model round-trips', () => {
	it('json.loads(json.dumps(v)) writes the same bytes again', () => {
		fc.assert(
			fc.property(pyValue, (value) => {
				const text = pyDumps(value);
				const again = pyLoads(text);
				expect(again.ok && pyDumps(again.value)).toBe(text);
				expect(again.ok && pyStr(again.value)).toBe(pyStr(value));
			})
		);
	});

	it('pySet appends a new key and keeps an existing key in place', () => {
		const d = pyDict([
			['b', 1],
			['2', 2]
		]);
		pySet(d, '0', 3);
		pySet(d, 'b', 4);
		expect(pyEntries(d)).toEqual([
			['b', 4],
			['2', 2],
			['0', 3]
		]);
	});
});

describe('the argument form keeps what it does not edit', () => {
	const text = '{\n  "b": 1,\n  "2": 1.0,\n  "n": NaN,\n  "big": 9007199254740993\n}';

	it('shows number fields as Python writes them', () => {
		const parsed = fieldsOf(text);
		expect(parsed.ok && parsed.fields.map((f) => [f.name, fieldText(f)])).toEqual([
			['b', '1'],
			['2', '1.0'],
			['n', 'NaN'],
			['big', '9007199254740993']
		]);
	});

	it('reads NaN, Infinity, 1.0 and big ints typed in a number field', () => {
		expect(parseFieldInput('number', 'NaN')).toMatchObject({ ok: true });
		expect(parseFieldInput('number', '-Infinity')).toEqual({ ok: true, value: -Infinity });
		expect(parseFieldInput('number', '1.0')).toEqual({ ok: true, value: new PyFloat(1) });
		expect(parseFieldInput('number', ' 9007199254740993 ')).toEqual({
			ok: true,
			value: 9007199254740993n
		});
		expect(parseFieldInput('number', 'nan')).toMatchObject({ ok: false });
	});

	it('edits one field and leaves the order, floats, NaN and big ints of the others', () => {
		expect(withArg(text, 'b', 'x')).toBe(
			'{\n  "b": "x",\n  "2": 1.0,\n  "n": NaN,\n  "big": 9007199254740993\n}'
		);
	});
});

describe('a turn carries the lossless values from one hook to the next', () => {
	it('load_state answers {"b": 1, "2": 1.0, "n": NaN} and build_prompt receives exactly that', async () => {
		const sent: string[] = [];
		const call: CallExport = async (_plugin, hook, _export, envelope) => {
			sent.push(new TextDecoder().decode(envelope));
			const answers: Record<string, string> = {
				load_state: '{"value": {"b": 1, "2": 1.0, "n": NaN, "big": 9007199254740993}}',
				build_prompt: '{"value": "p"}'
			};
			return { output: utf8Encode(answers[hook] ?? ''), code: 0 };
		};
		const plugin: TurnPlugin = {
			name: 'p',
			order: 0,
			hooks: { load_state: 'load_state', build_prompt: 'build_prompt' }
		};
		const result = await runTurn([plugin], { content: 'hi', session_id: 's' }, {}, call);
		expect(result.error).toBeNull();
		expect(sent[1]).toContain('"state": {"b": 1, "2": 1.0, "n": NaN, "big": 9007199254740993}}}');
		const loaded = result.root.children.find((s) => s.hook === 'load_state');
		expect(pyDumps(loaded?.passedOn)).toBe(
			'{"_runtime_workspace": "/workspace", "_runtime_steering_inbox": null, "b": 1, "2": 1.0, "n": NaN, "big": 9007199254740993}'
		);
	});

	it('the decoded value and its step keep the plugin’s key order', () => {
		const reading = readResponse('load_state', utf8Encode('{"b": 1, "2": 2.0}'), 0);
		expect(pyDumps(reading.decoded.value)).toBe('{"b": 1, "2": 2.0}');
		expect(reading.decoded.steps[0]?.detail).toBe('keys: b, 2');
	});
});
