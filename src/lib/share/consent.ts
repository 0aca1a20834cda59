/**
 * What a link may claim, and what it must ask for. A link is a stranger's: its plugins get a KV namespace
 * of their own and reach no host, and nothing runs until the person presses Run. Whatever the link asked
 * for beyond that (a namespace that holds data here, hosts for `http_request`, KV entries to import, a run
 * on open) becomes a request that the page shows before the first Run and applies only on an explicit yes.
 */
import type { OpenedShare } from './state';

/** Something a link asks for that reaches beyond its own plugins. */
export type LinkRequest =
	| {
			kind: 'namespace';
			/** The namespace the link named, which already holds entries here. */
			namespace: string;
			entries: number;
			/** The plugins that asked for it, and the fresh namespace they got instead. */
			pluginIds: string[];
			pluginNames: string[];
			fresh: string;
	  }
	| {
			kind: 'hosts';
			pluginId: string;
			pluginName: string;
			/** The hosts the link lists for this plugin's `http_request`. */
			hosts: string[];
			/** What the plugin may reach until the person agrees: nothing, or an example's own hosts. */
			granted: string[];
	  }
	| {
			kind: 'kv';
			/** The namespace the sender's entries came from. */
			namespace: string;
			entries: Map<string, Uint8Array>;
			pluginIds: string[];
			pluginNames: string[];
	  }
	| { kind: 'autorun'; pluginId: string; pluginName: string; exportName: string };

/** What the receiver's side knows when a link opens. */
export interface ConsentContext {
	/** How many KV entries each namespace the link names holds here (absent: none). */
	existing: ReadonlyMap<string, number>;
	/** The hosts a built-in example allows by itself (its catalogue entry); null for other plugins. */
	exampleHosts: (pluginIndex: number) => string[] | null;
	/** A namespace no one uses yet, for the link's namespace `namespace`. */
	freshNamespace: (namespace: string) => string;
	/** Whether the link asks to run its active plugin on open (and may: only examples autorun). */
	autorun: boolean;
}

/** A share made safe to open, and the requests to show. */
export interface Guarded {
	opened: OpenedShare;
	requests: LinkRequest[];
}

/**
 * Rewrites an opened share so that it claims nothing: each namespace the link names is replaced by a fresh
 * one (plugins that shared a namespace still share the fresh one), each plugin's hosts are cut to none (an
 * example keeps its own), and the link's KV entries are held back. What was cut becomes a request.
 */
export function guardLink(opened: OpenedShare, context: ConsentContext): Guarded {
	const requests: LinkRequest[] = [];
	const fresh = new Map<string, string>();
	const byNamespace = new Map<string, { ids: string[]; names: string[] }>();
	const plugins = opened.plugins.map((plugin, index) => {
		const { state } = plugin;
		const asked = state.settings.namespace;
		let replacement = fresh.get(asked);
		if (replacement === undefined) {
			replacement = context.freshNamespace(asked);
			fresh.set(asked, replacement);
		}
		let users = byNamespace.get(asked);
		if (!users) byNamespace.set(asked, (users = { ids: [], names: [] }));
		users.ids.push(state.id);
		users.names.push(state.name);

		const granted = context.exampleHosts(index) ?? [];
		const hosts = state.settings.allowedHosts;
		if (hosts.some((h) => !granted.includes(h))) {
			requests.push({ kind: 'hosts', pluginId: state.id, pluginName: state.name, hosts, granted });
		}
		return {
			...plugin,
			state: {
				...state,
				settings: { ...state.settings, namespace: replacement, allowedHosts: [...granted] }
			}
		};
	});
	for (const [namespace, users] of byNamespace) {
		const entries = context.existing.get(namespace) ?? 0;
		if (entries > 0) {
			requests.push({
				kind: 'namespace',
				namespace,
				entries,
				pluginIds: users.ids,
				pluginNames: users.names,
				fresh: fresh.get(namespace) ?? namespace
			});
		}
	}
	for (const [namespace, entries] of opened.kv) {
		const users = byNamespace.get(namespace);
		if (!users || entries.size === 0) continue;
		requests.push({
			kind: 'kv',
			namespace,
			entries,
			pluginIds: users.ids,
			pluginNames: users.names
		});
	}
	const active = plugins.find((p) => p.state.id === opened.workspace.activeId);
	if (context.autorun && active) {
		requests.push({
			kind: 'autorun',
			pluginId: active.state.id,
			pluginName: active.state.name,
			exportName: active.state.exportName
		});
	}
	return {
		opened: {
			...opened,
			plugins,
			workspace: { ...opened.workspace, plugins: plugins.map((p) => p.state) },
			kv: new Map()
		},
		requests
	};
}

/** A namespace for a link's plugins: the one they named, marked as the link's and made unique. */
export function linkNamespace(namespace: string, unique: string): string {
	const named = namespace.length > 64 ? `${namespace.slice(0, 64)}…` : namespace;
	return `link ${unique}: ${named}`;
}

/**
 * One sentence per request, as the page shows it; names are the link's, shown as text. `from` names what
 * asks: a link, or a workspace file someone imported.
 */
export function describeRequest(
	request: LinkRequest,
	from: 'link' | 'workspace file' = 'link'
): string {
	const list = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');
	switch (request.kind) {
		case 'namespace':
			return `The ${from} asks ${list(request.pluginNames)} to use the KV namespace "${request.namespace}", which holds ${plural(request.entries, 'entry', 'entries')} here. Until you agree, ${request.pluginNames.length > 1 ? 'they use' : 'it uses'} a new, empty namespace ("${request.fresh}").`;
		case 'hosts':
			return `The ${from} lets "${request.pluginName}" reach ${list(request.hosts)} with http_request. Until you agree, it may reach ${request.granted.length ? list(request.granted) : 'no host'}.`;
		case 'kv':
			return `The ${from} carries ${plural(request.entries.size, 'KV entry', 'KV entries')} (from namespace "${request.namespace}") for ${list(request.pluginNames)}. They are not imported until you agree.`;
		case 'autorun':
			return `The ${from} asks to run "${request.exportName}" of "${request.pluginName}" as soon as it opens. Nothing runs until you agree or press Run.`;
	}
}

/** The label of the button that says yes to a request. */
export function acceptLabel(request: LinkRequest): string {
	switch (request.kind) {
		case 'namespace':
			return `Use namespace "${request.namespace}"`;
		case 'hosts':
			return `Allow ${request.hosts.length === 1 ? 'this host' : 'these hosts'}`;
		case 'kv':
			return 'Import the KV entries';
		case 'autorun':
			return 'Run it now';
	}
}

function plural(n: number, one: string, many: string): string {
	return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
