/**
 * Baseline (e): the minimal worker of `floor-worker.ts`, reached through Comlink as the playground's host
 * is. Set beside (d), it shows what Comlink itself costs per call.
 */
import * as Comlink from 'comlink';
import createPlugin, { type Plugin } from '@extism/extism';
import { bareFunctions } from './bare-host';

let plugin: Plugin | null = null;

/** What the page calls. */
const api = {
	async load(module: WebAssembly.Module): Promise<void> {
		plugin = await createPlugin(
			{ wasm: [{ module }] },
			{ runInWorker: false, functions: bareFunctions }
		);
	},
	async call(exportName: string, input: Uint8Array): Promise<Uint8Array> {
		if (!plugin) throw new Error('call before load');
		const result = await plugin.call(exportName, input);
		const output = result ? new Uint8Array(result.arrayBuffer() as ArrayBuffer) : new Uint8Array(0);
		return Comlink.transfer(output, [output.buffer]);
	}
};

/** The API's type, for `Comlink.wrap` on the page. */
export type ComlinkFloorApi = typeof api;

Comlink.expose(api);
