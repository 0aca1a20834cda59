/**
 * How Harmont's Extism-era host read each export's answer: the manifest through validation, capability
 * answers by their serde types, and a failed call (the SDK's `WithReturnCode(PluginError, 1)`) as
 * `HmError::PluginPanic`, exit category PluginRuntime (6).
 */
import { utf8Decode } from '../../bytes/encoding';
import type { Decoded, DecodeStep, ValidationIssue } from '../profile';
import { harmontExport } from './capabilities';
import { checkManifest, type ManifestVerdict } from './manifest';

/** The error a Harmont plugin returns: `PluginError {code, message, doc_url}`. */
export interface PluginError {
	code: string;
	message: string;
	doc_url: string | null;
}

/** Exit category of a plugin that failed at run time (`ErrorCategory::PluginRuntime`). */
export const PLUGIN_RUNTIME_EXIT = 6;
/** Exit category of a plugin rejected at load (`ErrorCategory::PluginLoad`). */
export const PLUGIN_LOAD_EXIT = 5;

/** What the host knows besides the output. */
export interface DecodeContext {
	/** The text the plugin gave `error_set`, when the call failed. */
	errorText?: string;
	/** The plugin's name, for error messages; without one they keep Harmont's `{name}` placeholder. */
	pluginName?: string;
	/** Host functions this host has (provided or mocked), for the manifest check. */
	available?: ReadonlySet<string>;
}

/** A decoded Harmont answer, with the manifest verdict or the plugin's error when there is one. */
export interface HarmontDecoded extends Decoded {
	verdict?: ManifestVerdict;
	pluginError?: PluginError;
}

/** `PluginError` from error text: its JSON form, else the text as the message. */
export function parsePluginError(text: string): { error: PluginError; json: boolean } {
	try {
		const v = JSON.parse(text) as unknown;
		if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
			const o = v as Record<string, unknown>;
			if (typeof o.message === 'string') {
				return {
					json: true,
					error: {
						code: typeof o.code === 'string' ? o.code : String(o.code ?? ''),
						message: o.message,
						doc_url: typeof o.doc_url === 'string' ? o.doc_url : null
					}
				};
			}
		}
	} catch {
		// Not JSON: the text itself is the message.
	}
	return { json: false, error: { code: '', message: text, doc_url: null } };
}

/** `HmError::PluginPanic`'s message, as the host printed it. */
export function pluginPanicMessage(name: string, capability: string, message: string): string {
	return `plugin '${name}' panicked during '${capability}': ${message}`;
}

/** Reads an export's answer the way Harmont's host did. */
export function decodeAnswer(
	exportName: string,
	output: Uint8Array,
	code: number | null,
	context: DecodeContext = {}
): HarmontDecoded {
	const name = context.pluginName ?? '{name}';
	const steps: DecodeStep[] = [];
	if ((code !== null && code !== 0) || context.errorText !== undefined) {
		const text = context.errorText ?? '';
		const { error, json } = parsePluginError(text);
		steps.push({
			rule: 'non-zero return → the call failed',
			detail: `returned ${code ?? '(no code)'}${text ? ' with error_set text' : ' without error_set'}`
		});
		steps.push({
			rule: json ? 'error text is PluginError JSON → its message' : 'error text → the message',
			detail: json ? `code ${JSON.stringify(error.code)}` : text || '(empty)'
		});
		const panic = pluginPanicMessage(name, exportName, error.message || `returned ${code}`);
		steps.push({
			rule: 'HmError::PluginPanic → exit category PluginRuntime (6)',
			detail: panic
		});
		return { status: 'error', value: panic, steps, issues: [], pluginError: error };
	}
	if (exportName === 'hm_manifest') {
		const verdict = checkManifest(output, context.available ?? new Set());
		if (verdict.ok) {
			steps.push({ rule: 'PluginManifest → validated', detail: 'accepted' });
			return { status: 'value', value: verdict.manifest, steps, issues: [], verdict };
		}
		const first = verdict.errors[0];
		steps.push({
			rule: 'PluginManifest → validated',
			detail: `rejected: ${first.name} → exit category PluginLoad (${PLUGIN_LOAD_EXIT})`
		});
		return {
			status: 'error',
			value: `${first.name}: ${first.message}`,
			steps,
			issues: verdict.errors.map((e) => ({ path: e.path, message: `${e.name}: ${e.message}` })),
			verdict
		};
	}
	if (exportName === 'hm_output_finalize') {
		steps.push({ rule: 'raw bytes → written out as they are', detail: `${output.length} bytes` });
		return { status: 'value', value: utf8Decode(output), steps, issues: [] };
	}
	if (exportName === 'hm_output_on_event') {
		steps.push({
			rule: 'answer ignored',
			detail: output.length === 0 ? 'empty, as expected' : `${output.length} bytes, ignored`
		});
		return { status: 'skip', value: null, steps, issues: [] };
	}
	const spec = harmontExport(exportName);
	let value: unknown;
	try {
		value = JSON.parse(utf8Decode(output));
	} catch {
		steps.push({ rule: 'not JSON → the host cannot deserialize it', detail: 'rejected' });
		return {
			status: 'error',
			value: pluginPanicMessage(name, exportName, 'answer is not JSON'),
			steps,
			issues: [{ path: '', message: `expected ${spec?.expects ?? 'JSON'}` }]
		};
	}
	const issues = answerIssues(exportName, value);
	steps.push({
		rule: `JSON → ${answerType(exportName)}`,
		detail: issues.length === 0 ? 'deserialized' : 'does not deserialize'
	});
	if (exportName === 'hm_hook_on_event' && issues.length === 0) {
		const o = value as Record<string, unknown>;
		steps.push(
			o.kind === 'abort'
				? { rule: '"abort" → the build stops', detail: String(o.reason) }
				: { rule: '"continue" → the build goes on', detail: '' }
		);
	}
	return { status: issues.length === 0 ? 'value' : 'error', value, steps, issues };
}

function answerType(exportName: string): string {
	switch (exportName) {
		case 'hm_subcommand_run':
			return 'SubcommandOutput';
		case 'hm_executor_run':
			return 'StepResult';
		case 'hm_hook_on_event':
			return 'HookOutcome';
		default:
			return 'the answer type';
	}
}

/** Where an answer does not match the export's serde type. */
export function answerIssues(exportName: string, value: unknown): ValidationIssue[] {
	const issues: ValidationIssue[] = [];
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return [{ path: '', message: 'must be a JSON object' }];
	}
	const o = value as Record<string, unknown>;
	const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
	switch (exportName) {
		case 'hm_subcommand_run':
			if (!isInt(o.exit_code)) issues.push({ path: 'exit_code', message: 'must be an integer' });
			if (o.message !== undefined && o.message !== null && typeof o.message !== 'string') {
				issues.push({ path: 'message', message: 'must be a string or null' });
			}
			break;
		case 'hm_executor_run':
			if (!isInt(o.exit_code)) issues.push({ path: 'exit_code', message: 'must be an integer' });
			if (!Array.isArray(o.artifacts))
				issues.push({ path: 'artifacts', message: 'must be a list' });
			break;
		case 'hm_hook_on_event':
			if (o.kind === 'abort') {
				if (typeof o.reason !== 'string') {
					issues.push({ path: 'reason', message: 'an abort needs a string reason' });
				}
			} else if (o.kind !== 'continue') {
				issues.push({ path: 'kind', message: 'must be "continue" or "abort"' });
			}
			break;
	}
	return issues;
}
