/**
 * The one description of the share format's fields: a reader that checks every field of a `ShareState` and
 * rebuilds it from what it checked. Links and workspace files read through it (each with its own way of
 * storing bytes), and the writers pass the live state through it first, so nothing is written that the
 * reader would refuse, and fields added to the app's types later do not leak into v1 links unversioned.
 */
import { ERROR_TITLES, type ErrorKind, type PlaygroundError } from '../errors';
import { MAX_TIMEOUT_MS, type HostSettings, type LogLevelSetting } from '../host/settings';
import type { MockSpec } from '../host/mocks';
import {
	MAX_TRACE_EVENTS,
	type CallTrace,
	type LogLevel,
	type LogSource,
	type Payload,
	type TraceEvent
} from '../trace/types';
import type { SourceLanguage } from '../source/project';
import type { InputMode, PaneLayout } from '../workspace/types';
import { MAIN_MODULE } from '../wasm/module-set';
import {
	kvBytes,
	SHARE_LIMITS,
	SHARE_VERSION,
	type RecordedCall,
	type LinkedSource,
	type SharedAbi,
	type SharedLinked,
	type SharedPlugin,
	type SharedCode,
	type SharedSource,
	type ShareState,
	type ShareVersion
} from './state';

/** The first field that breaks the format: where, what it should be, and what it is. */
export class Invalid extends Error {
	constructor(
		readonly path: string,
		readonly expected: string,
		readonly found: unknown
	) {
		super('');
		this.message = this.explain();
	}

	/** What is wrong, with the field's path under `root` (`state.plugins[0].name`); the root alone is `the state`. */
	explain(root = ''): string {
		return `${this.where(root)} should be ${this.expected}, but it is ${show(this.found)}`;
	}

	/** The field's path under `root`, for messages. */
	protected where(root: string): string {
		return !root
			? this.path || 'the state'
			: !this.path
				? root
				: `${root}${this.path.startsWith('[') ? '' : '.'}${this.path}`;
	}
}

/** A field that asks for more than `SHARE_LIMITS` allows: how much it asks for and the cap, by name. */
export class OverCap extends Invalid {
	constructor(
		path: string,
		readonly unit: string,
		readonly cap: number,
		readonly asked: number
	) {
		super(path, `at most ${count(cap)} ${unit}`, asked);
		// Invalid's constructor explained before these fields were set; explain again with them.
		this.message = this.explain();
	}

	/** `plugins[0].name holds 15,728,640 characters; at most 1,024 are allowed` (`it` for the whole state). */
	override explain(root = ''): string {
		// Called once from Invalid's constructor, before this class's fields exist.
		if (this.unit === undefined) return super.explain(root);
		const where = this.path || root ? this.where(root) : 'it';
		return `${where} holds ${count(this.asked)} ${this.unit}; at most ${count(this.cap)} are allowed`;
	}
}

/** Which bytes a field holds: a plugin module (workspace files keep those by hash) or any other data. */
export type BytesRole = 'module' | 'data';

/** How one container stores bytes: reads a field's stored form, or throws `Invalid`. */
export type BytesReader = (value: unknown, path: string, role: BytesRole) => Uint8Array;

/** How to read a state. */
export interface ReadOptions {
	bytes: BytesReader;
	/** `reject` when reading a link or file; `drop` when cleaning a live state before writing it. */
	unknownFields: 'reject' | 'drop';
}

/** Reads bytes from a live state: they are already `Uint8Array`s. */
const liveBytes: BytesReader = (value, path) => {
	if (!(value instanceof Uint8Array)) throw new Invalid(path, 'bytes', value);
	return value;
};

/** Reads and rebuilds a v1 state; throws `Invalid` at the first field that breaks the format. */
export function readShareState(value: unknown, options: ReadOptions): ShareState {
	const r = new Reader(options);
	// Messages about unknown fields name the state's own version.
	if (isObject(value) && value.v === 1) r.version = 1;
	const o = r.object(value, '', ['v', 'plugins', 'activeIndex', 'layout']);
	if (o.v !== 1 && o.v !== SHARE_VERSION) throw new Invalid('v', `1 or ${SHARE_VERSION}`, o.v);
	const v: ShareVersion = o.v;
	// Any number of plugins reads; opening keeps the first `SHARE_LIMITS.plugins` (see `toWorkspace`).
	const plugins = r.list(o, 'plugins', '', (p, path) => r.plugin(p, path, v), Infinity);
	checkKvTotals(plugins);
	const activeIndex = o.activeIndex === null ? null : r.integer(o, 'activeIndex', '', 0);
	if (activeIndex !== null && activeIndex >= plugins.length) {
		const expected =
			plugins.length === 0 ? 'null (there are no plugins)' : `null or 0 to ${plugins.length - 1}`;
		throw new Invalid('activeIndex', expected, activeIndex);
	}
	return {
		v,
		plugins,
		activeIndex,
		...r.optional(o, 'layout', (v) => r.layout(v, 'layout'))
	};
}

/**
 * Reads and rebuilds one call trace, with bytes stored as `bytes` says (a link's blob index, a file's
 * base64); throws `Invalid` at the first field that breaks the shape. Trace export files use it too.
 */
export function readTrace(value: unknown, path: string, options: ReadOptions): CallTrace {
	return new Reader(options).trace(value, path);
}

/** Refuses a state whose KV data, over all its plugins, passes `SHARE_LIMITS`: opening may write all of it. */
function checkKvTotals(plugins: readonly SharedPlugin[]): void {
	const stores = plugins.flatMap((p) => (p.kv ? [Object.entries(p.kv)] : []));
	const entries = stores.reduce((n, kv) => n + kv.length, 0);
	if (entries > SHARE_LIMITS.kvEntries) {
		throw new OverCap('', 'KV entries', SHARE_LIMITS.kvEntries, entries);
	}
	const bytes = stores.reduce((n, kv) => n + kvBytes(kv), 0);
	if (bytes > SHARE_LIMITS.kvBytes) {
		throw new OverCap('', 'bytes of KV data', SHARE_LIMITS.kvBytes, bytes);
	}
}

type Json = Record<string, unknown>;

const INPUT_MODES: readonly InputMode[] = ['text', 'json', 'hex'];
const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];
const LOG_SETTINGS: readonly LogLevelSetting[] = [...LOG_LEVELS, 'silent'];
const LOG_SOURCES: readonly LogSource[] = ['extism', 'host', 'stdout', 'stderr', 'sdk'];
const ERROR_KINDS = Object.keys(ERROR_TITLES) as ErrorKind[];
const SHA256 = /^[0-9a-f]{64}$/;
const SOURCE_LANGUAGES: readonly SourceLanguage[] = ['assemblyscript', 'wat'];
/** A source folder: it becomes a path the compiler reads, so no `..` or `/`. */
const FOLDER = /^[a-z0-9][a-z0-9-]*$/;
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;
/** Deeper hook arguments are refused rather than risking the stack on a hostile link. */
const MAX_JSON_DEPTH = 64;

/** Field readers bound to one set of options; each returns a fresh value built only from checked fields. */
class Reader {
	/** The format version being read, for messages: the newest until the state's `v` is known. */
	version: ShareVersion = SHARE_VERSION;

	constructor(private readonly options: ReadOptions) {}

	object(v: unknown, path: string, fields: readonly string[]): Json {
		if (!isObject(v)) throw new Invalid(path, 'an object', v);
		if (this.options.unknownFields === 'reject') {
			const extra = Object.keys(v).find((k) => !fields.includes(k));
			if (extra !== undefined) {
				throw new Invalid(
					at(path, extra),
					`absent (format v${this.version} has no such field)`,
					v[extra]
				);
			}
		}
		return v;
	}

	/** A string of at most `max` characters: any text by default; names pass `SHARE_LIMITS.nameChars`. */
	string(o: Json, key: string, path: string, max: number = SHARE_LIMITS.textChars): string {
		const v = o[key];
		if (typeof v !== 'string') throw new Invalid(at(path, key), 'a string', v);
		if (v.length > max) throw new OverCap(at(path, key), 'characters', max, v.length);
		return v;
	}

	/** A name: shown on tabs, in lists and in messages, so short. */
	name(o: Json, key: string, path: string): string {
		return this.string(o, key, path, SHARE_LIMITS.nameChars);
	}

	boolean(o: Json, key: string, path: string): boolean {
		const v = o[key];
		if (typeof v !== 'boolean') throw new Invalid(at(path, key), 'true or false', v);
		return v;
	}

	number(o: Json, key: string, path: string): number {
		const v = o[key];
		if (typeof v !== 'number' || !Number.isFinite(v))
			throw new Invalid(at(path, key), 'a number', v);
		return v;
	}

	integer(o: Json, key: string, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
		const v = o[key];
		if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
			const range = max === Number.MAX_SAFE_INTEGER ? `from ${min}` : `from ${min} to ${max}`;
			throw new Invalid(at(path, key), `a whole number ${range}`, v);
		}
		return v;
	}

	nullableInteger(o: Json, key: string, path: string, min: number, max?: number): number | null {
		return o[key] === null ? null : this.integer(o, key, path, min, max);
	}

	oneOf<T extends string>(o: Json, key: string, path: string, allowed: readonly T[]): T {
		const v = o[key];
		if (!allowed.includes(v as T)) {
			throw new Invalid(at(path, key), `one of ${allowed.map((a) => `"${a}"`).join(', ')}`, v);
		}
		return v as T;
	}

	sha256(o: Json, key: string, path: string): string {
		const v = this.string(o, key, path);
		if (!SHA256.test(v)) throw new Invalid(at(path, key), 'a sha256 (64 lowercase hex digits)', v);
		return v;
	}

	bytes(o: Json, key: string, path: string, role: BytesRole = 'data'): Uint8Array {
		return this.options.bytes(o[key], at(path, key), role);
	}

	/** A list of at most `max` items, counted before any is read. */
	list<T>(
		o: Json,
		key: string,
		path: string,
		read: (v: unknown, path: string) => T,
		max: number = SHARE_LIMITS.entries
	): T[] {
		const v = o[key];
		if (!Array.isArray(v)) throw new Invalid(at(path, key), 'a list', v);
		if (v.length > max) throw new OverCap(at(path, key), 'items', max, v.length);
		return v.map((item, i) => read(item, `${at(path, key)}[${i}]`));
	}

	/**
	 * A string-keyed record of at most `max` entries (counted before any is read) with keys of at most
	 * `keyMax` characters; `fromEntries` keeps a key such as `__proto__` an ordinary key.
	 */
	record<T>(
		v: unknown,
		path: string,
		read: (v: unknown, path: string) => T,
		max: number = SHARE_LIMITS.entries,
		keyMax: number = SHARE_LIMITS.nameChars
	): Record<string, T> {
		if (!isObject(v)) throw new Invalid(path, 'an object', v);
		const keys = Object.keys(v);
		if (keys.length > max) throw new OverCap(path, 'entries', max, keys.length);
		const long = keys.find((k) => k.length > keyMax);
		if (long !== undefined) {
			throw new OverCap(`${path} key "${long.slice(0, 24)}…"`, 'characters', keyMax, long.length);
		}
		return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, read(item, at(path, k))]));
	}

	/** A record of strings; values are text, keys names unless `keyMax` says otherwise. */
	strings(
		v: unknown,
		path: string,
		keyMax: number = SHARE_LIMITS.nameChars
	): Record<string, string> {
		return this.record(
			v,
			path,
			(item, p) => {
				if (typeof item !== 'string') throw new Invalid(p, 'a string', item);
				if (item.length > SHARE_LIMITS.textChars) {
					throw new OverCap(p, 'characters', SHARE_LIMITS.textChars, item.length);
				}
				return item;
			},
			SHARE_LIMITS.entries,
			keyMax
		);
	}

	/** `{ [key]: read(value) }` when the field is present, `{}` when absent, so absent stays absent. */
	optional<T>(o: Json, key: string, read: (v: unknown) => T): Record<string, T> {
		return o[key] === undefined ? {} : { [key]: read(o[key]) };
	}

	layout(v: unknown, path: string): PaneLayout {
		const o = this.object(v, path, ['left', 'right']);
		return { left: this.number(o, 'left', path), right: this.number(o, 'right', path) };
	}

	plugin(v: unknown, path: string, version: ShareVersion): SharedPlugin {
		const o = this.object(v, path, [
			'name',
			'source',
			'linked',
			'exportName',
			'input',
			'inputMode',
			'settings',
			'kv',
			'abi',
			'recorded',
			// Source travels from format v2 on.
			...(version >= 2 ? ['code'] : [])
		]);
		const source = this.source(o.source, at(path, 'source'));
		return {
			name: this.name(o, 'name', path),
			source,
			...this.optional(o, 'linked', () => this.linked(o, path, source)),
			exportName: this.name(o, 'exportName', path),
			input: this.string(o, 'input', path),
			inputMode: this.oneOf(o, 'inputMode', path, INPUT_MODES),
			settings: this.settings(o.settings, at(path, 'settings')),
			...this.optional(o, 'kv', (kv) =>
				this.record(
					kv,
					at(path, 'kv'),
					(value, p) => this.options.bytes(value, p, 'data'),
					SHARE_LIMITS.kvEntries,
					SHARE_LIMITS.textChars
				)
			),
			...this.optional(o, 'abi', (abi) => this.abi(abi, at(path, 'abi'))),
			...this.optional(o, 'recorded', (rec) => this.recorded(rec, at(path, 'recorded'))),
			...(version >= 2 ? this.optional(o, 'code', () => this.code(o, path, source)) : {})
		};
	}

	/**
	 * A plugin's source: its language, folder and files (1 to `SHARE_LIMITS.sourceFiles`, the entry first),
	 * and the compiler that built it. Its module's sha256 is its `source`'s, so that must name one.
	 */
	code(o: Json, path: string, main: SharedSource): SharedCode {
		const where = at(path, 'code');
		if (main.kind !== 'file-only' && !(main.kind === 'example' && main.sha256)) {
			throw new Invalid(
				at(path, 'source'),
				'a file-only module or an example with its sha256 (the module the code builds)',
				main
			);
		}
		const c = this.object(o.code, where, ['language', 'folder', 'files', 'compiler']);
		const folder = this.name(c, 'folder', where);
		if (!FOLDER.test(folder)) {
			throw new Invalid(at(where, 'folder'), 'a lowercase kebab-case folder name', folder);
		}
		const names = new Set<string>();
		const files = this.list(
			c,
			'files',
			where,
			(f, p) => {
				const file = this.object(f, p, ['name', 'text']);
				const name = this.name(file, 'name', p);
				if (!FILE_NAME.test(name) || names.has(name)) {
					throw new Invalid(
						at(p, 'name'),
						'a file name (letters, digits, -, _, .) no other file has',
						name
					);
				}
				names.add(name);
				return { name, text: this.string(file, 'text', p) };
			},
			SHARE_LIMITS.sourceFiles
		);
		if (files.length === 0)
			throw new Invalid(at(where, 'files'), 'a list of at least one file', files);
		const compiler = this.object(c.compiler, at(where, 'compiler'), ['name', 'version']);
		return {
			language: this.oneOf(c, 'language', where, SOURCE_LANGUAGES),
			folder,
			files,
			compiler: {
				name: this.name(compiler, 'name', at(where, 'compiler')),
				version: this.name(compiler, 'version', at(where, 'compiler'))
			}
		};
	}

	/**
	 * A plugin's linked modules: 1 to `SHARE_LIMITS.linkedModules`, each named once and never `main` (the
	 * name of the module they link into), none an example; an example plugin has none (it brings its own).
	 */
	linked(o: Json, path: string, main: SharedSource): SharedLinked[] {
		const where = at(path, 'linked');
		if (main.kind === 'example') {
			throw new Invalid(where, 'absent for a built-in example (it brings its own)', o.linked);
		}
		const seen = new Set<string>([MAIN_MODULE]);
		const linked = this.list(
			o,
			'linked',
			path,
			(v, p): SharedLinked => {
				const item = this.object(v, p, ['name', 'source']);
				const name = this.name(item, 'name', p);
				if (seen.has(name)) {
					throw new Invalid(at(p, 'name'), 'a name no other module of the plugin has', name);
				}
				seen.add(name);
				return { name, source: this.linkedSource(item.source, at(p, 'source')) };
			},
			SHARE_LIMITS.linkedModules
		);
		if (linked.length === 0) throw new Invalid(where, 'a list of at least one module', o.linked);
		return linked;
	}

	linkedSource(v: unknown, path: string): LinkedSource {
		const source = this.source(v, path);
		if (source.kind === 'example') {
			throw new Invalid(at(path, 'kind'), 'one of "url", "inline", "file-only"', source.kind);
		}
		return source;
	}

	source(v: unknown, path: string): SharedSource {
		const kind = isObject(v) ? v.kind : undefined;
		switch (kind) {
			case 'example': {
				const o = this.object(v, path, ['kind', 'name', 'sha256']);
				return {
					kind,
					name: this.name(o, 'name', path),
					...this.optional(o, 'sha256', () => this.sha256(o, 'sha256', path))
				};
			}
			case 'url': {
				const o = this.object(v, path, ['kind', 'url', 'sha256']);
				return { kind, url: this.string(o, 'url', path), sha256: this.sha256(o, 'sha256', path) };
			}
			case 'inline': {
				const o = this.object(v, path, ['kind', 'name', 'bytes', 'url']);
				return {
					kind,
					name: this.name(o, 'name', path),
					bytes: this.bytes(o, 'bytes', path, 'module'),
					...this.optional(o, 'url', () => this.string(o, 'url', path))
				};
			}
			case 'file-only': {
				const o = this.object(v, path, ['kind', 'name', 'sha256', 'size']);
				return {
					kind,
					name: this.name(o, 'name', path),
					sha256: this.sha256(o, 'sha256', path),
					size: this.integer(o, 'size', path, 0)
				};
			}
			default:
				throw new Invalid(
					at(path, 'kind'),
					'one of "example", "url", "inline", "file-only"',
					isObject(v) ? kind : v
				);
		}
	}

	settings(v: unknown, path: string): HostSettings {
		const o = this.object(v, path, [
			'config',
			'allowedHosts',
			'logLevel',
			'timeoutMs',
			'wasi',
			'memory',
			'freshInstance',
			'namespace',
			'mocks'
		]);
		const memoryPath = at(path, 'memory');
		const memory = this.object(o.memory, memoryPath, [
			'maxPages',
			'maxHttpResponseBytes',
			'maxVarBytes'
		]);
		return {
			config: this.strings(o.config, at(path, 'config')),
			allowedHosts: this.list(o, 'allowedHosts', path, (h, p) => {
				if (typeof h !== 'string') throw new Invalid(p, 'a string', h);
				if (h.length > SHARE_LIMITS.nameChars) {
					throw new OverCap(p, 'characters', SHARE_LIMITS.nameChars, h.length);
				}
				return h;
			}),
			logLevel: this.oneOf(o, 'logLevel', path, LOG_SETTINGS),
			timeoutMs: this.integer(o, 'timeoutMs', path, 1, MAX_TIMEOUT_MS),
			wasi: this.oneOf(o, 'wasi', path, ['auto', 'on', 'off'] as const),
			memory: {
				// 65536 pages of 64 KiB is the whole 32-bit address space.
				maxPages: this.nullableInteger(memory, 'maxPages', memoryPath, 0, 65536),
				maxHttpResponseBytes: this.nullableInteger(memory, 'maxHttpResponseBytes', memoryPath, 0),
				maxVarBytes: this.nullableInteger(memory, 'maxVarBytes', memoryPath, 0)
			},
			freshInstance: this.boolean(o, 'freshInstance', path),
			namespace: this.name(o, 'namespace', path),
			mocks: this.record(o.mocks, at(path, 'mocks'), (m, p) => this.mock(m, p))
		};
	}

	mock(v: unknown, path: string): MockSpec {
		const kind = isObject(v) ? v.kind : undefined;
		switch (kind) {
			case 'fixed': {
				const o = this.object(v, path, ['kind', 'value']);
				return { kind, value: this.string(o, 'value', path) };
			}
			case 'echo':
				this.object(v, path, ['kind']);
				return { kind };
			case 'table': {
				const o = this.object(v, path, ['kind', 'entries', 'fallback']);
				return {
					kind,
					entries: this.strings(o.entries, at(path, 'entries'), SHARE_LIMITS.textChars),
					fallback: o.fallback === null ? null : this.string(o, 'fallback', path)
				};
			}
			case 'fail': {
				const o = this.object(v, path, ['kind', 'message']);
				return { kind, message: this.string(o, 'message', path) };
			}
			default:
				throw new Invalid(
					at(path, 'kind'),
					'one of "fixed", "echo", "table", "fail"',
					isObject(v) ? kind : v
				);
		}
	}

	abi(v: unknown, path: string): SharedAbi {
		const o = this.object(v, path, ['profile', 'bindings', 'hookArgs', 'hook']);
		return {
			...this.optional(o, 'profile', () => this.name(o, 'profile', path)),
			...this.optional(o, 'bindings', (b) => this.strings(b, at(path, 'bindings'))),
			...this.optional(o, 'hookArgs', (a) =>
				this.record(a, at(path, 'hookArgs'), (j, p) => json(j, p, 0))
			),
			...this.optional(o, 'hook', () => this.name(o, 'hook', path))
		};
	}

	recorded(v: unknown, path: string): RecordedCall {
		const o = this.object(v, path, ['output', 'trace']);
		return {
			output: o.output === null ? null : this.bytes(o, 'output', path),
			trace: this.trace(o.trace, at(path, 'trace'))
		};
	}

	trace(v: unknown, path: string): CallTrace {
		const o = this.object(v, path, [
			'id',
			'pluginId',
			'pluginName',
			'export',
			'startedAt',
			'events',
			'dropped',
			'roundTrip',
			'module'
		]);
		return {
			id: this.integer(o, 'id', path, 0),
			pluginId: this.name(o, 'pluginId', path),
			pluginName: this.name(o, 'pluginName', path),
			export: this.name(o, 'export', path),
			startedAt: this.number(o, 'startedAt', path),
			events: this.list(o, 'events', path, (e, p) => this.event(e, p), MAX_TRACE_EVENTS),
			dropped: this.integer(o, 'dropped', path, 0),
			...this.optional(o, 'roundTrip', () => this.number(o, 'roundTrip', path)),
			...this.optional(o, 'module', () => this.sha256(o, 'module', path))
		};
	}

	payload(v: unknown, path: string): Payload {
		const o = this.object(v, path, ['size', 'head']);
		const size = this.integer(o, 'size', path, 0);
		const head = this.bytes(o, 'head', path);
		if (head.byteLength > size) {
			throw new Invalid(
				at(path, 'head'),
				`at most ${size} bytes (its size)`,
				`${head.byteLength} bytes`
			);
		}
		return { size, head };
	}

	payloadOrText(v: unknown, path: string): Payload | string {
		return typeof v === 'string' ? v : this.payload(v, path);
	}

	event(v: unknown, path: string): TraceEvent {
		const type = isObject(v) ? v.type : undefined;
		switch (type) {
			case 'start': {
				const o = this.object(v, path, ['type', 't', 'export', 'input', 'hook']);
				return {
					type,
					t: this.number(o, 't', path),
					export: this.name(o, 'export', path),
					input: this.payload(o.input, at(path, 'input')),
					...this.optional(o, 'hook', () => this.name(o, 'hook', path))
				};
			}
			case 'host': {
				const o = this.object(v, path, [
					'type',
					't',
					'ns',
					'name',
					'args',
					'result',
					'error',
					'dur'
				]);
				return {
					type,
					t: this.number(o, 't', path),
					ns: this.name(o, 'ns', path),
					name: this.name(o, 'name', path),
					args: this.record(o.args, at(path, 'args'), (a, p) => this.payloadOrText(a, p)),
					...this.optional(o, 'result', (r) => this.payloadOrText(r, at(path, 'result'))),
					...this.optional(o, 'error', () => this.string(o, 'error', path)),
					dur: this.number(o, 'dur', path)
				};
			}
			case 'instantiate': {
				const o = this.object(v, path, ['type', 't', 'dur', 'ran', 'error']);
				return {
					type,
					t: this.number(o, 't', path),
					dur: this.number(o, 'dur', path),
					ran: this.list(o, 'ran', path, (r, p) => {
						if (typeof r !== 'string') throw new Invalid(p, 'a string', r);
						return r;
					}),
					...this.optional(o, 'error', () => this.string(o, 'error', path))
				};
			}
			case 'log': {
				const o = this.object(v, path, ['type', 't', 'level', 'source', 'text']);
				return {
					type,
					t: this.number(o, 't', path),
					level: this.oneOf(o, 'level', path, LOG_LEVELS),
					source: this.oneOf(o, 'source', path, LOG_SOURCES),
					text: this.string(o, 'text', path)
				};
			}
			case 'end': {
				const o = this.object(v, path, [
					'type',
					't',
					'status',
					'output',
					'error',
					'code',
					'exit',
					'duration',
					'inputSize',
					'outputSize',
					'memoryPages'
				]);
				return {
					type,
					t: this.number(o, 't', path),
					status: this.oneOf(o, 'status', path, ['ok', 'error'] as const),
					...this.optional(o, 'output', (out) => this.payload(out, at(path, 'output'))),
					...this.optional(o, 'error', (e) => this.error(e, at(path, 'error'))),
					...this.optional(o, 'code', () => this.integer(o, 'code', path, Number.MIN_SAFE_INTEGER)),
					...this.optional(o, 'exit', () => this.integer(o, 'exit', path, 0)),
					duration: this.number(o, 'duration', path),
					inputSize: this.integer(o, 'inputSize', path, 0),
					outputSize: this.integer(o, 'outputSize', path, 0),
					memoryPages: this.nullableInteger(o, 'memoryPages', path, 0)
				};
			}
			default:
				throw new Invalid(
					at(path, 'type'),
					'one of "start", "host", "log", "end"',
					isObject(v) ? type : v
				);
		}
	}

	error(v: unknown, path: string): PlaygroundError {
		const o = this.object(v, path, ['kind', 'message', 'hint']);
		return {
			kind: this.oneOf(o, 'kind', path, ERROR_KINDS),
			message: this.string(o, 'message', path),
			hint: this.string(o, 'hint', path)
		};
	}
}

/** A copy of a plain JSON value (what `JSON.parse` returns), checked all the way down. */
function json(v: unknown, path: string, depth: number): unknown {
	if (depth > MAX_JSON_DEPTH) throw new Invalid(path, `nested at most ${MAX_JSON_DEPTH} deep`, v);
	if (typeof v === 'string' && v.length > SHARE_LIMITS.textChars) {
		throw new OverCap(path, 'characters', SHARE_LIMITS.textChars, v.length);
	}
	if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
	if (typeof v === 'number') {
		if (!Number.isFinite(v)) throw new Invalid(path, 'a JSON value', v);
		return v;
	}
	if (Array.isArray(v)) return v.map((item, i) => json(item, `${path}[${i}]`, depth + 1));
	// Plain objects only: a Uint8Array, Date or Map would not survive JSON.
	const proto: unknown = isObject(v) ? Object.getPrototypeOf(v) : undefined;
	if (isObject(v) && (proto === Object.prototype || proto === null)) {
		return Object.fromEntries(
			Object.entries(v).map(([k, item]) => [k, json(item, at(path, k), depth + 1)])
		);
	}
	throw new Invalid(path, 'a JSON value', v);
}

function isObject(v: unknown): v is Json {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `a.b`, `a[2]` or `a["odd key"]`: a path a person can follow into the JSON. */
function at(path: string, key: string): string {
	if (/^[A-Za-z_$][\w$]*$/.test(key)) return path ? `${path}.${key}` : key;
	return `${path}[${JSON.stringify(key)}]`;
}

function count(n: number): string {
	return n.toLocaleString('en-US');
}

/** A found value, short, for messages. */
function show(v: unknown): string {
	if (v === undefined) return 'missing';
	if (v instanceof Uint8Array) return `${v.byteLength} bytes`;
	if (Array.isArray(v)) return `a list of ${v.length}`;
	if (isObject(v)) return 'an object';
	if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
	const text = JSON.stringify(v);
	return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * A live state as it will be written: only the format's fields, checked. Throws an `Error` naming the field
 * when the state could not be read back, so no link or file is made that would not open.
 */
export function cleanShareState(state: ShareState): ShareState {
	try {
		return readShareState(state, { bytes: liveBytes, unknownFields: 'drop' });
	} catch (err) {
		if (err instanceof Invalid) {
			throw new Error(`This workspace cannot be shared: ${err.message}.`, { cause: err });
		}
		throw err;
	}
}
