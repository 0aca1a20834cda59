/**
 * The files an AssemblyScript build reads besides the project's own: the examples' shared helpers
 * (`../_shared/…`) and the @extism/as-pdk sources, as text by path from the repository root, where asc
 * looks for them. Only the compiler worker imports this, so the text lands in its chunk alone.
 */
const SHARED = import.meta.glob<string>('../../../examples/_shared/*.ts', {
	query: '?raw',
	import: 'default',
	eager: true
});
const PDK = import.meta.glob<string>(
	['../../../node_modules/@extism/as-pdk/**/*.ts', '!**/example.ts'],
	{ query: '?raw', import: 'default', eager: true }
);

/** Path from the repository root → file text. */
export const ASC_LIBRARY: ReadonlyMap<string, string> = new Map(
	Object.entries({ ...SHARED, ...PDK }).map(([path, text]) => [
		path.replace(/^(\.\.\/)+/, ''),
		text
	])
);
