/// <reference types="node" />
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
	decodeHook,
	withDecodedBodies,
	type DecodedBody,
	type HostAction
} from '../../src/lib/abi/bifrost/decode';
import { BIFROST_HOOKS, findHook, type BifrostHook } from '../../src/lib/abi/bifrost/hooks';
import { pack, packedString } from '../../src/lib/abi/raw/packing';
import { bifrostProfile } from '../../src/lib/abi/bifrost/profile';
import type { RawResult } from '../../src/lib/abi/profile';
import { toBase64, utf8Encode } from '../../src/lib/bytes/encoding';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixturesFile = join(root, 'tests/fixtures/bifrost-wasm.fixtures.json');
const fixtures = JSON.parse(readFileSync(fixturesFile, 'utf8'));
const sharedFile = join(root, '../shared/abi/bifrost-wasm.fixtures.json');

const PAGE = 65536;
const PTR = 0x0001_0400;

/** The result a worker reports for `body` placed at PTR in a one-page memory. */
function result(body: string | Uint8Array, exportName?: string): RawResult {
	const bytes = typeof body === 'string' ? utf8Encode(body) : body;
	return {
		packed: packedString(pack(PTR, bytes.length)),
		ptr: PTR,
		len: bytes.length,
		bytes,
		memoryBytes: 2 * PAGE,
		...(exportName ? { export: exportName } : {})
	};
}

function hook(name: string): BifrostHook {
	const found = findHook(name);
	if (!found) throw new Error(`no hook ${name}`);
	return found;
}

/** The fixtures write HTTP bodies as "<base64>"; real answers carry real base64. */
function realBodies(value: unknown): unknown {
	return JSON.parse(
		JSON.stringify(value).replaceAll(
			'"<base64>"',
			JSON.stringify(toBase64(utf8Encode('{"ok":true}')))
		)
	);
}

/** Every answer vector in the fixtures, with the hook that gives it and what Bifrost does next. */
const ANSWERS: Record<string, [hook: string, action: HostAction]> = {
	'r1.http_transport_intercept.out': ['r1.http_transport_intercept', 'continue'],
	'r1.http_transport_intercept.out_short_circuit': ['r1.http_transport_intercept', 'short-circuit'],
	'r1.pre_hook.out': ['r1.pre_hook', 'continue'],
	'r1.post_hook.out': ['r1.post_hook', 'continue'],
	'http_pre_hook.out': ['http_pre_hook', 'continue'],
	'http_pre_hook.out_short_circuit': ['http_pre_hook', 'short-circuit'],
	'http_post_hook.out': ['http_post_hook', 'continue'],
	'http_stream_chunk_hook.out_pass': ['http_stream_chunk_hook', 'continue'],
	'http_stream_chunk_hook.out_skip': ['http_stream_chunk_hook', 'skip-chunk'],
	'pre_hook.out': ['pre_hook', 'continue'],
	'pre_hook.out_short_circuit_response': ['pre_hook', 'short-circuit'],
	'pre_hook.out_short_circuit_error': ['pre_hook', 'short-circuit'],
	'post_hook.out': ['post_hook', 'continue']
};

/** Every vector by a flat key: revision 1's under `r1.`, the single-input ones by their own key. */
function vectors(): Map<string, unknown> {
	const all = new Map<string, unknown>();
	for (const [key, value] of Object.entries(fixtures.abi_revisions.r1_old_readme.io)) {
		all.set(`r1.${key}`, value);
	}
	for (const [key, value] of Object.entries(fixtures.io_single_input)) {
		if (!key.startsWith('_')) all.set(key, value);
	}
	return all;
}

describe('fixture vectors', () => {
	it('match the shared copy in ../shared/abi when it is there', () => {
		if (!existsSync(sharedFile)) return;
		expect(fixtures).toEqual(JSON.parse(readFileSync(sharedFile, 'utf8')));
	});

	it('every answer vector is decoded below', () => {
		const answers = [...vectors().keys()].filter((k) => /\.out/.test(k));
		expect(answers.sort()).toEqual(Object.keys(ANSWERS).sort());
	});

	it.each(Object.entries(ANSWERS))('%s decodes to %j', (key, [name, action]) => {
		const vector = realBodies(vectors().get(key));
		const decoded = decodeHook(hook(name), result(JSON.stringify(vector)));
		expect(decoded.error).toBeNull();
		expect(decoded.status).toBe('value');
		expect(decoded.action).toBe(action);
		expect(decoded.issues).toEqual([]);
		expect(decoded.fields).toEqual(vector);
	});

	it('rejects the docs’ "<base64>" placeholder, as Go’s []byte decoding would', () => {
		const vector = vectors().get('http_pre_hook.out_short_circuit');
		const decoded = decodeHook(hook('http_pre_hook'), result(JSON.stringify(vector)));
		expect(decoded.status).toBe('error');
		expect(decoded.action).toBe('stop');
		expect(decoded.error?.message).toBe(
			'Export "http_pre_hook" returned JSON Bifrost cannot decode: `response.body` is not standard base64 with padding, which Go requires for a []byte: the answer is rejected. Encode the body, do not send it as text.'
		);
	});

	it('prefills each hook with the fixtures’ input shapes', () => {
		const inputs: Record<string, string> = {
			http_pre_hook: 'http_pre_hook.in',
			http_post_hook: 'http_post_hook.in',
			http_stream_chunk_hook: 'http_stream_chunk_hook.in',
			pre_hook: 'pre_hook.in',
			post_hook: 'post_hook.in'
		};
		const keys = (v: unknown) => Object.keys(v as object).sort();
		for (const [name, key] of Object.entries(inputs)) {
			const vector = vectors().get(key) as Record<string, unknown>;
			const args = hook(name).args;
			expect(keys(args), name).toEqual(keys(vector));
			if (keys(vector.context).length > 0) expect(args.context).toEqual(vector.context);
		}
		expect(hook('pre_hook').args.request).toEqual(fixtures.io_single_input['pre_hook.in'].request);
		expect(keys(hook('http_pre_hook').args.request)).toEqual(
			keys(fixtures.io_single_input['http_pre_hook.in'].request)
		);
		expect(hook('r1.pre_hook').args.ctx).toEqual(fixtures.abi_revisions.r1_old_readme.io.ctx);
	});
});

describe('the packed value', () => {
	it('0 is "nothing": the hook changes nothing and the message names the export', () => {
		const zero: RawResult = { packed: '0', ptr: 0, len: 0, bytes: null, export: 'pre_hook' };
		const decoded = decodeHook(hook('pre_hook'), zero);
		expect(decoded).toMatchObject({ status: 'skip', action: 'continue', value: null, error: null });
		expect(decoded.steps.at(-1)).toEqual({
			rule: '0 → nothing',
			detail:
				'Export "pre_hook" returned 0 (0x0000000000000000): no answer, or its allocator failed. Bifrost has nothing to decode, so the hook changes nothing and the request carries on.'
		});
	});

	it('a pointer past memory is an error naming the export and the pointer in hex and decimal', () => {
		const bad: RawResult = {
			packed: packedString(pack(0xffff_0000, 16)),
			ptr: 0xffff_0000,
			len: 16,
			bytes: null,
			memoryBytes: 2 * PAGE
		};
		const decoded = decodeHook(hook('pre_hook'), bad);
		expect(decoded.status).toBe('error');
		expect(decoded.error?.kind).toBe('plugin');
		expect(decoded.error?.message).toBe(
			'Export "pre_hook" returned pointer 0xffff0000 (4294901760), past the end of memory at 0x00020000 (131072 bytes, 2 pages) (packed 0xffff000000000010 → ptr 0xffff0000 (4294901760), len 0x00000010 (16)).'
		);
		// A failing pre_hook is only logged: the request carries on.
		expect(decoded.action).toBe('continue');
		expect(decoded.error?.hint).toMatch(/logs it as a warning/);
	});

	it('pointer 0 with a length is a named null-pointer error, even when address 0 could be read', () => {
		// A host that read address 0 would find bytes there (here, valid JSON): the decoder must not use them.
		const zeroPage: RawResult = {
			packed: packedString(pack(0, 2)),
			ptr: 0,
			len: 2,
			bytes: utf8Encode('{}'),
			export: 'pre_hook',
			memoryBytes: 2 * PAGE
		};
		for (const result of [zeroPage, { ...zeroPage, bytes: null }]) {
			const decoded = decodeHook(hook('pre_hook'), result);
			expect(decoded.status).toBe('error');
			expect(decoded.error?.message).toBe(
				'Null pointer: export "pre_hook" returned pointer 0 with length 0x00000002 (2) (packed 0x0000000000000002 → ptr 0x00000000 (0), len 0x00000002 (2)); address 0 holds no answer, so the host reads nothing.'
			);
			expect(decoded.error?.hint).toMatch(/^Pack the pointer of the allocation/);
			expect(decoded.steps.map((s) => s.rule)).not.toContain('read len bytes at ptr');
		}
		expect(bifrostProfile.decode('pre_hook', zeroPage).status).toBe('error');
	});

	it('a length past memory is an error naming the length and where the range ends', () => {
		const bad: RawResult = {
			packed: packedString(pack(PTR, 0x7fff_ffff)),
			ptr: PTR,
			len: 0x7fff_ffff,
			bytes: null,
			memoryBytes: 2 * PAGE,
			export: 'http_pre_hook'
		};
		const decoded = decodeHook(hook('http_pre_hook'), bad);
		expect(decoded.error?.message).toBe(
			'Export "http_pre_hook" returned length 0x7fffffff (2147483647) at pointer 0x00010400 (66560): the answer would end at byte 0x800103ff (2147550207), past the end of memory at 0x00020000 (131072 bytes, 2 pages) (packed 0x000104007fffffff → ptr 0x00010400 (66560), len 0x7fffffff (2147483647)).'
		);
		// A failing HTTP transport hook ends the request.
		expect(decoded.action).toBe('stop');
	});

	it('bytes that are not JSON are an error quoting their start', () => {
		const decoded = decodeHook(
			hook('pre_hook'),
			result('{"context": {}, "request": null, oops this is not JSON at all, really', 'pre_hook')
		);
		expect(decoded.status).toBe('error');
		expect(decoded.error?.message).toMatch(
			/^Export "pre_hook" returned 69 bytes at 0x00010400 \(66560\) that are not JSON; they start with "\{\\"context\\": \{\}, \\"request\\": null, oops this is no"… \(.+ at position 33\)\.$/
		);
	});

	it('an empty answer is not JSON either', () => {
		const decoded = decodeHook(hook('post_hook'), result(''));
		expect(decoded.error?.message).toMatch(
			/returned 0 bytes at 0x00010400 \(66560\) that are not JSON/
		);
	});

	it('an i32 where a packed u64 belongs is a signature error', () => {
		const decoded = decodeHook(hook('pre_hook'), {
			packed: '0',
			ptr: 0,
			len: 0,
			bytes: null,
			code: 0
		});
		expect(decoded.error?.message).toBe('Export "pre_hook" returned an i32 (0), not a packed u64.');
	});
});

describe('answers', () => {
	it('get_name answers with UTF-8 text, not JSON', () => {
		const decoded = decodeHook(hook('get_name'), result('hello-world'));
		expect(decoded).toMatchObject({ status: 'value', value: 'hello-world', action: 'continue' });
		expect(decodeHook(hook('get_name'), result('')).error?.message).toBe(
			'Export "get_name" returned an empty name.'
		);
	});

	it('init and cleanup answer with an i32 code', () => {
		const code = (c: number): RawResult => ({ packed: '0', ptr: 0, len: 0, bytes: null, code: c });
		expect(decodeHook(hook('init'), code(0))).toMatchObject({
			status: 'value',
			action: 'continue'
		});
		const failed = decodeHook(hook('init'), code(3));
		expect(failed).toMatchObject({ status: 'error', action: 'stop' });
		expect(failed.error?.message).toBe(
			'Export "init" returned 3 (0x00000003 (3)); 0 means success.'
		);
		expect(failed.error?.hint).toMatch(/does not load a plugin whose init fails/);
		expect(decodeHook(hook('cleanup'), code(-1))).toMatchObject({
			status: 'error',
			action: 'continue'
		});
	});

	it('a non-empty error string is the plugin’s error; where it stops the request depends on the hook', () => {
		const intercept = decodeHook(
			hook('r1.http_transport_intercept'),
			result('{"response": null, "error": "upstream refused"}')
		);
		expect(intercept).toMatchObject({ status: 'error', action: 'stop' });
		expect(intercept.error).toMatchObject({
			kind: 'plugin',
			message: 'Export "http_transport_intercept" reported an error: "upstream refused".'
		});
		const pre = decodeHook(
			hook('r1.pre_hook'),
			result('{"request": {}, "short_circuit": null, "error": "bad"}')
		);
		expect(pre).toMatchObject({ status: 'error', action: 'continue' });
		const post = decodeHook(
			hook('post_hook'),
			result('{"context": {}, "error": {}, "has_error": false, "hook_error": "oops"}', 'post_hook')
		);
		expect(post.error?.message).toBe('Export "post_hook" reported an error: "oops".');
		// A chunk that comes with an error still goes out.
		const chunk = decodeHook(
			hook('http_stream_chunk_hook'),
			result(
				'{"context": {}, "chunk": {"id": "x"}, "has_chunk": true, "skip": false, "error": "late"}'
			)
		);
		expect(chunk).toMatchObject({ status: 'error', action: 'continue' });
	});

	it('a value of the wrong type fails the whole answer, as json.Unmarshal does', () => {
		const decoded = decodeHook(
			hook('r1.pre_hook'),
			result('{"request": {}, "short_circuit": null, "error": 5}')
		);
		expect(decoded.status).toBe('error');
		expect(decoded.error?.message).toBe(
			'Export "pre_hook" returned JSON Bifrost cannot decode: `error` is number, but Bifrost decodes it into a Go string: json.Unmarshal fails and the whole answer is rejected.'
		);
		const status = decodeHook(
			hook('r1.http_transport_intercept'),
			result('{"response": {"status_code": "401", "headers": {}, "body": ""}, "error": ""}')
		);
		expect(status.issues[0]).toEqual({
			path: 'response.status_code',
			message: 'is string, but Bifrost decodes it into a Go int: the answer is rejected.'
		});
		const headers = decodeHook(
			hook('http_pre_hook'),
			result(
				'{"context": {}, "request": {"headers": {"x-n": 1}}, "has_response": false, "error": ""}'
			)
		);
		expect(headers.issues[0]?.path).toBe('request.headers');
	});

	it('matches keys ignoring case and reports keys Bifrost ignores', () => {
		const decoded = decodeHook(
			hook('r1.pre_hook'),
			result('{"Request": {"model": "x"}, "Short_Circuit": null, "Error": "", "shortCircuit": {}}')
		);
		expect(decoded.status).toBe('value');
		expect(decoded.fields).toEqual({ request: { model: 'x' }, short_circuit: null, error: '' });
		expect(decoded.steps.map((s) => s.detail)).toContain(
			'"Request" is read as "request", as Go\'s encoding/json does.'
		);
		expect(decoded.issues).toEqual([
			{ path: 'shortCircuit', message: 'is not a field of this answer: Bifrost ignores it.' }
		]);
	});

	it('short-circuits need the flag and the value in revisions 2 and 3', () => {
		const noValue = decodeHook(
			hook('pre_hook'),
			result('{"context": {}, "short_circuit": null, "has_short_circuit": true, "error": ""}')
		);
		expect(noValue.action).toBe('continue');
		expect(noValue.issues).toContainEqual({
			path: 'short_circuit',
			message:
				'is null although has_short_circuit is true: there is nothing to answer with, so the request carries on.'
		});
		const noFlag = decodeHook(
			hook('http_pre_hook'),
			result(
				`{"context": {}, "response": {"status_code": 200, "headers": {}, "body": ""}, "has_response": false, "error": ""}`
			)
		);
		expect(noFlag.action).toBe('continue');
		expect(noFlag.issues[0]?.path).toBe('has_response');
	});

	it('reads a short-circuit’s response and error case-insensitively, and flags an empty one', () => {
		const upper = decodeHook(
			hook('pre_hook'),
			result(
				'{"context": {}, "short_circuit": {"Error": {"status_code": 429}}, "has_short_circuit": true, "error": ""}'
			)
		);
		expect(upper).toMatchObject({ action: 'short-circuit', issues: [] });
		const empty = decodeHook(
			hook('r1.pre_hook'),
			result('{"request": null, "short_circuit": {}, "error": ""}')
		);
		expect(empty.issues[0]?.message).toMatch(/has neither `response` nor `error`/);
	});

	it('a JSON null answer leaves every field at zero; other non-objects are errors', () => {
		expect(decodeHook(hook('post_hook'), result('null'))).toMatchObject({
			status: 'skip',
			action: 'continue'
		});
		expect(decodeHook(hook('post_hook'), result('[1]')).error?.message).toMatch(
			/^Export "post_hook" returned a JSON array; Bifrost expects an object/
		);
	});

	it('missing required fields are issues, not failures', () => {
		const decoded = decodeHook(hook('http_post_hook'), result('{"context": {"a": 1}}'));
		expect(decoded.status).toBe('value');
		expect(decoded.issues).toEqual([
			{ path: 'error', message: 'is missing: Go leaves its zero value ("", false or null).' }
		]);
	});

	it('the profile decodes through the same code, and rejects an unknown hook', () => {
		expect(bifrostProfile.decode('get_name', result('n')).value).toBe('n');
		expect(bifrostProfile.decode('nope', result('n')).status).toBe('error');
		expect(
			BIFROST_HOOKS.every((h) => bifrostProfile.decode(h.name, result('null')).steps.length > 0)
		).toBe(true);
	});
});

describe('withDecodedBodies', () => {
	it('shows base64 bodies as JSON, text or hex, marked, without touching the original', () => {
		const value = {
			response: {
				status_code: 401,
				body: toBase64(utf8Encode('{"error":"missing API key"}'))
			},
			request: { body: toBase64(utf8Encode('plain text é')) },
			chunks: [{ body: toBase64(Uint8Array.of(0, 1, 0xff)) }],
			placeholder: { body: '<base64>' },
			nested: { Body: 'aGk=' }
		};
		const copy = JSON.parse(JSON.stringify(value));
		const shown = withDecodedBodies(value) as typeof value;
		expect(value).toEqual(copy);
		expect(shown.response.body as unknown as DecodedBody).toEqual({
			$decodedFrom: 'base64',
			as: 'json',
			bytes: 27,
			value: { error: 'missing API key' }
		});
		expect(shown.request.body).toMatchObject({ as: 'text', value: 'plain text é', bytes: 13 });
		expect(shown.chunks[0]?.body).toMatchObject({ as: 'hex', value: '0001ff', bytes: 3 });
		expect(shown.placeholder.body).toBe('<base64>');
		expect(shown.nested.Body).toMatchObject({ as: 'text', value: 'hi' });
		expect(shown.response.status_code).toBe(401);
	});
});
