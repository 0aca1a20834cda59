/**
 * A line diff of two outputs, with long unchanged stretches folded. jsdiff is imported on first use, so it
 * stays out of the page's initial bundle.
 */

/** One line of a diff, or a fold standing for `count` unchanged lines. */
export type DiffLine =
	{ kind: 'same' | 'added' | 'removed'; text: string } | { kind: 'fold'; count: number };

/** A diff ready to show. */
export interface OutputDiff {
	lines: DiffLine[];
	added: number;
	removed: number;
}

/** Unchanged lines kept on each side of a change; longer unchanged runs are folded. */
export const DIFF_CONTEXT = 3;

/** Diffing gives up after this long, for huge outputs that differ everywhere. */
const DIFF_TIMEOUT_MS = 2000;

/** Line diff of `before` → `after`; null when the texts are too different to diff in time. */
export async function diffOutputs(before: string, after: string): Promise<OutputDiff | null> {
	const { diffLines } = await import('diff');
	const changes = diffLines(before, after, { timeout: DIFF_TIMEOUT_MS });
	if (!changes) return null;
	const raw: { kind: 'same' | 'added' | 'removed'; text: string }[] = [];
	let added = 0;
	let removed = 0;
	for (const change of changes) {
		const kind = change.added ? 'added' : change.removed ? 'removed' : 'same';
		const lines = change.value.split('\n');
		// A trailing newline ends the last line; it does not start another.
		if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
		for (const text of lines) raw.push({ kind, text });
		if (kind === 'added') added += lines.length;
		if (kind === 'removed') removed += lines.length;
	}
	return { lines: foldUnchanged(raw), added, removed };
}

/** Replaces unchanged runs longer than twice the context with their edges and a fold. */
export function foldUnchanged(
	lines: readonly { kind: 'same' | 'added' | 'removed'; text: string }[],
	context = DIFF_CONTEXT
): DiffLine[] {
	const out: DiffLine[] = [];
	let i = 0;
	while (i < lines.length) {
		const line = lines[i];
		if (!line) break;
		if (line.kind !== 'same') {
			out.push(line);
			i++;
			continue;
		}
		let end = i;
		while (lines[end]?.kind === 'same') end++;
		const whole = i === 0 && end === lines.length;
		// Identical outputs still show their opening lines; otherwise edges of the text need no context.
		const keepHead = whole ? 2 * context : i === 0 ? 0 : context;
		const keepTail = end === lines.length ? 0 : context;
		if (end - i > keepHead + keepTail) {
			out.push(...lines.slice(i, i + keepHead));
			out.push({ kind: 'fold', count: end - i - keepHead - keepTail });
			out.push(...lines.slice(end - keepTail, end));
		} else {
			out.push(...lines.slice(i, end));
		}
		i = end;
	}
	return out;
}
