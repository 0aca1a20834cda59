// The benchmark's budgets: each names one figure of bench/results.json and the most it may be.

/**
 * @typedef {object} Budget
 * @property {string} id stable name, printed by bench:check
 * @property {string} label what the figure is
 * @property {number} limit the figure must be at most this
 * @property {string} unit `×` for ratios (playground ÷ baseline), `ms`, or `KB` (1,000 bytes)
 * @property {(figures: any) => number | undefined} value reads the figure; undefined when it was not measured
 * @property {(figures: any) => string} [detail] what the figure is made of (`0.31 ÷ 0.17 ms`), for the README
 */

/**
 * `a ÷ b ms` from two medians of results.json.
 * @param {{ median: number } | undefined} a
 * @param {{ median: number } | undefined} b
 */
const over = (a, b) => `${ms(a?.median)} ÷ ${ms(b?.median)} ms`;

/** @param {number | undefined} n */
const ms = (n) =>
	n === undefined || !Number.isFinite(n)
		? '?'
		: n < 1
			? n.toFixed(3)
			: n < 10
				? n.toFixed(2)
				: n.toFixed(1);

/** @type {Budget[]} */
export const BUDGETS = [
	{
		id: 'roundtrip-16B-a/d',
		label: 'round trip 16 B, playground ÷ minimal worker (a)/(d)',
		limit: 1.3,
		unit: '×',
		value: (f) => f.roundTrip?.['16 B']?.ratios['a/d'],
		detail: (f) => over(f.roundTrip?.['16 B']?.a, f.roundTrip?.['16 B']?.d)
	},
	{
		id: 'roundtrip-16B-a/c',
		label: 'round trip 16 B, playground ÷ Extism worker mode (a)/(c)',
		limit: 1.0,
		unit: '×',
		value: (f) => f.roundTrip?.['16 B']?.ratios['a/c'],
		detail: (f) => over(f.roundTrip?.['16 B']?.a, f.roundTrip?.['16 B']?.c)
	},
	{
		id: 'roundtrip-16MiB-a/b',
		label: 'round trip 16 MiB, playground ÷ Extism main thread (a)/(b)',
		limit: 1.2,
		unit: '×',
		value: (f) => f.roundTrip?.['16 MiB']?.ratios['a/b'],
		detail: (f) => over(f.roundTrip?.['16 MiB']?.a, f.roundTrip?.['16 MiB']?.b)
	},
	{
		id: 'cold-3KB-playground/bootCompile',
		label: 'cold start 3 KB, playground ÷ (minimal worker start + WebAssembly.compile)',
		limit: 1.5,
		unit: '×',
		value: (f) => f.coldStart?.['3 KB']?.ratios['playground/bootCompileFloor'],
		detail: (f) => over(f.coldStart?.['3 KB']?.playground, f.coldStart?.['3 KB']?.bootCompileFloor)
	},
	{
		id: 'restart-ready',
		label: 'ready again after Stop, as the page sees it (stop() → status ready), median',
		limit: 5,
		unit: 'ms',
		value: (f) => f.reinstantiate?.restart.median
	},
	{
		id: 'kv-durable',
		label: '10,000 KV writes durable after the call returns (on-disk profile), median',
		limit: 100,
		unit: 'ms',
		value: (f) => f.kv?.durableAfterShown.median
	},
	{
		id: 'history-list',
		label: 'history list of 100 calls × 50,000-event traces, database opened first, median',
		limit: 100,
		unit: 'ms',
		value: (f) => f.history?.listOpen.median
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
		id: 'hostile-longest-task',
		label: 'longest main-thread task in the abuse suite flows (hostile input)',
		limit: 200,
		unit: 'ms',
		value: (f) => f.hostile?.longest,
		detail: (f) =>
			f.hostile
				? `worst: ${f.hostile.worst.length > 48 ? `${f.hostile.worst.slice(0, 47)}…` : f.hostile.worst}`
				: '?'
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
