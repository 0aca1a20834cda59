// Properties of share links and workspace files, 10,000 cases each: every state round-trips exactly, and no
// input (random text, a cut link, a link with one bit flipped) makes the decoder throw or open something else.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/lib/bytes/encoding';
import { ERROR_TITLES, type ErrorKind, type PlaygroundError } from '../../src/lib/errors';
import { MAX_TIMEOUT_MS, type HostSettings } from '../../src/lib/host/settings';
import type { MockSpec } from '../../src/lib/host/mocks';
import { decodeLink, encodeLink } from '../../src/lib/share/codec';
import type { ShareErrorReason, ShareResult } from '../../src/lib/share/errors';
import {
	SHARE_LIMITS,
	toWorkspace,
	type LinkedSource,
	type RecordedCall,
	type SharedAbi,
	type SharedLinked,
	type SharedPlugin,
	type SharedSource,
	type ShareState
} from '../../src/lib/share/state';
import { decodeWorkspaceFile, encodeWorkspaceFile } from '../../src/lib/share/workspace-file';
import type { CallTrace, Payload, TraceEvent } from '../../src/lib/trace/types';
import { sealLink } from '../fixtures/share/seal';

const RUNS = 10_000;
const TIMEOUT = 300_000;
const REASONS: readonly ShareErrorReason[] = [
	'empty',
	'foreign',
	'truncated',
	'corrupted',
	'future-version',
	'too-large'
];

// Small values keep 10,000 compressions quick; breadth (every field, every kind) is what matters here.
const text = fc.string({ unit: 'binary', maxLength: 8 });
const key = fc.oneof(text, fc.constantFrom('__proto__', 'constructor', 'toString', 'a b', '0'));
const bytes = fc.uint8Array({ maxLength: 16 });
// JSON has no -0: `JSON.stringify(-0)` is "0", and times and sizes are never -0.
const num = fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0));
const nat = fc.maxSafeNat();
const sha256 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(toHex);
function dict<T>(value: fc.Arbitrary<T>): fc.Arbitrary<Record<string, T>> {
	return fc.dictionary(key, value, { maxKeys: 3, noNullPrototype: true });
}
const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });

const payload: fc.Arbitrary<Payload> = fc
	.tuple(bytes, fc.nat({ max: 1000 }))
	.map(([head, extra]) => ({ size: head.byteLength + extra, head }));
const payloadOrText = fc.oneof(payload, text);
const error: fc.Arbitrary<PlaygroundError> = fc.record({
	kind: fc.constantFrom(...(Object.keys(ERROR_TITLES) as ErrorKind[])),
	message: text,
	hint: text
});

const event: fc.Arbitrary<TraceEvent> = fc.oneof(
	fc.record(
		{ type: fc.constant('start' as const), t: num, export: text, input: payload, hook: text },
		{ requiredKeys: ['type', 't', 'export', 'input'] }
	),
	fc.record(
		{
			type: fc.constant('host' as const),
			t: num,
			ns: text,
			name: text,
			args: dict(payloadOrText),
			result: payloadOrText,
			error: text,
			dur: num
		},
		{ requiredKeys: ['type', 't', 'ns', 'name', 'args', 'dur'] }
	),
	fc.record({
		type: fc.constant('log' as const),
		t: num,
		level: fc.constantFrom('trace', 'debug', 'info', 'warn', 'error'),
		source: fc.constantFrom('extism', 'host', 'stdout', 'stderr', 'sdk'),
		text
	}),
	fc.record(
		{
			type: fc.constant('end' as const),
			t: num,
			status: fc.constantFrom('ok', 'error'),
			output: payload,
			error,
			code: fc.integer(),
			exit: fc.nat({ max: 0xffffffff }),
			duration: num,
			inputSize: nat,
			outputSize: nat,
			memoryPages: nullable(nat)
		},
		{
			requiredKeys: ['type', 't', 'status', 'duration', 'inputSize', 'outputSize', 'memoryPages']
		}
	)
);

const trace: fc.Arbitrary<CallTrace> = fc.record({
	id: nat,
	pluginId: text,
	pluginName: text,
	export: text,
	startedAt: num,
	events: fc.array(event, { maxLength: 5 }),
	dropped: nat
});

const mock: fc.Arbitrary<MockSpec> = fc.oneof(
	fc.record({ kind: fc.constant('fixed' as const), value: text }),
	fc.record({ kind: fc.constant('echo' as const) }),
	fc.record({ kind: fc.constant('table' as const), entries: dict(text), fallback: nullable(text) }),
	fc.record({ kind: fc.constant('fail' as const), message: text })
);

const settings: fc.Arbitrary<HostSettings> = fc.record({
	config: dict(text),
	allowedHosts: fc.array(text, { maxLength: 3 }),
	logLevel: fc.constantFrom('trace', 'debug', 'info', 'warn', 'error', 'silent'),
	timeoutMs: fc.integer({ min: 1, max: MAX_TIMEOUT_MS }),
	wasi: fc.constantFrom('auto', 'on', 'off'),
	memory: fc.record({
		maxPages: nullable(fc.integer({ min: 0, max: 65536 })),
		maxHttpResponseBytes: nullable(nat),
		maxVarBytes: nullable(nat)
	}),
	freshInstance: fc.boolean(),
	namespace: text,
	mocks: dict(mock)
});

const source: fc.Arbitrary<SharedSource> = fc.oneof(
	fc.record(
		{ kind: fc.constant('example' as const), name: text, sha256 },
		{ requiredKeys: ['kind', 'name'] }
	),
	fc.record({ kind: fc.constant('url' as const), url: text, sha256 }),
	fc.record(
		{ kind: fc.constant('inline' as const), name: text, bytes, url: text },
		{ requiredKeys: ['kind', 'name', 'bytes'] }
	),
	fc.record({ kind: fc.constant('file-only' as const), name: text, sha256, size: nat })
);

// Hook arguments are held as JSON, so they are what JSON.parse gives back (no -0).
const jsonValue = fc
	.jsonValue({ maxDepth: 2, stringUnit: 'binary' })
	.map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const abi: fc.Arbitrary<SharedAbi> = fc.record(
	{ profile: text, bindings: dict(text), hookArgs: dict(jsonValue), hook: text },
	{ requiredKeys: [] }
);
const recorded: fc.Arbitrary<RecordedCall> = fc.record({ output: nullable(bytes), trace });

/** 1 or 2 modules linked by distinct names other than `main`; never an example. */
const linked: fc.Arbitrary<SharedLinked[]> = fc.uniqueArray(
	fc.record({
		name: text.filter((n) => n !== 'main'),
		source: source.filter((s): s is LinkedSource => s.kind !== 'example')
	}),
	{ minLength: 1, maxLength: 2, selector: (l) => l.name }
);

const onePlugin: fc.Arbitrary<SharedPlugin> = fc.record(
	{
		name: text,
		source,
		exportName: text,
		input: text,
		inputMode: fc.constantFrom('text', 'json', 'hex'),
		settings,
		kv: dict(bytes),
		abi,
		recorded
	},
	{ requiredKeys: ['name', 'source', 'exportName', 'input', 'inputMode', 'settings'] }
);

/** A plugin, of several modules now and then (an example brings its own, so never one of those). */
const plugin: fc.Arbitrary<SharedPlugin> = fc
	.tuple(onePlugin, fc.option(linked, { nil: undefined }))
	.map(([p, l]) => (l && p.source.kind !== 'example' ? { ...p, linked: l } : p));

/** Any share state: 0 to 2 plugins, an active index in range or null, with or without a layout. */
const shareState: fc.Arbitrary<ShareState> = fc.array(plugin, { maxLength: 2 }).chain((plugins) =>
	fc.record(
		{
			v: fc.constant(1 as const),
			plugins: fc.constant(plugins),
			activeIndex:
				plugins.length === 0 ? fc.constant(null) : nullable(fc.nat({ max: plugins.length - 1 })),
			layout: fc.record({ left: num, right: num })
		},
		{ requiredKeys: ['v', 'plugins', 'activeIndex'] }
	)
);

/** A failed decode must be one of the typed reasons and say what happened and what to do. */
function expectTypedError(result: ShareResult<object>): void {
	expect(result.ok).toBe(false);
	if (result.ok) return;
	expect(result.error.kind).toBe('load');
	expect(REASONS).toContain(result.error.reason);
	expect(result.error.message.length).toBeGreaterThan(10);
	expect(result.error.hint.length).toBeGreaterThan(10);
}

/** Links made from real-looking states, some with switches, to cut and damage. */
let real: { link: string; state: ShareState }[] = [];

beforeAll(async () => {
	const states = fc.sample(shareState, { numRuns: 6, seed: 42 });
	real = await Promise.all(
		states.map(async (state, i) => ({
			state,
			link: await encodeLink(state, { embed: i % 2 === 0, autorun: i % 3 === 0 })
		}))
	);
});

describe('share links', () => {
	it(
		'decode(encode(state)) is the state, for any state',
		async () => {
			await fc.assert(
				fc.asyncProperty(shareState, async (state) => {
					const decoded = await decodeLink(await encodeLink(state));
					if (!decoded.ok) throw new Error(decoded.error.message);
					expect(decoded.state).toEqual(state);
					expect(decoded.version).toBe(1);
				}),
				{ numRuns: RUNS }
			);
		},
		TIMEOUT
	);

	it(
		'any text decodes to a typed error, never an exception',
		async () => {
			const base64url = fc.string({
				unit: fc.constantFrom(
					...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
				),
				maxLength: 64
			});
			const input = fc.oneof(
				fc.string({ unit: 'binary' }),
				base64url.map((p) => `v1.${p}`),
				base64url.map((p) => `#v1.${p}&embed=1`),
				fc.tuple(fc.nat(), base64url).map(([v, p]) => `v${v}.${p}`),
				fc.tuple(fc.string(), base64url).map(([page, p]) => `https://x.test/${page}#v1.${p}`)
			);
			await fc.assert(
				fc.asyncProperty(input, async (link) => expectTypedError(await decodeLink(link))),
				{ numRuns: RUNS }
			);
		},
		TIMEOUT
	);

	it(
		'a cut link is a typed error, or (cut only in its switches) the same state',
		async () => {
			const cut = fc
				.nat({ max: real.length - 1 })
				.chain((i) => fc.tuple(fc.constant(i), fc.nat({ max: (real[i]?.link.length ?? 1) - 1 })));
			await fc.assert(
				fc.asyncProperty(cut, async ([i, at]) => {
					const { link, state } = real[i] as (typeof real)[number];
					const decoded = await decodeLink(link.slice(0, at));
					if (decoded.ok) {
						expect(link.indexOf('&')).toBeGreaterThan(-1);
						expect(at).toBeGreaterThan(link.indexOf('&') - 1);
						expect(decoded.state).toEqual(state);
					} else expectTypedError(decoded);
				}),
				{ numRuns: RUNS }
			);
		},
		TIMEOUT
	);

	it(
		'a link with one bit flipped is a typed error, or exactly the same state',
		async () => {
			const flip = fc
				.nat({ max: real.length - 1 })
				.chain((i) =>
					fc.tuple(
						fc.constant(i),
						fc.nat({ max: (real[i]?.link.length ?? 1) - 1 }),
						fc.nat({ max: 7 })
					)
				);
			let detected = 0;
			await fc.assert(
				fc.asyncProperty(flip, async ([i, at, bit]) => {
					const { link, state } = real[i] as (typeof real)[number];
					const flipped =
						link.slice(0, at) +
						String.fromCharCode(link.charCodeAt(at) ^ (1 << bit)) +
						link.slice(at + 1);
					const decoded = await decodeLink(flipped);
					if (decoded.ok) expect(decoded.state).toEqual(state);
					else {
						expectTypedError(decoded);
						detected++;
					}
				}),
				{ numRuns: RUNS }
			);
			// Only flips the format cannot see get through: in the switches, and unused bits of the last character.
			expect(detected).toBeGreaterThan(RUNS * 0.9);
		},
		TIMEOUT
	);
});

describe('workspace files', () => {
	it(
		'decode(encode(state)) is the state, for any state',
		async () => {
			await fc.assert(
				fc.asyncProperty(shareState, async (state) => {
					const decoded = await decodeWorkspaceFile(await encodeWorkspaceFile(state));
					if (!decoded.ok) throw new Error(decoded.error.message);
					expect(decoded.state).toEqual(state);
				}),
				{ numRuns: RUNS }
			);
		},
		TIMEOUT
	);
});

/** One way past a cap, `excess` over it, applied to plugin 0 of a state as link JSON. */
type Breach = { cap: number; asked: number; apply: (plugin: Record<string, unknown>) => void };
const breach: fc.Arbitrary<Breach> = fc
	.tuple(fc.nat({ max: 4 }), fc.integer({ min: 1, max: 50 }))
	.map(([which, excess]): Breach => {
		const names = SHARE_LIMITS.nameChars + excess;
		const texts = SHARE_LIMITS.textChars + excess;
		const entries = SHARE_LIMITS.kvEntries + excess;
		switch (which) {
			case 0:
				return {
					cap: SHARE_LIMITS.nameChars,
					asked: names,
					apply: (p) => (p.name = 'n'.repeat(names))
				};
			case 1:
				return {
					cap: SHARE_LIMITS.nameChars,
					asked: names,
					apply: (p) => (p.exportName = 'e'.repeat(names))
				};
			case 2:
				return {
					cap: SHARE_LIMITS.textChars,
					asked: texts,
					apply: (p) => (p.input = 'i'.repeat(texts))
				};
			case 3:
				return {
					cap: SHARE_LIMITS.kvEntries,
					asked: entries,
					// Every entry points at blob 0: the blob reader allows that, and it keeps the link small.
					apply: (p) =>
						(p.kv = Object.fromEntries(Array.from({ length: entries }, (_, i) => [`k${i}`, 0])))
				};
			default:
				return {
					cap: SHARE_LIMITS.entries,
					asked: SHARE_LIMITS.entries + excess,
					apply: (p) => {
						const settings = p.settings as Record<string, unknown>;
						settings.allowedHosts = Array.from(
							{ length: SHARE_LIMITS.entries + excess },
							() => 'h'
						);
					}
				};
		}
	});

const count = (n: number) => n.toLocaleString('en-US');

describe('caps on what a link may ask for', () => {
	it(
		'a link past any cap is refused as too large, naming the cap and what it asked for',
		async () => {
			const onePlugin = shareState.filter((s) => s.plugins.length > 0);
			await fc.assert(
				fc.asyncProperty(onePlugin, breach, async (state, { cap, asked, apply }) => {
					const blobs: Uint8Array[] = [];
					const json = JSON.parse(
						JSON.stringify(state, (_k, v: unknown) =>
							v instanceof Uint8Array ? blobs.push(v) - 1 : v
						)
					) as { plugins: Record<string, unknown>[] };
					// Blob 0 exists for the KV breach; other breaches leave the blob list as the state made it.
					if (blobs.length === 0) blobs.push(new Uint8Array(1));
					apply(json.plugins[0] as Record<string, unknown>);
					const decoded = await decodeLink(await sealLink(json, blobs));
					expectTypedError(decoded);
					if (decoded.ok) return;
					expect(decoded.error.reason).toBe('too-large');
					expect(decoded.error.message).toContain(`holds ${count(asked)} `);
					expect(decoded.error.message).toContain(`at most ${count(cap)}`);
				}),
				{ numRuns: 200 }
			);
		},
		TIMEOUT
	);

	it(
		'a share of any number of plugins opens at most the cap, with a notice exactly when it left some out',
		async () => {
			const many = fc.tuple(plugin, fc.nat({ max: 3 * SHARE_LIMITS.plugins })).chain(([p, n]) =>
				fc.record({
					v: fc.constant(1 as const),
					plugins: fc.constant(Array.from({ length: n }, () => p)),
					activeIndex: n === 0 ? fc.constant(null) : nullable(fc.nat({ max: n - 1 }))
				})
			);
			await fc.assert(
				fc.asyncProperty(many, async (state: ShareState) => {
					const decoded = await decodeLink(await encodeLink(state));
					if (!decoded.ok) throw new Error(decoded.error.message);
					const opened = toWorkspace(decoded.state);
					const n = state.plugins.length;
					expect(opened.plugins).toHaveLength(Math.min(n, SHARE_LIMITS.plugins));
					expect(opened.notices).toHaveLength(n > SHARE_LIMITS.plugins ? 1 : 0);
					if (n > SHARE_LIMITS.plugins) expect(opened.notices[0]).toContain(`lists ${n} plugins`);
					const ids = opened.plugins.map((p) => p.state.id);
					if (state.activeIndex === null) expect(opened.workspace.activeId).toBeNull();
					else expect(ids).toContain(opened.workspace.activeId);
				}),
				{ numRuns: 300 }
			);
		},
		TIMEOUT
	);
});
