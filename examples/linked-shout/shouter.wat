;; The linked module "shouter": `shout` takes an Extism block and returns a new block with ASCII
;; letters upper-cased. It takes a parameter, so it is a function for another module to import, not
;; an Extism export to call.
(module
	(import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
	(import "extism:host/env" "length" (func $length (param i64) (result i64)))
	(import "extism:host/env" "load_u8" (func $load_u8 (param i64) (result i32)))
	(import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))

	(func (export "shout") (param $in i64) (result i64)
		(local $n i64) (local $out i64) (local $i i64) (local $b i32)
		(local.set $n (call $length (local.get $in)))
		(local.set $out (call $alloc (local.get $n)))
		(block $done
			(loop $each
				(br_if $done (i64.ge_u (local.get $i) (local.get $n)))
				(local.set $b (call $load_u8 (i64.add (local.get $in) (local.get $i))))
				;; a..z become A..Z; every other byte (UTF-8 included) passes unchanged.
				(if (i32.and
						(i32.ge_u (local.get $b) (i32.const 97))
						(i32.le_u (local.get $b) (i32.const 122)))
					(then (local.set $b (i32.sub (local.get $b) (i32.const 32)))))
				(call $store_u8 (i64.add (local.get $out) (local.get $i)) (local.get $b))
				(local.set $i (i64.add (local.get $i) (i64.const 1)))
				(br $each)))
		(local.get $out)))
