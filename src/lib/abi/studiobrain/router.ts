/**
 * StudioBrain's plugin router: it mounts what list_routes declares under /api/plugins/<plugin id>/,
 * and turns a request to one of those routes into the HttpRequest handle_request receives.
 */
import type { HttpRequest, KeyValue, Route } from './types';

/** list_routes' answer read as routes, or every place it is not a list of {method, path, description}. */
export function parseRoutes(
	value: unknown
): { ok: true; routes: Route[] } | { ok: false; problems: string[] } {
	if (!Array.isArray(value)) {
		const shape =
			typeof value === 'object' && value !== null
				? 'an object'
				: value === null
					? 'null'
					: typeof value;
		return {
			ok: false,
			problems: [`list_routes must return a list of {method, path, description}, not ${shape}`]
		};
	}
	const problems: string[] = [];
	value.forEach((r, i) => {
		if (typeof r !== 'object' || r === null || Array.isArray(r)) {
			problems.push(`[${i}] must be an object {method, path, description}`);
			return;
		}
		const o = r as Record<string, unknown>;
		for (const key of ['method', 'path', 'description']) {
			if (typeof o[key] !== 'string') problems.push(`[${i}].${key} must be a string`);
		}
		if (typeof o.path === 'string' && !o.path.startsWith('/')) {
			problems.push(`[${i}].path must start with "/"`);
		}
	});
	if (problems.length > 0) return { ok: false, problems };
	return {
		ok: true,
		routes: (value as Record<string, string>[]).map((r) => ({
			method: r.method.toUpperCase(),
			path: r.path,
			description: r.description
		}))
	};
}

/** Where StudioBrain serves a route: `/api/plugins/<id><path>`. */
export function mountedPath(pluginId: string, route: Pick<Route, 'path'>): string {
	return `/api/plugins/${pluginId}${route.path}`;
}

/** The HttpRequest for a route, as the router passes it on (prefix stripped, JSON accepted). */
export function requestFor(
	route: Pick<Route, 'method' | 'path'>,
	extra: { query?: KeyValue[]; body?: number[] | null } = {}
): HttpRequest {
	return {
		method: route.method,
		path: route.path,
		headers: [{ key: 'accept', value: 'application/json' }],
		query_params: extra.query ?? [],
		body: extra.body ?? null
	};
}

/**
 * Which declared route a request goes to, with its `{name}` path parameters; or the status the router
 * answers itself, without calling the plugin: 404 for no such path, 405 for another method.
 */
export function matchRoute(
	routes: readonly Route[],
	method: string,
	path: string
): { ok: true; route: Route; params: Record<string, string> } | { ok: false; status: 404 | 405 } {
	let pathMatched = false;
	for (const route of routes) {
		const params = matchPath(route.path, path);
		if (params === null) continue;
		pathMatched = true;
		if (route.method === method.toUpperCase()) return { ok: true, route, params };
	}
	return { ok: false, status: pathMatched ? 405 : 404 };
}

function matchPath(pattern: string, path: string): Record<string, string> | null {
	const want = pattern.split('/');
	const got = path.split('?')[0].split('/');
	if (want.length !== got.length) return null;
	const params: Record<string, string> = {};
	for (let i = 0; i < want.length; i++) {
		const m = /^\{(\w+)\}$/.exec(want[i]);
		if (m) params[m[1]] = decodeURIComponent(got[i]);
		else if (want[i] !== got[i]) return null;
	}
	return params;
}
