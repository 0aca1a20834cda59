/**
 * Harmont's `hm_*` host functions (Extism era) that mean something in a browser, each traced as a host
 * call: logs and stdout/stderr become trace lines, KV and the keyring use the plugin's KV namespace, config
 * files are Host settings config values, and nothing ever asks to cancel. The others are left to mocks
 * (`src/lib/abi/harmont/host-fns.ts` lists which is which).
 */
import type { CallContext } from '@extism/extism';
import { utf8Decode, utf8Encode } from '../src/lib/bytes/encoding';
import {
	integerBlock,
	keyringKey,
	kvKey,
	optionBytesJson,
	parseJsonText,
	parseLevel
} from '../src/lib/abi/harmont/host-fns';
import { payload } from '../src/lib/trace/build';
import type { HostEvent, LogEvent } from '../src/lib/trace/types';

/** What the Harmont functions need from the host-function builder. */
export interface HarmontDeps {
	/** Wraps an implementation so it is traced as a host call of `extism:host/user`. */
	traced: (
		name: string,
		impl: (
			ctx: CallContext,
			...args: bigint[]
		) => {
			ret: bigint | void;
			args: HostEvent['args'];
			result?: HostEvent['result'];
		}
	) => (ctx: CallContext, ...args: bigint[]) => bigint | number | void;
	readBytes: (ctx: CallContext, offset: bigint, what: string) => Uint8Array;
	store: (ctx: CallContext, bytes: Uint8Array | string) => bigint;
	config: () => Record<string, string>;
	kvGet: (key: string) => Uint8Array | undefined;
	kvPut: (key: string, value: Uint8Array) => void;
	/** Adds a log line to the trace when its level passes the user's log level. */
	log: (level: LogEvent['level'], source: LogEvent['source'], text: string) => void;
}

/** The `hm_*` functions the playground provides, by name. */
export function harmontHostFunctions(d: HarmontDeps) {
	const text = (ctx: CallContext, offset: bigint, what: string) =>
		utf8Decode(d.readBytes(ctx, offset, what));
	const checked = <T extends object>(
		r: ({ ok: true } & T) | { ok: false; message: string },
		name: string
	): T => {
		if (!r.ok) throw new Error(`${name}: ${r.message}`);
		return r;
	};
	const write = (name: string, source: 'stdout' | 'stderr') =>
		d.traced(name, (ctx, offset) => {
			const bytes = d.readBytes(ctx, offset, `${name} bytes`);
			d.log(source === 'stdout' ? 'info' : 'warn', source, utf8Decode(bytes));
			return { ret: undefined, args: { bytes: payload(bytes) } };
		});
	return {
		hm_log: d.traced('hm_log', (ctx, levelOffset, messageOffset) => {
			const { level } = checked(
				parseLevel(d.readBytes(ctx, levelOffset, 'hm_log level')),
				'hm_log'
			);
			const message = text(ctx, messageOffset, 'hm_log message');
			d.log(level, 'host', message);
			return { ret: undefined, args: { level, message } };
		}),
		hm_emit_step_log: d.traced('hm_emit_step_log', (ctx, streamOffset, bytesOffset) => {
			const stream = parseJsonText(d.readBytes(ctx, streamOffset, 'hm_emit_step_log stream'));
			if (stream !== 'stdout' && stream !== 'stderr') {
				throw new Error('hm_emit_step_log: StdStream must be "stdout" or "stderr" as JSON');
			}
			const bytes = d.readBytes(ctx, bytesOffset, 'hm_emit_step_log bytes');
			d.log(stream === 'stdout' ? 'info' : 'warn', stream, utf8Decode(bytes));
			return { ret: undefined, args: { stream, bytes: payload(bytes) } };
		}),
		hm_emit_event: d.traced('hm_emit_event', (ctx, eventOffset) => {
			const event = d.readBytes(ctx, eventOffset, 'hm_emit_event event');
			return { ret: undefined, args: { event: payload(event) }, result: '(recorded)' };
		}),
		hm_kv_get: d.traced('hm_kv_get', (ctx, scopeOffset, keyOffset) => {
			const { key } = checked(
				kvKey(d.readBytes(ctx, scopeOffset, 'hm_kv_get scope'), text(ctx, keyOffset, 'key')),
				'hm_kv_get'
			);
			const answer = optionBytesJson(d.kvGet(key)?.slice());
			return { ret: d.store(ctx, answer), args: { key }, result: answer };
		}),
		hm_kv_set: d.traced('hm_kv_set', (ctx, scopeOffset, keyOffset, valueOffset) => {
			const { key } = checked(
				kvKey(d.readBytes(ctx, scopeOffset, 'hm_kv_set scope'), text(ctx, keyOffset, 'key')),
				'hm_kv_set'
			);
			const value = d.readBytes(ctx, valueOffset, 'hm_kv_set value').slice();
			d.kvPut(key, value);
			return { ret: undefined, args: { key, value: payload(value) } };
		}),
		hm_fs_read_config: d.traced('hm_fs_read_config', (ctx, pathOffset) => {
			const path = text(ctx, pathOffset, 'hm_fs_read_config path');
			const config = d.config();
			const value = Object.hasOwn(config, path) ? utf8Encode(config[path]) : undefined;
			const answer = optionBytesJson(value);
			return { ret: d.store(ctx, answer), args: { path }, result: answer };
		}),
		hm_keyring_get: d.traced('hm_keyring_get', (ctx, offset) => {
			const { key } = checked(
				keyringKey(d.readBytes(ctx, offset, 'hm_keyring_get')),
				'hm_keyring_get'
			);
			const value = d.kvGet(key);
			const answer = value?.length ? JSON.stringify(utf8Decode(value)) : 'null';
			return { ret: d.store(ctx, answer), args: { key }, result: answer };
		}),
		hm_keyring_set: d.traced('hm_keyring_set', (ctx, offset) => {
			const { key, secret } = checked(
				keyringKey(d.readBytes(ctx, offset, 'hm_keyring_set')),
				'hm_keyring_set'
			);
			if (typeof secret !== 'string') throw new Error('hm_keyring_set: "secret" must be a string');
			d.kvPut(key, utf8Encode(secret));
			return { ret: undefined, args: { key }, result: '(stored in KV, visible)' };
		}),
		hm_keyring_delete: d.traced('hm_keyring_delete', (ctx, offset) => {
			const { key } = checked(
				keyringKey(d.readBytes(ctx, offset, 'hm_keyring_delete')),
				'hm_keyring_delete'
			);
			d.kvPut(key, new Uint8Array(0));
			return { ret: undefined, args: { key }, result: '(emptied)' };
		}),
		hm_should_cancel: d.traced('hm_should_cancel', (ctx) => ({
			ret: d.store(ctx, integerBlock(0, 4)),
			args: {},
			result: '0'
		})),
		hm_write_stdout: write('hm_write_stdout', 'stdout'),
		hm_write_stderr: write('hm_write_stderr', 'stderr')
	};
}
