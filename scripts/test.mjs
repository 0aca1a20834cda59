// Runs every check and test suite in order, streams their output, and ends with one "N passed, N failed" line.
//
// Steps: examples, check, lint, unit, browser, build, e2e, dev. Every step runs even when an earlier one failed; a
// step whose input failed (browser, build and e2e need the examples; e2e needs the build) is marked so.
// Counts are tests from the vitest and Playwright JSON reports; a failing non-test step (check, lint, build,
// examples), or a test step that failed without a failing test (a config or load error), adds 1 to failed.
// Exit code 0 only when nothing failed and at least one test ran.
//
// Local use: `node scripts/test.mjs --only unit,browser` runs just those steps (no dependencies are added;
// when no test step is chosen, the "at least one test ran" rule is waived).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @typedef {object} Counts
 * @property {number} passed
 * @property {number} failed
 * @property {number} skipped
 */

/**
 * @typedef {object} Step
 * @property {string} name
 * @property {string} command program, resolved against node_modules/.bin when it is a local tool
 * @property {(reportDir: string) => string[]} args arguments, given the folder for JSON reports
 * @property {string[]} needs steps whose output this one uses
 * @property {(reportDir: string) => Record<string, string>} [env] extra environment
 * @property {(reportDir: string) => Promise<Counts>} [report] reads test counts after the step ran
 */

/**
 * @typedef {object} Outcome
 * @property {string} name
 * @property {boolean} ok
 * @property {number} seconds
 * @property {Counts | undefined} counts undefined for steps that run no tests
 * @property {string} note
 */

/**
 * Test counts from a vitest JSON report.
 * @param {string} file
 * @returns {Promise<Counts>}
 */
async function vitestCounts(file) {
	/** @type {{ numPassedTests: number, numFailedTests: number, numPendingTests: number, numTodoTests: number }} */
	const report = JSON.parse(await readFile(file, 'utf8'));
	return {
		passed: report.numPassedTests,
		failed: report.numFailedTests,
		skipped: report.numPendingTests + report.numTodoTests
	};
}

/**
 * Test counts from a Playwright JSON report.
 * @param {string} file
 * @returns {Promise<Counts>}
 */
async function playwrightCounts(file) {
	/** @type {{ stats: { expected: number, unexpected: number, flaky: number, skipped: number } }} */
	const report = JSON.parse(await readFile(file, 'utf8'));
	const { expected, unexpected, flaky, skipped } = report.stats;
	return { passed: expected + flaky, failed: unexpected, skipped };
}

/**
 * A vitest project run that writes its JSON report into the report folder.
 * @param {string} project
 * @returns {Step}
 */
function vitestStep(project) {
	const json = `${project}.json`;
	return {
		name: project,
		command: 'vitest',
		args: (dir) => [
			'run',
			'--project',
			project,
			'--reporter=default',
			'--reporter=json',
			`--outputFile.json=${join(dir, json)}`
		],
		needs: project === 'browser' ? ['examples'] : [],
		report: (dir) => vitestCounts(join(dir, json))
	};
}

/** @type {Step[]} */
const STEPS = [
	{ name: 'examples', command: 'npm', args: () => ['run', 'examples'], needs: [] },
	{ name: 'check', command: 'npm', args: () => ['run', 'check'], needs: [] },
	{ name: 'lint', command: 'npm', args: () => ['run', 'lint'], needs: [] },
	vitestStep('unit'),
	vitestStep('browser'),
	{ name: 'build', command: 'vite', args: () => ['build'], needs: ['examples'] },
	{
		name: 'e2e',
		command: 'playwright',
		args: () => ['test', '--reporter=list,json'],
		needs: ['examples', 'build'],
		env: (dir) => ({ PLAYWRIGHT_JSON_OUTPUT_NAME: join(dir, 'e2e.json') }),
		report: (dir) => playwrightCounts(join(dir, 'e2e.json'))
	},
	{
		// `npm run dev` as the README starts it, on a fresh dependency cache, with the app run in Chromium.
		name: 'dev',
		command: 'playwright',
		args: () => ['test', '--config', 'playwright.dev.config.ts', '--reporter=list,json'],
		needs: [],
		env: (dir) => ({ PLAYWRIGHT_JSON_OUTPUT_NAME: join(dir, 'dev.json') }),
		report: (dir) => playwrightCounts(join(dir, 'dev.json'))
	}
];

/**
 * Runs a command with inherited stdio and resolves with its exit code (127 when it cannot start).
 * @param {string} command
 * @param {string[]} args
 * @param {Record<string, string>} env
 * @returns {Promise<number>}
 */
function run(command, args, env) {
	const local = join(ROOT, 'node_modules', '.bin', command);
	const program = existsSync(local) ? local : command;
	return new Promise((resolveRun) => {
		const child = spawn(program, args, {
			cwd: ROOT,
			stdio: ['ignore', 'inherit', 'inherit'],
			env: { ...process.env, ...env }
		});
		child.on('error', (error) => {
			console.error(`Could not start ${command}: ${error.message}. Run \`npm ci\` first.`);
			resolveRun(127);
		});
		child.on('close', (code, signal) => resolveRun(code ?? (signal ? 128 : 1)));
	});
}

/**
 * Runs one step and works out what it counts for.
 * @param {Step} step
 * @param {string} reportDir
 * @param {Set<string>} failedSteps
 * @returns {Promise<Outcome>}
 */
async function runStep(step, reportDir, failedSteps) {
	const brokenInputs = step.needs.filter((name) => failedSteps.has(name));
	const args = step.args(reportDir);
	console.log(
		`\n━━━ ${step.name}: ${step.command} ${args.join(' ')}${brokenInputs.length ? ` (after failed ${brokenInputs.join(', ')})` : ''}`
	);
	const started = performance.now();
	const code = await run(step.command, args, step.env?.(reportDir) ?? {});
	const seconds = (performance.now() - started) / 1000;
	const notes = brokenInputs.length ? [`after failed ${brokenInputs.join(', ')}`] : [];

	/** @type {Counts | undefined} */
	let counts;
	if (step.report) {
		counts = await step.report(reportDir).catch(() => undefined);
		if (!counts) {
			notes.push('no report');
			counts = { passed: 0, failed: 1, skipped: 0 };
		} else if (code !== 0 && counts.failed === 0) {
			notes.push(`exit ${code} without a failing test`);
			counts = { ...counts, failed: 1 };
		}
	} else if (code !== 0) {
		notes.push(`exit ${code}`);
	}
	const ok = code === 0 && (!counts || counts.failed === 0);
	return { name: step.name, ok, seconds, counts, note: notes.join('; ') };
}

/**
 * Prints one row per step.
 * @param {Outcome[]} outcomes
 */
function printTable(outcomes) {
	const rows = [
		['step', 'result', 'passed', 'failed', 'skipped', 'time', 'note'],
		...outcomes.map((o) => [
			o.name,
			o.ok ? 'ok' : 'FAILED',
			o.counts ? String(o.counts.passed) : '-',
			o.counts ? String(o.counts.failed) : o.ok ? '-' : '1',
			o.counts ? String(o.counts.skipped) : '-',
			`${o.seconds.toFixed(1)}s`,
			o.note
		])
	];
	const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
	console.log('\n━━━ summary');
	for (const row of rows) {
		console.log(
			row
				.map((cell, column) => cell.padEnd(widths[column]))
				.join('  ')
				.trimEnd()
		);
	}
}

const { values } = parseArgs({ options: { only: { type: 'string' } } });
const wanted = values.only
	?.split(',')
	.map((name) => name.trim())
	.filter(Boolean);
const unknown = wanted?.filter((name) => !STEPS.some((step) => step.name === name)) ?? [];
if (unknown.length) {
	console.error(
		`Unknown step ${unknown.join(', ')}. Steps: ${STEPS.map((step) => step.name).join(', ')}.`
	);
	process.exit(2);
}
const steps = wanted ? STEPS.filter((step) => wanted.includes(step.name)) : STEPS;

const reportDir = await mkdtemp(join(tmpdir(), 'playground-test-'));
/** @type {Outcome[]} */
const outcomes = [];
const failedSteps = new Set();
try {
	for (const step of steps) {
		const outcome = await runStep(step, reportDir, failedSteps);
		if (!outcome.ok) failedSteps.add(step.name);
		outcomes.push(outcome);
	}
} finally {
	await rm(reportDir, { recursive: true, force: true });
}

const total = { passed: 0, failed: 0, skipped: 0 };
for (const outcome of outcomes) {
	if (outcome.counts) {
		total.passed += outcome.counts.passed;
		total.failed += outcome.counts.failed;
		total.skipped += outcome.counts.skipped;
	} else if (!outcome.ok) {
		total.failed += 1;
	}
}
printTable(outcomes);
const testsRequired = steps.some((step) => step.report);
const testsRan = total.passed + total.failed > 0;
if (testsRequired && !testsRan) console.log('No tests ran: that counts as a failure.');
process.exitCode = total.failed === 0 && (testsRan || !testsRequired) ? 0 : 1;
console.log(
	`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`
);
