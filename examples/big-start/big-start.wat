;; Starts with 17 pages of memory (as Rust plugins often do), copies its whole input into memory it
;; grows for the purpose and answers with the number of bytes copied. Under Max memory 17 pages with a
;; 128 KiB input it runs, as in native Extism (max_pages bounds growth from instantiation on); under
;; 16 pages it does not start.
(module
	(import "extism:host/env" "input_length" (func $input_length (result i64)))
	(import "extism:host/env" "input_load_u8" (func $input_load_u8 (param i64) (result i32)))
	(import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
	(import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
	(import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
	(memory (export "memory") 17)

	(func (export "copy_input") (result i32)
		(local $n i32) (local $base i32) (local $i i32) (local $digits i32) (local $out i64)
		(local.set $n (i32.wrap_i64 (call $input_length)))
		;; Room for the input past the initial 17 pages; unreachable when the host refuses it.
		(local.set $base (i32.mul (i32.const 65536)
			(memory.grow (i32.div_u (i32.add (local.get $n) (i32.const 65535)) (i32.const 65536)))))
		(if (i32.lt_s (local.get $base) (i32.const 0)) (then unreachable))
		(block $done
			(loop $copy
				(br_if $done (i32.ge_u (local.get $i) (local.get $n)))
				(i32.store8 (i32.add (local.get $base) (local.get $i))
					(call $input_load_u8 (i64.extend_i32_u (local.get $i))))
				(local.set $i (i32.add (local.get $i) (i32.const 1)))
				(br $copy)))
		;; The count in decimal, written backwards from byte 31.
		(local.set $i (i32.const 32))
		(loop $digit
			(local.set $i (i32.sub (local.get $i) (i32.const 1)))
			(i32.store8 (local.get $i)
				(i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
			(local.set $n (i32.div_u (local.get $n) (i32.const 10)))
			(br_if $digit (i32.ne (local.get $n) (i32.const 0))))
		(local.set $digits (i32.sub (i32.const 32) (local.get $i)))
		(local.set $out (call $alloc (i64.extend_i32_u (local.get $digits))))
		(local.set $n (i32.const 0))
		(block $written
			(loop $write
				(br_if $written (i32.ge_u (local.get $n) (local.get $digits)))
				(call $store_u8
					(i64.add (local.get $out) (i64.extend_i32_u (local.get $n)))
					(i32.load8_u (i32.add (local.get $i) (local.get $n))))
				(local.set $n (i32.add (local.get $n) (i32.const 1)))
				(br $write)))
		(call $output_set (local.get $out) (i64.extend_i32_u (local.get $digits)))
		(i32.const 0)))
