/**
 * The follow-up calls a descriptor defines: channels (`channel.start|poll|send|stop`), a tape store
 * (`tape_store.*`) and CLI commands (`cli_command`), each against the export the descriptor names. Reads
 * the value the hook's adapter passed on (see decode.ts `adapt`), so only descriptors Bub accepted count.
 */
import { bubHook } from './hooks';
import { isJsonObject, pyEntries, PyFloat, pyNumber } from './python';

/** One call Bub would make later because of a descriptor. */
export interface FollowUp {
	/** What the button says: `channel.poll (wasm)`. */
	label: string;
	/** The follow-up hook's name. */
	hook: string;
	/** The export the descriptor names. */
	export: string;
	/** Arguments for the call: the hook's sample arguments, with the descriptor's names filled in. */
	args: Record<string, unknown>;
}

function sampleArgs(hook: string): Record<string, unknown> {
	return structuredClone(bubHook(hook)?.args ?? {});
}

function fromFunctions(
	prefix: string,
	functions: unknown,
	extra: Record<string, unknown>,
	label: string
): FollowUp[] {
	if (!isJsonObject(functions)) return [];
	return pyEntries(functions)
		.filter((entry): entry is [string, string] => typeof entry[1] === 'string')
		.filter(([op]) => bubHook(`${prefix}.${op}`) !== undefined)
		.map(([op, exportName]) => ({
			label: `${prefix}.${op}${label}`,
			hook: `${prefix}.${op}`,
			export: exportName,
			args: { ...sampleArgs(`${prefix}.${op}`), ...extra }
		}));
}

/** The follow-ups defined by what `hook` passed on for plugin `plugin`; empty for other hooks. */
export function followUpsOf(hook: string, passed: unknown, plugin: string): FollowUp[] {
	if (hook === 'provide_tape_store' && isJsonObject(passed)) {
		return fromFunctions('tape_store', passed.functions, {}, '');
	}
	if (hook === 'provide_channels' && Array.isArray(passed)) {
		return passed.flatMap((channel: unknown) =>
			isJsonObject(channel) && typeof channel.name === 'string' && channel.name !== ''
				? fromFunctions(
						'channel',
						channel.functions,
						{ channel: channel.name },
						` (${channel.name})`
					)
				: []
		);
	}
	if (hook === 'register_cli_commands' && Array.isArray(passed)) {
		return passed.flatMap((command: unknown) => {
			if (!isJsonObject(command)) return [];
			const { name, function: fn } = command;
			if (typeof name !== 'string' || typeof fn !== 'string' || name === '' || fn === '') return [];
			return [
				{
					label: `cli_command ${name}`,
					hook: 'cli_command',
					export: fn,
					args: { plugin, command: name, payload: {} }
				}
			];
		});
	}
	return [];
}

/**
 * The poll interval, in seconds, of each channel a `provide_channels` answer described (as Bub read it:
 * `pollIntervalSeconds`, default 1); channels whose interval is not a positive number are left out. Empty
 * for other hooks.
 */
export function pollIntervalsOf(hook: string, passed: unknown): Record<string, number> {
	const intervals: Record<string, number> = {};
	if (hook !== 'provide_channels' || !Array.isArray(passed)) return intervals;
	for (const channel of passed as unknown[]) {
		if (!isJsonObject(channel) || typeof channel.name !== 'string' || channel.name === '') continue;
		const raw = channel.pollIntervalSeconds;
		const seconds = typeof raw === 'number' || raw instanceof PyFloat ? pyNumber(raw) : NaN;
		if (Number.isFinite(seconds) && seconds > 0) {
			if (!(channel.name in intervals)) intervals[channel.name] = seconds;
		}
	}
	return intervals;
}
