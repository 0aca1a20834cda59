/**
 * StudioBrain's JSON types as serde reads them (hello-world-wasm's src/lib.rs): HTTP headers and query
 * parameters as lists of `{key, value}`, bodies as `Vec<u8>`, which serde_json writes as a list of byte
 * numbers. These checks say where a value would fail to deserialize.
 */
import { utf8Decode, utf8Encode } from '../../bytes/encoding';

/** A header or query parameter. */
export interface KeyValue {
	key: string;
	value: string;
}

/** What handle_request receives. */
export interface HttpRequest {
	method: string;
	path: string;
	headers: KeyValue[];
	query_params: KeyValue[];
	body: number[] | null;
}

/** What handle_request answers. */
export interface HttpResponse {
	status: number;
	headers: KeyValue[];
	body: number[] | null;
}

/** One route list_routes declares. */
export interface Route {
	method: string;
	path: string;
	description: string;
}

/** A body as serde's `Vec<u8>`: the UTF-8 bytes of `text` as numbers. */
export function textToBody(text: string): number[] {
	return [...utf8Encode(text)];
}

/** A byte-number body as text (UTF-8), or null for no body. */
export function bodyToText(body: readonly number[] | null): string | null {
	return body === null ? null : utf8Decode(Uint8Array.from(body));
}

/** Where a value fails to be a `Vec<u8>` (null allowed when `nullable`), or null when it is one. */
export function bodyProblem(v: unknown, path: string, nullable = true): string | null {
	if (v === null || v === undefined) return nullable ? null : `"${path}" must be a list of bytes`;
	if (!Array.isArray(v)) {
		return `"${path}" must be a list of byte numbers (Vec<u8>), not ${typeof v === 'string' ? 'a string' : typeof v}`;
	}
	const i = v.findIndex((b) => typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255);
	return i === -1 ? null : `"${path}[${i}]" must be a byte number from 0 to 255`;
}

/** Where a value fails to be a list of `{key, value}` strings, or null. */
export function keyValuesProblem(v: unknown, path: string): string | null {
	if (!Array.isArray(v)) return `"${path}" must be a list of {key, value}`;
	const i = v.findIndex(
		(kv) =>
			typeof kv !== 'object' ||
			kv === null ||
			typeof (kv as Record<string, unknown>).key !== 'string' ||
			typeof (kv as Record<string, unknown>).value !== 'string'
	);
	return i === -1 ? null : `"${path}[${i}]" must be {key: string, value: string}`;
}

/** Where a value fails to be an HttpRequest, or null. */
export function httpRequestProblem(v: unknown, what: string): string | null {
	if (typeof v !== 'object' || v === null || Array.isArray(v)) return `the ${what} is an object`;
	const o = v as Record<string, unknown>;
	if (typeof o.method !== 'string') return '"method" must be a string';
	if (typeof o.path !== 'string') return '"path" must be a string';
	return (
		keyValuesProblem(o.headers, 'headers') ??
		keyValuesProblem(o.query_params, 'query_params') ??
		bodyProblem(o.body, 'body')
	);
}

/** Every place a value fails to be an HttpResponse. */
export function httpResponseProblems(v: unknown): string[] {
	if (typeof v !== 'object' || v === null || Array.isArray(v)) {
		return ['an HttpResponse is an object {status, headers, body}'];
	}
	const o = v as Record<string, unknown>;
	const problems: string[] = [];
	if (
		typeof o.status !== 'number' ||
		!Number.isInteger(o.status) ||
		o.status < 100 ||
		o.status > 999
	) {
		problems.push('"status" must be an HTTP status code (u16, 100 to 999)');
	}
	const headers = keyValuesProblem(o.headers, 'headers');
	if (headers) problems.push(headers);
	const body = bodyProblem(o.body, 'body');
	if (body) problems.push(body);
	return problems;
}

/** A header's value, case-insensitively, or null. */
export function headerValue(headers: readonly KeyValue[], name: string): string | null {
	const lower = name.toLowerCase();
	return headers.find((h) => h.key.toLowerCase() === lower)?.value ?? null;
}
