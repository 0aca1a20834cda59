import { expect, test } from './fixtures';

test('a missing import can be mocked from the page, and the mock shows in the trace', async ({
	page
}) => {
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	await page
		.getByRole('combobox', { name: 'Example' })
		.selectOption({ label: 'Needs a host function' });
	await expect(page.getByRole('alert')).toContainText('"extism:host/user" "hello_world"');
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeDisabled();

	const mocks = page.getByRole('region', { name: 'Host function mocks' });
	await mocks.getByRole('combobox', { name: 'Mock for hello_world' }).selectOption('echo');
	await mocks.getByRole('button', { name: 'Apply mocks' }).click();
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	await page.getByRole('textbox', { name: 'Input' }).fill('echo me');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Output' })).toContainText('echo me');
	const trace = page.getByRole('region', { name: 'Trace' });
	await expect(trace).toContainText('hello_world');
	await expect(trace).toContainText('echoes its input');

	await mocks.getByRole('combobox', { name: 'Mock for hello_world' }).selectOption('fail');
	await mocks
		.getByRole('textbox', { name: 'Failure message for hello_world' })
		.fill('backend down');
	await mocks.getByRole('button', { name: 'Apply mocks' }).click();
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByRole('alert')).toContainText('backend down');
});
