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
/**
 * The longest call timeout: 24 days, in ms. Browsers hold a timer's delay in a signed 32-bit count of
 * milliseconds and fire at once past 2^31 - 1 ms (24.8 days), which would time out every call at once.
 */
export const MAX_TIMEOUT_MS = 24 * 24 * 60 * 60 * 1000;
/** The timeout range as messages state it. */
export const TIMEOUT_RANGE = `from 1 to ${MAX_TIMEOUT_MS} ms (24 days)`;

/** Whether `ms` is a timeout a call can run under: a whole number of ms from 1 to `MAX_TIMEOUT_MS`. */
export function isTimeoutMs(ms: unknown): ms is number {
	return typeof ms === 'number' && Number.isInteger(ms) && ms >= 1 && ms <= MAX_TIMEOUT_MS;
}

/**
 * Settings whose timeout a call can run under, for state saved by an older build that did not check it: a
 * timeout past the maximum becomes the maximum (the longest wait there is), any other bad value the default.
 */
export function withUsableTimeout(settings: HostSettings): HostSettings {
	if (isTimeoutMs(settings.timeoutMs)) return settings;
	const long = typeof settings.timeoutMs === 'number' && settings.timeoutMs > MAX_TIMEOUT_MS;
	return { ...settings, timeoutMs: long ? MAX_TIMEOUT_MS : DEFAULT_TIMEOUT_MS };
}
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
	return patterns.some((raw) => matchesHost(hostname, raw));
}

/**
 * Why a plugin's `http_request` to `url` is refused, or null when it may go. A plugin reaches only the hosts
 * allowed for it; the playground's own origin (`origin`), where a same-origin request would carry the site's
 * cookies, only when a setting names its host exactly (not through `*` or `*.domain`); and never a URL with
 * a user name or password in it, which the browser would send as credentials.
 */
export function httpRefusal(url: URL, origin: string, patterns: readonly string[]): string | null {
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		return `HTTP request to "${url.href}" refused: only http and https URLs can be requested.`;
	}
	if (url.username || url.password) {
		return `HTTP request to "${url.host}" refused: the URL carries a user name or password, which the browser would send as credentials. Plugins never send the browser's credentials; put a token in a header instead.`;
	}
	const host = url.hostname.toLowerCase();
	if (url.origin === origin) {
		const named = patterns.some((p) => p.trim().toLowerCase() === host);
		return named
			? null
			: `HTTP request to the playground's own origin (${origin}) refused: a plugin reaches it only when Allowed hosts names "${host}" exactly (a * pattern is not enough).`;
	}
	if (hostAllowed(host, patterns)) return null;
	const list = patterns.length ? patterns.join(', ') : 'none';
	return `HTTP request to "${url.hostname}" refused: it is not in allowed_hosts (allowed: ${list}). Add it under Allowed hosts in Host settings if the plugin should reach it.`;
}

function matchesHost(hostname: string, raw: string): boolean {
	const host = hostname.toLowerCase();
	const pattern = raw.trim().toLowerCase();
	if (pattern === '*' || pattern === host) return true;
	if (pattern.startsWith('*.')) {
		const base = pattern.slice(2);
		return host === base || host.endsWith(`.${base}`);
	}
	return false;
}
