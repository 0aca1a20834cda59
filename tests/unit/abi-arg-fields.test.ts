import { describe, expect, it } from 'vitest';
import {
	fieldOf,
	fieldsOf,
	fieldText,
	parseFieldInput,
	withArg
} from '../../src/lib/abi/arg-fields';
import { bubHook } from '../../src/lib/abi/bub/hooks';

describe('fieldsOf', () => {
	it('gives one typed field per top-level argument, in key order', () => {
		const text = JSON.stringify({ s: 'hi', n: 2.5, b: true, z: null, o: { a: 1 }, l: [1, 'x'] });
		const parsed = fieldsOf(text);
		expect(parsed).toEqual({
			ok: true,
			fields: [
				{ name: 's', kind: 'string', value: 'hi' },
				{ name: 'n', kind: 'number', value: 2.5 },
				{ name: 'b', kind: 'boolean', value: true },
				{ name: 'z', kind: 'null' },
				{ name: 'o', kind: 'json', text: '{\n  "a": 1\n}' },
				{ name: 'l', kind: 'json', text: '[\n  1,\n  "x"\n]' }
			]
		});
	});

	it('prefills run_model with its realistic sample arguments', () => {
		const spec = bubHook('run_model');
		expect(spec).toBeDefined();
		const parsed = fieldsOf(JSON.stringify(spec?.args));
		expect(parsed.ok && parsed.fields.map((f) => [f.name, f.kind])).toEqual([
			['prompt', 'string'],
			['session_id', 'string'],
			['state', 'json']
		]);
		expect(parsed.ok && fieldText(parsed.fields[0]!)).toBe('Summarise my unread email');
	});

	it('says why there are no fields for JSON that is not an object', () => {
		expect(fieldsOf('[1, 2]')).toEqual({
			ok: false,
			reason: 'The raw JSON is not an object (it is an array), so there are no argument fields.'
		});
		expect(fieldsOf('null').ok).toBe(false);
		expect(fieldsOf('"x"')).toMatchObject({ ok: false, reason: /a string/ });
		expect(fieldsOf('{oops')).toMatchObject({ ok: false, reason: /does not parse/ });
	});

	it('treats an empty object as no fields', () => {
		expect(fieldsOf('{}')).toEqual({ ok: true, fields: [] });
	});
});

describe('fieldText', () => {
	it('shows null as null and numbers as their decimal text', () => {
		expect(fieldText(fieldOf('z', null))).toBe('null');
		expect(fieldText(fieldOf('n', 3))).toBe('3');
		expect(fieldText(fieldOf('b', false))).toBe('false');
	});
});

describe('parseFieldInput', () => {
	it('reads each kind back as a JSON value', () => {
		expect(parseFieldInput('string', '42')).toEqual({ ok: true, value: '42' });
		expect(parseFieldInput('number', '42.5')).toEqual({ ok: true, value: 42.5 });
		expect(parseFieldInput('boolean', false)).toEqual({ ok: true, value: false });
		expect(parseFieldInput('boolean', 'true')).toEqual({ ok: true, value: true });
		expect(parseFieldInput('null', ' null ')).toEqual({ ok: true, value: null });
		expect(parseFieldInput('null', 'now text')).toEqual({ ok: true, value: 'now text' });
		expect(parseFieldInput('json', '{"a": [1]}')).toEqual({ ok: true, value: { a: [1] } });
	});

	it('rejects numbers and JSON that do not parse', () => {
		expect(parseFieldInput('number', '')).toMatchObject({ ok: false });
		expect(parseFieldInput('number', 'abc')).toMatchObject({ ok: false });
		expect(parseFieldInput('json', '{')).toMatchObject({ ok: false, message: /Not valid JSON/ });
		expect(parseFieldInput('boolean', 'yes')).toMatchObject({ ok: false });
	});
});

describe('withArg', () => {
	it('replaces one argument and keeps the others in order', () => {
		const text = JSON.stringify({ prompt: 'a', session_id: 's', state: { k: 1 } });
		const next = withArg(text, 'prompt', 'b');
		expect(next).toBe(JSON.stringify({ prompt: 'b', session_id: 's', state: { k: 1 } }, null, 2));
		expect(Object.keys(JSON.parse(next!) as object)).toEqual(['prompt', 'session_id', 'state']);
	});

	it('round-trips with fieldsOf', () => {
		const next = withArg('{"n": 1, "o": {}}', 'o', { deep: [true, null] });
		const parsed = fieldsOf(next!);
		expect(parsed.ok && parsed.fields[1]).toEqual({
			name: 'o',
			kind: 'json',
			text: '{\n  "deep": [\n    true,\n    null\n  ]\n}'
		});
	});

	it('gives null when the text is not an object', () => {
		expect(withArg('[1]', 'a', 1)).toBeNull();
		expect(withArg('{', 'a', 1)).toBeNull();
	});
});
