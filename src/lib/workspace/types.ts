import type { HostSettings } from '../host/settings';
import type { ExampleLanguage } from '../source/project';
import type { SavedCode } from '../source/saved';

/** Where a plugin came from; enough to load it again. */
export type PluginSource =
	| { kind: 'example'; name: string }
	| { kind: 'url'; url: string }
	| { kind: 'file'; name: string }
	| { kind: 'manifest'; name: string; manifest: unknown };

/** How the input editor interprets its text. */
export type InputMode = 'text' | 'json' | 'hex';

/** One loaded plugin as the workspace remembers it: plain data, JSON-able. */
export interface PluginState {
	id: string;
	name: string;
	source: PluginSource;
	/** sha256 of the module bytes, once known. */
	sha256: string | null;
	/**
	 * A manifest's other modules, linked into this one by name, with the sha256 of their bytes (kept in
	 * storage like the main module's); absent for a plugin of one module.
	 */
	linked?: { name: string; sha256: string }[];
	settings: HostSettings;
	exportName: string;
	input: string;
	inputMode: InputMode;
	/** The Hook ABI panel; absent when untouched, and in workspaces saved before it was kept. */
	abi?: SavedAbi;
	/** The plugin's source, when it has one in the page (edited, built, or adopted); absent in older saves. */
	code?: SavedCode;
}

/** A plugin's Hook ABI panel as the workspace keeps it: what was picked and typed, never results. */
export interface SavedAbi {
	/** The ABI picked: a profile's id, or `none` for a plain call; absent follows detection. */
	profile?: string;
	/** The hook picked; absent follows the default. */
	hook?: string;
	/** Arguments as typed, by hook name. */
	args?: Record<string, string>;
	/** Hook → export chosen through a descriptor's follow-up. */
	bindings?: Record<string, string>;
	/** Hook → export from an imported host config (extism.json): the host binds only these. */
	configured?: Record<string, string>;
	/** A whole turn's message as typed. */
	turnMessage?: string;
	/** A pipeline's input as typed. */
	pipelineInput?: string;
}

/** Widths of the side columns, in percent of the main area. */
export interface PaneLayout {
	left: number;
	right: number;
}

/** The layout a new workspace starts with. */
export const DEFAULT_LAYOUT: PaneLayout = { left: 24, right: 38 };

/** Keeps the side panel at 15–40% and the trace pane at 15–50%, so the middle always has room. */
export function clampLayout(layout: PaneLayout): PaneLayout {
	const clamp = (n: number, max: number, fallback: number) =>
		Math.min(max, Math.max(15, Number.isFinite(n) ? n : fallback));
	return {
		left: clamp(layout.left, 40, DEFAULT_LAYOUT.left),
		right: clamp(layout.right, 50, DEFAULT_LAYOUT.right)
	};
}

/** The whole workspace: what a reload restores and what a share link will carry. */
export interface WorkspaceState {
	v: 1;
	plugins: PluginState[];
	activeId: string | null;
	/** Missing in workspaces saved before panes were resizable. */
	layout?: PaneLayout;
}

/** One built-in example, as listed in `examples/index.json`. */
export interface ExampleMeta {
	name: string;
	title: string;
	description: string;
	export: string;
	input: string;
	tags: string[];
	config?: Record<string, string>;
	allowedHosts?: string[];
	/** The hook ABI the example teaches (`bub`, `bifrost`), when it teaches one. */
	abi?: string;
	/** Other modules of the example's manifest, linked into the main one (`file`) by name. */
	linked?: { name: string; file: string; size: number; sha256: string }[];
	/** The language of the example's source (`assemblyscript`, `wat`, `c`). */
	language?: ExampleLanguage;
	/** The example's source files under `examples/<name>/src/`, the entry first. */
	sources?: string[];
	/** For bub examples: the hook → export bindings of its Bub config entry. */
	hooks?: Record<string, string>;
	file: string;
	size: number;
	sha256: string;
}

/** The default KV namespace for a plugin: derived from where it came from, so reloading it finds its data. */
export function defaultNamespace(source: PluginSource): string {
	switch (source.kind) {
		case 'example':
			return `example:${source.name}`;
		case 'url':
			return `url:${source.url}`;
		case 'file':
			return `file:${source.name}`;
		case 'manifest':
			return `manifest:${source.name}`;
	}
}

/** A short display name for a plugin source. */
export function sourceName(source: PluginSource): string {
	switch (source.kind) {
		case 'example':
			return source.name;
		case 'url': {
			const path = source.url.split(/[?#]/)[0];
			return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)) || source.url;
		}
		case 'file':
		case 'manifest':
			return source.name;
	}
}
