/**
 * The read-only CodeMirror view of a module's WAT text, with search, line numbers and WAT highlighting.
 * WatView imports this module dynamically, so it loads with the first WAT view, not with the page.
 */
import { defaultKeymap } from '@codemirror/commands';
import { bracketMatching, syntaxHighlighting } from '@codemirror/language';
import {
	highlightSelectionMatches,
	openSearchPanel,
	search,
	searchKeymap
} from '@codemirror/search';
import { EditorState, StateEffect, StateField, Text } from '@codemirror/state';
import {
	Decoration,
	EditorView,
	highlightActiveLineGutter,
	keymap,
	lineNumbers,
	type DecorationSet
} from '@codemirror/view';
import { watHighlight, watLanguage } from './wat-language';
import { SHARED_THEME } from './theme-spec';

/** A live viewer; the host gives it text, asks it to reveal lines, and destroys it when it goes. */
export interface WatViewer {
	/**
	 * Replaces the text. A long text is cut into lines a slice at a time, yielding between slices, so no
	 * main-thread task grows with the text; resolves once it is shown, or false when a newer call won.
	 */
	setText(text: string): Promise<boolean>;
	/** Scrolls the line at `from` to the middle, highlights it, puts the cursor there and focuses the text. */
	revealLine(from: number): void;
	/** Opens the search panel (as Ctrl/Cmd+F does). */
	openSearch(): void;
	/** Removes the viewer from the page. */
	destroy(): void;
}

/** What the viewer needs from its host component. */
export interface WatViewerOptions {
	/** The element the viewer is appended to; the viewer fills its height. */
	parent: HTMLElement;
	/** ARIA attributes of the text element (`aria-label`, …). */
	attributes: Record<string, string>;
}

/** Characters cut into lines per task: 30,000 lines or so, some tens of milliseconds on a slow machine. */
const SLICE_CHARS = 1 << 19;

/** Sets (or clears, with null) the highlighted line, by its start. */
const setTarget = StateEffect.define<number | null>();

/** The highlighted target line, kept in place by edits (there are none but a text swap, which clears it). */
const targetLine = StateField.define<DecorationSet>({
	create: () => Decoration.none,
	update(lines, tr) {
		lines = tr.docChanged ? Decoration.none : lines;
		for (const effect of tr.effects) {
			if (!effect.is(setTarget)) continue;
			lines =
				effect.value === null
					? Decoration.none
					: Decoration.set([
							Decoration.line({ class: 'cm-wat-target' }).range(
								tr.state.doc.lineAt(effect.value).from
							)
						]);
		}
		return lines;
	},
	provide: (field) => EditorView.decorations.from(field)
});

/** The shared editor theme, filling its pane, with the viewer's own marks and search panel. */
const theme = EditorView.theme({
	...SHARED_THEME,
	'&': { ...SHARED_THEME['&'], height: '100%' },
	'.cm-cursor': { borderLeftColor: 'var(--text)' },
	'.cm-activeLineGutter': {
		backgroundColor: 'color-mix(in srgb, var(--accent) 12%, transparent)',
		color: 'var(--text)'
	},
	// An outline, not a background: a tinted line would take token colours below their contrast.
	'.cm-wat-target': {
		outline: '2px solid var(--warn)',
		outlineOffset: '-2px',
		boxShadow: 'inset 5px 0 var(--warn)'
	},
	'.cm-searchMatch': {
		backgroundColor: 'color-mix(in srgb, var(--focus) 25%, transparent)',
		outline: '1px solid color-mix(in srgb, var(--focus) 60%, transparent)'
	},
	'.cm-searchMatch.cm-searchMatch-selected': {
		backgroundColor: 'color-mix(in srgb, var(--accent) 40%, transparent)'
	},
	'.cm-selectionMatch': { backgroundColor: 'color-mix(in srgb, var(--ok) 18%, transparent)' },
	'.cm-panels': {
		backgroundColor: 'var(--panel-2)',
		color: 'var(--text)',
		borderColor: 'var(--border)'
	},
	'.cm-panels-top': { borderBottom: '1px solid var(--border)' },
	'.cm-panel.cm-search': { fontFamily: 'var(--sans)', padding: '0.3rem 0.5rem' },
	'.cm-panel.cm-search input, .cm-panel.cm-search button': { font: 'inherit', fontSize: '0.85rem' },
	'.cm-textfield': {
		backgroundColor: 'var(--panel)',
		color: 'var(--text)',
		border: '1px solid var(--border)'
	},
	'.cm-button': {
		backgroundImage: 'none',
		backgroundColor: 'var(--panel)',
		color: 'var(--text)',
		border: '1px solid var(--border)'
	}
});

/** Lets the page handle input and paint before the next piece of work. */
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Cuts `text` into a CodeMirror document a slice at a time; null when `stale()` turns true meanwhile. */
async function buildDoc(text: string, stale: () => boolean): Promise<Text | null> {
	let doc: Text | null = null;
	for (let from = 0; from < text.length || doc === null;) {
		let to = Math.min(text.length, from + SLICE_CHARS);
		if (to < text.length) {
			const newline = text.indexOf('\n', to);
			to = newline === -1 ? text.length : newline;
		}
		// Every slice after the first starts with the "\n" that ends the line before it.
		const part = Text.of(text.slice(from, to).split('\n'));
		doc = doc === null ? part : doc.append(part);
		from = to;
		if (from < text.length) {
			await nextTask();
			if (stale()) return null;
		}
	}
	return doc;
}

/** Builds the viewer inside `options.parent`. */
export function createWatViewer(options: WatViewerOptions): WatViewer {
	const view = new EditorView({
		parent: options.parent,
		state: EditorState.create({
			extensions: [
				EditorState.readOnly.of(true),
				// The search panel's "×" would otherwise be a second "close" button in the dialog.
				EditorState.phrases.of({ close: 'Close search' }),
				lineNumbers(),
				highlightActiveLineGutter(),
				watLanguage,
				syntaxHighlighting(watHighlight),
				bracketMatching(),
				search({ top: true }),
				highlightSelectionMatches(),
				targetLine,
				// Tab is left unbound on purpose, so keyboard users can tab out of the text.
				keymap.of([...searchKeymap, ...defaultKeymap]),
				theme,
				// The tab index tells checkers what browsers already do: the scrolling text takes focus.
				EditorView.contentAttributes.of({
					'aria-readonly': 'true',
					tabindex: '0',
					...options.attributes
				})
			]
		})
	});
	let version = 0;
	return {
		async setText(text) {
			const mine = ++version;
			const doc = await buildDoc(text, () => mine !== version);
			if (doc === null || mine !== version) return false;
			view.dispatch({
				changes: { from: 0, to: view.state.doc.length, insert: doc },
				selection: { anchor: 0 },
				scrollIntoView: true
			});
			// Taking in a long text is a task of its own; what the host does next (scrolling) gets another.
			await nextTask();
			return mine === version;
		},
		revealLine(from) {
			const line = view.state.doc.lineAt(Math.min(from, view.state.doc.length));
			view.dispatch({
				// A cursor, not a selection: the search panel would take a selected line as its query.
				selection: { anchor: line.from },
				effects: [setTarget.of(line.from), EditorView.scrollIntoView(line.from, { y: 'center' })]
			});
			view.focus();
		},
		openSearch() {
			openSearchPanel(view);
		},
		destroy() {
			view.destroy();
		}
	};
}
