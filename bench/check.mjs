// Compares the figures in bench/results.json with the budgets; exits 1 when one is missed or missing.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { evaluate, formatValue } from './budgets.mjs';

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
const missed = verdicts.filter((v) => !v.pass);
console.log(
	`\n${verdicts.length - missed.length} of ${verdicts.length} budgets met` +
		(results.date ? ` (results of ${results.date})` : '') +
		(missed.length ? `; missed: ${missed.map((v) => v.id).join(', ')}` : '')
);
process.exitCode = missed.length ? 1 : 0;
