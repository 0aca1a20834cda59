/**
 * The floor for any worker design: the input arrives by postMessage (transferred), Extism runs the plugin
 * on this thread, and the output bytes go back transferred. No Comlink, no trace, no storage.
 */
import createPlugin, { type Plugin } from '@extism/extism';
import { bareFunctions } from './bare-host';

/** What the page sends. */
export type FloorRequest =
	| { type: 'ping' }
	| { type: 'load'; source: { bytes: Uint8Array } | { module: WebAssembly.Module } }
	| { type: 'call'; id: number; export: string; input: Uint8Array };

/** What the worker answers. */
export type FloorReply =
	| { type: 'pong' }
	| { type: 'loaded' }
	/** `ms`: time inside `plugin.call`, measured in the worker. */
	| { type: 'result'; id: number; output: Uint8Array; ms: number }
	| { type: 'error'; message: string };

let plugin: Plugin | null = null;

function reply(message: FloorReply, transfer: Transferable[] = []) {
	self.postMessage(message, { transfer });
}

self.onmessage = async ({ data }: MessageEvent<FloorRequest>) => {
	try {
		if (data.type === 'ping') {
			reply({ type: 'pong' });
			return;
		}
		if (data.type === 'load') {
			const wasm =
				'bytes' in data.source ? { data: data.source.bytes } : { module: data.source.module };
			plugin = await createPlugin(
				{ wasm: [wasm] },
				{ runInWorker: false, functions: bareFunctions }
			);
			reply({ type: 'loaded' });
			return;
		}
		if (!plugin) throw new Error('call before load');
		const t0 = performance.now();
		const result = await plugin.call(data.export, data.input);
		const ms = performance.now() - t0;
		const output = result ? new Uint8Array(result.arrayBuffer() as ArrayBuffer) : new Uint8Array(0);
		reply({ type: 'result', id: data.id, output, ms }, [output.buffer]);
	} catch (err) {
		reply({ type: 'error', message: err instanceof Error ? err.message : String(err) });
	}
};
