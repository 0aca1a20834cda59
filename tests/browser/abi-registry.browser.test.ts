// A profile registered in one line, through the real worker: the session's module is detected as the
// profile's, the hook call sends the profile's own request bytes to a real Extism plugin, and the answer
// is read with the profile's own decode.
import { describe, expect, it } from 'vitest';
import { registerProfile } from '../../src/lib/abi/registry';
import { profileOf } from '../../src/state/abi.svelte';
import { tinyProfile } from '../fixtures/abi/tiny-profile';
import { disposedAfterEach, openBytes, wat } from './helpers';

registerProfile(tinyProfile);

const keep = disposedAfterEach();

// tiny_greet answers "ok " followed by the request it was sent, so the test sees the exact bytes.
const TINY = `(module
	(import "extism:host/env" "input_length" (func $input_length (result i64)))
	(import "extism:host/env" "input_load_u8" (func $input_load_u8 (param i64) (result i32)))
	(import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
	(import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
	(import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
	(func (export "tiny_greet") (result i32)
		(local $n i64) (local $out i64) (local $i i64)
		(local.set $n (call $input_length))
		(local.set $out (call $alloc (i64.add (local.get $n) (i64.const 3))))
		(call $store_u8 (local.get $out) (i32.const 111))
		(call $store_u8 (i64.add (local.get $out) (i64.const 1)) (i32.const 107))
		(call $store_u8 (i64.add (local.get $out) (i64.const 2)) (i32.const 32))
		(block $done
			(loop $copy
				(br_if $done (i64.ge_u (local.get $i) (local.get $n)))
				(call $store_u8
					(i64.add (local.get $out) (i64.add (local.get $i) (i64.const 3)))
					(call $input_load_u8 (local.get $i)))
				(local.set $i (i64.add (local.get $i) (i64.const 1)))
				(br $copy)))
		(call $output_set (local.get $out) (i64.add (local.get $n) (i64.const 3)))
		(i32.const 0)))`;

describe('a registered profile through the real worker', () => {
	it('is detected, called with its own request bytes and decoded with its own rules', async () => {
		const { session, loaded } = await openBytes(await wat(TINY));
		keep(session);
		expect(loaded.ok, loaded.ok ? '' : loaded.error.message).toBe(true);
		expect(profileOf(session, [])).toBe(tinyProfile);
		session.abi.setArgs('greet', '{"name": "Ada"}');
		await session.abi.callHook(session, tinyProfile, tinyProfile.hooks[0]);
		expect(session.abi.error).toBeNull();
		expect(session.abi.call).toMatchObject({
			hook: 'greet',
			export: 'tiny_greet',
			error: null,
			decoded: { status: 'value', value: 'greet {"name":"Ada"}', steps: [{ rule: 'ok → value' }] }
		});
		expect(session.trace?.export).toBe('tiny_greet');
	});
});
