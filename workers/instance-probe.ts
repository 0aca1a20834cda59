/**
 * The Extism SDK discards an export's return code, so it cannot tell a plugin that returned 3 from one that
 * succeeded. While the SDK instantiates, this probe wraps `WebAssembly.instantiate` so each export records
 * its return value, and keeps the instance to read memory size after a call. It also lets the host replace
 * imports the SDK chose (WASI's streams and exit, see `lib/host/wasi-stdio.ts`).
 */
type Instantiate = (module: WebAssembly.Module, imports?: WebAssembly.Imports) => Promise<unknown>;
/** Replaces imports of one instantiation; `memory` is that instance's memory once it exists. */
type Link = (
	imports: WebAssembly.Imports,
	memory: () => WebAssembly.Memory | null
) => WebAssembly.Imports;

/** What the probe has seen: the last instance created and the last export's return value. */
export class InstanceProbe {
	/** The most recently instantiated module: the SDK instantiates the main module last. */
	instance: WebAssembly.Instance | null = null;
	/** Return value of the last export call that returned a number. */
	lastCode: number | null = null;

	readonly #link: Link | null;

	/** @param link replaces imports the SDK chose, given the instance's memory once it exists. */
	constructor(link: Link | null = null) {
		this.#link = link;
	}

	/** Runs `fn` (which creates the plugin) with `WebAssembly.instantiate` wrapped. */
	async during<T>(fn: () => Promise<T>): Promise<T> {
		const link = this.#link;
		const api = WebAssembly as unknown as { instantiate: Instantiate };
		const original = api.instantiate;
		api.instantiate = async (module, imports) => {
			let memory: WebAssembly.Memory | null = null;
			const linked = imports && link ? link(imports, () => memory) : imports;
			const result = await original(module, linked);
			// instantiate(Module) resolves to an Instance; instantiate(bytes) to { module, instance }.
			if (result instanceof WebAssembly.Instance) {
				const exported = result.exports.memory;
				if (exported instanceof WebAssembly.Memory) memory = exported;
				return this.#wrap(result);
			}
			return result;
		};
		try {
			return await fn();
		} finally {
			api.instantiate = original;
		}
	}

	/** Linear memory of the instance, in pages. */
	memoryPages(): number | null {
		const memory = this.instance?.exports.memory;
		return memory instanceof WebAssembly.Memory ? memory.buffer.byteLength / 65536 : null;
	}

	#wrap(real: WebAssembly.Instance): WebAssembly.Instance {
		const exports: Record<string, WebAssembly.ExportValue> = {};
		for (const [name, value] of Object.entries(real.exports)) {
			if (typeof value !== 'function') {
				exports[name] = value;
				continue;
			}
			const fn = value as (...args: unknown[]) => unknown;
			exports[name] = (...args: unknown[]) => {
				this.lastCode = null;
				const code = fn(...args);
				this.lastCode = typeof code === 'number' ? code : null;
				return code;
			};
		}
		const wrapped = { exports: Object.freeze(exports) } as unknown as WebAssembly.Instance;
		this.instance = wrapped;
		return wrapped;
	}
}
