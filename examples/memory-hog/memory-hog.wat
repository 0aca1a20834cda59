;; Grows linear memory 16 pages (1 MiB) at a time until `memory.grow` fails, then traps. The memory
;; has no maximum of its own, so only the host's limit stops it.
(module
	(memory (export "memory") 1)

	(func (export "hog") (result i32)
		(block $full
			(loop $grow
				;; memory.grow returns the old size in pages, or -1 when it cannot grow.
				(br_if $full (i32.eq (memory.grow (i32.const 16)) (i32.const -1)))
				(br $grow)))
		unreachable))
