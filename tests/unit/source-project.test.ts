// The pure pieces of an in-page build: the asc arguments (the same as scripts/build-examples.mjs uses),
// wabt's messages as diagnostics, offsets as lines and columns, and the files asc can read.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import ascOptions from '../../src/lib/source/asc-options.json';
import { ASC_LIBRARY } from '../../src/lib/source/library';
import {
	ascArguments,
	formatDiagnostic,
	lineColumnAt,
	wabtDiagnostics,
	type SourceProject
} from '../../src/lib/source/project';

const project: SourceProject = {
	language: 'assemblyscript',
	folder: 'greet',
	files: [{ name: 'index.ts', text: '' }]
};

describe('ascArguments', () => {
	it('builds the entry in its folder with the abort handler and the shared flags', () => {
		expect(ascArguments(project)).toEqual([
			'examples/greet/index.ts',
			'examples/_shared/abort.ts',
			'--outFile',
			'plugin.wasm',
			'--optimizeLevel',
			'3',
			'--shrinkLevel',
			'1',
			'--runtime',
			'incremental',
			'--use',
			'abort=examples/_shared/abort/pluginAbort',
			'--noColors'
		]);
	});

	it('is the module the example build script reads, not a copy of its flags', () => {
		const script = readFileSync('scripts/build-examples.mjs', 'utf8');
		expect(script).toContain("from '../src/lib/source/asc-options.json'");
		expect(script).not.toMatch(/'--optimizeLevel'/);
		expect(ascOptions.flags).toContain('--use');
	});

	it('builds a raw-ABI plugin (one importing ../_shared/raw) with its own abort, so it imports nothing', () => {
		const raw: SourceProject = {
			...project,
			files: [{ name: 'index.ts', text: "import { packText } from '../_shared/raw';" }]
		};
		const args = ascArguments(raw);
		expect(args.slice(0, 3)).toEqual(['examples/greet/index.ts', '--outFile', 'plugin.wasm']);
		expect(args).not.toContain(ascOptions.abortEntry);
		expect(args[args.indexOf('--use') + 1]).toBe('abort=examples/_shared/raw/rawAbort');
		expect(args.filter((a) => a.startsWith('abort='))).toHaveLength(1);
		// The abort handler it names is in the files asc can read.
		expect(ASC_LIBRARY.get('examples/_shared/raw.ts')).toMatch(/function rawAbort\(/);
	});
});

describe('wabtDiagnostics', () => {
	it('reads every positioned error', () => {
		const message =
			'parseWat failed:\nx.wat:4:4: error: unexpected token "bogus", expected a module field.\n  (bogus)\n   ^^^^^\nx.wat:4:9: error: unexpected token ), expected EOF.\n';
		expect(wabtDiagnostics(message, 'x.wat')).toEqual([
			{
				file: 'x.wat',
				line: 4,
				column: 4,
				severity: 'error',
				message: 'unexpected token "bogus", expected a module field.'
			},
			{
				file: 'x.wat',
				line: 4,
				column: 9,
				severity: 'error',
				message: 'unexpected token ), expected EOF.'
			}
		]);
	});

	it('keeps a message without a position at the top of the file', () => {
		expect(wabtDiagnostics('validate failed:\nsomething odd', 'a.wat')).toEqual([
			{ file: 'a.wat', line: 1, column: 1, severity: 'error', message: 'something odd' }
		]);
	});
});

describe('lineColumnAt', () => {
	it('counts lines and columns from 1', () => {
		const text = 'ab\ncde\n\nf';
		expect(lineColumnAt(text, 0)).toEqual({ line: 1, column: 1 });
		expect(lineColumnAt(text, 4)).toEqual({ line: 2, column: 2 });
		expect(lineColumnAt(text, 8)).toEqual({ line: 4, column: 1 });
	});
});

describe('formatDiagnostic', () => {
	it('prints file, place, severity and message', () => {
		expect(
			formatDiagnostic({ file: 'index.ts', line: 3, column: 7, severity: 'error', message: 'bad' })
		).toBe('index.ts:3:7: error: bad');
	});
});

describe('ASC_LIBRARY', () => {
	it('holds the PDK sources and the shared helpers where asc looks for them', () => {
		expect([...ASC_LIBRARY.keys()].sort()).toEqual([
			'examples/_shared/abort.ts',
			'examples/_shared/bub.ts',
			'examples/_shared/harmont.ts',
			'examples/_shared/host.ts',
			'examples/_shared/raw.ts',
			'examples/_shared/studiobrain.ts',
			'examples/_shared/util.ts',
			'node_modules/@extism/as-pdk/index.ts',
			'node_modules/@extism/as-pdk/lib/env.ts',
			'node_modules/@extism/as-pdk/lib/pdk.ts'
		]);
		expect(ASC_LIBRARY.get('node_modules/@extism/as-pdk/lib/pdk.ts')).toContain(
			'export class Host'
		);
	});
});
