;; The main module of a two-module manifest: it copies its input into an Extism block and asks the
;; module linked under the name "shouter" to upper-case it. Nothing but that module provides
;; "shouter" "shout": loaded alone, this module does not link.
(module
	(import "extism:host/env" "input_length" (func $input_length (result i64)))
	(import "extism:host/env" "input_load_u8" (func $input_load_u8 (param i64) (result i32)))
	(import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
	(import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
	(import "extism:host/env" "length" (func $length (param i64) (result i64)))
	(import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
	(import "shouter" "shout" (func $shout (param i64) (result i64)))
	(memory (export "memory") 1)

	(func (export "shout_it") (result i32)
		(local $n i64) (local $block i64) (local $i i64) (local $out i64)
		(local.set $n (call $input_length))
		(local.set $block (call $alloc (local.get $n)))
		(block $done
			(loop $copy
				(br_if $done (i64.ge_u (local.get $i) (local.get $n)))
				(call $store_u8
					(i64.add (local.get $block) (local.get $i))
					(call $input_load_u8 (local.get $i)))
				(local.set $i (i64.add (local.get $i) (i64.const 1)))
				(br $copy)))
		(local.set $out (call $shout (local.get $block)))
		(call $output_set (local.get $out) (call $length (local.get $out)))
		(i32.const 0)))
