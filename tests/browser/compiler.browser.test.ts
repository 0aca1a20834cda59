// The compiler worker through SourceState, with real wabt and asc: a WAT and an AssemblyScript example
// rebuilt from their shipped sources give the bytes `npm run examples` built, an edit changes what the
// plugin returns, and a broken source fails at its line and column while the last good module stays.
import * as Comlink from 'comlink';
import { describe, expect, it } from 'vitest';
import type { CompilerApi } from '../../workers/compiler-protocol';
import { detectProfile } from '../../src/lib/abi/registry';
import { TEMPLATES, templateProject, type PluginTemplate } from '../../src/lib/source/templates';
import type { PluginSession } from '../../src/state/plugin-session.svelte';
import { EMPTY_MODULE, SourceState } from '../../src/state/source.svelte';
import { disposedAfterEach, examples, openBytes, openExample } from './helpers';

const keep = disposedAfterEach();

async function openWithSource(name: string) {
	const { session, loaded } = await openExample(name);
	expect(loaded.ok).toBe(true);
	keep(session);
	const meta = (await examples()).find((e) => e.name === name)!;
	const source = new SourceState(session);
	await source.openExample(meta);
	expect(source.status).toBe('ready');
	return { session, source, meta };
}

/** Builds and fails the test with the build's own error when it does not build. */
async function buildOk(source: SourceState) {
	const ok = await source.build();
	expect(ok, JSON.stringify({ error: source.error, diagnostics: source.diagnostics })).toBe(true);
}

const run = async (session: Awaited<ReturnType<typeof openExample>>['session'], input: string) => {
	const outcome = await session.run(new TextEncoder().encode(input));
	return new TextDecoder().decode(outcome?.output);
};

describe('compiler worker', () => {
	it('rebuilds a WAT example to the bytes npm run examples built', async () => {
		const { source, meta } = await openWithSource('wasi-upper');
		expect(source.project?.language).toBe('wat');
		await buildOk(source);
		expect(source.built?.sha256).toBe(meta.sha256);
		expect(source.built?.compiler.name).toBe('wabt');
	});

	it('rebuilds count-vowels to the same bytes, and an edit changes its output', async () => {
		const { session, source, meta } = await openWithSource('count-vowels');
		expect(source.project?.language).toBe('assemblyscript');
		await buildOk(source);
		expect(source.built?.sha256).toBe(meta.sha256);
		expect(source.built?.compiler).toEqual({ name: 'assemblyscript', version: '0.28.20' });
		source.setText(source.entry!.text.replace('\'{"count":\'', '\'{"edited":true,"count":\''));
		expect(source.changed).toBe(true);
		// Run builds first because the source changed.
		session.beforeRun = () => source.buildIfChanged();
		const output = await run(session, 'banana');
		expect(JSON.parse(output)).toMatchObject({ edited: true, count: 3 });
		expect(source.changed).toBe(false);
		expect(session.sha256).toBe(source.built?.sha256);
		expect(session.sha256).not.toBe(meta.sha256);
	}, 180_000);

	it('prepare loads and warms the compiler: the first build after it loads nothing', async () => {
		const { source } = await openWithSource('count-vowels');
		const project = source.project!;
		const fresh = () => {
			const worker = new Worker(new URL('../../workers/compiler.ts', import.meta.url), {
				type: 'module'
			});
			return { worker, api: Comlink.wrap<CompilerApi>(worker) };
		};
		const cold = fresh();
		const prepared = fresh();
		try {
			await prepared.api.prepare('assemblyscript');
			const [first, afterPrepare] = await Promise.all([
				cold.api.build(project),
				prepared.api.build(project)
			]);
			expect(first.ok && afterPrepare.ok).toBe(true);
			// A fresh worker loads asc on its first build; a prepared one had it loaded already.
			expect(first.loadMs).toBeGreaterThan(0);
			expect(afterPrepare.loadMs).toBe(0);
			expect(afterPrepare.ok && first.ok && afterPrepare.sha256).toBe(first.ok && first.sha256);
		} finally {
			cold.worker.terminate();
			prepared.worker.terminate();
		}
	}, 180_000);

	it('reports an AssemblyScript error at its line and column and keeps the last good module', async () => {
		const { session, source, meta } = await openWithSource('greet');
		const text = source.entry!.text;
		const lines = text.split('\n');
		const at = lines.findIndex((l) => l.includes("outputText('Hello, '"));
		lines[at] = "\toutputText('Hello, ' + nosuchname + '!');";
		source.setText(lines.join('\n'));
		expect(await source.build()).toBe(false);
		const error = source.diagnostics.find((d) => d.severity === 'error');
		expect(error).toMatchObject({ file: 'index.ts', line: at + 1, column: 25 });
		expect(error?.message).toMatch(/nosuchname/);
		expect(source.error?.message).toMatch(/last good module is still loaded/);
		expect(session.sha256).toBe(meta.sha256);
		expect(await run(session, 'you')).toBe('Hello, you!');
	}, 180_000);

	it('reports a WAT syntax error at its line and column', async () => {
		const { source } = await openWithSource('wasi-upper');
		const lines = source.entry!.text.split('\n');
		lines.splice(3, 0, '  (bogus)');
		source.setText(lines.join('\n'));
		expect(await source.build()).toBe(false);
		expect(source.diagnostics[0]).toMatchObject({ line: 4, column: 4, severity: 'error' });
	});

	// What each template answers to its own input, as it is.
	const ANSWERS: Record<string, RegExp> = {
		plain: /^5$/,
		'kv-counter': /^\{"visits":1\}$/,
		logger: /^logged 4 lines$/,
		'bub-prompt': /^\{"value": "Please answer briefly: Summarise my unread email"\}$/,
		'bub-stream': /"kind": "final", "data": \{"text": "You said: Summarise my unread email"\}/,
		'bifrost-hook':
			/^\{"context": \{"template": "seen", "request_id": "abc-123"\}, "request": \{"provider": "openai", .*\}, "short_circuit": null, "has_short_circuit": false, "error": ""\}$/,
		harmont: /^\{"exit_code": 0, "message": "Hello from my Harmont plugin!"\}$/,
		// The body is {"message": "Hello, world"} as byte numbers: 123 is "{".
		studiobrain: /^\{"status": 200, "headers": \[.*\], "body": \[123,34,109,/
	};

	/** Calls a template's export as its ABI's host would: a raw-ABI one through its own allocator. */
	async function callTemplate(session: PluginSession, template: PluginTemplate) {
		if (template.abi !== 'bifrost') return run(session, template.input);
		const outcome = await session.runRaw({
			export: template.export,
			inputs: [new TextEncoder().encode(template.input)]
		});
		return new TextDecoder().decode(outcome?.result?.bytes ?? undefined);
	}

	it.each(TEMPLATES.map((t) => [t.id, t] as const))(
		'builds the %s template and runs it as it is',
		async (_id, template) => {
			const { session } = await openBytes(EMPTY_MODULE);
			keep(session);
			const source = new SourceState(session);
			source.adopt(await templateProject(template), false, null, template.export);
			await buildOk(source);
			expect(session.exportName).toBe(template.export);
			expect(detectProfile(session.info)?.id ?? null).toBe(template.abi ?? null);
			expect(await callTemplate(session, template)).toMatch(ANSWERS[template.id]!);
		},
		120_000
	);
});
