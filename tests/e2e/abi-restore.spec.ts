// The Hook ABI panel belongs to its plugin: the ABI picked, the hook and the arguments typed come back
// after a reload (they are autosaved with the workspace) and go when the plugin is closed. Bifrost's Hook
// picker groups its hooks by revision.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { pickExample } from './app';

async function openApp(page: Page) {
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

const panel = (page: Page) => page.getByRole('region', { name: 'Hook ABI' });

const ARGS = `{
  "message": {"channel": "telegram", "content": "Where is my parcel?"},
  "session_id": "telegram:7",
  "state": {"locale": "pt-PT"}
}`;

test('the ABI panel comes back after a reload with the same hook and arguments', async ({
	page
}) => {
	await openApp(page);
	await pickExample(page, 'Bub: echo model');
	await page.getByRole('combobox', { name: 'Hook ABI' }).selectOption({ label: 'bub.extism.v1' });
	const abi = panel(page);
	const hook = abi.getByRole('combobox', { name: 'Hook' });
	await expect(hook).toHaveValue('run_model');
	await hook.selectOption('build_prompt');
	const args = abi.getByRole('textbox', { name: 'Hook arguments' });
	await args.fill(ARGS);
	await expect(abi.getByRole('textbox', { name: 'Envelope' })).toHaveValue(
		/"hook": "build_prompt", "args": \{"message": \{"channel": "telegram"/
	);
	// Autosave settles half a second after the last change.
	await page.waitForTimeout(800);

	await page.reload();
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	await expect(
		page
			.getByRole('navigation', { name: 'Loaded plugins' })
			.getByRole('button', { name: 'Bub: echo model', exact: true })
	).toHaveAttribute('aria-current', 'page');
	await expect(page.getByRole('combobox', { name: 'Hook ABI' })).toHaveValue('bub');
	await expect(panel(page).getByRole('combobox', { name: 'Hook' })).toHaveValue('build_prompt');
	await expect(panel(page).getByRole('textbox', { name: 'Hook arguments' })).toHaveValue(ARGS);
	await expect(
		panel(page)
			.getByRole('group', { name: 'Hook argument fields' })
			.getByRole('textbox', { name: 'session_id', exact: true })
	).toHaveValue('telegram:7');

	// Closing the plugin drops its ABI state: opened again, it starts from the hook's sample.
	await page
		.getByRole('navigation', { name: 'Loaded plugins' })
		.getByRole('button', { name: 'Close Bub: echo model', exact: true })
		.click();
	await pickExample(page, 'Bub: echo model');
	await expect(panel(page).getByRole('combobox', { name: 'Hook' })).toHaveValue('run_model');
	await panel(page).getByRole('combobox', { name: 'Hook' }).selectOption('build_prompt');
	await expect(panel(page).getByRole('textbox', { name: 'Hook arguments' })).not.toHaveValue(ARGS);
});

test('the Bifrost Hook picker groups hooks by revision', async ({ page }) => {
	await openApp(page);
	await pickExample(page, 'Bifrost hello (revision 1)');
	const hook = panel(page).getByRole('combobox', { name: 'Hook' });
	const groups = hook.locator('optgroup');
	await expect(groups).toHaveCount(5);
	expect(await groups.evaluateAll((els) => els.map((el) => el.getAttribute('label')))).toEqual([
		'Revisions 1, 2 and 3',
		'Revision 1',
		'Revisions 2 and 3',
		'Revision 2',
		'Revision 3'
	]);
	const revision1 = hook.locator('optgroup[label="Revision 1"] option');
	await expect(revision1).toHaveText([
		'r1.http_transport_intercept',
		'r1.pre_hook',
		'r1.post_hook'
	]);
	// bifrost-hello implements revision 1: the revision 3 hooks are listed, without an export.
	await expect(hook.locator('optgroup[label="Revision 3"] option').first()).toHaveText(
		'http_pre_hook (no export)'
	);
});
