;; A plain Extism function in WAT: it answers its input's length as text.
;; Extism hands the input over as a block: `input_length` says how long it is, and the answer is a block
;; we allocate, fill with `store_u8` and hand back with `output_set`.
(module
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (memory (export "memory") 1)

  (func (export "run") (result i32)
    (local $n i64) (local $digits i32) (local $block i64) (local $i i32) (local $rest i64)
    (local.set $n (call $input_length))
    ;; Count the decimal digits of n (at least one).
    (local.set $rest (local.get $n))
    (local.set $digits (i32.const 1))
    (block $done
      (loop $more
        (br_if $done (i64.lt_u (local.get $rest) (i64.const 10)))
        (local.set $rest (i64.div_u (local.get $rest) (i64.const 10)))
        (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
        (br $more)))
    (local.set $block (call $alloc (i64.extend_i32_u (local.get $digits))))
    ;; Write the digits from the last one back.
    (local.set $i (local.get $digits))
    (local.set $rest (local.get $n))
    (loop $write
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (call $store_u8
        (i64.add (local.get $block) (i64.extend_i32_u (local.get $i)))
        (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $rest) (i64.const 10)))))
      (local.set $rest (i64.div_u (local.get $rest) (i64.const 10)))
      (br_if $write (i32.gt_s (local.get $i) (i32.const 0))))
    (call $output_set (local.get $block) (i64.extend_i32_u (local.get $digits)))
    (i32.const 0)))
