// Plugins that travel as their source (share format v2): what a sender writes, what a receiver opens, and
// what the reader refuses. Links without source stay v1, so builds that read only v1 still open them.
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/lib/host/settings';
import { decodeLink, encodeLink } from '../../src/lib/share/codec';
import { readShareState } from '../../src/lib/share/schema';
import {
	fromWorkspace,
	toWorkspace,
	type SharedCode,
	type ShareState
} from '../../src/lib/share/state';
import type { PluginSource, PluginState } from '../../src/lib/workspace/types';

const SHA = 'c'.repeat(64);
const WAT = '(module (func (export "answer") (result i32) i32.const 42))';
const CODE: SharedCode = {
	language: 'wat',
	folder: 'answer',
	files: [{ name: 'answer.wat', text: WAT }],
	compiler: { name: 'wabt', version: '1.0.39' }
};

function plugin(id: string, source: PluginSource): PluginState {
	return {
		id,
		name: id,
		source,
		sha256: SHA,
		settings: defaultSettings(`ns-${id}`),
		exportName: 'answer',
		input: '',
		inputMode: 'text'
	};
}

/** A v2 state of one file-only plugin with `code`, changed as the test needs. */
function v2State(change: (p: Record<string, unknown>) => void = () => {}): unknown {
	const state = {
		v: 2,
		plugins: [
			{
				name: 'answer',
				source: { kind: 'file-only', name: 'answer.wasm', sha256: SHA, size: 41 },
				exportName: 'answer',
				input: '',
				inputMode: 'text',
				settings: defaultSettings('ns'),
				code: JSON.parse(JSON.stringify(CODE)) as unknown
			}
		],
		activeIndex: 0
	};
	change(state.plugins[0] as unknown as Record<string, unknown>);
	return state;
}

const read = (value: unknown) =>
	readShareState(value, {
		unknownFields: 'reject',
		bytes: () => {
			throw new Error('no bytes here');
		}
	});

describe('fromWorkspace with source', () => {
	it('sends a plugin built here as its source and its module by hash, in format v2', async () => {
		const bytes = new Uint8Array(41);
		const { state, notes } = await fromWorkspace({
			workspace: {
				v: 1,
				plugins: [plugin('a', { kind: 'file', name: 'answer.wasm' })],
				activeId: 'a'
			},
			modules: new Map([['a', bytes]]),
			code: new Map([['a', CODE]])
		});
		expect(notes).toEqual([]);
		expect(state.v).toBe(2);
		expect(state.plugins[0]?.source).toEqual({
			kind: 'file-only',
			name: 'answer.wasm',
			sha256: SHA,
			size: 41
		});
		expect(state.plugins[0]?.code).toEqual(CODE);
	});

	it('keeps an edited example by name, with the hash of the module built from its source', async () => {
		const { state } = await fromWorkspace({
			workspace: {
				v: 1,
				plugins: [plugin('a', { kind: 'example', name: 'greet' })],
				activeId: 'a'
			},
			modules: new Map(),
			code: new Map([['a', { ...CODE, language: 'assemblyscript', folder: 'greet' }]])
		});
		expect(state.plugins[0]?.source).toEqual({ kind: 'example', name: 'greet', sha256: SHA });
		expect(state.v).toBe(2);
	});

	it('stays v1 when no plugin carries source', async () => {
		const { state } = await fromWorkspace({
			workspace: {
				v: 1,
				plugins: [plugin('a', { kind: 'example', name: 'greet' })],
				activeId: 'a'
			},
			modules: new Map()
		});
		expect(state.v).toBe(1);
		expect(await encodeLink(state)).toMatch(/^v1\./);
	});
});

describe('source links', () => {
	it('round-trip through a v2 link, and open with nothing missing', async () => {
		const state = read(v2State()) as ShareState;
		const link = await encodeLink(state);
		expect(link).toMatch(/^v2\./);
		const decoded = await decodeLink(link);
		if (!decoded.ok) throw new Error(decoded.error.message);
		expect(decoded.version).toBe(2);
		expect(decoded.state).toEqual(state);
		const opened = toWorkspace(decoded.state);
		expect(opened.plugins[0]?.missing).toBeNull();
		expect(opened.plugins[0]?.code).toEqual(CODE);
	});

	it('are far smaller than the module bytes they stand for would be inline', async () => {
		const link = await encodeLink(read(v2State()) as ShareState);
		expect(link.length).toBeLessThan(600);
	});

	it.each([
		[
			'a v1 state with code',
			(p: Record<string, unknown>, s: Record<string, unknown>) => {
				s.v = 1;
				void p;
			},
			/plugins\[0\]\.code should be absent \(format v1 has no such field\)/
		],
		[
			'a folder that climbs out of examples/',
			(p: Record<string, unknown>) => ((p.code as SharedCode).folder = '../secrets'),
			/plugins\[0\]\.code\.folder should be a lowercase kebab-case folder name/
		],
		[
			'a file name with a slash',
			(p: Record<string, unknown>) => ((p.code as SharedCode).files[0]!.name = 'a/b.wat'),
			/plugins\[0\]\.code\.files\[0\]\.name should be a file name/
		],
		[
			'two files of one name',
			(p: Record<string, unknown>) => {
				const code = p.code as SharedCode;
				code.files.push({ ...code.files[0]! });
			},
			/plugins\[0\]\.code\.files\[1\]\.name should be a file name .* no other file has/
		],
		[
			'no files',
			(p: Record<string, unknown>) => ((p.code as SharedCode).files = []),
			/plugins\[0\]\.code\.files should be a list of at least one file/
		],
		[
			'a language the page cannot build',
			(p: Record<string, unknown>) => ((p.code as { language: string }).language = 'c'),
			/plugins\[0\]\.code\.language should be one of "assemblyscript", "wat"/
		],
		[
			'an inline module (the code would have no hash to match)',
			(p: Record<string, unknown>) => (p.source = { kind: 'example', name: 'greet' }),
			/plugins\[0\]\.source should be a file-only module or an example with its sha256/
		]
	])('refuse %s', (_name, change, message) => {
		const state = v2State() as { plugins: Record<string, unknown>[] } & Record<string, unknown>;
		change(state.plugins[0]!, state);
		expect(() => read(state)).toThrow(message);
	});
});
