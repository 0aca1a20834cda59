import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Encode } from '../../src/lib/bytes/encoding';
import {
	decodeKvFile,
	encodeKvFile,
	KV_FORMAT,
	KV_VERSION,
	kvFileName,
	planKvImport,
	sameBytes,
	stringifyKvFile,
	type KvDecodeErrorCode
} from '../../src/lib/kv/codec';

const entries = (pairs: Record<string, string | number[]>) =>
	new Map(
		Object.entries(pairs).map(([k, v]) => [
			k,
			typeof v === 'string' ? utf8Encode(v) : Uint8Array.from(v)
		])
	);

describe('encodeKvFile', () => {
	it('keeps text as text, other bytes as base64, and sorts the keys', () => {
		const file = encodeKvFile('example:kv-counter', entries({ z: 'Wörld', a: [0, 1, 255] }));
		expect(file).toEqual({
			format: KV_FORMAT,
			version: KV_VERSION,
			namespace: 'example:kv-counter',
			entries: { a: { base64: 'AAH/' }, z: { text: 'Wörld' } }
		});
		expect(Object.keys(file.entries)).toEqual(['a', 'z']);
	});

	it('writes an empty value as empty text', () => {
		expect(encodeKvFile('n', entries({ k: '' })).entries).toEqual({ k: { text: '' } });
	});
});

describe('KV export round trip', () => {
	it('gives back every namespace and every entry, byte for byte', () => {
		fc.assert(
			fc.property(
				fc.string(),
				fc.dictionary(
					fc.string(),
					fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.string().map(utf8Encode))
				),
				(namespace, dict) => {
					const map = new Map(Object.entries(dict));
					const decoded = decodeKvFile(stringifyKvFile(encodeKvFile(namespace, map)));
					expect(decoded.ok).toBe(true);
					if (!decoded.ok) return;
					expect(decoded.namespace).toBe(namespace);
					expect([...decoded.entries.keys()].sort()).toEqual([...map.keys()].sort());
					for (const [k, v] of map) expect(sameBytes(decoded.entries.get(k)!, v)).toBe(true);
				}
			)
		);
	});

	it('keeps a key called __proto__ as an entry', () => {
		const map = new Map([['__proto__', utf8Encode('x')]]);
		const decoded = decodeKvFile(stringifyKvFile(encodeKvFile('n', map)));
		expect(decoded.ok && [...decoded.entries.keys()]).toEqual(['__proto__']);
	});
});

describe('decodeKvFile rejects what it cannot read, naming the problem', () => {
	const valid = { format: KV_FORMAT, version: 1, namespace: 'n', entries: {} };
	const cases: [string, string, KvDecodeErrorCode, string][] = [
		['not JSON', '{"format":', 'json', 'The file is not JSON'],
		['an array', '[]', 'format', 'it is an array'],
		['another format', JSON.stringify({ ...valid, format: 'x' }), 'format', 'it is the string "x"'],
		['no format', JSON.stringify({ version: 1 }), 'format', 'it is missing'],
		['a newer version', JSON.stringify({ ...valid, version: 2 }), 'version', 'version 2'],
		['a version string', JSON.stringify({ ...valid, version: '1' }), 'version', 'the string "1"'],
		['version 0', JSON.stringify({ ...valid, version: 0 }), 'version', 'a number (0)'],
		['no namespace', JSON.stringify({ ...valid, namespace: undefined }), 'namespace', 'missing'],
		['entries as a list', JSON.stringify({ ...valid, entries: [] }), 'entries', 'an array'],
		['a bare value', JSON.stringify({ ...valid, entries: { k: 'v' } }), 'value', 'entries["k"]'],
		[
			'both text and base64',
			JSON.stringify({ ...valid, entries: { k: { text: 'a', base64: 'YQ==' } } }),
			'value',
			'both'
		],
		[
			'a number as text',
			JSON.stringify({ ...valid, entries: { k: { text: 1 } } }),
			'value',
			'entries["k"].text must be a string'
		],
		[
			'bad base64',
			JSON.stringify({ ...valid, entries: { k: { base64: 'a*b' } } }),
			'value',
			'entries["k"].base64'
		]
	];
	for (const [name, text, code, message] of cases) {
		it(name, () => {
			const decoded = decodeKvFile(text);
			expect(decoded.ok).toBe(false);
			if (decoded.ok) return;
			expect(decoded.error.code).toBe(code);
			expect(decoded.error.message).toContain(message);
			expect(decoded.error.hint).not.toBe('');
		});
	}

	it('never throws, whatever the text', () => {
		fc.assert(
			fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
				expect(() => decodeKvFile(text)).not.toThrow();
			})
		);
	});

	it('ignores unknown top-level fields', () => {
		const decoded = decodeKvFile(JSON.stringify({ ...valid, exportedAt: 'today' }));
		expect(decoded.ok).toBe(true);
	});
});

describe('planKvImport', () => {
	it('adds new keys, overwrites changed ones, skips equal ones, keeps the rest', () => {
		const plan = planKvImport(
			entries({ same: 'a', changed: 'old', kept: 'k' }),
			entries({ same: 'a', changed: 'new', added: 'n' })
		);
		expect(plan.added).toEqual(['added']);
		expect(plan.overwritten).toEqual(['changed']);
		expect(plan.unchanged).toEqual(['same']);
		expect(plan.changes.map((c) => c.key).sort()).toEqual(['added', 'changed']);
	});
});

describe('kvFileName', () => {
	it('makes a safe file name from a namespace', () => {
		expect(kvFileName('example:kv-counter')).toBe('kv-example-kv-counter.json');
		expect(kvFileName('url:https://a.example/x.wasm')).toBe('kv-url-https-a.example-x.wasm.json');
		expect(kvFileName('::')).toBe('kv-namespace.json');
	});
});
