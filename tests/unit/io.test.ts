import { describe, expect, it } from 'vitest';
import { convertInput, detectView, encodeInput } from '../../src/lib/workspace/io';
import { utf8Encode } from '../../src/lib/bytes/encoding';
import { defaultNamespace, sourceName } from '../../src/lib/workspace/types';

describe('encodeInput', () => {
	it('text is UTF-8', () => {
		const r = encodeInput('é', 'text');
		expect(r.ok && [...r.bytes]).toEqual([0xc3, 0xa9]);
	});
	it('JSON must parse, and says where it does not', () => {
		const bad = encodeInput('{"a":', 'json');
		expect(bad.ok).toBe(false);
		expect(!bad.ok && bad.error.message).toMatch(/not valid JSON/);
		expect(encodeInput('{"a":1}', 'json').ok).toBe(true);
		expect(encodeInput('', 'json').ok).toBe(true);
	});
	it('hex accepts spaced bytes and rejects junk', () => {
		const r = encodeInput('48 69', 'hex');
		expect(r.ok && [...r.bytes]).toEqual([0x48, 0x69]);
		expect(encodeInput('4', 'hex').ok).toBe(false);
	});
});

describe('convertInput', () => {
	it('keeps the bytes when switching between text and hex', () => {
		const hex = convertInput('Hi', 'text', 'hex');
		expect(hex.replace(/\s/g, '')).toBe('4869');
		expect(convertInput(hex, 'hex', 'text')).toBe('Hi');
	});
	it('leaves text alone when it cannot convert', () => {
		expect(convertInput('zz', 'hex', 'text')).toBe('zz');
	});
});

describe('detectView', () => {
	it('picks JSON, text or hex', () => {
		expect(detectView(utf8Encode('{"a":1}'))).toBe('json');
		expect(detectView(utf8Encode('[1,2]'))).toBe('json');
		expect(detectView(utf8Encode('{not json'))).toBe('text');
		expect(detectView(utf8Encode('123'))).toBe('text');
		expect(detectView(new Uint8Array([0, 1, 2, 255]))).toBe('hex');
		expect(detectView(new Uint8Array(0))).toBe('text');
	});
});

describe('workspace sources', () => {
	it('derive a namespace per source, stable across reloads', () => {
		expect(defaultNamespace({ kind: 'example', name: 'greet' })).toBe('example:greet');
		expect(defaultNamespace({ kind: 'url', url: 'https://x.dev/a.wasm' })).toBe(
			'url:https://x.dev/a.wasm'
		);
		expect(defaultNamespace({ kind: 'file', name: 'a.wasm' })).toBe('file:a.wasm');
	});
	it('name URL plugins after their file', () => {
		expect(sourceName({ kind: 'url', url: 'https://x.dev/p/my%20plugin.wasm?v=1' })).toBe(
			'my plugin.wasm'
		);
		expect(sourceName({ kind: 'url', url: 'https://x.dev/' })).toBe('https://x.dev/');
	});
});
