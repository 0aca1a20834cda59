;; A WASI command that fails: it writes a line to stdout and a reason to stderr, then ends itself with
;; `proc_exit(3)`, as C's `exit(3)` or Rust's `std::process::exit(3)` would. The exit is not a trap: the
;; playground reports exit code 3 as the command's failure.
(module
	(import "wasi_snapshot_preview1" "fd_write"
		(func $fd_write (param $fd i32) (param $iovs i32) (param $iovs_len i32) (param $nwritten i32)
			(result i32)))
	(import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param $code i32)))

	(memory (export "memory") 1)

	(data (i32.const 16) "partial output\n")
	(data (i32.const 48) "wasi-exit: giving up with exit code 3\n")

	(func $write (param $fd i32) (param $buf i32) (param $len i32)
		(i32.store (i32.const 0) (local.get $buf))
		(i32.store (i32.const 4) (local.get $len))
		(drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))

	(func (export "_start")
		(call $write (i32.const 1) (i32.const 16) (i32.const 15))
		(call $write (i32.const 2) (i32.const 48) (i32.const 38))
		(call $proc_exit (i32.const 3))
		;; proc_exit does not return.
		unreachable))
