import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSettings, hostAllowed } from '../../src/lib/host/settings';
import {
	configFromRows,
	configRows,
	hostPattern,
	settingsDraft,
	settingsFromDraft
} from '../../src/lib/host/settings-form';

describe('config rows', () => {
	it('round-trip a config', () => {
		fc.assert(
			fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.string()), (config) => {
				const back = configFromRows(configRows(config));
				expect(back.ok && back.config).toEqual(config);
			})
		);
	});

	it('skip blank rows', () => {
		const got = configFromRows([
			{ key: '', value: '' },
			{ key: 'vowels', value: 'o' }
		]);
		expect(got.ok && got.config).toEqual({ vowels: 'o' });
	});

	it('refuse a value without a key and a repeated key, naming the entries', () => {
		const noKey = configFromRows([{ key: '', value: 'x' }]);
		expect(!noKey.ok && noKey.error.message).toBe('Config entry 1 has a value but no key.');
		const twice = configFromRows([
			{ key: 'a', value: '1' },
			{ key: 'b', value: '2' },
			{ key: 'a', value: '3' }
		]);
		expect(!twice.ok && twice.error.message).toContain('"a" is in entries 1 and 3');
	});
});

describe('hostPattern', () => {
	const ok = (typed: string) => {
		const got = hostPattern(typed);
		return got.ok ? got.pattern : `error: ${got.error.message}`;
	};

	it('keeps host names, wildcards and *', () => {
		expect(ok('example.com')).toBe('example.com');
		expect(ok(' *.Example.COM ')).toBe('*.example.com');
		expect(ok('*')).toBe('*');
		expect(ok('127.0.0.1')).toBe('127.0.0.1');
		expect(ok('[::1]')).toBe('[::1]');
	});

	it('reduces a URL or a host with a port to the host name', () => {
		expect(ok('https://api.example.com/v1?x=1')).toBe('api.example.com');
		expect(ok('localhost:5173')).toBe('localhost');
		expect(ok('example.com/path')).toBe('example.com');
	});

	it('refuses what is not a host', () => {
		expect(ok('')).toMatch(/^error: "" is not a host pattern/);
		expect(ok('a*.com')).toMatch(/^error/);
		expect(ok('http://')).toMatch(/^error/);
		expect(ok('*.')).toMatch(/^error/);
	});

	it('gives patterns that hostAllowed matches', () => {
		const got = hostPattern('https://*.Example.com');
		expect(got.ok).toBe(false);
		const wildcard = hostPattern('*.example.com');
		expect(wildcard.ok && hostAllowed('a.example.com', [wildcard.pattern])).toBe(true);
	});
});

describe('settingsFromDraft', () => {
	const current = defaultSettings('example:greet');

	it('gives back the settings the draft was made from', () => {
		const settings = { ...current, config: { a: '1' }, allowedHosts: ['example.com'] };
		const got = settingsFromDraft(settingsDraft(settings), current);
		expect(got.ok && got.settings).toEqual(settings);
	});

	it('keeps the fields it does not edit, such as mocks', () => {
		const withMock = { ...current, mocks: { 'env/f': { kind: 'echo' as const } } };
		const got = settingsFromDraft(settingsDraft(current), withMock);
		expect(got.ok && got.settings.mocks).toEqual(withMock.mocks);
	});

	it('keeps the namespace when the field is emptied, and trims it otherwise', () => {
		const draft = settingsDraft(current);
		draft.namespace = '  ';
		const kept = settingsFromDraft(draft, current);
		expect(kept.ok && kept.settings.namespace).toBe('example:greet');
		draft.namespace = ' shared ';
		const renamed = settingsFromDraft(draft, current);
		expect(renamed.ok && renamed.settings.namespace).toBe('shared');
	});

	it('refuses a bad timeout, a bad limit and a bad config', () => {
		const draft = settingsDraft(current);
		draft.timeoutMs = 0;
		expect(settingsFromDraft(draft, current).ok).toBe(false);
		draft.timeoutMs = 100;
		draft.memory.maxPages = 70000;
		const pages = settingsFromDraft(draft, current);
		expect(!pages.ok && pages.error.message).toContain('Max memory must be a whole number from 1');
		draft.memory.maxPages = null;
		draft.configRows = [{ key: '', value: 'x' }];
		expect(settingsFromDraft(draft, current).ok).toBe(false);
	});
});
