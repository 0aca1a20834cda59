// Properties of share links and workspace files, 10,000 cases each: every state round-trips exactly, and no
// input (random text, a cut link, a link with one bit flipped) makes the decoder throw or open something else.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/lib/bytes/encoding';
import { ERROR_TITLES, type ErrorKind, type PlaygroundError } from '../../src/lib/errors';
import type { HostSettings } from '../../src/lib/host/settings';
import type { MockSpec } from '../../src/lib/host/mocks';
import { decodeLink, encodeLink } from '../../src/lib/share/codec';
import type { ShareErrorReason, ShareResult } from '../../src/lib/share/errors';
import type {
	RecordedCall,
	SharedAbi,
	SharedPlugin,
	SharedSource,
	ShareState
} from '../../src/lib/share/state';
import { decodeWorkspaceFile, encodeWorkspaceFile } from '../../src/lib/share/workspace-file';
import type { CallTrace, Payload, TraceEvent } from '../../src/lib/trace/types';

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
	timeoutMs: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
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

const plugin: fc.Arbitrary<SharedPlugin> = fc.record(
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
