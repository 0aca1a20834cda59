import { describe, expect, it } from 'vitest';
import { readSavedCode, type SavedCode } from '../../src/lib/source/saved';

const SHA = 'a'.repeat(64);
const COMPILER = { name: 'assemblyscript', version: '0.28.9' };

const full: SavedCode = {
	language: 'assemblyscript',
	folder: 'greet',
	files: [{ name: 'index.ts', text: 'export function greet(): i32 { return 1; }' }],
	changed: true,
	built: { sha256: SHA, compiler: COMPILER, files: [{ name: 'index.ts', text: 'old' }] },
	expected: { sha256: 'b'.repeat(64), compiler: COMPILER }
};

describe('readSavedCode', () => {
	it('reads back what the workspace saved, through JSON', () => {
		expect(readSavedCode(JSON.parse(JSON.stringify(full)))).toEqual(full);
	});

	it('keeps the optional parts optional', () => {
		const bare = {
			language: full.language,
			folder: full.folder,
			files: full.files,
			changed: false
		};
		expect(readSavedCode(bare)).toEqual(bare);
		const build = { sha256: SHA, compiler: COMPILER };
		expect(readSavedCode({ ...bare, built: build })).toEqual({ ...bare, built: build });
	});

	it('has nothing for a workspace saved before source was kept', () => {
		expect(readSavedCode(undefined)).toBeNull();
	});

	it.each([
		['a language the page cannot build', { ...full, language: 'c' }],
		['a folder outside examples/', { ...full, folder: '../etc' }],
		['a nested folder', { ...full, folder: 'a/b' }],
		['no files', { ...full, files: [] }],
		['a file without text', { ...full, files: [{ name: 'index.ts' }] }],
		['no changed flag', { ...full, changed: 'yes' }],
		['a list instead of an object', [full]]
	])('drops %s', (_what, value) => {
		expect(readSavedCode(value)).toBeNull();
	});

	it('drops a damaged build or expectation but keeps the source', () => {
		const read = readSavedCode({
			...full,
			built: { sha256: 'not-a-hash', compiler: COMPILER },
			expected: { sha256: SHA, compiler: { name: 'asc' } }
		});
		expect(read).toEqual({
			language: full.language,
			folder: full.folder,
			files: full.files,
			changed: true
		});
	});
});
