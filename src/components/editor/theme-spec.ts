/**
 * The CodeMirror theme rules both editors share (the input editor and the WAT viewer): colours and fonts
 * from app.css's custom properties, so every editor follows the light and dark themes. Plain data, so
 * each editor's chunk builds its own `EditorView.theme` from it plus its own rules.
 */
export const SHARED_THEME = {
	'&': {
		backgroundColor: 'var(--panel)',
		color: 'var(--text)',
		border: '1px solid var(--border)',
		borderRadius: '6px'
	},
	'&.cm-focused': { outline: '2px solid var(--focus)', outlineOffset: '1px' },
	'.cm-scroller': {
		fontFamily: 'var(--mono)',
		fontSize: '12.5px',
		lineHeight: '1.45',
		overflow: 'auto'
	},
	'.cm-content': { caretColor: 'var(--text)', padding: '0.3rem 0' },
	'.cm-line': { padding: '0 0.5rem' },
	'&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection':
		{ backgroundColor: 'color-mix(in srgb, var(--accent) 30%, transparent)' },
	'.cm-gutters': {
		backgroundColor: 'var(--code-bg)',
		color: 'var(--muted)',
		borderRight: '1px solid var(--border)',
		borderRadius: '6px 0 0 6px'
	},
	'&.cm-focused .cm-matchingBracket': {
		backgroundColor: 'color-mix(in srgb, var(--accent) 20%, transparent)'
	}
} as const;

/** The theme rules of the editors that edit (input and source): cursor, tooltips and lint diagnostics. */
export const EDITING_THEME = {
	'.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--text)' },
	'.cm-tooltip': {
		backgroundColor: 'var(--panel)',
		color: 'var(--text)',
		border: '1px solid var(--border)',
		borderRadius: '6px'
	},
	'.cm-diagnostic': { fontFamily: 'var(--sans)' },
	'.cm-diagnostic-error': { borderLeftColor: 'var(--err)' }
} as const;
