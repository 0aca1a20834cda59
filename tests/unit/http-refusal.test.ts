import { describe, expect, it } from 'vitest';
import { httpRefusal } from '../../src/lib/host/settings';

const ORIGIN = 'https://playground.example';
const refusal = (url: string, allowed: string[]) => httpRefusal(new URL(url), ORIGIN, allowed);

describe('httpRefusal', () => {
	it('lets a request go to an allowed host, and names the list when it refuses one', () => {
		expect(refusal('https://api.example.com/v1', ['api.example.com'])).toBeNull();
		expect(refusal('https://x.example.com/', ['*.example.com'])).toBeNull();
		expect(refusal('https://evil.test/steal', ['api.example.com'])).toBe(
			'HTTP request to "evil.test" refused: it is not in allowed_hosts (allowed: api.example.com). Add it under Allowed hosts in Host settings if the plugin should reach it.'
		);
		expect(refusal('https://evil.test/', [])).toContain('(allowed: none)');
	});

	it("refuses the playground's own origin unless a setting names its host exactly", () => {
		const own = `${ORIGIN}/some/sub/path/index.html`;
		for (const allowed of [['*'], ['*.example'], ['*.playground.example'], []]) {
			expect(refusal(own, allowed)).toBe(
				`HTTP request to the playground's own origin (${ORIGIN}) refused: a plugin reaches it only when Allowed hosts names "playground.example" exactly (a * pattern is not enough).`
			);
		}
		expect(refusal(own, ['Playground.Example'])).toBeNull();
		// Same host, another port or scheme: another origin, judged by the list as usual.
		expect(refusal('http://playground.example:8080/', ['*'])).toBeNull();
	});

	it('refuses URLs that carry credentials, and non-HTTP schemes', () => {
		expect(refusal('https://user:secret@api.example.com/', ['*'])).toContain(
			'carries a user name or password'
		);
		expect(refusal('https://user@api.example.com/', ['*'])).toContain('user name or password');
		expect(refusal('file:///etc/passwd', ['*'])).toContain('only http and https');
	});
});
