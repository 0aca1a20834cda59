import { describe, expect, it } from 'vitest';
import {
	acceptLabel,
	describeRequest,
	guardLink,
	linkNamespace
} from '../../src/lib/share/consent';
import type { OpenedPlugin, OpenedShare } from '../../src/lib/share/state';
import { defaultSettings } from '../../src/lib/host/settings';

function plugin(
	id: string,
	namespace: string,
	hosts: string[] = [],
	example?: string
): OpenedPlugin {
	return {
		state: {
			id,
			name: `Plugin ${id}`,
			source: example ? { kind: 'example', name: example } : { kind: 'file', name: `${id}.wasm` },
			sha256: null,
			settings: { ...defaultSettings(namespace), allowedHosts: hosts },
			exportName: 'run',
			input: '',
			inputMode: 'text'
		},
		source: example
			? { kind: 'example', name: example }
			: { kind: 'inline', name: `${id}.wasm`, bytes: new Uint8Array([0, 97, 115, 109]) },
		missing: null
	} as OpenedPlugin;
}

function share(plugins: OpenedPlugin[], kv: [string, [string, string][]][] = []): OpenedShare {
	return {
		workspace: {
			v: 1,
			plugins: plugins.map((p) => p.state),
			activeId: plugins[0]?.state.id ?? null
		},
		plugins,
		notices: [],
		kv: new Map(
			kv.map(([ns, entries]) => [
				ns,
				new Map(entries.map(([k, v]) => [k, new TextEncoder().encode(v)]))
			])
		)
	};
}

const context = (over: Partial<Parameters<typeof guardLink>[1]> = {}) => ({
	existing: new Map<string, number>(),
	exampleHosts: () => null,
	freshNamespace: (ns: string) => linkNamespace(ns, 'abcd'),
	autorun: false,
	...over
});

describe('guardLink', () => {
	it('gives every plugin a fresh namespace and no hosts, and asks for what it cut', () => {
		const opened = share(
			[plugin('a', 'example:kv-counter', ['*']), plugin('b', 'example:kv-counter')],
			[['example:kv-counter', [['api_token', 'secret']]]]
		);
		const { opened: safe, requests } = guardLink(
			opened,
			context({ existing: new Map([['example:kv-counter', 3]]) })
		);
		const fresh = 'link abcd: example:kv-counter';
		expect(safe.plugins.map((p) => p.state.settings.namespace)).toEqual([fresh, fresh]);
		expect(safe.workspace.plugins.map((p) => p.settings.namespace)).toEqual([fresh, fresh]);
		expect(safe.plugins.map((p) => p.state.settings.allowedHosts)).toEqual([[], []]);
		expect(safe.kv.size).toBe(0);
		expect(requests.map((r) => r.kind)).toEqual(['hosts', 'namespace', 'kv']);
		const namespace = requests.find((r) => r.kind === 'namespace');
		expect(namespace).toMatchObject({
			namespace: 'example:kv-counter',
			entries: 3,
			pluginIds: ['a', 'b'],
			fresh
		});
		const kv = requests.find((r) => r.kind === 'kv');
		expect(kv?.kind === 'kv' && [...kv.entries.keys()]).toEqual(['api_token']);
		// The input is left alone.
		expect(opened.plugins[0].state.settings.namespace).toBe('example:kv-counter');
	});

	it('asks nothing for a namespace that is empty here', () => {
		const { requests } = guardLink(share([plugin('a', 'file:x.wasm')]), context());
		expect(requests).toEqual([]);
	});

	it("keeps an example's own hosts and asks only for hosts beyond them", () => {
		const hosts = (extra: string[]) =>
			guardLink(
				share([plugin('a', 'example:http-get', ['127.0.0.1', ...extra], 'http-get')]),
				context({ exampleHosts: () => ['127.0.0.1'] })
			);
		const same = hosts([]);
		expect(same.requests).toEqual([]);
		expect(same.opened.plugins[0].state.settings.allowedHosts).toEqual(['127.0.0.1']);
		const more = hosts(['evil.test']);
		expect(more.requests).toMatchObject([
			{ kind: 'hosts', hosts: ['127.0.0.1', 'evil.test'], granted: ['127.0.0.1'] }
		]);
		expect(more.opened.plugins[0].state.settings.allowedHosts).toEqual(['127.0.0.1']);
	});

	it('turns autorun into a request for the active plugin', () => {
		const { requests } = guardLink(share([plugin('a', 'n')]), context({ autorun: true }));
		expect(requests).toEqual([
			{ kind: 'autorun', pluginId: 'a', pluginName: 'Plugin a', exportName: 'run' }
		]);
	});
});

describe('request wording', () => {
	it('says what is asked, what holds until then, and what the yes does', () => {
		const { requests } = guardLink(
			share([plugin('a', 'secrets', ['evil.test'])], [['secrets', [['k', 'v']]]]),
			context({ existing: new Map([['secrets', 1]]), autorun: true })
		);
		expect(requests.map((r) => describeRequest(r))).toEqual([
			'The link lets "Plugin a" reach "evil.test" with http_request. Until you agree, it may reach no host.',
			'The link asks "Plugin a" to use the KV namespace "secrets", which holds 1 entry here. Until you agree, it uses a new, empty namespace ("link abcd: secrets").',
			'The link carries 1 KV entry (from namespace "secrets") for "Plugin a". They are not imported until you agree.',
			'The link asks to run "run" of "Plugin a" as soon as it opens. Nothing runs until you agree or press Run.'
		]);
		expect(requests.map(acceptLabel)).toEqual([
			'Allow this host',
			'Use namespace "secrets"',
			'Import the KV entries',
			'Run it now'
		]);
	});

	it('shortens a long namespace in the fresh one', () => {
		expect(linkNamespace('x'.repeat(100), 'q1w2')).toBe(`link q1w2: ${'x'.repeat(64)}…`);
	});
});
