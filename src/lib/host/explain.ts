/**
 * Words about the host ABI for people: host function signatures as the About panel lists them, the
 * AssemblyScript that declares them, and what to do about an import nobody provides.
 */
import type { ImportInfo } from '../wasm/types';
import {
	EXTISM_ENV,
	EXTISM_USER,
	LEGACY_ENV,
	LEGACY_PREFIX,
	WASI_P1,
	WASI_UNSTABLE
} from '../wasm/types';
import { formatSignature } from '../workspace/io';
import {
	EXTISM_KERNEL,
	linkWithManifest,
	PLAYGROUND_FUNCTIONS,
	quotedNames,
	type HostFunctionDoc
} from './abi';
import type { HostSettings } from './settings';

/** `kv_read(i64) -> i64`: a host function with its signature. */
export function hostFunctionLine(fn: HostFunctionDoc): string {
	return `${fn.name}${formatSignature(fn.signature)}`;
}

/** Parameter names for the AssemblyScript declarations; the signatures only know the types. */
const PARAM_NAMES: Readonly<Record<string, readonly string[]>> = {
	kv_read: ['key'],
	kv_write: ['key', 'value'],
	log: ['message']
};

/** AssemblyScript types for the wasm types the playground's host functions use. */
const AS_TYPES: Readonly<Record<string, string>> = {
	i32: 'i32',
	i64: 'u64',
	f32: 'f32',
	f64: 'f64'
};

/** AssemblyScript `@external` declarations for host functions (the playground's, by default). */
export function assemblyScriptImports(
	fns: readonly HostFunctionDoc[] = PLAYGROUND_FUNCTIONS
): string {
	return fns
		.map((fn) => {
			const names = PARAM_NAMES[fn.name] ?? [];
			const params = fn.signature.params
				.map((t, i) => `${names[i] ?? `arg${i}`}: ${AS_TYPES[t] ?? t}`)
				.join(', ');
			const result = fn.signature.results[0];
			const ret = result === undefined ? 'void' : (AS_TYPES[result] ?? result);
			return `@external('${EXTISM_USER}', '${fn.name}')\ndeclare function ${fn.name}(${params}): ${ret};`;
		})
		.join('\n\n');
}

/**
 * The About dialog's AssemblyScript sample: the generated declarations, then a few lines that use them.
 * It lives here, not in the component, because Vite's dependency scan reads `import` lines in a Svelte
 * script by pattern, even inside a template string, and would try to pre-bundle the PDK's AssemblyScript.
 */
export function assemblyScriptSample(): string {
	return `${assemblyScriptImports()}

// Using them with @extism/as-pdk:
import { Memory } from '@extism/as-pdk';
import { length } from '@extism/as-pdk/lib/env';

const key = Memory.allocateString('count');
const found = kv_read(key.offset);
// A missing key is an empty block: length 0, so this is ''.
const current = new Memory(found, length(found)).toString();
kv_write(key.offset, Memory.allocateString('1').offset);`;
}

/** The playground's own host function names, for messages: `kv_read, kv_write and log`. */
function playgroundNames(): string {
	const names = PLAYGROUND_FUNCTIONS.map((f) => f.name);
	return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names.join('');
}

const MOCK_IT =
	'Give it a stand-in under Host function mocks (a fixed value, an echo, a table or a failure), or rebuild the plugin without this import.';

/**
 * What to do about the imports of one module that nobody provides, in one or two sentences shown right
 * under them. `imports` are the missing ones; `wasi` is the WASI setting in force.
 */
export function missingImportAdvice(
	module: string,
	imports: readonly ImportInfo[],
	wasi: HostSettings['wasi']
): string {
	if (imports.some((imp) => imp.kind !== 'function')) {
		return `The playground links functions only, and this module imports a ${imports.find((imp) => imp.kind !== 'function')?.kind} from "${module}". Rebuild the plugin so the module defines it itself.`;
	}
	const names = quotedNames(imports.map((imp) => imp.name));
	if (module === WASI_P1) {
		return wasi === 'off'
			? 'WASI is switched off in Host settings: set WASI to "auto" or "on" and apply.'
			: 'Turn WASI on in Host settings and apply.';
	}
	if (module === WASI_UNSTABLE) {
		return `"${WASI_UNSTABLE}" is WASI's snapshot from before preview 1, which neither the Extism JS SDK nor the playground links: rebuild the plugin with a current WASI target (wasm32-wasip1), which imports "${WASI_P1}".`;
	}
	if (module === LEGACY_ENV && imports.some((imp) => imp.name.startsWith(LEGACY_PREFIX))) {
		return legacyPdk(imports).hint;
	}
	if (module === EXTISM_USER) {
		return `The playground provides only ${playgroundNames()} in "${EXTISM_USER}", not ${names}. ${MOCK_IT}`;
	}
	if (module === EXTISM_ENV) {
		const verb =
			imports.length === 1 ? 'is not an Extism kernel function' : 'are not Extism kernel functions';
		return `${names} ${verb} this SDK links (it links ${EXTISM_KERNEL.length}, listed in About the host ABI). The plugin was probably built for another SDK version: rebuild it with a current PDK, or mock it under Host function mocks.`;
	}
	const provided = `The playground links the Extism kernel ("${EXTISM_ENV}"), its own ${playgroundNames()} ("${EXTISM_USER}") and WASI ("${WASI_P1}").`;
	// `env` is where toolchains put their own runtime imports (AssemblyScript's abort...), not a module name.
	if (module === LEGACY_ENV) return `Nothing provides module "${module}". ${provided} ${MOCK_IT}`;
	return `${provided} ${linkWithManifest(module)}`;
}

/**
 * What to say about a plugin built with a pre-1.0 Extism PDK (Extism 0.x), which imports the kernel from
 * `env` as `extism_*`: Extism 1.0 moved the kernel to `extism:host/env` (without the prefix) and user host
 * functions to `extism:host/user`, and current SDKs (the JS SDK this playground runs included) link only those.
 * `imports` are the module's imports.
 */
export function legacyPdk(imports: readonly ImportInfo[]): { message: string; hint: string } {
	const kernel = imports.filter(
		(imp) => imp.module === LEGACY_ENV && imp.name.startsWith(LEGACY_PREFIX)
	);
	const names = quotedNames(kernel.map((imp) => imp.name));
	const renamed = kernel
		.slice(0, 2)
		.map((imp) => `"${imp.name}" is now "${EXTISM_ENV}" "${imp.name.slice(LEGACY_PREFIX.length)}"`)
		.join(', ');
	return {
		message: `This plugin was built with a pre-1.0 Extism PDK (Extism 0.x, before the 1.0 release of January 2024): it imports the Extism kernel from "${LEGACY_ENV}" as ${names}. Current Extism SDKs, including the JS SDK the playground runs, link the kernel only as "${EXTISM_ENV}" (${renamed}), so this plugin cannot run here or in any current Extism host.`,
		hint: `Rebuild it with a current (1.x) PDK: Rust extism-pdk 1.x, Go github.com/extism/go-pdk 1.x, JS PDK (extism-js) 1.x, AssemblyScript @extism/as-pdk 1.x, C/C++ extism-pdk.h 1.x, Haskell, Zig or .NET PDK 1.x. The plugin's code rarely changes; host functions it imported from "${LEGACY_ENV}" are imported from "${EXTISM_USER}" by current PDKs.`
	};
}
