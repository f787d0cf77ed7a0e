/**
 * A CodeMirror 6 Markdown editor bound to one section's `notes` Y.Text with y-codemirror.next:
 * remote carets and selections come from awareness (`user: {name, color, colorLight}`). Tab is
 * left to the browser so the page stays usable by keyboard (Tab moves to the next field).
 */
import { defaultKeymap } from '@codemirror/commands';
import { markdown } from '@codemirror/lang-markdown';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Compartment, EditorState } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import type { Author } from '../../../shared/authorship.ts';
import { authorshipMarks } from './authorship-marks.ts';

export interface NotesEditorOptions {
  readOnly: boolean;
  /** Accessible name, e.g. "Notes: <topic title>". */
  label: string;
}

const authorship = new Compartment();
const labelling = new Compartment();

/** Renames an editor for assistive technology (its topic was renamed, issue #15). */
export function setEditorLabel(view: EditorView, label: string): void {
  view.dispatch({ effects: labelling.reconfigure(EditorView.contentAttributes.of({ 'aria-label': label })) });
}

/** Switches "colour by author" on (with the authors to use) or off for one editor. */
export function showAuthorship(view: EditorView, notes: Y.Text, authors: (() => ReadonlyMap<number, Author>) | null): void {
  view.dispatch({ effects: authorship.reconfigure(authors ? authorshipMarks(notes, authors) : []) });
}

export function notesEditor(parent: HTMLElement, notes: Y.Text, awareness: Awareness, options: NotesEditorOptions): EditorView {
  const editing = options.readOnly
    ? [EditorState.readOnly.of(true), EditorView.editable.of(false), yCollab(notes, awareness, { undoManager: false }), placeholder('No notes yet.')]
    : [keymap.of([...yUndoManagerKeymap, ...defaultKeymap]), yCollab(notes, awareness), placeholder('Type notes here (Markdown)…')];
  return new EditorView({
    parent,
    state: EditorState.create({
      doc: notes.toString(),
      extensions: [
        markdown(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        EditorView.lineWrapping,
        labelling.of(EditorView.contentAttributes.of({ 'aria-label': options.label })),
        ...editing,
        authorship.of([]),
      ],
    }),
  });
}
