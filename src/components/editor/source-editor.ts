/**
 * The CodeMirror editor of a plugin's source: AssemblyScript (TypeScript highlighting) or WAT, line
 * numbers, the build's diagnostics marked at their line and column, Ctrl/Cmd+S to build. SourcePane imports
 * this module dynamically, so it and the TypeScript grammar load with the first Source pane.
 */
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import {
	bracketMatching,
	HighlightStyle,
	indentOnInput,
	syntaxHighlighting
} from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { Annotation, Compartment, EditorState, Prec, type Extension } from '@codemirror/state';
import {
	EditorView,
	highlightActiveLine,
	highlightActiveLineGutter,
	keymap,
	lineNumbers
} from '@codemirror/view';
import { tags } from '@lezer/highlight';
import type { BuildDiagnostic, ExampleLanguage } from '../../lib/source/project';
import { EDITING_THEME, SHARED_THEME } from './theme-spec';
import { watHighlight, watLanguage } from './wat-language';

/** What the editor needs from its host component. */
export interface SourceEditorOptions {
	parent: HTMLElement;
	text: string;
	language: ExampleLanguage;
	readOnly: boolean;
	/** ARIA attributes of the editable element. */
	attributes: Record<string, string>;
	/** Called with the whole text after each edit the user makes. */
	onChange: (text: string) => void;
	/** Called on Ctrl/Cmd+S. */
	onBuild: () => void;
}

/** A live source editor. */
export interface SourceEditor {
	/** Replaces the text when it changed outside the editor (another plugin's source, a template). */
	setText(text: string): void;
	/** Marks the build's diagnostics (those of `file`) in the text. */
	setDiagnostics(diagnostics: readonly BuildDiagnostic[], file: string): void;
	/** Puts the cursor at a 1-based line and column, scrolls there and focuses the text. */
	goTo(line: number, column: number): void;
	/** Removes the editor from the page. */
	destroy(): void;
}

/** Marks transactions that bring in outside text, so they are not reported back as user edits. */
const external = Annotation.define<boolean>();

/** The shared theme, filling a fixed-height pane, with lint marks in the app's colours. */
const theme = EditorView.theme({
	...SHARED_THEME,
	...EDITING_THEME,
	'.cm-scroller': { ...SHARED_THEME['.cm-scroller'], minHeight: '14rem', maxHeight: '28rem' },
	'.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--accent) 6%, transparent)' },
	'.cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--accent) 12%, transparent)' },
	'.cm-lintRange-error': { textDecoration: 'underline wavy var(--err)' },
	'.cm-lintRange-warning': { textDecoration: 'underline wavy var(--warn)' }
});

/** TypeScript token colours from app.css, so they hold their contrast in both themes. */
const tsHighlight = HighlightStyle.define([
	{ tag: [tags.keyword, tags.controlKeyword, tags.moduleKeyword], color: 'var(--accent)' },
	{ tag: [tags.typeName, tags.className], color: 'var(--focus)' },
	{ tag: [tags.string, tags.number, tags.bool], color: 'var(--ok)' },
	{ tag: [tags.meta, tags.annotation], color: 'var(--warn)' },
	{ tag: [tags.lineComment, tags.blockComment], color: 'var(--muted)', fontStyle: 'italic' }
]);

/** Highlighting for a language; C has none of its own here and is shown plain. */
function languageExtensions(language: ExampleLanguage): Extension {
	if (language === 'wat') return [watLanguage, syntaxHighlighting(watHighlight)];
	if (language === 'assemblyscript') {
		return [javascript({ typescript: true }), syntaxHighlighting(tsHighlight)];
	}
	return [];
}

/** The offset of a 1-based line and column, clamped into the text. */
function offsetOf(state: EditorState, line: number, column: number): number {
	const at = state.doc.line(Math.min(Math.max(line, 1), state.doc.lines));
	return Math.min(at.from + Math.max(column, 1) - 1, at.to);
}

/** Builds the editor inside `options.parent`. */
export function createSourceEditor(options: SourceEditorOptions): SourceEditor {
	const languageSlot = new Compartment();
	const view = new EditorView({
		parent: options.parent,
		state: EditorState.create({
			doc: options.text,
			extensions: [
				Prec.highest(
					keymap.of([
						{
							key: 'Mod-s',
							preventDefault: true,
							run: () => {
								options.onBuild();
								return true;
							}
						}
					])
				),
				keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
				history(),
				lineNumbers(),
				highlightActiveLine(),
				highlightActiveLineGutter(),
				bracketMatching(),
				indentOnInput(),
				lintGutter(),
				theme,
				EditorState.readOnly.of(options.readOnly),
				EditorView.contentAttributes.of(options.attributes),
				languageSlot.of(languageExtensions(options.language)),
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
				annotations: external.of(true)
			});
		},
		setDiagnostics(diagnostics, file) {
			const marks: Diagnostic[] = diagnostics
				.filter((d) => d.file === file)
				.map((d) => {
					const from = offsetOf(view.state, d.line, d.column);
					const line = view.state.doc.lineAt(from);
					// Mark the word at the place, or one character when there is none.
					const word = /^[\w$.]+/.exec(view.state.sliceDoc(from, line.to))?.[0].length ?? 1;
					return {
						from,
						to: Math.min(from + word, line.to),
						severity: d.severity,
						message: d.message
					};
				});
			view.dispatch(setDiagnostics(view.state, marks));
		},
		goTo(line, column) {
			const at = offsetOf(view.state, line, column);
			view.dispatch({ selection: { anchor: at }, scrollIntoView: true });
			view.focus();
		},
		destroy() {
			view.destroy();
		}
	};
}
