/**
 * The dev server as the README starts it: `npm run dev` as on a fresh clone (`--force` rebuilds Vite's
 * dependency optimiser cache, whose import scan once crashed on an `import` line inside a component's
 * template string), then the page in Chromium opens an example and runs it. Any page error (the fixture)
 * or any error the server prints fails the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { expect, test } from '../e2e/fixtures';

/** Everything the server printed, split by stream. */
interface ServerOutput {
	stdout: string;
	stderr: string;
}

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
	const server = createServer();
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	const { port } = server.address() as AddressInfo;
	server.close();
	await once(server, 'close');
	return port;
}

/** Terminal colour codes, which Vite may print around the address. */
const ANSI = new RegExp(String.raw`\u001b\[[0-9;]*m`, 'g');

/** Lines a failing dependency scan, transform or optimiser run prints (Vite, Rolldown, esbuild). */
const SERVER_ERROR = /\berror\b|✘|\[ERROR\]/i;

let server: ChildProcess | undefined;
const output: ServerOutput = { stdout: '', stderr: '' };
let address = '';

test.beforeAll(async () => {
	const port = await freePort();
	// Its own process group, so the whole tree (npm, sh, vite) ends with it.
	server = spawn('npm', ['run', 'dev', '--', '--port', String(port), '--strictPort', '--force'], {
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
		// Playwright sets FORCE_COLOR for its workers; the server's output is read, not shown.
		env: { ...process.env, FORCE_COLOR: undefined }
	});
	server.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
	server.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
	const child = server;
	address = await new Promise<string>((resolve, reject) => {
		child.stdout?.on('data', () => {
			const found = /Local:\s+(\S+)/.exec(output.stdout.replace(ANSI, ''));
			if (found?.[1]) resolve(found[1]);
		});
		child.on('exit', (code) =>
			reject(new Error(`npm run dev exited (${code}):\n${output.stdout}${output.stderr}`))
		);
	});
	expect(address, 'the address the README tells people to open').toBe(`http://localhost:${port}/`);
});

test.afterAll(async () => {
	if (server?.pid !== undefined && server.exitCode === null) {
		const exited = once(server, 'exit');
		process.kill(-server.pid, 'SIGTERM');
		await exited;
	}
});

test('npm run dev serves the app: an example loads, runs and shows its output', async ({
	page
}) => {
	await page.goto(address);
	await expect(page.locator('body[data-ready="true"]')).toBeAttached({ timeout: 60_000 });
	// The optimiser may reload the page once when it finds a dependency late; start over if it does.
	await expect(async () => {
		await page.getByRole('combobox', { name: 'Example' }).selectOption({ label: 'Greet' });
		await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
		await page.getByRole('textbox', { name: 'Input' }).fill('dev server');
		await page.getByRole('button', { name: 'Run', exact: true }).click();
		await expect(page.getByRole('region', { name: 'Output' })).toContainText('Hello, dev server!');
	}).toPass({ timeout: 90_000 });

	// The examples step names plugins such as "plugin-error"; only what follows it is the server's.
	const serverLines = output.stdout.replace(ANSI, '').split('\n');
	const start = serverLines.findIndex((line) => line.startsWith('examples:'));
	expect(start, 'npm run dev builds the examples first').toBeGreaterThanOrEqual(0);
	expect(serverLines.slice(start + 1).filter((line) => SERVER_ERROR.test(line))).toEqual([]);
	expect(output.stderr).toBe('');
});
