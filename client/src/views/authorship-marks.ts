/**
 * "Colour by author" (issue 9, as in Etherpad): every character of a topic's notes is marked with
 * the colour of the Yjs client that typed it (`authoredRuns`), the author's name on hover. A
 * CodeMirror extension the notes editor switches on and off through a compartment.
 */
import { RangeSetBuilder, type Extension } from '@codemirror/state';
import { Decoration, ViewPlugin, type DecorationSet, type EditorView, type ViewUpdate } from '@codemirror/view';
import type * as Y from 'yjs';
import { authoredRuns, type Author } from '../../../shared/authorship.ts';
import { displayName, isHexColor } from '../../../shared/presence.ts';

const UNKNOWN_COLOR = '#8a8f98';

function marks(notes: Y.Text, authors: ReadonlyMap<number, Author>, length: number): DecorationSet {
  const builder = new RangeSetBuilder<Decoration>();
  const cache = new Map<number, Decoration>();
  let at = 0;
  for (const run of authoredRuns(notes)) {
    const from = at;
    at = Math.min(length, at + run.text.length);
    if (at <= from) break;
    let mark = cache.get(run.clientId);
    if (!mark) {
      const author = authors.get(run.clientId);
      const color = isHexColor(author?.color) ? author.color : UNKNOWN_COLOR;
      const name = typeof author?.name === 'string' ? displayName(author.name) : '';
      mark = Decoration.mark({ class: `cm-author cm-author-${run.clientId}`, attributes: { style: `--author-color: ${color}`, title: name || 'Unknown author' } });
      cache.set(run.clientId, mark);
    }
    builder.add(from, at, mark);
  }
  return builder.finish();
}

/**
 * Marks the text by author; recomputed on every change of the document. Put it after yCollab so
 * the Y.Text already holds a local edit when this plugin updates.
 */
export function authorshipMarks(notes: Y.Text, authors: () => ReadonlyMap<number, Author>): Extension {
  return ViewPlugin.fromClass(
    class {
      decorations: DecorationSet;
      constructor(view: EditorView) {
        this.decorations = marks(notes, authors(), view.state.doc.length);
      }
      update(update: ViewUpdate): void {
        if (update.docChanged) this.decorations = marks(notes, authors(), update.state.doc.length);
      }
    },
    { decorations: (plugin) => plugin.decorations },
  );
}
