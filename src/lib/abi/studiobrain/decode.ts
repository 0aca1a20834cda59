/**
 * How StudioBrain reads each export's answer: JSON deserialized into the export's type; a failed call
 * (error_set plus a non-zero return, as the Rust PDK does for an `Err`) is the plugin's error.
 */
import { utf8Decode } from '../../bytes/encoding';
import type { Decoded, DecodeStep, ValidationIssue } from '../profile';
import { parseRoutes } from './router';
import { bodyToText, headerValue, httpResponseProblems, type HttpResponse } from './types';

/** A decoded StudioBrain answer; for handle_request, the body as text (and as JSON when it is JSON). */
export interface StudioBrainDecoded extends Decoded {
	/** handle_request: the response body decoded from its byte numbers. */
	bodyText?: string | null;
	bodyJson?: unknown;
}

/** Reads an export's answer the way StudioBrain does. */
export function decodeStudioBrain(
	exportName: string,
	output: Uint8Array,
	code: number | null,
	errorText?: string
): StudioBrainDecoded {
	const steps: DecodeStep[] = [];
	if ((code !== null && code !== 0) || errorText !== undefined) {
		steps.push({
			rule: 'non-zero return → the plugin failed',
			detail: `returned ${code ?? '(no code)'}`
		});
		return {
			status: 'error',
			value: errorText || `${exportName} failed with code ${code}`,
			steps,
			issues: []
		};
	}
	let value: unknown;
	try {
		value = JSON.parse(utf8Decode(output));
	} catch {
		steps.push({ rule: 'not JSON → serde cannot read it', detail: `${output.length} bytes` });
		return {
			status: 'error',
			value: `${exportName} answered ${output.length === 0 ? 'nothing' : 'text that is not JSON'}`,
			steps,
			issues: [{ path: '', message: 'StudioBrain expects JSON' }]
		};
	}
	steps.push({ rule: 'JSON → the export’s type', detail: typeName(exportName) });
	const issues = answerIssues(exportName, value);
	if (issues.length > 0) return { status: 'error', value, steps, issues };
	const o = value as Record<string, unknown>;
	if (exportName === 'handle_request') {
		const response = value as HttpResponse;
		const bodyText = bodyToText(response.body);
		steps.push({
			rule: 'body: byte numbers → text',
			detail: bodyText === null ? 'no body' : `${response.body?.length} bytes`
		});
		let bodyJson: unknown;
		const type = headerValue(response.headers, 'content-type') ?? '';
		if (bodyText !== null && type.includes('json')) {
			try {
				bodyJson = JSON.parse(bodyText);
				steps.push({ rule: 'content-type JSON → body parsed', detail: type });
			} catch {
				issues.push({ path: 'body', message: `content-type is ${type} but the body is not JSON` });
			}
		}
		return {
			status: 'value',
			value,
			steps,
			issues,
			bodyText,
			...(bodyJson !== undefined ? { bodyJson } : {})
		};
	}
	if (exportName === 'on_entity_validate' && o.valid === false) {
		steps.push({
			rule: 'valid: false → the save is blocked',
			detail: `${(o.errors as unknown[]).length} error(s)`
		});
	}
	if (o.abort === true) {
		steps.push({
			rule: 'abort: true → the change is cancelled',
			detail: String(o.abort_reason ?? '')
		});
	}
	return { status: 'value', value, steps, issues };
}

function typeName(exportName: string): string {
	switch (exportName) {
		case 'get_info':
			return 'PluginInfo';
		case 'on_entity_validate':
			return 'ValidationResult';
		case 'on_project_init':
			return 'InitResult';
		case 'list_routes':
			return 'Vec<Route>';
		case 'handle_request':
			return 'HttpResponse';
		default:
			return 'HookResult';
	}
}

/** Where an answer fails to deserialize into the export's type. */
export function answerIssues(exportName: string, value: unknown): ValidationIssue[] {
	const issue = (path: string, message: string): ValidationIssue => ({ path, message });
	if (exportName === 'list_routes') {
		const routes = parseRoutes(value);
		return routes.ok ? [] : routes.problems.map((p) => issue('', p));
	}
	if (exportName === 'handle_request') return httpResponseProblems(value).map((p) => issue('', p));
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return [issue('', `${typeName(exportName)} is a JSON object`)];
	}
	const o = value as Record<string, unknown>;
	const issues: ValidationIssue[] = [];
	const str = (key: string, nullable = false) => {
		if (typeof o[key] === 'string' || (nullable && (o[key] === null || o[key] === undefined))) {
			return;
		}
		issues.push(issue(key, nullable ? 'must be a string or null' : 'must be a string'));
	};
	const strings = (key: string) => {
		const v = o[key];
		if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) {
			issues.push(issue(key, 'must be a list of strings'));
		}
	};
	const bool = (key: string) => {
		if (typeof o[key] !== 'boolean') issues.push(issue(key, 'must be true or false'));
	};
	switch (exportName) {
		case 'get_info':
			for (const key of ['id', 'name', 'version', 'description', 'author']) str(key);
			break;
		case 'on_entity_validate':
			bool('valid');
			if (!Array.isArray(o.errors)) issues.push(issue('errors', 'must be a list'));
			else {
				o.errors.forEach((e: unknown, i) => {
					const r = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
					for (const key of ['field', 'message', 'severity']) {
						if (typeof r[key] !== 'string')
							issues.push(issue(`errors[${i}].${key}`, 'must be a string'));
					}
				});
			}
			break;
		case 'on_project_init':
			bool('success');
			strings('messages');
			break;
		default:
			str('data', true);
			strings('messages');
			bool('abort');
			str('abort_reason', true);
	}
	return issues;
}
