import { describe, expect, it } from 'vitest';
import { filterPage, formatCount, pageStatus } from '../../src/lib/list/page';

const names = Array.from({ length: 50_000 }, (_, i) => `fn${String(i).padStart(6, '0')}`);
const same = (s: string) => s;

describe('filterPage', () => {
	it('shows the first rows of an unfiltered list and counts them all', () => {
		const page = filterPage(names, '', same, 100);
		expect(page.items).toEqual(names.slice(0, 100));
		expect(page).toMatchObject({ matched: 50_000, total: 50_000 });
	});

	it('keeps list order, matches case-insensitively and counts matches past the limit', () => {
		const page = filterPage(names, ' FN04999 ', same, 3);
		expect(page.items).toEqual(['fn049990', 'fn049991', 'fn049992']);
		expect(page).toMatchObject({ matched: 10, total: 50_000 });
	});

	it('finds nothing without failing, and filters by the text it is given', () => {
		expect(filterPage(names, 'nope', same, 10)).toEqual({ items: [], matched: 0, total: 50_000 });
		const rows = [{ key: 'a' }, { key: 'b' }];
		expect(filterPage(rows, 'b', (r) => r.key, 10).items).toEqual([{ key: 'b' }]);
	});
});

describe('pageStatus', () => {
	it('says how much of a long list is shown', () => {
		expect(pageStatus(filterPage(names, '', same, 100), 'exports')).toBe(
			'Showing the first 100 of 50,000 exports.'
		);
		expect(pageStatus(filterPage(names, 'fn04', same, 100), 'exports')).toBe(
			'Showing the first 100 of 10,000 matching exports (of 50,000).'
		);
	});

	it('counts the matches when all are shown, and says nothing for a short list', () => {
		expect(pageStatus(filterPage(names, 'fn049999', same, 100), 'keys')).toBe(
			'1 of 50,000 keys match.'
		);
		expect(pageStatus(filterPage(names.slice(0, 5), '', same, 100), 'keys')).toBe('');
	});

	it('formats counts with thousands separators', () => {
		expect(formatCount(100_001)).toBe('100,001');
	});
});
