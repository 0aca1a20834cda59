// Harmont (Extism era) in the Hook ABI panel: a manifest rejected with its named error, and a capability
// call decoded with the hm_* host calls it made in the trace.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { pickExample } from './app';

async function openApp(page: Page) {
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

const panel = (page: Page) => page.getByRole('region', { name: 'Hook ABI' });

test('a manifest with the wrong api_version is rejected with ManifestError::ApiVersion', async ({
	page
}) => {
	await openApp(page);
	await pickExample(page, 'Harmont: bad api_version');
	await expect(page.getByRole('combobox', { name: 'Hook ABI' })).toHaveValue('harmont');
	const harmont = panel(page).getByRole('region', { name: 'Harmont plugin' });
	await harmont.getByRole('button', { name: 'Check manifest' }).click();
	await expect(harmont.getByRole('status')).toContainText('Rejected: harmont-bad-api-version');
	const errors = harmont.getByRole('list', { name: 'Manifest errors' });
	await expect(errors.getByRole('listitem')).toHaveCount(1);
	await expect(errors).toContainText('ManifestError::ApiVersion');
	await expect(errors).toContainText(
		"plugin 'harmont-bad-api-version': api_version mismatch (plugin: 2, host: 1)"
	);
	await expect(harmont.getByRole('group', { name: 'Capabilities' })).toHaveCount(0);
});

test('a subcommand capability call is decoded, with its hm_* host calls in the trace', async ({
	page
}) => {
	await openApp(page);
	await pickExample(page, 'Harmont: probe');
	const abi = panel(page);
	const harmont = abi.getByRole('region', { name: 'Harmont plugin' });
	await harmont.getByRole('button', { name: 'Check manifest' }).click();
	await expect(harmont.getByRole('status')).toContainText('Accepted: harmont-probe');
	await harmont.getByRole('button', { name: 'subcommand probe → hm_subcommand_run' }).click();
	await expect(abi.getByRole('combobox', { name: 'Hook', exact: true })).toHaveValue(
		'hm_subcommand_run'
	);
	await expect(abi.getByRole('textbox', { name: 'Hook arguments' })).toHaveValue(
		/"verb_path": \[\s*"probe"\s*\]/
	);
	await abi.getByRole('button', { name: 'Call hook' }).click();
	const decoded = abi.getByRole('region', { name: 'Decoded result' });
	await expect(decoded).toContainText('JSON → SubcommandOutput');
	await expect(decoded).toContainText('"message": "probe ran 1 time(s)"');
	await expect(decoded).toContainText('Valid: the host accepts this value.');
	const trace = page.getByRole('region', { name: 'Trace' });
	for (const name of ['hm_log', 'hm_kv_get', 'hm_kv_set', 'hm_write_stdout']) {
		await expect(trace.getByText(name, { exact: false }).first()).toBeVisible();
	}
});

test('two plugins claiming one verb conflict, as in hm', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'Harmont: probe');
	const harmont = panel(page).getByRole('region', { name: 'Harmont plugin' });
	await harmont.getByRole('button', { name: 'Check manifest' }).click();
	await expect(harmont.getByRole('status')).toContainText('Accepted: harmont-probe');
	await expect(harmont.getByRole('list', { name: 'Conflicts' })).toHaveCount(0);
	await pickExample(page, 'Harmont: probe');
	const second = panel(page).getByRole('region', { name: 'Harmont plugin' });
	await second.getByRole('button', { name: 'Check manifest' }).click();
	await expect(second.getByRole('list', { name: 'Conflicts' })).toContainText(
		"HmError::PluginConflict: plugin conflict: both 'harmont-probe' and 'harmont-probe' claim 'probe'"
	);
});

test('a failed capability call decodes as HmError::PluginPanic naming the plugin', async ({
	page
}) => {
	await openApp(page);
	await pickExample(page, 'Harmont: probe');
	const abi = panel(page);
	await abi.getByRole('combobox', { name: 'Hook', exact: true }).selectOption('hm_subcommand_run');
	await abi
		.getByRole('textbox', { name: 'Hook arguments' })
		.fill('{"verb_path": ["probe", "fail"], "args": {}, "env": {}}');
	await abi.getByRole('button', { name: 'Call hook' }).click();
	const decoded = abi.getByRole('region', { name: 'Decoded result' });
	// The name the playground shows for the plugin, not Harmont's `{name}` placeholder.
	await expect(decoded).toContainText(
		"plugin 'Harmont: probe' panicked during 'hm_subcommand_run': the probe was asked to fail"
	);
	await expect(decoded).not.toContainText('{name}');
});
