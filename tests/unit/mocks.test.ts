import { describe, expect, it } from 'vitest';
import { answerMock, describeMock, mockShape, numericResult } from '../../src/lib/host/mocks';

describe('mockShape', () => {
	it('treats all-i64 functions as Extism-style, anything else as numeric', () => {
		expect(mockShape({ params: ['i64'], results: ['i64'] })).toBe('extism');
		expect(mockShape({ params: ['i64', 'i64'], results: [] })).toBe('extism');
		expect(mockShape({ params: ['i32'], results: ['i32'] })).toBe('numeric');
		expect(mockShape({ params: [], results: [] })).toBe('numeric');
		expect(mockShape(undefined)).toBe('numeric');
	});
});

describe('answerMock', () => {
	it('fixed, echo, table with and without fallback, fail', () => {
		expect(answerMock({ kind: 'fixed', value: 'v' }, 'in')).toEqual({ ok: true, value: 'v' });
		expect(answerMock({ kind: 'echo' }, 'in')).toEqual({ ok: true, value: 'in' });
		const table = { kind: 'table' as const, entries: { a: '1' }, fallback: null };
		expect(answerMock(table, 'a')).toEqual({ ok: true, value: '1' });
		const miss = answerMock(table, 'zz');
		expect(miss.ok).toBe(false);
		expect(!miss.ok && miss.message).toContain('"zz"');
		expect(answerMock({ ...table, fallback: 'f' }, 'zz')).toEqual({ ok: true, value: 'f' });
		expect(answerMock({ kind: 'fail', message: 'down' }, 'x')).toEqual({
			ok: false,
			message: 'down'
		});
	});

	it('a table key named like an Object method is just a key', () => {
		expect(answerMock({ kind: 'table', entries: {}, fallback: null }, 'toString').ok).toBe(false);
	});
});

describe('numericResult', () => {
	it('converts to the result type, defaulting to 0', () => {
		expect(numericResult('42', 'i32')).toBe(42);
		expect(numericResult('4294967297', 'i32')).toBe(1);
		expect(numericResult('9007199254740993', 'i64')).toBe(9007199254740993n);
		expect(numericResult('1.5', 'f64')).toBe(1.5);
		expect(numericResult('junk', 'f32')).toBe(0);
		expect(numericResult('junk', 'i64')).toBe(0n);
		expect(numericResult('', 'i32')).toBe(0);
	});
});

describe('describeMock', () => {
	it('says what the mock does', () => {
		expect(describeMock({ kind: 'echo' })).toBe('echoes its input');
		expect(describeMock({ kind: 'table', entries: { a: '1', b: '2' }, fallback: 'x' })).toBe(
			'looks up 2 entries, else "x"'
		);
	});
});
