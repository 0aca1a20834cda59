/**
 * Harmont's Extism-era host functions (`hm_*` in `extism:host/user`), as its host registered them, and how
 * the playground answers the ones that mean something in a browser. Every argument and result is an
 * Extism memory block: `Json<T>` is JSON text, `String` UTF-8, `Vec<u8>` raw bytes, and an integer result
 * (`u32`, `u64`) travels as its little-endian bytes, as extism-convert encodes it.
 */
import { utf8Decode, utf8Encode } from '../../bytes/encoding';

/** One `hm_*` host function: its arguments and result in Harmont's Rust types. */
export interface HmHostFn {
	name: string;
	/** Argument types, in order (`Json<KvScope>`, `String`...). */
	args: readonly string[];
	/** The result type, or null when it returns nothing. */
	result: string | null;
	/** How the playground answers it: `provided` with a browser stand-in, else only through a mock. */
	playground: 'provided' | 'mock';
	/** What the playground does for it, in one sentence. */
	doc: string;
}

const fn = (
	name: string,
	args: readonly string[],
	result: string | null,
	doc: string | null
): HmHostFn => ({
	name,
	args,
	result,
	playground: doc === null ? 'mock' : 'provided',
	doc: doc ?? 'Not meaningful in a browser: add a mock under Host function mocks.'
});

/** Every `hm_*` host function of Harmont's Extism era, in the order its host registered them. */
export const HM_HOST_FNS: readonly HmHostFn[] = [
	fn('hm_log', ['Json<Level>', 'String'], null, 'A log line in the trace at that level.'),
	fn(
		'hm_emit_step_log',
		['Json<StdStream>', 'Vec<u8>'],
		null,
		'A log line in the trace, as stdout or stderr.'
	),
	fn('hm_emit_event', ['Json<BuildEvent>'], null, 'Recorded in the trace; no build is running.'),
	fn(
		'hm_kv_get',
		['Json<KvScope>', 'String'],
		'Json<Option<Vec<u8>>>',
		"Reads the plugin's KV namespace under <scope>/<key>; null when missing."
	),
	fn(
		'hm_kv_set',
		['Json<KvScope>', 'String', 'Vec<u8>'],
		null,
		"Writes the plugin's KV namespace under <scope>/<key>."
	),
	fn('hm_archive_read', ['Json<{id,offset,max}>'], 'Vec<u8>', null),
	fn('hm_archive_total_size', ['Json<ArchiveId>'], 'u64', null),
	fn(
		'hm_fs_read_config',
		['String rel_path'],
		'Json<Option<Vec<u8>>>',
		'The Host settings config value named by the path, as bytes; null when there is none.'
	),
	fn('hm_unix_socket_connect', ['String'], 'Json<u64 handle>', null),
	fn('hm_socket_write', ['Json<{h,bytes}>'], 'u64', null),
	fn('hm_socket_read', ['Json<{h,max}>'], 'Vec<u8>', null),
	fn('hm_socket_close', ['Json<u64>'], null, null),
	fn(
		'hm_keyring_get',
		['Json<{service,account}>'],
		'Json<Option<String>>',
		'Browsers have no OS keyring: reads KV key keyring/<service>/<account> (visible, not secret).'
	),
	fn(
		'hm_keyring_set',
		['Json<{service,account,secret}>'],
		null,
		'Writes KV key keyring/<service>/<account> (visible in the KV view, not secret).'
	),
	fn(
		'hm_keyring_delete',
		['Json<{service,account}>'],
		null,
		'Empties KV key keyring/<service>/<account>.'
	),
	fn('hm_tty_prompt', ['Json<{msg,mask}>'], 'String', null),
	fn('hm_tty_confirm', ['Json<{msg,default}>'], 'u32 bool', null),
	fn('hm_browser_open', ['String'], 'u32 bool', null),
	fn('hm_spawn_loopback', ['Json<Option<u16>>'], 'Json<u64>', null),
	fn('hm_loopback_recv', ['Json<{h,timeout_ms}>'], 'Json<Option<{path,query}>>', null),
	fn('hm_should_cancel', [], 'u32', 'Always 0: nothing cancels a playground call but Stop.'),
	fn('hm_docker_ping', [], 'u32', null),
	fn('hm_docker_image_exists', ['String'], 'u32', null),
	fn('hm_docker_pull', ['String'], null, null),
	fn('hm_docker_start_container', ['Json<{image,env,workdir,name_hint}>'], 'String', null),
	fn('hm_docker_extract_workspace', ['Json<{container_id,archive_id,workdir}>'], null, null),
	fn('hm_docker_exec', ['Json<{container_id,cmd,env,workdir,stdin_archive_id}>'], 'i32', null),
	fn('hm_docker_commit', ['Json<{container_id,tag}>'], 'String', null),
	fn('hm_docker_remove_image', ['String'], null, null),
	fn('hm_docker_stop_remove', ['String'], null, null),
	fn('hm_write_stdout', ['Vec<u8>'], null, 'The bytes as a stdout line in the trace.'),
	fn('hm_write_stderr', ['Vec<u8>'], null, 'The bytes as a stderr line in the trace.')
];

/** Names of the `hm_*` functions the playground provides itself. */
export const HM_PROVIDED: ReadonlySet<string> = new Set(
	HM_HOST_FNS.filter((f) => f.playground === 'provided').map((f) => f.name)
);

/** Harmont's log levels (`Level`). */
export const HM_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
/** Harmont's KV scopes (`KvScope`). */
export const HM_KV_SCOPES = ['plugin', 'build', 'step'] as const;

/** A log level from its JSON block (`"info"`), or an explanation of what is wrong. */
export function parseLevel(
	bytes: Uint8Array
): { ok: true; level: (typeof HM_LEVELS)[number] } | { ok: false; message: string } {
	const value = parseJsonText(bytes);
	const level = HM_LEVELS.find((l) => l === value);
	return level
		? { ok: true, level }
		: {
				ok: false,
				message: `hm_log: level must be one of ${HM_LEVELS.map((l) => `"${l}"`).join(', ')} as JSON, got ${utf8Decode(bytes).slice(0, 40)}`
			};
}

/** The playground KV key for Harmont's `(scope, key)`, or an explanation of a bad scope. */
export function kvKey(
	scopeJson: Uint8Array,
	key: string
): { ok: true; key: string } | { ok: false; message: string } {
	const scope = HM_KV_SCOPES.find((s) => s === parseJsonText(scopeJson));
	if (!scope) {
		return {
			ok: false,
			message: `KvScope must be one of ${HM_KV_SCOPES.map((s) => `"${s}"`).join(', ')} as JSON, got ${utf8Decode(scopeJson).slice(0, 40)}`
		};
	}
	return { ok: true, key: `${scope}/${key}` };
}

/** The playground KV key that stands in for a keyring entry, from `{service, account, ...}` JSON. */
export function keyringKey(
	bytes: Uint8Array
): { ok: true; key: string; secret: unknown } | { ok: false; message: string } {
	const value = parseJsonText(bytes);
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return { ok: false, message: 'expects a JSON object {service, account}' };
	}
	const { service, account, secret } = value as Record<string, unknown>;
	if (typeof service !== 'string' || typeof account !== 'string') {
		return { ok: false, message: '"service" and "account" must be strings' };
	}
	return { ok: true, key: `keyring/${service}/${account}`, secret };
}

/** `Json<Option<Vec<u8>>>`: `null`, or the bytes as a JSON array of numbers (serde's `Vec<u8>`). */
export function optionBytesJson(bytes: Uint8Array | undefined): string {
	return bytes === undefined ? 'null' : JSON.stringify([...bytes]);
}

/** An integer result (`u32`, `u64`) as extism-convert sends it: little-endian bytes of its width. */
export function integerBlock(value: number, width: 4 | 8): Uint8Array {
	const out = new Uint8Array(width);
	new DataView(out.buffer).setUint32(0, value >>> 0, true);
	return out;
}

/** Parses a JSON block, or undefined when it is not JSON. */
export function parseJsonText(bytes: Uint8Array): unknown {
	try {
		return JSON.parse(utf8Decode(bytes)) as unknown;
	} catch {
		return undefined;
	}
}

/** JSON text as bytes. */
export function jsonBytes(value: unknown): Uint8Array {
	return utf8Encode(JSON.stringify(value));
}
