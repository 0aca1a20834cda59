import type { LogLevel } from '../trace/types';
import type { MockSpec } from './mocks';

/** Log level choice for a plugin; `silent` records no Extism log lines. */
export type LogLevelSetting = LogLevel | 'silent';

/** Per-plugin host settings: the same fields as an Extism manifest, plus the playground's own. */
export interface HostSettings {
	/** Manifest `config`, read by the plugin through `config_get`. */
	config: Record<string, string>;
	/** Manifest `allowed_hosts`; `*.example.com` matches any subdomain, `*` matches everything. */
	allowedHosts: string[];
	logLevel: LogLevelSetting;
	/** A call taking longer is stopped and the plugin restarted. */
	timeoutMs: number;
	/** `auto` turns WASI on exactly when the module imports it. */
	wasi: 'auto' | 'on' | 'off';
	memory: {
		/** Cap on the plugin's linear memory, in 64 KiB pages; null keeps the module's own maximum. */
		maxPages: number | null;
		maxHttpResponseBytes: number | null;
		maxVarBytes: number | null;
	};
	/** Instantiate a fresh plugin for every call (what Bub does) instead of keeping one instance. */
	freshInstance: boolean;
	/** The KV namespace the plugin reads and writes. */
	namespace: string;
	/** Stand-ins for imports nobody provides, by `module/name`. */
	mocks: Record<string, MockSpec>;
}

/** Default call timeout, ms. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Default cap on linear memory: 4096 pages, 256 MiB. */
export const DEFAULT_MAX_PAGES = 4096;

/** Settings for a newly loaded plugin whose KV namespace is `namespace`. */
export function defaultSettings(namespace: string): HostSettings {
	return {
		config: {},
		allowedHosts: [],
		logLevel: 'info',
		timeoutMs: DEFAULT_TIMEOUT_MS,
		wasi: 'auto',
		memory: { maxPages: DEFAULT_MAX_PAGES, maxHttpResponseBytes: null, maxVarBytes: null },
		freshInstance: false,
		namespace,
		mocks: {}
	};
}

/** Whether WASI is on for a module under these settings. */
export function wasiEnabled(settings: Pick<HostSettings, 'wasi'>, needsWasi: boolean): boolean {
	return settings.wasi === 'auto' ? needsWasi : settings.wasi === 'on';
}

/** True when `hostname` is allowed by one of the patterns (`host`, `*.host`, or `*`). */
export function hostAllowed(hostname: string, patterns: readonly string[]): boolean {
	const host = hostname.toLowerCase();
	return patterns.some((raw) => {
		const pattern = raw.trim().toLowerCase();
		if (pattern === '*' || pattern === host) return true;
		if (pattern.startsWith('*.')) {
			const base = pattern.slice(2);
			return host === base || host.endsWith(`.${base}`);
		}
		return false;
	});
}
