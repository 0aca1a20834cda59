// Types for serve-static.mjs, for TypeScript that imports it without allowJs (tests/e2e under tsconfig.json).

/** How to serve a folder. */
export interface ServeOptions {
	root: string;
	port?: number;
	host?: string;
	base?: string;
	headers?: Record<string, string>;
	cors?: boolean;
}

/** A running server: where it listens, and how to stop it. */
export interface StaticServer {
	url: string;
	close(): Promise<void>;
}

/** Serves the files under `root` at `base` until `close()` is called. */
export declare function serveStatic(options: ServeOptions): Promise<StaticServer>;
