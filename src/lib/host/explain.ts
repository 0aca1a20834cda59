/**
 * Words about the host ABI for people: host function signatures as the About panel lists them, the
 * AssemblyScript that declares them, and what to do about an import nobody provides.
 */
import type { ImportInfo } from '../wasm/types';
import { EXTISM_ENV, EXTISM_USER, WASI_P1 } from '../wasm/types';
import { formatSignature } from '../workspace/io';
import { EXTISM_KERNEL, PLAYGROUND_FUNCTIONS, quotedNames, type HostFunctionDoc } from './abi';
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
	if (module === EXTISM_USER) {
		return `The playground provides only ${playgroundNames()} in "${EXTISM_USER}", not ${names}. ${MOCK_IT}`;
	}
	if (module === EXTISM_ENV) {
		const verb =
			imports.length === 1 ? 'is not an Extism kernel function' : 'are not Extism kernel functions';
		return `${names} ${verb} this SDK links (it links ${EXTISM_KERNEL.length}, listed in About the host ABI). The plugin was probably built for another SDK version: rebuild it with a current PDK, or mock it under Host function mocks.`;
	}
	return `Nothing provides module "${module}". The playground links the Extism kernel ("${EXTISM_ENV}"), its own ${playgroundNames()} ("${EXTISM_USER}") and WASI ("${WASI_P1}"). ${MOCK_IT}`;
}
