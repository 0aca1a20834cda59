;; Imports WASI (fd_write, to print a line) and one host function nobody provides,
;; "extism:host/user" "hello_world". WASI is on by itself (auto); only hello_world is missing, and
;; it is the only import to mock.
(module
	(import "wasi_snapshot_preview1" "fd_write"
		(func $fd_write (param i32 i32 i32 i32) (result i32)))
	(import "extism:host/env" "input_offset" (func $input_offset (result i64)))
	(import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
	(import "extism:host/env" "length" (func $length (param i64) (result i64)))
	(import "extism:host/user" "hello_world" (func $hello_world (param i64) (result i64)))
	(memory (export "memory") 1)
	;; An iovec at 16 pointing at the text at 32.
	(data (i32.const 16) "\20\00\00\00\0d\00\00\00")
	(data (i32.const 32) "calling host\0a")

	(func (export "greet_host") (result i32)
		(local $out i64)
		(drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 8)))
		(local.set $out (call $hello_world (call $input_offset)))
		(call $output_set (local.get $out) (call $length (local.get $out)))
		(i32.const 0))
	(func (export "_initialize")))
