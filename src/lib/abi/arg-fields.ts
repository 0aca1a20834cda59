/**
 * A hook's JSON arguments object as form fields, and back: one field per top-level argument, typed by its
 * JSON value (strings, numbers, booleans, null, and objects or arrays edited as small JSON texts). Pure, so
 * the ABI panel's form and its raw JSON editor stay two views of the same text. The text is read and
 * written as Python's json does (bub/python.ts): a superset of JSON that keeps key order, `1.0` versus
 * `1`, big ints, `-0.0`, NaN and ±Infinity, so editing one field never rewrites another.
 */
import { isJsonObject, pyDict, pyDumps, pyEntries, PyFloat, pyLoads, pySet } from './bub/python';

/** One top-level argument as the form shows it. */
export type ArgField =
	| { name: string; kind: 'string'; value: string }
	/** An int (number or bigint) or a float (number or `PyFloat`), as bub/python.ts models them. */
	| { name: string; kind: 'number'; value: number | bigint | PyFloat }
	| { name: string; kind: 'boolean'; value: boolean }
	| { name: string; kind: 'null' }
	/** An object or array, edited as JSON text. */
	| { name: string; kind: 'json'; text: string };

export type ArgFieldKind = ArgField['kind'];

/** The fields of an arguments text, or why there are none. */
export type ArgFields = { ok: true; fields: ArgField[] } | { ok: false; reason: string };

/** A field input read back as a JSON value, or why it is not one. */
export type FieldValue = { ok: true; value: unknown } | { ok: false; message: string };

/** Pretty JSON as the editors show it: Python's `json.dumps(value, indent=2, ensure_ascii=False)`. */
export function formatJson(value: unknown): string {
	return pyDumps(value, 2);
}

function isNumber(value: unknown): value is number | bigint | PyFloat {
	return typeof value === 'number' || typeof value === 'bigint' || value instanceof PyFloat;
}

/** The field for one argument. */
export function fieldOf(name: string, value: unknown): ArgField {
	if (typeof value === 'string') return { name, kind: 'string', value };
	if (isNumber(value)) return { name, kind: 'number', value };
	if (typeof value === 'boolean') return { name, kind: 'boolean', value };
	if (value === null || value === undefined) return { name, kind: 'null' };
	return { name, kind: 'json', text: formatJson(value) };
}

/** The fields of an arguments object, in its key order. */
export function fieldsOfObject(args: Readonly<Record<string, unknown>>): ArgField[] {
	return pyEntries(args).map(([name, value]) => fieldOf(name, value));
}

/** Parses the raw arguments text into fields; only a JSON object has fields. */
export function fieldsOf(text: string): ArgFields {
	const parsed = pyLoads(text);
	if (!parsed.ok) {
		return { ok: false, reason: 'The raw JSON does not parse, so there are no fields to show.' };
	}
	const value = parsed.value;
	if (!isJsonObject(value)) {
		const what = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
		return {
			ok: false,
			reason: `The raw JSON is not an object (it is ${what}), so there are no argument fields.`
		};
	}
	return { ok: true, fields: fieldsOfObject(value) };
}

/** The text a field's input shows (checkboxes use the boolean instead). */
export function fieldText(field: ArgField): string {
	switch (field.kind) {
		case 'string':
			return field.value;
		case 'number':
			return pyDumps(field.value);
		case 'boolean':
			return String(field.value);
		case 'null':
			return 'null';
		case 'json':
			return field.text;
	}
}

/** Reads what the user entered in a field of `kind` back as a JSON value. */
export function parseFieldInput(kind: ArgFieldKind, input: string | boolean): FieldValue {
	if (kind === 'boolean') {
		if (typeof input === 'boolean') return { ok: true, value: input };
		if (input === 'true' || input === 'false') return { ok: true, value: input === 'true' };
		return { ok: false, message: 'Expected true or false.' };
	}
	const text = String(input);
	switch (kind) {
		case 'string':
			return { ok: true, value: text };
		case 'null':
			// A null field keeps null while it says null; anything else typed there becomes a string.
			return { ok: true, value: text.trim() === 'null' ? null : text };
		case 'number': {
			const n = pyLoads(text.trim());
			return n.ok && isNumber(n.value)
				? { ok: true, value: n.value }
				: {
						ok: false,
						message:
							'Expected a number as JSON writes it: 3, 2.5, 1.0, 1e15, NaN, Infinity or -Infinity.'
					};
		}
		case 'json': {
			const parsed = pyLoads(text);
			return parsed.ok
				? { ok: true, value: parsed.value }
				: { ok: false, message: `Not valid JSON: ${parsed.error}: ${parsed.message}` };
		}
	}
}

/**
 * The arguments text with one argument set to `value`, keeping the other arguments and their order; null
 * when the text is not a JSON object (the form is not shown then).
 */
export function withArg(text: string, name: string, value: unknown): string | null {
	const parsed = pyLoads(text);
	if (!parsed.ok || !isJsonObject(parsed.value)) return null;
	const args = pyDict(pyEntries(parsed.value));
	pySet(args, name, value);
	return formatJson(args);
}
