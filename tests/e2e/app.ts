// Steps most e2e specs share, done the way a person does them.
import type { Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { expect } from './fixtures';

/** Picks an example in the Example select and waits until its tab is the one shown and it can run. */
export async function pickExample(page: Page, title: string) {
	await page.getByRole('combobox', { name: 'Example' }).selectOption({ label: title });
	// With a plugin already open, Run is enabled before the new one is shown: wait for its tab (the
	// newest one, when the same example is open twice).
	await expect(
		page
			.getByRole('navigation', { name: 'Loaded plugins' })
			.getByRole('button', { name: title, exact: true })
			.last()
	).toHaveAttribute('aria-current', 'page');
	await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
}

/** Creates a plugin from the New plugin dialog's template whose label matches `template`. */
export async function newFromTemplate(page: Page, template: RegExp) {
	await page.getByRole('button', { name: 'New plugin' }).click();
	const dialog = page.getByRole('dialog', { name: 'New plugin from a template' });
	await dialog.getByRole('radio', { name: template }).check();
	await dialog.getByRole('button', { name: 'Create' }).click();
}

/**
 * In the open Source pane, clicks the line whose text (after its indentation) is `line`, types `after`
 * over the first `before` in it, and waits for the editor to show the changed line.
 */
export async function replaceInLine(page: Page, line: string, before: string, after: string) {
	const editor = page.getByRole('region', { name: 'Source' }).getByRole('textbox', {
		name: 'Source code'
	});
	const at = line.indexOf(before);
	expect(at, `"${before}" is in "${line}"`).toBeGreaterThanOrEqual(0);
	await editor.getByText(line).click();
	// Home goes to the end of the indentation first.
	await page.keyboard.press('Home');
	for (let i = 0; i < at; i++) await page.keyboard.press('ArrowRight');
	for (let i = 0; i < before.length; i++) await page.keyboard.press('Shift+ArrowRight');
	await page.keyboard.insertText(after);
	await expect(editor).toContainText(line.slice(0, at) + after + line.slice(at + before.length));
}

/** Exports the workspace with the Workspaces dialog; returns the downloaded file's name and text. */
export async function exportWorkspace(page: Page): Promise<{ name: string; text: string }> {
	await page.getByRole('button', { name: 'Workspaces' }).click();
	const downloading = page.waitForEvent('download');
	await page
		.getByRole('dialog', { name: 'Workspaces' })
		.getByRole('button', { name: 'Export workspace' })
		.click();
	const file = await downloading;
	return { name: file.suggestedFilename(), text: await readFile((await file.path())!, 'utf8') };
}

/** Imports a workspace file's text with the Workspaces dialog. */
export async function importWorkspace(page: Page, text: string) {
	await page.getByRole('button', { name: 'Workspaces' }).click();
	await page
		.getByRole('dialog', { name: 'Workspaces' })
		.getByLabel('Import workspace')
		.setInputFiles({ name: 'ws.json', mimeType: 'application/json', buffer: Buffer.from(text) });
}
