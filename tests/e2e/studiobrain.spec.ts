// StudioBrain in the Hook ABI panel: list the plugin's routes, pick one, send it, and read the
// HttpResponse with its byte-number body as text; a wrong plugin's routes are refused.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { pickExample } from './app';

async function openApp(page: Page) {
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

const section = (page: Page) =>
	page
		.getByRole('region', { name: 'Hook ABI' })
		.getByRole('region', { name: 'StudioBrain plugin' });

test('list routes, pick /hello, send it: the response body reads the greeting setting', async ({
	page
}) => {
	await openApp(page);
	await pickExample(page, 'StudioBrain: hello');
	await expect(page.getByRole('combobox', { name: 'Hook ABI' })).toHaveValue('studiobrain');
	const sb = section(page);
	await sb.getByRole('textbox', { name: 'Settings' }).fill('{"greeting": "Ahoy"}');
	await sb.getByRole('button', { name: 'List routes' }).click();
	const route = sb.getByRole('combobox', { name: 'Route' });
	await expect(route.getByRole('option')).toHaveText([
		'GET /hello — A greeting from the greeting setting',
		'GET /stats — How many entities the project has',
		'GET /status — Whether the plugin is up'
	]);
	await route.selectOption({ label: 'GET /hello — A greeting from the greeting setting' });
	await sb.getByRole('button', { name: 'Send request' }).click();
	const response = sb.getByRole('region', { name: 'HTTP response' });
	await expect(response).toContainText('HTTP 200');
	await expect(response).toContainText('content-type: application/json');
	await expect(response.getByText('{"message": "Ahoy, world"}')).toBeVisible();

	// /stats asks the host through host_call:query_entities; the table answers total 42.
	await route.selectOption({ label: 'GET /stats — How many entities the project has' });
	await sb.getByRole('button', { name: 'Send request' }).click();
	await expect(response.getByText('{"entities": 42}')).toBeVisible();
	await expect(
		page.getByRole('region', { name: 'Trace' }).getByText('host_call:query_entities').first()
	).toBeVisible();
});

test('a plugin whose list_routes answers an object gets StudioBrain’s refusal', async ({
	page
}) => {
	await openApp(page);
	await pickExample(page, 'StudioBrain: bad routes');
	const sb = section(page);
	await sb.getByRole('button', { name: 'List routes' }).click();
	await expect(sb.getByRole('alert')).toContainText(
		'list_routes must return a list of {method, path, description}, not an object'
	);
	await expect(sb.getByRole('combobox', { name: 'Route' })).toHaveCount(0);
});
