import { describe, expect, it } from 'vitest';
import { adapt } from '../../src/lib/abi/bub/decode';
import { followUpsOf } from '../../src/lib/abi/bub/followups';

describe('followUpsOf', () => {
	it('offers each channel operation against the export the descriptor names', () => {
		const passed = adapt('provide_channels', [
			{ name: 'wasm', functions: { start: 'channel_start', poll: 'channel_poll' } }
		]);
		expect(followUpsOf('provide_channels', passed, 'bub-channel')).toEqual([
			{
				label: 'channel.start (wasm)',
				hook: 'channel.start',
				export: 'channel_start',
				args: { channel: 'wasm' }
			},
			{
				label: 'channel.poll (wasm)',
				hook: 'channel.poll',
				export: 'channel_poll',
				args: { channel: 'wasm' }
			}
		]);
	});

	it('offers tape store operations with their sample arguments', () => {
		const passed = adapt('provide_tape_store', { functions: { reset: 'tape_reset', bogus: 'x' } });
		expect(followUpsOf('provide_tape_store', passed, 'p')).toEqual([
			{
				label: 'tape_store.reset',
				hook: 'tape_store.reset',
				export: 'tape_reset',
				args: { tape: 'cli:local' }
			}
		]);
	});

	it('offers cli_command for each complete command descriptor only', () => {
		const passed = adapt('register_cli_commands', [
			{ name: 'hello', function: 'cli_hello' },
			{ name: 'broken' }
		]);
		expect(followUpsOf('register_cli_commands', passed, 'bub-cli')).toEqual([
			{
				label: 'cli_command hello',
				hook: 'cli_command',
				export: 'cli_hello',
				args: { plugin: 'bub-cli', command: 'hello', payload: {} }
			}
		]);
	});

	it('offers nothing for other hooks or rejected values', () => {
		expect(followUpsOf('build_prompt', 'x', 'p')).toEqual([]);
		expect(followUpsOf('provide_channels', null, 'p')).toEqual([]);
	});
});
