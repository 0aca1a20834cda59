// A timeout past what a browser timer can wait (2^31 ms and up fires at once) used to time out every call.
import { expect, test } from './fixtures';

test('a timeout of 2^31 ms is refused with its range, and calls keep running', async ({ page }) => {
	await page.goto('./');
	await expect(page.locator('body[data-ready="true"]')).toBeAttached();
	await page.getByRole('combobox', { name: 'Example' }).selectOption({ label: 'Greet' });
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
	const settings = page.getByRole('region', { name: 'Host settings' });
	await settings.locator('summary').click();
	const timeout = settings.getByRole('spinbutton', { name: 'Timeout (ms)' });
	const output = page.getByRole('region', { name: 'Output' });

	await timeout.fill(String(2 ** 31));
	await settings.getByRole('button', { name: 'Apply settings' }).click();
	await expect(settings.getByRole('alert')).toContainText(
		'The timeout must be a whole number of milliseconds from 1 to 2073600000 ms (24 days).'
	);
	await page.getByRole('textbox', { name: 'Input' }).fill('refused');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(output).toContainText('Hello, refused!');

	// The longest timeout there is still lets a call run to its end.
	await timeout.fill('2073600000');
	await settings.getByRole('button', { name: 'Apply settings' }).click();
	await expect(settings.getByRole('alert')).toHaveCount(0);
	await expect(settings).not.toContainText('Not applied yet');
	await page.getByRole('textbox', { name: 'Input' }).fill('longest');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(output).toContainText('Hello, longest!');
	await expect(page.getByText('The call timed out')).toHaveCount(0);
});
