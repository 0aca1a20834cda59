/** The accessibility check every e2e spec shares. */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** Scans the page and fails on serious or critical violations, listing them readably. */
export async function expectNoSeriousViolations(page: Page, view: string) {
	const results = await new AxeBuilder({ page }).analyze();
	const serious = results.violations.filter(
		(v) => v.impact === 'serious' || v.impact === 'critical'
	);
	const report = serious.map(
		(v) =>
			`${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`
	);
	expect(report, `${view}: accessibility violations`).toEqual([]);
}
