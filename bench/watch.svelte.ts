/**
 * Timestamps for state changes of a rune class, taken in the effect that sees them: the same moment the
 * playground's own views would update.
 */

/** Resolves with `performance.now()` at the first effect run where `test(read())` holds. */
export function when<T>(read: () => T, test: (value: T) => boolean): Promise<number> {
	return new Promise((resolve) => {
		let done = false;
		const stop = $effect.root(() => {
			$effect(() => {
				const value = read();
				if (done || !test(value)) return;
				done = true;
				resolve(performance.now());
				queueMicrotask(() => stop());
			});
		});
	});
}
