/**
 * The CodeMirror input editor. CallPanel imports this module dynamically, so CodeMirror lands in a chunk
 * of its own that loads with the first plugin instead of with the page.
 */
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import { bracketMatching, HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import {
	Annotation,
	Compartment,
	EditorState,
	Prec,
	Transaction,
	type Extension
} from '@codemirror/state';
import { EditorView, highlightSpecialChars, keymap, placeholder } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { findJsonError } from '../../lib/workspace/io';
import type { InputMode } from '../../lib/workspace/types';
import { EDITING_THEME, SHARED_THEME } from './theme-spec';

/** What the editor needs from its host component. */
export interface InputEditorOptions {
	/** The element the editor is appended to. */
	parent: HTMLElement;
	/** The initial text. */
	text: string;
	/** The initial mode. */
	mode: InputMode;
	/** ARIA and other attributes of the editable element (`aria-label`, `aria-describedby`, …). */
	attributes: Record<string, string>;
	/** Placeholder text per mode, shown while the editor is empty. */
	placeholders: Record<InputMode, string>;
	/** Called with the whole text after each edit the user makes. */
	onChange: (text: string) => void;
	/** Called on Ctrl/Cmd+Enter. */
	onRun: () => void;
}

/** A live editor; the host pushes outside changes in and destroys it when it goes. */
export interface InputEditor {
	/** Replaces the text when it changed outside the editor (mode switch, file, restore). */
	setText(text: string): void;
	/** Switches highlighting, validation and placeholder to another mode. */
	setMode(mode: InputMode): void;
	/** Replaces the editable element's attributes (e.g. `aria-invalid`). */
	setAttributes(attributes: Record<string, string>): void;
	/** Moves focus into the editor, with the cursor at `offset` when given. */
	focus(offset?: number): void;
	/** Removes the editor from the page. */
	destroy(): void;
}

/** Marks transactions that bring in outside text, so they are not reported back as user edits. */
const external = Annotation.define<boolean>();

/** The shared editor theme, sized for an input, with the input editor's own tooltips and diagnostics. */
const theme = EditorView.theme({
	...SHARED_THEME,
	...EDITING_THEME,
	'.cm-scroller': { ...SHARED_THEME['.cm-scroller'], minHeight: '6.5rem', maxHeight: '24rem' },
	'.cm-placeholder': { color: 'var(--muted)' },
	'.cm-specialChar': { color: 'var(--err)' }
});

/** JSON token colours, also from app.css, so they hold their contrast in both themes. */
const highlight = HighlightStyle.define([
	{ tag: tags.propertyName, color: 'var(--accent)' },
	{ tag: tags.string, color: 'var(--ok)' },
	{ tag: tags.number, color: 'var(--warn)' },
	{ tag: [tags.bool, tags.null], color: 'var(--focus)', fontWeight: '600' },
	{ tag: [tags.brace, tags.squareBracket, tags.separator, tags.punctuation], color: 'var(--muted)' }
]);

/** Marks the first JSON syntax error; the same finder writes the message under the editor. */
function jsonDiagnostics(view: EditorView): Diagnostic[] {
	const text = view.state.doc.toString();
	if (text.trim() === '') return [];
	const problem = findJsonError(text);
	if (!problem) return [];
	const from = Math.min(problem.offset, text.length);
	return [
		{ from, to: Math.min(from + 1, text.length), severity: 'error', message: problem.message }
	];
}

/** Highlighting, validation and placeholder for one mode. */
function modeExtensions(mode: InputMode, placeholders: Record<InputMode, string>): Extension {
	const hint = placeholder(placeholders[mode]);
	if (mode !== 'json') return hint;
	return [
		hint,
		json(),
		syntaxHighlighting(highlight),
		bracketMatching(),
		linter(jsonDiagnostics, { delay: 250 }),
		lintGutter()
	];
}

/** Builds the editor inside `options.parent`. */
export function createInputEditor(options: InputEditorOptions): InputEditor {
	const modeSlot = new Compartment();
	const attributeSlot = new Compartment();
	const view = new EditorView({
		parent: options.parent,
		state: EditorState.create({
			doc: options.text,
			extensions: [
				// The text is bytes to send: a lone "\r" or "\r\n" must survive, so only "\n" splits lines.
				EditorState.lineSeparator.of('\n'),
				// Ctrl/Cmd+Enter must beat the default keymap's Mod-Enter (insert blank line).
				Prec.highest(
					keymap.of([
						{
							key: 'Mod-Enter',
							run: () => {
								options.onRun();
								return true;
							}
						}
					])
				),
				// Tab is left unbound on purpose, so keyboard users can tab out of the editor.
				keymap.of([...defaultKeymap, ...historyKeymap]),
				history(),
				highlightSpecialChars(),
				EditorView.lineWrapping,
				theme,
				EditorView.contentAttributes.of({ 'aria-multiline': 'true' }),
				attributeSlot.of(EditorView.contentAttributes.of(options.attributes)),
				modeSlot.of(modeExtensions(options.mode, options.placeholders)),
				EditorView.updateListener.of((update) => {
					if (!update.docChanged) return;
					if (update.transactions.some((tr) => tr.annotation(external))) return;
					options.onChange(update.state.doc.toString());
				})
			]
		})
	});
	return {
		setText(text) {
			if (text === view.state.doc.toString()) return;
			view.dispatch({
				changes: { from: 0, to: view.state.doc.length, insert: text },
				// Outside text comes with its own mode, so undoing it alone would leave text and mode at odds.
				annotations: [external.of(true), Transaction.addToHistory.of(false)]
			});
		},
		setMode(mode) {
			view.dispatch({ effects: modeSlot.reconfigure(modeExtensions(mode, options.placeholders)) });
		},
		setAttributes(attributes) {
			view.dispatch({
				effects: attributeSlot.reconfigure(EditorView.contentAttributes.of(attributes))
			});
		},
		focus(offset) {
			if (offset !== undefined) {
				view.dispatch({ selection: { anchor: Math.min(offset, view.state.doc.length) } });
			}
			view.focus();
		},
		destroy() {
			view.destroy();
		}
	};
}
