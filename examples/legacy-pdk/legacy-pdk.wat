;; What a plugin built with a pre-1.0 Extism PDK (Extism 0.x) imports: the kernel from "env", each
;; function prefixed "extism_". Current SDKs link the kernel only as "extism:host/env", so no current
;; host runs it: the playground should say so and say how to rebuild, not offer mocks.
(module
	(import "env" "extism_input_length" (func $input_length (result i64)))
	(import "env" "extism_input_load_u8" (func $input_load_u8 (param i64) (result i32)))
	(import "env" "extism_alloc" (func $alloc (param i64) (result i64)))
	(import "env" "extism_store_u8" (func $store_u8 (param i64 i32)))
	(import "env" "extism_output_set" (func $output_set (param i64 i64)))
	(memory (export "memory") 1)

	(func (export "echo") (result i32)
		(local $n i64) (local $block i64) (local $i i64)
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
		(call $output_set (local.get $block) (local.get $n))
		(i32.const 0)))
