;; A WASI command (it exports `_start`, not `_initialize`): reads stdin to the end, writes it to stdout in
;; upper case (ASCII letters only), reports the byte count on stderr, and exits 0 by returning from
;; `_start`. The playground runs `_start` with the call's input as stdin and its stdout as the output.
(module
	(import "wasi_snapshot_preview1" "fd_read"
		(func $fd_read (param $fd i32) (param $iovs i32) (param $iovs_len i32) (param $nread i32)
			(result i32)))
	(import "wasi_snapshot_preview1" "fd_write"
		(func $fd_write (param $fd i32) (param $iovs i32) (param $iovs_len i32) (param $nwritten i32)
			(result i32)))

	(memory (export "memory") 1)

	;; 0..7: one iovec { buf, len }; 8..11: bytes read or written; 16..47: the stderr line being built.
	;; Input is read in chunks into 1024..2047.
	(data (i32.const 16) "wasi-upper: read ")
	(data (i32.const 64) " bytes\n")

	(func $write (param $fd i32) (param $buf i32) (param $len i32)
		(i32.store (i32.const 0) (local.get $buf))
		(i32.store (i32.const 4) (local.get $len))
		(drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))

	;; Writes `n` in decimal at 128.. and returns the number of digits.
	(func $decimal (param $n i32) (result i32)
		(local $len i32)
		(local $i i32)
		(local $tmp i32)
		(loop $digits
			(i32.store8 (i32.add (i32.const 128) (local.get $len))
				(i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
			(local.set $len (i32.add (local.get $len) (i32.const 1)))
			(local.set $n (i32.div_u (local.get $n) (i32.const 10)))
			(br_if $digits (local.get $n)))
		;; The digits came out least significant first: reverse them.
		(local.set $i (i32.const 0))
		(block $done
			(loop $swap
				(br_if $done (i32.ge_u (local.get $i)
					(i32.sub (i32.sub (local.get $len) (i32.const 1)) (local.get $i))))
				(local.set $tmp (i32.load8_u (i32.add (i32.const 128) (local.get $i))))
				(i32.store8 (i32.add (i32.const 128) (local.get $i))
					(i32.load8_u (i32.add (i32.const 128)
						(i32.sub (i32.sub (local.get $len) (i32.const 1)) (local.get $i)))))
				(i32.store8 (i32.add (i32.const 128)
					(i32.sub (i32.sub (local.get $len) (i32.const 1)) (local.get $i))) (local.get $tmp))
				(local.set $i (i32.add (local.get $i) (i32.const 1)))
				(br $swap)))
		(local.get $len))

	(func (export "_start")
		(local $n i32)
		(local $i i32)
		(local $c i32)
		(local $total i32)
		(block $eof
			(loop $chunk
				(i32.store (i32.const 0) (i32.const 1024))
				(i32.store (i32.const 4) (i32.const 1024))
				(br_if $eof (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
				(local.set $n (i32.load (i32.const 8)))
				(br_if $eof (i32.eqz (local.get $n)))
				(local.set $total (i32.add (local.get $total) (local.get $n)))
				(local.set $i (i32.const 0))
				(loop $upper
					(local.set $c (i32.load8_u (i32.add (i32.const 1024) (local.get $i))))
					(if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
						(then (i32.store8 (i32.add (i32.const 1024) (local.get $i))
							(i32.sub (local.get $c) (i32.const 32)))))
					(local.set $i (i32.add (local.get $i) (i32.const 1)))
					(br_if $upper (i32.lt_u (local.get $i) (local.get $n))))
				(call $write (i32.const 1) (i32.const 1024) (local.get $n))
				(br $chunk)))
		;; stderr: "wasi-upper: read <total> bytes\n", assembled from three writes.
		(call $write (i32.const 2) (i32.const 16) (i32.const 17))
		(call $write (i32.const 2) (i32.const 128) (call $decimal (local.get $total)))
		(call $write (i32.const 2) (i32.const 64) (i32.const 7))))
