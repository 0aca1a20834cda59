// Serves a folder over HTTP under a sub-path, without dependencies, for Playwright and the benchmark.
// CLI: node scripts/serve-static.mjs dist [--base /some/sub/path/] [--port 4173] [--host 127.0.0.1]
//      [--cors] [--header 'Cross-Origin-Opener-Policy: same-origin' ...]
import { createReadStream, realpathSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** Content types by file extension; anything else is sent as bytes. */
const CONTENT_TYPES = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.map': 'application/json; charset=utf-8',
	'.wasm': 'application/wasm',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.ico': 'image/x-icon',
	'.txt': 'text/plain; charset=utf-8',
	'.wat': 'text/plain; charset=utf-8',
	'.woff2': 'font/woff2'
};

/**
 * @typedef {object} ServeOptions
 * @property {string} root folder whose files are served
 * @property {number} [port] 0 (the default) picks a free port
 * @property {string} [host] interface to listen on; 127.0.0.1 unless given
 * @property {string} [base] URL path the folder appears under, such as `/some/sub/path/`
 * @property {Record<string, string>} [headers] sent with every response (COOP/COEP, for instance)
 * @property {boolean} [cors] adds `Access-Control-Allow-Origin: *`
 */

/**
 * @typedef {object} StaticServer
 * @property {string} url where `root` is served, ending in `/`
 * @property {() => Promise<void>} close stops listening and drops open connections
 */

/**
 * `/a/b` → `/a/b/`, `a` → `/a/`, `` → `/`.
 * @param {string} base
 * @returns {string}
 */
function normaliseBase(base) {
	const trimmed = base.replace(/^\/+|\/+$/g, '');
	return trimmed ? `/${trimmed}/` : '/';
}

/**
 * The file a request path names under `root`, or undefined when the path leaves `root`, is not under
 * `base`, or is malformed. A directory's `index.html` is resolved by the caller.
 * @param {string} root absolute, symlink-free
 * @param {string} base normalised
 * @param {string} pathname
 * @returns {string | undefined}
 */
function fileFor(root, base, pathname) {
	if (!pathname.startsWith(base)) return undefined;
	let relative;
	try {
		relative = decodeURIComponent(pathname.slice(base.length));
	} catch {
		return undefined;
	}
	if (relative.includes('\0')) return undefined;
	const file = resolve(root, relative);
	return file === root || file.startsWith(root + sep) ? file : undefined;
}

/**
 * Serves the files under `root` at `base` until `close()` is called.
 * @param {ServeOptions} options
 * @returns {Promise<StaticServer>}
 */
export async function serveStatic({
	root,
	port = 0,
	host = '127.0.0.1',
	base = '/',
	headers = {},
	cors = false
}) {
	const rootDir = await realpath(resolve(root));
	const basePath = normaliseBase(base);
	/** @type {Record<string, string>} */
	const common = { 'Cache-Control': 'no-store', ...headers };
	if (cors) common['Access-Control-Allow-Origin'] = '*';

	const server = createServer(async (request, response) => {
		/**
		 * Ends the response with a short plain-text body.
		 * @param {number} status
		 * @param {string} text
		 * @param {Record<string, string>} [extra]
		 */
		const reply = (status, text, extra = {}) => {
			response.writeHead(status, {
				...common,
				'Content-Type': 'text/plain; charset=utf-8',
				...extra
			});
			response.end(request.method === 'HEAD' ? undefined : `${text}\n`);
		};

		if (request.method !== 'GET' && request.method !== 'HEAD') {
			reply(405, 'Method not allowed', { Allow: 'GET, HEAD' });
			return;
		}
		const { pathname, search } = new URL(request.url ?? '/', 'http://localhost');
		if (`${pathname}/` === basePath) {
			reply(301, 'Moved', { Location: basePath + search });
			return;
		}
		let file = fileFor(rootDir, basePath, pathname);
		let info = file ? await stat(file).catch(() => undefined) : undefined;
		if (file && info?.isDirectory()) {
			// Relative URLs inside index.html only resolve against a path that ends in a slash.
			if (!pathname.endsWith('/')) {
				reply(301, 'Moved', { Location: `${pathname}/${search}` });
				return;
			}
			file = resolve(file, 'index.html');
			info = await stat(file).catch(() => undefined);
		}
		if (!file || !info?.isFile()) {
			reply(404, `Not found: ${pathname}`);
			return;
		}
		const type = CONTENT_TYPES[/** @type {keyof CONTENT_TYPES} */ (extname(file).toLowerCase())];
		response.writeHead(200, {
			...common,
			'Content-Type': type ?? 'application/octet-stream',
			'Content-Length': String(info.size)
		});
		if (request.method === 'HEAD') {
			response.end();
			return;
		}
		createReadStream(file)
			.on('error', () => response.destroy())
			.pipe(response);
	});

	await new Promise((resolveListen, rejectListen) => {
		server.once('error', rejectListen);
		server.listen(port, host, () => resolveListen(undefined));
	});
	const address = server.address();
	const boundPort = typeof address === 'object' && address ? address.port : port;
	const urlHost = host.includes(':') ? `[${host}]` : host;
	return {
		url: `http://${urlHost}:${boundPort}${basePath}`,
		close: () =>
			new Promise((resolveClose, rejectClose) => {
				server.close((error) => (error ? rejectClose(error) : resolveClose()));
				server.closeAllConnections();
			})
	};
}

/**
 * Parses `Name: value` strings given with --header.
 * @param {string[]} lines
 * @returns {Record<string, string>}
 */
function parseHeaders(lines) {
	/** @type {Record<string, string>} */
	const headers = {};
	for (const line of lines) {
		const colon = line.indexOf(':');
		if (colon <= 0) throw new Error(`--header "${line}" must look like "Name: value".`);
		headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
	}
	return headers;
}

const invokedAsScript =
	process.argv[1] !== undefined &&
	realpathSync(resolve(process.argv[1])) === realpathSync(fileURLToPath(import.meta.url));

if (invokedAsScript) {
	const { values, positionals } = parseArgs({
		allowPositionals: true,
		options: {
			base: { type: 'string', default: '/' },
			port: { type: 'string', default: '4173' },
			host: { type: 'string', default: '127.0.0.1' },
			cors: { type: 'boolean', default: false },
			header: { type: 'string', multiple: true, default: [] }
		}
	});
	const root = positionals[0] ?? 'dist';
	const port = Number(values.port);
	if (!Number.isInteger(port) || port < 0 || port > 65535) {
		console.error(`--port ${values.port} is not a port number (0-65535).`);
		process.exit(2);
	}
	const exists = await stat(root).catch(() => undefined);
	if (!exists?.isDirectory()) {
		console.error(`${root} is not a folder. Build it first (npm run build) or name another one.`);
		process.exit(2);
	}
	const server = await serveStatic({
		root,
		port,
		host: values.host,
		base: values.base,
		cors: values.cors,
		headers: parseHeaders(values.header)
	});
	console.log(`Serving ${resolve(root)} at ${server.url}`);
	for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
		process.once(signal, () => server.close().then(() => process.exit(0)));
	}
}
