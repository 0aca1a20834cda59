import { describe, expect, it } from 'vitest';
import { adapt } from '../../src/lib/abi/bub/decode';
import { pollIntervalsOf } from '../../src/lib/abi/bub/followups';

describe('pollIntervalsOf', () => {
	it('reads each channel descriptor’s interval, defaulting to 1 second', () => {
		const passed = adapt('provide_channels', [
			{ name: 'wasm', functions: { poll: 'channel_poll' } },
			{ name: 'slow', pollIntervalSeconds: 2.5 }
		]);
		expect(pollIntervalsOf('provide_channels', passed)).toEqual({ wasm: 1, slow: 2.5 });
	});

	it('leaves out intervals that are not positive, and other hooks', () => {
		const passed = adapt('provide_channels', [{ name: 'zero', pollIntervalSeconds: 0 }]);
		expect(pollIntervalsOf('provide_channels', passed)).toEqual({});
		expect(pollIntervalsOf('provide_tape_store', [{ name: 'x', pollIntervalSeconds: 1 }])).toEqual(
			{}
		);
	});
});
