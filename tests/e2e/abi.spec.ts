// The Hook ABI panel: bub hook calls decoded with Bub's rules, a whole turn over two bub plugins, Bub's
// validation of a deliberately wrong plugin, a Bifrost pipeline that short-circuits, and a bad pointer.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { pickExample } from './app';
import { expectNoSeriousViolations } from './axe';

async function openApp(page: Page) {
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

const panel = (page: Page) => page.getByRole('region', { name: 'Hook ABI' });

test('a bub turn over two plugins, then one hook call decoded with Bub’s rules', async ({
	page
}) => {
	await openApp(page);
	await pickExample(page, 'Bub: prompt builder');
	await pickExample(page, 'Bub: echo model');
	const abi = panel(page);
	await page.getByRole('combobox', { name: 'Hook ABI' }).selectOption({ label: 'bub.extism.v1' });
	await expect(abi.getByRole('checkbox', { name: 'Fresh instance per call' })).toBeChecked();
	await abi.getByRole('button', { name: 'Run turn' }).click();

	const turn = abi.getByRole('region', { name: 'Turn' });
	await expect(turn).toContainText('The turn completed.');
	const buildPrompt = turn.getByRole('listitem').filter({ hasText: /^build_prompt/ });
	await expect(buildPrompt).toContainText('first result: Bub: prompt builder answered');
	await expect(buildPrompt).toContainText(/Bub: echo model\s*skipped/);
	const runModel = turn
		.getByRole('listitem')
		.filter({ hasText: /^run_model/ })
		.first();
	await expect(runModel).toContainText('first result: Bub: echo model answered');
	await expect(runModel).toContainText(/Bub: prompt builder\s*skipped/);
	// The checkbox did its job: each bub plugin now runs on a fresh instance per call.
	await expect(abi).toContainText('Every Bub plugin gets a fresh instance per call');

	await expect(abi.getByRole('combobox', { name: 'Hook' })).toHaveValue('run_model');
	await expect(abi.getByRole('textbox', { name: 'Envelope' })).toHaveValue(
		/^\{"abi_version": "bub.extism.v1", "hook": "run_model"/
	);
	await expect(abi.getByRole('group', { name: 'State sanitising' })).toContainText(
		'_runtime_workspace removed'
	);
	await abi.getByRole('button', { name: 'Call hook' }).click();
	const decoded = abi.getByRole('region', { name: 'Decoded result' });
	await expect(decoded).toContainText('"value" → its value');
	await expect(decoded).toContainText('[bub-model:cli:local] Summarise my unread email');
	await expectNoSeriousViolations(page, 'ABI panel after a turn and a call');
});

test('a deliberately wrong bub plugin gets Bub’s validation message', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'Bub: bad channels');
	const abi = panel(page);
	await expect(page.getByRole('combobox', { name: 'Hook ABI' })).toHaveValue('bub');
	await expect(abi.getByRole('combobox', { name: 'Hook' })).toHaveValue('provide_channels');
	await abi.getByRole('button', { name: 'Call hook' }).click();
	await expect(
		abi.getByRole('region', { name: 'Decoded result' }).getByRole('alert')
	).toContainText('Extism provide_channels must return a list of channel descriptors');
});

test('a bub channel descriptor offers its follow-up calls', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'Bub: channel');
	const abi = panel(page);
	await abi.getByRole('button', { name: 'Call hook' }).click();
	await abi.getByRole('button', { name: /^channel\.poll \(wasm\)/ }).click();
	await expect(abi.getByRole('combobox', { name: 'Hook' })).toHaveValue('channel.poll');
	await expect(abi.getByRole('textbox', { name: 'Hook arguments' })).toHaveValue(
		/"channel": "wasm"/
	);
	await abi.getByRole('button', { name: 'Call hook' }).click();
	await expect(abi.getByRole('region', { name: 'Decoded result' })).toContainText('channel.poll');
});

test('Bifrost hello without an API key: the pipeline short-circuits with 401', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'Bifrost hello (revision 1)');
	const abi = panel(page);
	await expect(page.getByRole('combobox', { name: 'Hook ABI' })).toHaveValue('bifrost');
	const input = abi.getByRole('textbox', { name: 'Pipeline input' });
	const sample = JSON.parse(await input.inputValue()) as {
		httpRequest: { headers: Record<string, string> };
	};
	delete sample.httpRequest.headers.authorization;
	await input.fill(JSON.stringify(sample, null, 2));
	await abi.getByRole('button', { name: 'Run pipeline' }).click();
	const pipeline = abi.getByRole('region', { name: 'Pipeline' });
	await expect(pipeline).toContainText(
		'Stopped at r1.http_transport_intercept: It answered with a response of its own.'
	);
	await expect(pipeline.getByRole('listitem').filter({ hasText: /^provider/ })).toHaveCount(0);
	await pipeline.getByText('What the client gets').click();
	await expect(pipeline).toContainText('"status_code": 401');
	await expect(pipeline).toContainText('missing API key');
	await expectNoSeriousViolations(page, 'ABI panel after a pipeline');
});

test('a Bifrost hook that packs a bad pointer: the error names the export and the value', async ({
	page
}) => {
	await openApp(page);
	await pickExample(page, 'Bifrost: bad pointer');
	const abi = panel(page);
	await abi.getByRole('button', { name: 'Call hook' }).click();
	const decoded = abi.getByRole('region', { name: 'Decoded result' });
	await expect(decoded.getByRole('alert').first()).toContainText(
		/Export "pre_hook" returned pointer 0x/
	);
	await expect(decoded.getByRole('definition').first()).toContainText('→ ptr 0x');
});

test('a Bub config imports, loads its plugins by URL, and runs a turn over them', async ({
	page,
	baseURL
}) => {
	await openApp(page);
	await pickExample(page, 'Bub: prompt builder');
	const abi = panel(page);
	await page.getByRole('combobox', { name: 'Hook ABI' }).selectOption({ label: 'bub.extism.v1' });
	const config = {
		plugins: {
			prompts: {
				manifest: { wasm: [{ url: `${baseURL}examples/bub-prompt.wasm` }] },
				wasi: false,
				hooks: { build_prompt: 'build_prompt', system_prompt: 'system_prompt' }
			},
			model: {
				manifest: { wasm: [{ url: `${baseURL}examples/bub-model.wasm` }] },
				wasi: false,
				hooks: { run_model: 'run_model' }
			}
		}
	};
	const chooser = page.waitForEvent('filechooser');
	await abi.getByRole('button', { name: 'Import bub config' }).click();
	await (
		await chooser
	).setFiles({
		name: 'extism.json',
		mimeType: 'application/json',
		buffer: Buffer.from(JSON.stringify(config))
	});
	await abi.getByRole('button', { name: 'Load prompts' }).click();
	await expect(page.getByRole('navigation', { name: 'Loaded plugins' })).toContainText('prompts');
	await panel(page).getByRole('button', { name: 'Load model' }).click();
	await expect(page.getByRole('navigation', { name: 'Loaded plugins' })).toContainText('model');
	await page.getByRole('combobox', { name: 'Hook ABI' }).selectOption({ label: 'bub.extism.v1' });
	await panel(page).getByRole('button', { name: 'Run turn' }).click();
	const turn = panel(page).getByRole('region', { name: 'Turn' });
	await expect(turn).toContainText('The turn completed.');
	await expect(
		turn
			.getByRole('listitem')
			.filter({ hasText: /^run_model/ })
			.first()
	).toContainText('model answered');
});

test('the hook argument form and the raw JSON edit the same arguments', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'Bub: echo model');
	const abi = panel(page);
	await expect(abi.getByRole('combobox', { name: 'Hook' })).toHaveValue('run_model');
	const fields = abi.getByRole('group', { name: 'Hook argument fields' });
	const prompt = fields.getByRole('textbox', { name: 'prompt', exact: true });
	await expect(prompt).toHaveValue('Summarise my unread email');
	await expect(fields.getByRole('textbox', { name: 'state', exact: true })).toHaveValue(
		/"model": "openrouter:qwen\/qwen3-coder-plus"/
	);

	await prompt.fill('Draft a reply to Lisbon Print');
	await expect(abi.getByRole('textbox', { name: 'Envelope' })).toHaveValue(
		/"args": \{"prompt": "Draft a reply to Lisbon Print"/
	);
	const raw = abi.getByRole('textbox', { name: 'Hook arguments' });
	await expect(raw).toHaveValue(/"prompt": "Draft a reply to Lisbon Print"/);

	const args = JSON.parse(await raw.inputValue()) as Record<string, unknown>;
	await raw.fill(JSON.stringify({ ...args, session_id: 'telegram:42', retries: 3, dry: true }));
	await expect(fields.getByRole('textbox', { name: 'session_id', exact: true })).toHaveValue(
		'telegram:42'
	);
	await expect(fields.getByRole('spinbutton', { name: 'retries' })).toHaveValue('3');
	await expect(fields.getByRole('checkbox', { name: 'dry' })).toBeChecked();
	await fields.getByRole('checkbox', { name: 'dry' }).uncheck();
	await expect(raw).toHaveValue(/"dry": false/);

	await raw.fill('["not", "an", "object"]');
	await expect(fields).toContainText('The raw JSON is not an object');
});

test('channel.poll repeats at the descriptor’s interval while checked', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'Bub: channel');
	const abi = panel(page);
	await expect(abi.getByRole('combobox', { name: 'Hook' })).toHaveValue('provide_channels');
	await abi.getByRole('button', { name: 'Call hook' }).click();
	await abi.getByRole('button', { name: /^channel\.poll \(wasm\)/ }).click();
	await expect(abi.getByRole('combobox', { name: 'Hook' })).toHaveValue('channel.poll');

	const poll = abi.getByRole('checkbox', { name: 'Poll every 1 s' });
	await poll.check();
	const count = abi.getByRole('status').filter({ hasText: /^Polled/ });
	await expect(count).toHaveText(/^Polled ([2-9]|\d{2,}) times$/, { timeout: 10_000 });
	await expect(abi.getByRole('region', { name: 'Decoded result' })).toContainText('channel.poll');

	await poll.uncheck();
	const stoppedAt = await count.textContent();
	await page.waitForTimeout(2_500);
	await expect(count).toHaveText(stoppedAt ?? '');
});

test('a single hook call uses the bindings of the imported bub config', async ({
	page,
	baseURL
}) => {
	await openApp(page);
	await pickExample(page, 'Bub: prompt builder');
	await page.getByRole('combobox', { name: 'Hook ABI' }).selectOption({ label: 'bub.extism.v1' });
	const config = {
		plugins: {
			model: {
				manifest: { wasm: [{ url: `${baseURL}examples/bub-model.wasm` }] },
				wasi: false,
				hooks: { run_model: 'not_exported' }
			}
		}
	};
	const chooser = page.waitForEvent('filechooser');
	await panel(page).getByRole('button', { name: 'Import bub config' }).click();
	await (
		await chooser
	).setFiles({
		name: 'extism.json',
		mimeType: 'application/json',
		buffer: Buffer.from(JSON.stringify(config))
	});
	await panel(page).getByRole('button', { name: 'Load model' }).click();
	await expect(page.getByRole('navigation', { name: 'Loaded plugins' })).toContainText('model');
	const abi = panel(page);
	await page.getByRole('combobox', { name: 'Hook ABI' }).selectOption({ label: 'bub.extism.v1' });
	await abi.getByRole('combobox', { name: 'Hook' }).selectOption('run_model');
	// The config binds run_model to an export the module lacks, so Bub (and the card) skip it.
	await expect(abi.getByRole('group', { name: 'Hook reference' })).toContainText(
		'no export: the host would skip this hook'
	);
	await expect(abi.getByRole('button', { name: 'Call hook' })).toBeDisabled();
});
