/**
 * The Host settings form's pure parts: config edited as rows, and allowed-host patterns as people type
 * them (often a whole URL, or a host with a port).
 */
import { fail, type Result } from '../errors';
import { isTimeoutMs, TIMEOUT_RANGE, type HostSettings } from './settings';

/** One row of the config editor. */
export interface ConfigRow {
	key: string;
	value: string;
}

/** Config as editor rows, in the config's own order. */
export function configRows(config: Readonly<Record<string, string>>): ConfigRow[] {
	return Object.entries(config).map(([key, value]) => ({ key, value }));
}

/** Config from editor rows; blank rows are skipped, a value without a key and a repeated key are errors. */
export function configFromRows(
	rows: readonly ConfigRow[]
): Result<{ config: Record<string, string> }> {
	const firstRow = new Map<string, number>();
	for (const [i, { key, value }] of rows.entries()) {
		if (key === '' && value === '') continue;
		if (key === '') {
			return fail(
				'call',
				`Config entry ${i + 1} has a value but no key.`,
				'Type the key the plugin reads with config_get, or remove the entry.'
			);
		}
		const first = firstRow.get(key);
		if (first !== undefined) {
			return fail(
				'call',
				`Config key "${key}" is in entries ${first + 1} and ${i + 1}; each key can have one value.`,
				'Remove one of them.'
			);
		}
		firstRow.set(key, i);
	}
	const entries = rows.filter((r) => r.key !== '').map((r) => [r.key, r.value] as const);
	// fromEntries defines a key such as `__proto__` as a plain property instead of setting the prototype.
	return { ok: true, config: Object.fromEntries(entries) };
}

/** A host name, an IPv4 address or a bracketed IPv6 address, as `URL.hostname` writes them. */
const HOST_NAME = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])$/;

/**
 * An allowed-hosts pattern from what was typed: `example.com`, `*.example.com` or `*`. A pasted URL or a
 * host with a port or path is reduced to its host name, since only host names are matched.
 */
export function hostPattern(typed: string): Result<{ pattern: string }> {
	const text = typed.trim().toLowerCase();
	if (text === '*') return { ok: true, pattern: '*' };
	const wildcard = text.startsWith('*.');
	const rest = wildcard ? text.slice(2) : text;
	const host = hostnameOf(rest.includes('://') ? rest : `http://${rest}`);
	if (rest === '' || !HOST_NAME.test(host)) {
		return fail(
			'call',
			`"${typed.trim()}" is not a host pattern.`,
			'Type a host name (example.com), *.example.com for it and its subdomains, or * for any host.'
		);
	}
	return { ok: true, pattern: wildcard ? `*.${host}` : host };
}

function hostnameOf(url: string): string {
	try {
		return new URL(url).hostname;
	} catch {
		return '';
	}
}

/** The settings the form edits (mocks have their own panel), with config as rows. */
export type SettingsDraft = Omit<HostSettings, 'config' | 'mocks'> & { configRows: ConfigRow[] };

/** The form's starting values for some settings. */
export function settingsDraft(settings: HostSettings): SettingsDraft {
	return {
		configRows: configRows(settings.config),
		allowedHosts: [...settings.allowedHosts],
		logLevel: settings.logLevel,
		timeoutMs: settings.timeoutMs,
		wasi: settings.wasi,
		memory: { ...settings.memory },
		freshInstance: settings.freshInstance,
		namespace: settings.namespace
	};
}

/**
 * `current` with the form's fields applied, or the first field that is wrong. Fields the form does not
 * edit keep their current values; an empty namespace keeps the current one, since every plugin needs one.
 */
export function settingsFromDraft(
	draft: SettingsDraft,
	current: HostSettings
): Result<{ settings: HostSettings }> {
	const { configRows: rows, ...fields } = draft;
	const config = configFromRows(rows);
	if (!config.ok) return config;
	if (!isTimeoutMs(draft.timeoutMs)) {
		return fail(
			'call',
			`The timeout must be a whole number of milliseconds ${TIMEOUT_RANGE}.`,
			'Type how long a call may run, e.g. 10000 for 10 s. A browser cannot time anything longer than 24 days.'
		);
	}
	const limits = [
		['Max memory', draft.memory.maxPages, 65536],
		['Max HTTP response', draft.memory.maxHttpResponseBytes, Number.MAX_SAFE_INTEGER],
		['Max var size', draft.memory.maxVarBytes, Number.MAX_SAFE_INTEGER]
	] as const;
	for (const [label, value, max] of limits) {
		if (value !== null && (!Number.isSafeInteger(value) || value < 1 || value > max)) {
			return fail(
				'call',
				`${label} must be a whole number from 1 to ${max}, or empty for no limit.`,
				'Fix the number, or clear the field.'
			);
		}
	}
	return {
		ok: true,
		settings: {
			...current,
			...fields,
			allowedHosts: [...fields.allowedHosts],
			memory: { ...fields.memory },
			config: config.config,
			namespace: draft.namespace.trim() || current.namespace
		}
	};
}
