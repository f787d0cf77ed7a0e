/** One topic: its heading (from the doc), speakers (from the metadata), notes and action items. */
import type { EditorView } from '@codemirror/view';
import type { Awareness } from 'y-protocols/awareness';
import { SectionKey, sectionNotes, type SectionMap } from '../../../shared/doc-schema.ts';
import type { ApiTopic } from '../api.ts';
import { h } from '../dom.ts';
import { ActionListView } from './action-list.ts';
import { notesEditor } from './notes-editor.ts';

export interface SectionViewOptions {
  readOnly: boolean;
  number: number;
  topic: ApiTopic | undefined;
  awareness: Awareness;
  userName: () => string;
}

/** The element id of a topic's section, the target of jump-to-topic links. */
export const topicAnchor = (topicId: string): string => `topic-${topicId}`;

export function sectionTitle(section: SectionMap): string {
  const title = section.get(SectionKey.title);
  return typeof title === 'string' && title ? title : 'Untitled topic';
}

export class SectionView {
  readonly element: HTMLElement;
  readonly editor: EditorView;

  constructor(section: SectionMap, options: SectionViewOptions) {
    const id = String(section.get(SectionKey.id) ?? '');
    const title = sectionTitle(section);
    const headingId = `heading-${id}`;
    const speakers = options.topic?.speakers.length ? h('p', { class: 'speakers muted' }, options.topic.speakers.join(', ')) : null;
    const notesHost = h('div', { class: 'notes' });
    this.element = h(
      'section',
      { class: 'topic', id: topicAnchor(id), 'aria-labelledby': headingId, 'data-topic-id': id, tabindex: '-1' },
      h('h2', { id: headingId }, h('span', { class: 'topic-number' }, `${options.number}.`), ' ', title),
      speakers,
      notesHost,
    );
    this.editor = notesEditor(notesHost, sectionNotes(section), options.awareness, { readOnly: options.readOnly, label: `Notes: ${title}` });
    this.element.append(new ActionListView(section, { readOnly: options.readOnly, topicTitle: title, userName: options.userName }).element);
  }

  destroy(): void {
    this.editor.destroy();
  }
}
