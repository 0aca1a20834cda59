/**
 * A hook's JSON arguments object as form fields, and back: one field per top-level argument, typed by its
 * JSON value (strings, numbers, booleans, null, and objects or arrays edited as small JSON texts). Pure, so
 * the ABI panel's form and its raw JSON editor stay two views of the same text.
 */

/** One top-level argument as the form shows it. */
export type ArgField =
	| { name: string; kind: 'string'; value: string }
	| { name: string; kind: 'number'; value: number }
	| { name: string; kind: 'boolean'; value: boolean }
	| { name: string; kind: 'null' }
	/** An object or array, edited as JSON text. */
	| { name: string; kind: 'json'; text: string };

export type ArgFieldKind = ArgField['kind'];

/** The fields of an arguments text, or why there are none. */
export type ArgFields = { ok: true; fields: ArgField[] } | { ok: false; reason: string };

/** A field input read back as a JSON value, or why it is not one. */
export type FieldValue = { ok: true; value: unknown } | { ok: false; message: string };

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Pretty JSON as the editors show it. */
export function formatJson(value: unknown): string {
	return JSON.stringify(value, null, 2);
}

/** The field for one argument. */
export function fieldOf(name: string, value: unknown): ArgField {
	if (typeof value === 'string') return { name, kind: 'string', value };
	if (typeof value === 'number') return { name, kind: 'number', value };
	if (typeof value === 'boolean') return { name, kind: 'boolean', value };
	if (value === null || value === undefined) return { name, kind: 'null' };
	return { name, kind: 'json', text: formatJson(value) };
}

/** The fields of an arguments object, in its key order. */
export function fieldsOfObject(args: Readonly<Record<string, unknown>>): ArgField[] {
	return Object.entries(args).map(([name, value]) => fieldOf(name, value));
}

/** Parses the raw arguments text into fields; only a JSON object has fields. */
export function fieldsOf(text: string): ArgFields {
	let value: unknown;
	try {
		value = JSON.parse(text) as unknown;
	} catch {
		return { ok: false, reason: 'The raw JSON does not parse, so there are no fields to show.' };
	}
	if (!isPlainObject(value)) {
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
			return String(field.value);
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
			const n = text.trim() === '' ? NaN : Number(text);
			return Number.isFinite(n)
				? { ok: true, value: n }
				: { ok: false, message: 'Expected a finite number.' };
		}
		case 'json':
			try {
				return { ok: true, value: JSON.parse(text) as unknown };
			} catch (e) {
				return {
					ok: false,
					message: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}`
				};
			}
	}
}

/**
 * The arguments text with one argument set to `value`, keeping the other arguments and their order; null
 * when the text is not a JSON object (the form is not shown then).
 */
export function withArg(text: string, name: string, value: unknown): string | null {
	let args: unknown;
	try {
		args = JSON.parse(text) as unknown;
	} catch {
		return null;
	}
	if (!isPlainObject(args)) return null;
	return formatJson({ ...args, [name]: value });
}
