import { formatBytes, isProbablyText, toHex, utf8Decode } from '../bytes/encoding';
import { ERROR_TITLES } from '../errors';
import { formatMs } from './timings';
import type { Payload, TraceEvent } from './types';

/** A WASI exit code as the Output panel and the Trace say it. */
export function describeExit(code: number): string {
	return code === 0 ? 'Exit code 0' : `Exited with code ${code}`;
}

/** How many characters of a payload a one-line summary shows. */
const INLINE_CHARS = 80;

/** A payload as short text: quoted UTF-8 when printable, hex otherwise, with its size when cut. */
export function showPayload(p: Payload | string, limit = INLINE_CHARS): string {
	if (typeof p === 'string') return p;
	if (p.size === 0) return '(empty)';
	const head = p.head.subarray(0, limit * 4);
	const body = isProbablyText(head)
		? JSON.stringify(clip(utf8Decode(head), limit))
		: `0x${clip(toHex(head.subarray(0, limit / 2)).replace(/\s/g, ''), limit)}`;
	return p.size > limit ? `${body} (${formatBytes(p.size)})` : body;
}

function clip(text: string, limit: number): string {
	return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

/** One line describing an event: a short label (`kv_read`, `info`, `call`) and its detail. */
export function describeEvent(e: TraceEvent): { label: string; detail: string } {
	switch (e.type) {
		case 'start':
			return {
				label: 'call',
				detail: `${e.export}(${showPayload(e.input)})${e.hook ? ` · hook ${e.hook}` : ''}`
			};
		case 'instantiate':
			return {
				label: 'instantiate',
				detail: `${e.ran.length ? `ran ${e.ran.join(' and ')}` : 'no start code'} · ${formatMs(e.dur)}${e.error ? ` ✗ ${e.error}` : ''}`
			};
		case 'host': {
			const args = Object.entries(e.args)
				.map(([k, v]) => `${k}=${showPayload(v)}`)
				.join(', ');
			const outcome = e.error
				? ` ✗ ${e.error}`
				: e.result !== undefined
					? ` → ${showPayload(e.result)}`
					: '';
			return { label: e.name, detail: `${args}${outcome}` };
		}
		case 'log':
			return {
				label: e.source === 'extism' || e.source === 'host' ? e.level : e.source,
				detail: e.text
			};
		case 'end': {
			const head = e.status === 'ok' ? 'ok' : e.error ? ERROR_TITLES[e.error.kind] : 'error';
			const output = e.output ? ` · output ${showPayload(e.output)}` : '';
			return {
				label: e.status === 'ok' ? 'return' : 'error',
				detail: `${head}${e.code !== undefined ? ` (code ${e.code})` : ''}${e.exit !== undefined ? ` · ${describeExit(e.exit)}` : ''} · call ${formatMs(e.duration)}${output}`
			};
		}
	}
}
