/** Harmont's Extism-era plugin ABI as one `ExtismProfile`: `hm_*` exports, JSON in and out. */
import { importKey, providerOf, type ImportProvider } from '../../host/abi';
import type { ModuleInfo } from '../../wasm/types';
import { EXTISM_USER } from '../../wasm/types';
import type { ExtismProfile } from '../profile';
import { encodeRequest, HARMONT_EXPORTS } from './capabilities';
import { answerIssues, decodeAnswer } from './decode';
import { HM_HOST_FNS, HM_PROVIDED } from './host-fns';

/** One `hm_*` import of a module: who answers it here, and how. */
export interface HmImportRow {
	name: string;
	provider: ImportProvider;
	/** What the playground does for it (from `HM_HOST_FNS`), or that Harmont never had it. */
	doc: string;
}

/** The module's `hm_*` imports with who provides each under these mocks (`module/name` keys). */
export function hmImportRows(info: ModuleInfo, mocked: ReadonlySet<string>): HmImportRow[] {
	return info.imports
		.filter((i) => i.module === EXTISM_USER && i.name.startsWith('hm_'))
		.map((imp) => ({
			name: imp.name,
			provider: providerOf(imp, { wasi: false, mocked }),
			doc:
				HM_HOST_FNS.find((f) => f.name === imp.name)?.doc ??
				`Harmont's host never had ${imp.name}; only a mock (${importKey(imp)}) can answer it.`
		}));
}

/** Host functions the manifest check counts as available: the playground's own, plus the mocked ones. */
export function availableHostFns(mocked: Iterable<string>): Set<string> {
	const names = new Set(HM_PROVIDED);
	for (const key of mocked) {
		if (key.startsWith(`${EXTISM_USER}/`)) names.add(key.slice(EXTISM_USER.length + 1));
	}
	return names;
}

/** Harmont (Extism era). */
export const harmontProfile: ExtismProfile = {
	id: 'harmont',
	title: 'Harmont (Extism era)',
	label: 'Harmont (Extism era)',
	host: 'Harmont',
	description:
		'Harmont (hm, a build tool) loaded plugins with Extism until May 2026. The host first calls hm_manifest and validates the PluginManifest it returns (API version 1, the host functions it requires, at least one capability); then it calls the export of each declared capability with a JSON request: hm_subcommand_run for a CLI verb, hm_executor_run for a build step, hm_hook_on_event around build events, hm_output_on_event and hm_output_finalize for an output format. Plugins reach the host through hm_* functions in extism:host/user. A failed call (error_set plus a non-zero return) carries a PluginError {code, message, doc_url}, which the host reports as HmError::PluginPanic. Harmont later replaced all this with native dylibs (stabby trait objects), which no browser can load; the card maps each export to its native successor.',
	transport: 'extism',
	hooks: HARMONT_EXPORTS,
	detect(info) {
		if (info.flavor !== 'extism') {
			return {
				matches: false,
				detail: 'not an Extism plugin: it does not import extism:host/env'
			};
		}
		const exported = new Set(info.exports.filter((e) => e.kind === 'function').map((e) => e.name));
		if (!exported.has('hm_manifest')) {
			return {
				matches: false,
				detail: 'an Extism plugin without hm_manifest, which Harmont calls first'
			};
		}
		const caps = HARMONT_EXPORTS.filter((e) => e.capability !== null && exported.has(e.name));
		const imports = hmImportRows(info, new Set()).map((r) => r.name);
		return {
			matches: true,
			detail: `exports hm_manifest${caps.length ? `, ${caps.map((c) => c.name).join(', ')}` : ''}; imports ${imports.length ? imports.join(', ') : 'no hm_* host functions'}`
		};
	},
	bind(hook, info) {
		return info.exports.some((e) => e.kind === 'function' && e.name === hook.defaultExport)
			? hook.defaultExport
			: null;
	},
	encode: encodeRequest,
	decode: (hook, output, code, pluginError, plugin) =>
		decodeAnswer(hook, output, code, {
			...(pluginError !== undefined ? { errorText: pluginError } : {}),
			...(plugin !== undefined ? { pluginName: plugin } : {}),
			available: HM_PROVIDED
		}),
	validate: answerIssues
};
