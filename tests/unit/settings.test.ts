import { describe, expect, it } from 'vitest';
import {
	DEFAULT_MAX_PAGES,
	DEFAULT_TIMEOUT_MS,
	defaultSettings,
	hostAllowed,
	wasiEnabled
} from '../../src/lib/host/settings';

describe('hostAllowed', () => {
	it('allows nothing with no patterns', () => {
		expect(hostAllowed('example.com', [])).toBe(false);
	});

	it('matches an exact host, ignoring case and surrounding spaces in the pattern', () => {
		expect(hostAllowed('api.example.com', ['api.example.com'])).toBe(true);
		expect(hostAllowed('API.Example.COM', [' api.example.com '])).toBe(true);
		expect(hostAllowed('example.com', ['api.example.com'])).toBe(false);
		expect(hostAllowed('api.example.com', ['example.com'])).toBe(false);
	});

	it('matches *.base against the base itself and any depth of subdomain', () => {
		const patterns = ['*.Example.com'];
		expect(hostAllowed('example.com', patterns)).toBe(true);
		expect(hostAllowed('a.example.com', patterns)).toBe(true);
		expect(hostAllowed('a.b.example.com', patterns)).toBe(true);
	});

	it('does not let *.base match look-alike hosts', () => {
		const patterns = ['*.example.com'];
		expect(hostAllowed('evilexample.com', patterns)).toBe(false);
		expect(hostAllowed('example.com.evil.net', patterns)).toBe(false);
		expect(hostAllowed('example.org', patterns)).toBe(false);
	});

	it('matches everything with *', () => {
		expect(hostAllowed('anything.invalid', ['nope.com', '*'])).toBe(true);
	});

	it('treats other wildcards literally', () => {
		expect(hostAllowed('api.example.com', ['api.*.com'])).toBe(false);
		expect(hostAllowed('api.example.com', ['*example.com'])).toBe(false);
	});
});

describe('wasiEnabled', () => {
	it('follows the module in auto mode', () => {
		expect(wasiEnabled({ wasi: 'auto' }, true)).toBe(true);
		expect(wasiEnabled({ wasi: 'auto' }, false)).toBe(false);
	});

	it('obeys on and off whatever the module needs', () => {
		expect(wasiEnabled({ wasi: 'on' }, false)).toBe(true);
		expect(wasiEnabled({ wasi: 'off' }, true)).toBe(false);
	});
});

describe('defaultSettings', () => {
	it('starts with WASI on auto, the default limits and the given namespace', () => {
		const s = defaultSettings('plugin-1');
		expect(s.namespace).toBe('plugin-1');
		expect(s.wasi).toBe('auto');
		expect(s.timeoutMs).toBe(DEFAULT_TIMEOUT_MS);
		expect(s.memory.maxPages).toBe(DEFAULT_MAX_PAGES);
		expect(s.allowedHosts).toEqual([]);
	});

	it('gives each plugin its own objects', () => {
		const a = defaultSettings('a');
		const b = defaultSettings('b');
		a.allowedHosts.push('x.com');
		a.config['k'] = 'v';
		expect(b.allowedHosts).toEqual([]);
		expect(b.config).toEqual({});
	});
});
