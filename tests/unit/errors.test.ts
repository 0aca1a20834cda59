import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { classifyCallError } from '../../src/lib/host/classify';
import { endSentence, fail } from '../../src/lib/errors';
import { shareFail } from '../../src/lib/share/errors';
import { Storage } from '../../src/state/storage';

describe('endSentence', () => {
	it('drops a full stop that follows the end of a quoted sentence', () => {
		expect(endSentence('Could not save: The database connection is closing..')).toBe(
			'Could not save: The database connection is closing.'
		);
		expect(endSentence('It failed: stop!.')).toBe('It failed: stop!');
		expect(endSentence('It failed: why?.')).toBe('It failed: why?');
		expect(endSentence('It failed: it went on….')).toBe('It failed: it went on…');
	});

	it('keeps single full stops, ellipses and text that ends otherwise', () => {
		for (const text of ['Done.', 'Wait...', 'Wait....', 'No stop', 'a.b', '', '.']) {
			expect(endSentence(text)).toBe(text);
		}
	});

	it('never leaves a message ending in exactly two full stops', () => {
		fc.assert(
			fc.property(fc.string(), (reason) => {
				const { message, hint } = fail('storage', `Could not save: ${reason}.`, `${reason}.`).error;
				for (const text of [message, hint]) expect(/(^|[^.])\.\.$/.test(text)).toBe(false);
			})
		);
	});
});

describe('messages that quote another message', () => {
	it('the storage alert quotes a browser message without doubling its full stop', async () => {
		// An IndexedDB whose connection is closing, as while the page unloads: every transaction throws.
		const closing = new DOMException(
			"Failed to execute 'transaction' on 'IDBDatabase': The database connection is closing.",
			'InvalidStateError'
		);
		const database = {
			transaction: () => {
				throw closing;
			}
		};
		vi.stubGlobal('indexedDB', {
			open: () => {
				const request: Record<string, unknown> = { result: database };
				queueMicrotask(() => (request.onsuccess as () => void)());
				return request;
			}
		});
		try {
			const saved = await new Storage('errors-test').workspaceSet('k', 1);
			expect(saved.ok).toBe(false);
			if (saved.ok) return;
			expect(saved.error.message).toBe(`Could not save the workspace: ${closing.message}`);
		} finally {
			vi.unstubAllGlobals();
		}
	});

	it('a trap message that ends with a full stop is quoted once', () => {
		const error = classifyCallError(
			{ name: 'RuntimeError', message: 'unreachable executed.' },
			{ exportName: 'run', hostFailure: null, memoryPages: 1, maxPages: 4096 }
		);
		expect(error.message).toBe('Export "run" trapped: unreachable executed.');
	});

	it('share errors are tidied the same way', () => {
		const { error } = shareFail(
			'corrupted',
			'The link could not be read: bad input..',
			'Copy it again..'
		);
		expect(error.message).toBe('The link could not be read: bad input.');
		expect(error.hint).toBe('Copy it again.');
	});
});
