// The benchmark's budgets: each names one figure of bench/results.json and the most it may be.

/**
 * @typedef {object} Budget
 * @property {string} id stable name, printed by bench:check
 * @property {string} label what the figure is
 * @property {number} limit the figure must be at most this
 * @property {string} unit `×` for ratios (playground ÷ baseline), `ms`, or `KB` (1,000 bytes)
 * @property {(figures: any) => number | undefined} value reads the figure; undefined when it was not measured
 */

/** @type {Budget[]} */
export const BUDGETS = [
	{
		id: 'roundtrip-16B-a/d',
		label: 'round trip 16 B, playground ÷ minimal worker (a)/(d)',
		limit: 1.3,
		unit: '×',
		value: (f) => f.roundTrip?.['16 B']?.ratios['a/d']
	},
	{
		id: 'roundtrip-16B-a/c',
		label: 'round trip 16 B, playground ÷ Extism worker mode (a)/(c)',
		limit: 0.6,
		unit: '×',
		value: (f) => f.roundTrip?.['16 B']?.ratios['a/c']
	},
	{
		id: 'roundtrip-16MiB-a/b',
		label: 'round trip 16 MiB, playground ÷ Extism main thread (a)/(b)',
		limit: 1.2,
		unit: '×',
		value: (f) => f.roundTrip?.['16 MiB']?.ratios['a/b']
	},
	{
		id: 'cold-3KB-playground/main',
		label: 'cold start 3 KB, playground ÷ createPlugin on the main thread',
		limit: 2.0,
		unit: '×',
		value: (f) => f.coldStart?.['3 KB']?.ratios['playground/main']
	},
	{
		id: 'reinstantiate',
		label: 're-instantiation from the cached Module (stop → ready), median',
		limit: 5,
		unit: 'ms',
		value: (f) => f.reinstantiate?.restart.median
	},
	{
		id: 'kv-durable',
		label: '10,000 KV writes durable after the call returns, median',
		limit: 300,
		unit: 'ms',
		value: (f) => f.kv?.durableAfterShown.median
	},
	{
		id: 'trace-shown',
		label: 'trace of a 50,000-event call (5,000 streamed) shown after it ends, median',
		limit: 500,
		unit: 'ms',
		value: (f) => f.trace?.shownAfterEnd.median
	},
	{
		id: 'trace-scroll-frame',
		label: 'worst frame scrolling the trace to the end, median of runs',
		limit: 50,
		unit: 'ms',
		value: (f) => f.trace?.worstFrame.median
	},
	{
		id: 'build-wat',
		label: 'WAT example (wasi-upper) built in the page, wabt loaded, median',
		limit: 100,
		unit: 'ms',
		value: (f) => f.build?.wat.median
	},
	{
		id: 'build-as-cold',
		label: 'count-vowels built in the page, the compiler loading first',
		limit: 3000,
		unit: 'ms',
		value: (f) => f.build?.asCold.wall
	},
	{
		id: 'build-as-warm',
		label: 'count-vowels built in the page, the compiler loaded, median',
		limit: 1000,
		unit: 'ms',
		value: (f) => f.build?.asWarm.median
	},
	{
		id: 'build-longest-task',
		label: 'longest main-thread task during in-page builds',
		limit: 200,
		unit: 'ms',
		value: (f) => f.build?.longestTask
	},
	{
		id: 'page-initial-gzip',
		label: 'initial JS+CSS, gzip',
		limit: 250,
		unit: 'KB',
		value: (f) => (f.page ? f.page.initialGzip / 1000 : undefined)
	}
];

/**
 * @typedef {object} Verdict
 * @property {string} id
 * @property {string} label
 * @property {number} limit
 * @property {string} unit
 * @property {number | null} value null when the figure is missing
 * @property {boolean} pass
 */

/**
 * Checks every budget against a results file's figures.
 * @param {any} figures
 * @returns {Verdict[]}
 */
export function evaluate(figures) {
	return BUDGETS.map(({ id, label, limit, unit, value }) => {
		let got;
		try {
			got = value(figures ?? {});
		} catch {
			got = undefined;
		}
		const measured = typeof got === 'number' && Number.isFinite(got) ? got : null;
		return {
			id,
			label,
			limit,
			unit,
			value: measured,
			pass: measured !== null && measured <= limit
		};
	});
}

/**
 * `1.23×`, `4.5 ms`, `61.2 KB`.
 * @param {number | null} value
 * @param {string} unit
 */
export function formatValue(value, unit) {
	if (value === null) return 'not measured';
	if (unit === '×') return `${value.toFixed(2)}×`;
	return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ${unit}`;
}
