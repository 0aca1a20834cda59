/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
	matchRoute,
	mountedPath,
	parseRoutes,
	requestFor
} from '../../src/lib/abi/studiobrain/router';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = JSON.parse(
	readFileSync(join(root, 'tests/fixtures/studiobrain.fixtures.json'), 'utf8')
);

describe('StudioBrain’s router', () => {
	const parsed = parseRoutes(fixtures.exports.list_routes.out);
	const routes = parsed.ok ? parsed.routes : [];

	it('reads the fixture routes and mounts them under the plugin id', () => {
		expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual([
			'GET /hello',
			'GET /stats',
			'GET /status'
		]);
		expect(mountedPath(fixtures.exports.get_info.out.id, routes[0])).toBe(
			'/api/plugins/hello-world-wasm/hello'
		);
	});

	it('turns a picked route into the fixture HttpRequest', () => {
		expect(requestFor(routes[0])).toEqual(fixtures.types.HttpRequest);
		expect(requestFor({ method: 'POST', path: '/x' }, { body: [123, 125] }).body).toEqual([
			123, 125
		]);
	});

	it('matches paths with parameters, and answers 404 and 405 itself', () => {
		const more = [...routes, { method: 'GET', path: '/stats/{entity_type}', description: '' }];
		expect(matchRoute(more, 'get', '/stats/character?x=1')).toEqual({
			ok: true,
			route: more[3],
			params: { entity_type: 'character' }
		});
		expect(matchRoute(more, 'GET', '/nope')).toEqual({ ok: false, status: 404 });
		expect(matchRoute(more, 'DELETE', '/hello')).toEqual({ ok: false, status: 405 });
	});

	it('names every entry that is not a route', () => {
		expect(parseRoutes([{ method: 'GET', path: 'hello' }, 3])).toEqual({
			ok: false,
			problems: [
				'[0].description must be a string',
				'[0].path must start with "/"',
				'[1] must be an object {method, path, description}'
			]
		});
		expect(parseRoutes(null)).toEqual({
			ok: false,
			problems: ['list_routes must return a list of {method, path, description}, not null']
		});
	});
});
