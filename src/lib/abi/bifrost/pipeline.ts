/**
 * Runs one request through a Bifrost plugin the way the host would, calling each hook through an injected
 * `call` (the worker in the app, a fake in tests). The playground never calls a real provider: the provider's
 * answer is part of the input.
 *
 * Order, from core/schemas/plugin.go and the WASM plugin docs:
 * - revision 1: get_name, init(config) → http_transport_intercept(ctx, req) → pre_hook(ctx, req) →
 *   provider → post_hook(ctx, resp, err) → cleanup.
 * - revisions 2 and 3: get_name, init → http_pre_hook (revision 2: http_intercept) → pre_hook → provider →
 *   post_hook → http_post_hook (revision 3 only) → cleanup, each hook taking one JSON object
 *   `{context, ...}` and answering with context keys to set, which later hooks receive.
 *
 * A transport hook's short-circuit ends the request: the client gets that response and no later hook or
 * provider runs. A pre_hook short-circuit skips only the provider: post hooks still run with its response
 * or error, since Bifrost calls the post hook of every plugin whose pre hook ran. cleanup runs at the end
 * of every run that loaded (it stands for the host shutting the plugin down), whatever happened before.
 *
 * Where the host's behaviour is not public (its WASM host is closed source), the runner reads `null` in an
 * answer as "keep what you had", as the docs' own pass-through examples require.
 */
import { toBase64 } from '../../bytes/encoding';
import type { PlaygroundError } from '../../errors';
import type { RawResult } from '../profile';
import {
	decodeHook,
	failureEffect,
	failurePolicy,
	matchFields,
	type BifrostDecoded
} from './decode';
import { encodeArgs, findHook, isJsonObject, jsonBytes, SAMPLES, type BifrostHook } from './hooks';
import type { Revision } from './revisions';

/** What a request starts with. Every value is plain JSON. */
export interface PipelineInput {
	/** The plugin's `config` from Bifrost's config.json, passed to init. */
	config: unknown;
	/** The serialised Bifrost context. */
	context: Record<string, unknown>;
	/** The HTTP request as the client sent it (transport hooks); its body is base64. */
	httpRequest: Record<string, unknown>;
	/** The Bifrost request parsed from it (pre_hook). */
	request: Record<string, unknown>;
	/** What the provider answers, as the user wrote it: a Bifrost response, or a Bifrost error. */
	provider: { response: unknown; error: unknown };
	/** The module's function exports; hooks it lacks are skipped, as Bifrost skips them. Omit to call all. */
	exports?: readonly string[];
}

/** A request made of the sample values (see hooks.ts): a fresh copy, to prefill a form or start a test. */
export function sampleInput(): PipelineInput {
	const { config, context, httpRequest, request, response } = structuredClone(SAMPLES);
	return { config, context, httpRequest, request, provider: { response, error: null } };
}

/** Calls an export with inputs placed in memory; a failed call (trap, timeout...) is an error as data. */
export type RawCaller = (
	exportName: string,
	inputs: Uint8Array[]
) => Promise<RawResult | { error: PlaygroundError }>;

/** How a step went. */
export type StepStatus = 'ok' | 'short-circuit' | 'failed' | 'skipped';

/** One stage of the run: a hook call, or the provider. */
export interface PipelineStep {
	/** The hook's name (see hooks.ts), or `provider`. */
	hook: string;
	/** The export called; null for the provider and for hooks the module lacks. */
	export: string | null;
	/** The JSON values written to memory, in order (for the provider: the request it would get). */
	input: unknown[];
	/** What the host observed of the call. */
	result: RawResult | null;
	/** The answer, decoded. */
	decoded: BifrostDecoded | null;
	/** Why the call or the answer failed. */
	error: PlaygroundError | null;
	status: StepStatus;
	/** What the host did because of this step. */
	note: string;
}

/** The outcome of one request. */
export interface PipelineRun {
	revision: Revision;
	/** What get_name returned. */
	name: string | null;
	steps: PipelineStep[];
	/** The stage where the request ended early, and why; null when it went through every stage. */
	stopped: { hook: string; reason: string } | null;
	/** Failures Bifrost only logs, in order. */
	warnings: string[];
	/** What the request ended with. */
	final: {
		context: Record<string, unknown>;
		request: unknown;
		response: unknown;
		error: unknown;
		/** The HTTP response the client gets, when a transport hook decided it or revision 3 built it. */
		httpResponse: unknown;
	};
}

/** The HTTP response revision 3's http_post_hook receives, built from the final response or error. */
export function httpResponseFor(response: unknown, error: unknown): Record<string, unknown> {
	const headers = { 'content-type': 'application/json' };
	if (isJsonObject(error)) {
		const status = typeof error.status_code === 'number' ? error.status_code : 500;
		return { status_code: status, headers, body: toBase64(jsonBytes(error)) };
	}
	const body =
		isJsonObject(response) && isJsonObject(response.chat_response)
			? response.chat_response
			: response;
	return { status_code: 200, headers, body: toBase64(jsonBytes(body)) };
}

/** Runs one request through the plugin; never throws for a plugin's failures. */
export async function runPipeline(
	revision: Revision,
	input: PipelineInput,
	call: RawCaller
): Promise<PipelineRun> {
	return new Run(revision, input, call).go();
}

/** A failed hook ends the request when its policy is `stop`, or when the worker itself gave up. */
function ends(hook: BifrostHook, error: PlaygroundError): boolean {
	return failurePolicy(hook) === 'stop' || error.kind === 'timeout' || error.kind === 'stopped';
}

class Run {
	readonly steps: PipelineStep[] = [];
	readonly warnings: string[] = [];
	stopped: PipelineRun['stopped'] = null;
	name: string | null = null;
	context: Record<string, unknown>;
	httpRequest: Record<string, unknown>;
	request: unknown;
	response: unknown = null;
	error: unknown = null;
	httpResponse: unknown = null;

	constructor(
		readonly revision: Revision,
		readonly input: PipelineInput,
		readonly call: RawCaller
	) {
		this.context = { ...input.context };
		this.httpRequest = input.httpRequest;
		this.request = input.request;
	}

	async go(): Promise<PipelineRun> {
		if (await this.load()) {
			if (this.revision === 1) await this.revision1();
			else await this.singleObject();
			await this.hook('cleanup', {});
		}
		return {
			revision: this.revision,
			name: this.name,
			steps: this.steps,
			stopped: this.stopped,
			warnings: this.warnings,
			final: {
				context: this.context,
				request: this.request,
				response: this.response,
				error: this.error,
				httpResponse: this.httpResponse
			}
		};
	}

	/** get_name and init; false when the plugin would not load. */
	async load(): Promise<boolean> {
		const name = await this.hook('get_name', {});
		if (this.stopped) return false;
		if (name?.status === 'value') this.name = String(name.value);
		await this.hook('init', { config: this.input.config });
		return this.stopped === null;
	}

	async revision1(): Promise<void> {
		const intercept = await this.hook('r1.http_transport_intercept', {
			ctx: this.context,
			req: this.httpRequest
		});
		if (this.stopped) return;
		if (intercept?.action === 'short-circuit') {
			this.httpResponse = intercept.fields?.response ?? null;
			this.stop('r1.http_transport_intercept', 'It answered with a response of its own.');
			return;
		}
		const pre = await this.hook('r1.pre_hook', { ctx: this.context, req: this.request });
		if (this.stopped) return;
		this.provider(this.applyPre(pre));
		const post = await this.hook('r1.post_hook', {
			ctx: this.context,
			resp: this.response,
			err: this.error
		});
		if (this.stopped || !post?.fields || post.status !== 'value') return;
		this.applyPost(post.fields.response, post.fields.bifrost_error);
	}

	async singleObject(): Promise<void> {
		const httpPre = this.revision === 2 ? 'http_intercept' : 'http_pre_hook';
		const transport = await this.hook(httpPre, {
			context: this.context,
			request: this.httpRequest
		});
		if (this.stopped) return;
		this.mergeContext(transport);
		if (transport?.action === 'short-circuit') {
			this.httpResponse = transport.fields?.response ?? null;
			this.stop(httpPre, 'It answered with a response of its own (has_response).');
			return;
		}
		if (transport?.status === 'value' && isJsonObject(transport.fields?.request)) {
			this.httpRequest = transport.fields.request;
		}
		const pre = await this.hook('pre_hook', { context: this.context, request: this.request });
		if (this.stopped) return;
		this.mergeContext(pre);
		this.provider(this.applyPre(pre));
		const post = await this.hook('post_hook', {
			context: this.context,
			response: this.response,
			error: this.error ?? {},
			has_error: this.error !== null
		});
		if (this.stopped) return;
		this.mergeContext(post);
		if (post?.status === 'value' && post.fields) {
			const f = post.fields;
			this.applyPost(f.response, f.has_error === true ? f.error : null, f.has_error === false);
		}
		if (this.revision !== 3) return;
		const http = httpResponseFor(this.response, this.error);
		const httpPost = await this.hook('http_post_hook', {
			context: this.context,
			request: this.httpRequest,
			response: http
		});
		if (this.stopped) return;
		this.mergeContext(httpPost);
		this.httpResponse = http;
	}

	/** Applies a pre_hook answer; returns the short-circuit's description when it skipped the provider. */
	applyPre(pre: BifrostDecoded | null): string | null {
		if (!pre?.fields || pre.status !== 'value') return null;
		if (pre.action === 'short-circuit') {
			const sc = pre.fields.short_circuit;
			const { fields } = matchFields(isJsonObject(sc) ? sc : {}, ['Response', 'Error']);
			this.response = fields.Response ?? null;
			this.error = fields.Error ?? null;
			return isJsonObject(fields.Error) ? 'an error' : 'a response';
		}
		if (isJsonObject(pre.fields.request)) this.request = pre.fields.request;
		return null;
	}

	/** A post hook's answer: non-null values replace; a response without an error recovers from one. */
	applyPost(response: unknown, error: unknown, recover = true): void {
		if (isJsonObject(response)) {
			this.response = response;
			if (recover && !isJsonObject(error)) this.error = null;
		}
		if (isJsonObject(error)) this.error = error;
	}

	mergeContext(decoded: BifrostDecoded | null): void {
		const ctx = decoded?.status === 'value' ? decoded.fields?.context : undefined;
		if (isJsonObject(ctx)) this.context = { ...this.context, ...ctx };
	}

	provider(shortCircuit: string | null): void {
		const step: PipelineStep = {
			hook: 'provider',
			export: null,
			input: [this.request],
			result: null,
			decoded: null,
			error: null,
			status: shortCircuit ? 'skipped' : 'ok',
			note: shortCircuit
				? `Not called: pre_hook short-circuited with ${shortCircuit}.`
				: 'Answered with the response (or error) given as input; the playground calls no real provider.'
		};
		if (!shortCircuit) {
			this.response = this.input.provider.response ?? null;
			this.error = this.input.provider.error ?? null;
		}
		this.steps.push(step);
	}

	stop(hook: string, reason: string): void {
		this.stopped ??= { hook, reason };
	}

	/** Calls one hook with its named arguments, records the step, and applies its failure policy. */
	async hook(name: string, args: Record<string, unknown>): Promise<BifrostDecoded | null> {
		const hook = findHook(name);
		if (!hook) throw new Error(`unknown Bifrost hook ${name}`);
		const exportName = hook.defaultExport;
		const step: PipelineStep = {
			hook: hook.name,
			export: exportName,
			input: hook.params === null ? [args] : hook.params.map((p) => args[p]),
			result: null,
			decoded: null,
			error: null,
			status: 'ok',
			note: ''
		};
		this.steps.push(step);
		if (this.input.exports && !this.input.exports.includes(exportName)) {
			step.export = null;
			if (hook.optional) {
				step.status = 'skipped';
				step.note = `The module does not export ${exportName}: Bifrost skips this hook.`;
			} else {
				step.status = 'failed';
				step.note = `The module does not export ${exportName}, which every Bifrost plugin must.`;
				this.stop(hook.name, step.note);
			}
			return null;
		}
		const encoded = encodeArgs(hook, args);
		if (!encoded.ok) throw new Error(encoded.error.message);
		const outcome = await this.call(exportName, encoded.inputs);
		if ('error' in outcome) {
			step.status = 'failed';
			step.error = outcome.error;
			step.note = ends(hook, outcome.error)
				? failureEffect(hook)
				: `${failureEffect(hook)} (${outcome.error.kind})`;
			if (ends(hook, outcome.error)) this.stop(hook.name, outcome.error.message);
			else this.warnings.push(outcome.error.message);
			return null;
		}
		step.result = outcome;
		const decoded = decodeHook(hook, outcome);
		step.decoded = decoded;
		const last = decoded.steps[decoded.steps.length - 1];
		step.note = last?.detail ?? '';
		if (decoded.status === 'error') {
			step.status = 'failed';
			step.error = decoded.error;
			const message = decoded.error?.message ?? String(decoded.value);
			if (decoded.action === 'stop') this.stop(hook.name, message);
			else this.warnings.push(message);
		} else if (decoded.action === 'short-circuit') {
			step.status = 'short-circuit';
		}
		return decoded;
	}
}
