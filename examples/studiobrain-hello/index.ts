// A StudioBrain plugin modelled on its hello-world-wasm template: plugin info, entity hooks, a
// validation that requires a name, and three routes. /hello greets with the `greeting` setting,
// /stats asks the host to query_entities through Extism vars.
import { Host } from '@extism/as-pdk';
import { field, orText, text } from '../_shared/bub';
import { hostCall, respond, setting } from '../_shared/studiobrain';
import { jsonString, outputText } from '../_shared/util';

export function get_info(): i32 {
	outputText(
		'{"id": "studiobrain-hello", "name": "StudioBrain hello", "version": "1.0.0",' +
			' "description": "Greets, counts entities and validates names.", "author": "Plugin Playground"}'
	);
	return 0;
}

function passthrough(message: string): i32 {
	outputText(
		'{"data": null, "messages": [' + jsonString(message) + '], "abort": false, "abort_reason": null}'
	);
	return 0;
}

function entityName(): string {
	const input = Host.inputString();
	return orText(text(field(input, 'entity_type')), '?') + '/' + orText(text(field(input, 'entity_id')), '?');
}

export function on_entity_save(): i32 {
	return passthrough('saved ' + entityName());
}

export function on_entity_create(): i32 {
	return passthrough('created ' + entityName());
}

export function on_entity_delete(): i32 {
	return passthrough('deleted ' + entityName());
}

// `data` is the entity as a JSON string: its "name" must be a non-empty string.
export function on_entity_validate(): i32 {
	const data = orText(text(field(Host.inputString(), 'data')), '{}');
	const name = text(field(data, 'name'));
	if (name === null || name.length == 0) {
		outputText(
			'{"valid": false, "errors": [{"field": "name", "message": "Entity must have a non-empty \'name\' field", "severity": "error"}]}'
		);
	} else {
		outputText('{"valid": true, "errors": []}');
	}
	return 0;
}

export function on_project_init(): i32 {
	outputText('{"success": true, "messages": ["StudioBrain hello plugin ready."]}');
	return 0;
}

export function list_routes(): i32 {
	outputText(
		'[{"method": "GET", "path": "/hello", "description": "A greeting from the greeting setting"},' +
			' {"method": "GET", "path": "/stats", "description": "How many entities the project has"},' +
			' {"method": "GET", "path": "/status", "description": "Whether the plugin is up"}]'
	);
	return 0;
}

export function handle_request(): i32 {
	const path = orText(text(field(Host.inputString(), 'path')), '');
	if (path == '/hello') {
		return respond(200, '{"message": ' + jsonString(setting('greeting', 'Hello') + ', world') + '}');
	}
	if (path == '/stats') {
		const result = hostCall(
			'query_entities',
			'{"entity_type": null, "filter_json": null, "limit": 0, "offset": null, "order_by": null, "order_desc": null}'
		);
		const total = field(result, 'total');
		return respond(200, '{"entities": ' + orText(total, 'null') + '}');
	}
	if (path == '/status') return respond(200, '{"status": "ok"}');
	return respond(404, '{"error": ' + jsonString('no route ' + path) + '}');
}
