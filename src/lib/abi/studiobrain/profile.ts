/** StudioBrain's WASM plugins as one `ExtismProfile`: JSON exports, the host reached through Extism vars. */
import type { ExtismProfile } from '../profile';
import { answerIssues, decodeStudioBrain } from './decode';
import { encodeCall, STUDIOBRAIN_HOOKS } from './hooks';

/** Exports only StudioBrain plugins have: one of them makes a module look like one. */
const MARKERS = ['list_routes', 'handle_request', 'on_entity_save', 'on_entity_validate'];

/** StudioBrain. */
export const studioBrainProfile: ExtismProfile = {
	id: 'studiobrain',
	title: 'StudioBrain',
	label: 'StudioBrain',
	host: 'StudioBrain',
	description:
		'StudioBrain (a worldbuilding studio) runs WASM plugins built with the Extism PDK. get_info names the plugin; on_entity_save, on_entity_create, on_entity_delete and on_entity_validate get a HookEvent when an entity changes and may rewrite, abort or block the change; on_project_init runs when a project opens; list_routes declares HTTP routes, which the host mounts under /api/plugins/<id>/ and serves by calling handle_request with an HttpRequest (bodies are lists of byte numbers). Plugins import no host functions: the host sets setting:<key> vars before each call, and a plugin asks the host by setting host_call:<name> to a JSON request and reading host_result:<name>.',
	transport: 'extism',
	hooks: STUDIOBRAIN_HOOKS,
	detect(info) {
		if (info.flavor !== 'extism') {
			return { matches: false, detail: 'not an Extism plugin: it does not import extism:host/env' };
		}
		const exported = new Set(info.exports.filter((e) => e.kind === 'function').map((e) => e.name));
		const found = STUDIOBRAIN_HOOKS.filter((h) => exported.has(h.name)).map((h) => h.name);
		if (!MARKERS.some((m) => exported.has(m))) {
			return {
				matches: false,
				detail: 'an Extism plugin without list_routes, handle_request or on_entity_* exports'
			};
		}
		return { matches: true, detail: `exports ${found.join(', ')}` };
	},
	bind(hook, info) {
		return info.exports.some((e) => e.kind === 'function' && e.name === hook.defaultExport)
			? hook.defaultExport
			: null;
	},
	encode: encodeCall,
	decode: decodeStudioBrain,
	validate: answerIssues
};
