;; Writes to stdout and stderr through WASI's `fd_write`, then returns "done" as Extism output. The
;; empty `_initialize` export marks it as a WASI reactor (a library), not a command with `_start`.
(module
	(import "wasi_snapshot_preview1" "fd_write"
		(func $fd_write (param $fd i32) (param $iovs i32) (param $iovs_len i32) (param $nwritten i32)
			(result i32)))
	(import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
	(import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
	(import "extism:host/env" "output_set" (func $output_set (param i64 i64)))

	(memory (export "memory") 1)

	;; 0..7: one iovec { buf, len }; 8..11: bytes written. Texts follow.
	(data (i32.const 16) "hello from stdout\n")
	(data (i32.const 48) "hello from stderr\n")
	(data (i32.const 80) "done")

	(func $write (param $fd i32) (param $buf i32) (param $len i32)
		(i32.store (i32.const 0) (local.get $buf))
		(i32.store (i32.const 4) (local.get $len))
		(drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))

	(func (export "_initialize"))

	(func (export "hello") (result i32)
		(local $block i64)
		(local $i i32)
		(call $write (i32.const 1) (i32.const 16) (i32.const 18))
		(call $write (i32.const 2) (i32.const 48) (i32.const 18))
		;; Extism output lives in host memory: allocate a block and copy "done" into it byte by byte.
		(local.set $block (call $alloc (i64.const 4)))
		(loop $copy
			(call $store_u8
				(i64.add (local.get $block) (i64.extend_i32_u (local.get $i)))
				(i32.load8_u (i32.add (i32.const 80) (local.get $i))))
			(local.set $i (i32.add (local.get $i) (i32.const 1)))
			(br_if $copy (i32.lt_u (local.get $i) (i32.const 4))))
		(call $output_set (local.get $block) (i64.const 4))
		(i32.const 0)))
