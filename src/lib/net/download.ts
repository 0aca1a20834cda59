import { fail, type Result } from '../errors';

/** Progress of a download: bytes so far and the total when the server announced one. */
export interface Progress {
	loaded: number;
	total: number | null;
}

/** Downloads `url` as bytes, reporting progress as chunks arrive. Never throws. */
export async function download(
	url: string,
	onProgress: (p: Progress) => void = () => {},
	signal?: AbortSignal
): Promise<Result<{ bytes: Uint8Array; contentType: string; url: string }>> {
	let response: Response;
	try {
		response = await fetch(url, { signal, credentials: 'omit' });
	} catch (err) {
		if (signal?.aborted) return fail('load', `Download of ${url} was cancelled.`, 'Load it again.');
		const reason = err instanceof Error ? err.message : String(err);
		return fail(
			'load',
			`Could not download ${url}: ${reason}.`,
			'Check the address and your connection. A server on another origin must allow cross-origin requests (CORS: Access-Control-Allow-Origin).'
		);
	}
	if (!response.ok) {
		return fail(
			'load',
			`The server answered ${response.status} ${response.statusText || ''}`.trimEnd() +
				` for ${url}.`,
			response.status === 404
				? 'Check the address: nothing is there.'
				: 'Try again later, or check the address.'
		);
	}
	const header = response.headers.get('content-length');
	const total = header !== null && /^\d+$/.test(header) ? Number(header) : null;
	const contentType = response.headers.get('content-type') ?? '';
	const reader = response.body?.getReader();
	if (!reader) {
		const bytes = new Uint8Array(await response.arrayBuffer());
		onProgress({ loaded: bytes.byteLength, total });
		return { ok: true, bytes, contentType, url: response.url || url };
	}
	const chunks: Uint8Array[] = [];
	let loaded = 0;
	onProgress({ loaded, total });
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			chunks.push(value);
			loaded += value.byteLength;
			onProgress({ loaded, total });
		}
	} catch (err) {
		const reason = err instanceof Error ? err.message : String(err);
		return fail(
			'load',
			`The download of ${url} broke off after ${loaded} bytes: ${reason}.`,
			'Load it again.'
		);
	}
	const bytes = new Uint8Array(loaded);
	let offset = 0;
	for (const chunk of chunks) {
		bytes.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return { ok: true, bytes, contentType, url: response.url || url };
}
