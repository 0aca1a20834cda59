/**
 * How a StudioBrain plugin reaches its host without host functions: through Extism vars. Before each
 * call the host sets `setting:<key>` for every plugin setting; to ask the host something the plugin sets
 * `host_call:<name>` to a JSON request and then reads `host_result:<name>`, which the host has filled in
 * by then. The playground answers host calls from a table the user can edit.
 */

/** Vars set before a call, and answers to `host_call:<name>` by name. Plain data: it crosses to the worker. */
export interface HostVars {
	/** Var name → value, set before the call (`setting:greeting` → `Hello`). */
	preset: Record<string, string>;
	/** Host call name → the JSON the host answers with (`query_entities` → an EntityQueryResult). */
	replies: Record<string, string>;
}

/** Prefix of the vars holding plugin settings. */
export const SETTING_PREFIX = 'setting:';
/** Prefix of the var a plugin sets to call the host. */
export const HOST_CALL_PREFIX = 'host_call:';
/** Prefix of the var the host answers in. */
export const HOST_RESULT_PREFIX = 'host_result:';

/** Host calls seen in StudioBrain's plugins. */
export const HOST_CALL_NAMES = [
	'query_entities',
	'http_fetch',
	'move_entity',
	'compare_request',
	'lora_train',
	'social_publish',
	'obsidian_export'
] as const;

/** The EntityQueryFilter a plugin sends as host_call:query_entities to count every entity. */
export const QUERY_ENTITIES_REQUEST = {
	entity_type: null,
	filter_json: null,
	limit: 0,
	offset: null,
	order_by: null,
	order_desc: null
};

/**
 * Host functions StudioBrain's docs describe (entity_read, entity_list, ...) that no public plugin
 * imports: the card lists them as documented, not verified.
 */
export const DOCUMENTED_HOST_FUNCTIONS = [
	'entity_read',
	'entity_list',
	'entity_write',
	'asset_read',
	'asset_write',
	'http_request',
	'ai_generate',
	'ui_notify',
	'get_config',
	'set_config'
] as const;

/** The playground's answers to start from: query_entities answers the fixture's EntityQueryResult. */
export const DEFAULT_REPLIES: Record<string, string> = {
	query_entities: JSON.stringify({ records: [], total: 42, offset: 0, limit: 0 })
};

/** The template's settings to start from. */
export const DEFAULT_SETTINGS: Record<string, string> = { greeting: 'Hello from StudioBrain' };

/** The vars the host sets before each call for these settings. */
export function presetVars(settings: Readonly<Record<string, string>>): Record<string, string> {
	return Object.fromEntries(
		Object.entries(settings).map(([key, value]) => [`${SETTING_PREFIX}${key}`, value])
	);
}

/** The HostVars for a call. */
export function hostVarsFor(
	settings: Readonly<Record<string, string>>,
	replies: Readonly<Record<string, string>>
): HostVars {
	return { preset: presetVars(settings), replies: { ...replies } };
}

/**
 * The host's answer to a var the plugin set: for `host_call:<name>`, the var to fill
 * (`host_result:<name>`) and its value, or `value: null` when the table has no answer. Null for any
 * other var.
 */
export function hostCallReply(
	key: string,
	replies: Readonly<Record<string, string>>
): { name: string; resultKey: string; value: string | null } | null {
	if (!key.startsWith(HOST_CALL_PREFIX)) return null;
	const name = key.slice(HOST_CALL_PREFIX.length);
	return {
		name,
		resultKey: `${HOST_RESULT_PREFIX}${name}`,
		value: Object.hasOwn(replies, name) ? replies[name] : null
	};
}
