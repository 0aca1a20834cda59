// Compares the figures in bench/results.json with the budgets; exits 1 when one is missed or missing.
// With --markdown it also prints the budgets as the README's table, to paste under "Where the playground
// stands".
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { BUDGETS, evaluate, formatValue } from './budgets.mjs';

const RESULTS = fileURLToPath(new URL('results.json', import.meta.url));

let results;
try {
	results = JSON.parse(await readFile(RESULTS, 'utf8'));
} catch (error) {
	const reason =
		/** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT'
			? 'is missing'
			: 'is not valid JSON';
	console.error(`bench/results.json ${reason}. Run \`npm run bench\` first.`);
	process.exit(2);
}

if (results.quick || results.only) {
	const how = [results.quick && '--quick', results.only && `--only ${results.only.join(',')}`];
	console.log(`Note: these results come from a partial run (${how.filter(Boolean).join(' ')}).\n`);
}
const verdicts = evaluate(results.figures);
const width = Math.max(...verdicts.map((v) => v.label.length));
for (const v of verdicts) {
	const status = v.value === null ? 'MISSING' : v.pass ? 'pass' : 'FAIL';
	const got = formatValue(v.value, v.unit).padStart(12);
	const limit = formatValue(v.limit, v.unit);
	console.log(`${status.padEnd(7)} ${v.label.padEnd(width)}  ${got}  (budget ≤ ${limit})`);
}
if (process.argv.includes('--markdown')) {
	const rows = verdicts.map((v) => {
		const budget = BUDGETS.find((b) => b.id === v.id);
		const value = formatValue(v.value, v.unit);
		const measured =
			budget?.detail && v.value !== null ? `${budget.detail(results.figures)} = ` : '';
		const verdict = v.value === null ? 'missing' : v.pass ? 'pass' : 'fail';
		return [`${v.label} ≤ ${formatValue(v.limit, v.unit)}`, `${measured}**${value}**`, verdict];
	});
	const header = ['budget', 'measured', 'verdict'];
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	const line = (/** @type {string[]} */ cells) =>
		`| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
	const load = results.machine?.loadavg?.map((/** @type {number} */ n) => n.toFixed(1)).join(' ');
	console.log(
		`\nResults of ${results.date ?? '?'} (${results.machine?.cpus ?? '?'} cores, load average ${load ?? '?'}):\n`
	);
	console.log([line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));
	console.log();
}
const missed = verdicts.filter((v) => !v.pass);
console.log(
	`\n${verdicts.length - missed.length} of ${verdicts.length} budgets met` +
		(results.date ? ` (results of ${results.date})` : '') +
		(missed.length ? `; missed: ${missed.map((v) => v.id).join(', ')}` : '')
);
process.exitCode = missed.length ? 1 : 0;
