/**
 * One topic: its heading (from the doc), speakers (from the metadata), the "now discussing" mark
 * and its real times (state doc), notes, decisions and action items.
 */
import type { EditorView } from '@codemirror/view';
import type { Awareness } from 'y-protocols/awareness';
import type { Author } from '../../../shared/authorship.ts';
import type { DiscussionSlot } from '../../../shared/discussion.ts';
import type { Assignment, FollowupEntry } from '../../../shared/followups.ts';
import type * as Y from 'yjs';
import { SectionKey, sectionActions, sectionDecisions, sectionId, sectionNotes, type SectionMap } from '../../../shared/doc-schema.ts';
import type { ApiAnswer, ApiTopic } from '../api.ts';
import { h } from '../dom.ts';
import { ActionListView } from './action-list.ts';
import { DecisionListView } from './decision-list.ts';
import { notesEditor, setEditorLabel, showAuthorship } from './notes-editor.ts';

export interface SectionViewOptions {
  readOnly: boolean;
  number: number;
  topic: ApiTopic | undefined;
  awareness: Awareness;
  userName: () => string;
  followup: (itemId: string) => FollowupEntry | undefined;
  /** Leads and admins: assignment and "now discussing" controls. */
  lead?: {
    assign: (itemId: string, patch: Assignment) => Promise<ApiAnswer<unknown>>;
    discuss: (topicId: string | null) => Promise<ApiAnswer<unknown>>;
    /** Marks a decision agreed or not (the server writes the agreement). */
    agree: (decisionId: string, agreed: boolean) => Promise<ApiAnswer<unknown>>;
  } | undefined;
}

/** The element id of a topic's section, the target of jump-to-topic links. */
export const topicAnchor = (topicId: string): string => `topic-${topicId}`;

export function sectionTitle(section: SectionMap): string {
  const title = section.get(SectionKey.title);
  return typeof title === 'string' && title ? title : 'Untitled topic';
}

/** The parts of a section the page shows. `decisions` is missing only in a doc the server has not
 *  repaired yet (stored before decisions existed): the topic shows without a decisions block. */
export interface SectionParts {
  notes: Y.Text;
  actions: Y.Array<unknown>;
  decisions: Y.Array<unknown> | undefined;
}

/** The notes and action list of a section the page can show; undefined for a malformed section
 *  (skipped until the server repairs it: the client never writes repairs). */
export function renderableParts(section: SectionMap): SectionParts | undefined {
  const notes = sectionNotes(section);
  const actions = sectionActions(section);
  return sectionId(section) !== undefined && notes && actions ? { notes, actions, decisions: sectionDecisions(section) } : undefined;
}

const timeOf = (iso: string): string => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

export class SectionView {
  readonly element: HTMLElement;
  readonly editor: EditorView;
  readonly topicId: string;
  private readonly actions: ActionListView;
  /** The notes, action and decision lists this view shows: a repair that replaces one needs a new view. */
  readonly parts: SectionParts;
  private readonly times: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly discussButton: HTMLButtonElement | null = null;
  private readonly discussError = h('span', { class: 'form-error', role: 'alert' });
  private discussing = false;
  private readonly heading: HTMLElement;
  private shown: { number: number; title: string };

  constructor(section: SectionMap, parts: SectionParts, options: SectionViewOptions) {
    this.parts = parts;
    const id = String(section.get(SectionKey.id) ?? '');
    this.topicId = id;
    const title = sectionTitle(section);
    const headingId = `heading-${id}`;
    const speakers = options.topic?.speakers.length ? h('p', { class: 'speakers muted' }, options.topic.speakers.join(', ')) : null;
    const notesHost = h('div', { class: 'notes' });
    this.badge = h('span', { class: 'now-badge', 'data-testid': 'now-badge', hidden: true }, 'Now discussing');
    this.times = h('p', { class: 'discussed-times muted', 'data-testid': 'discussed-times' });
    const lead = options.lead;
    if (lead) {
      const button = h('button', { type: 'button', class: 'small secondary discuss', 'data-testid': 'discuss' }, 'Discussing now');
      button.addEventListener('click', async () => {
        this.discussError.textContent = '';
        button.disabled = true;
        const answer = await lead.discuss(this.discussing ? null : id);
        button.disabled = false;
        if (!answer.ok) this.discussError.textContent = answer.message;
      });
      this.discussButton = button;
    }
    this.heading = h('h2', { id: headingId }, h('span', { class: 'topic-number' }, `${options.number}.`), ' ', title);
    this.shown = { number: options.number, title };
    this.element = h(
      'section',
      { class: 'topic', id: topicAnchor(id), 'aria-labelledby': headingId, 'data-topic-id': id, tabindex: '-1' },
      this.heading,
      h('div', { class: 'topic-facts' }, this.badge, this.discussButton, this.discussError),
      speakers,
      this.times,
      notesHost,
    );
    this.editor = notesEditor(notesHost, parts.notes, options.awareness, { readOnly: options.readOnly, label: `Notes: ${title}` });
    if (parts.decisions) {
      const decisions = new DecisionListView(section, parts.decisions, parts.notes, { readOnly: options.readOnly, topicTitle: title, userName: options.userName, agree: lead?.agree });
      this.element.append(decisions.element);
    }
    this.actions = new ActionListView(section, { readOnly: options.readOnly, topicTitle: title, userName: options.userName, followup: options.followup, assign: lead?.assign });
    this.element.append(this.actions.element);
  }

  /** The state doc changed: follow-up fields, the discussion pointer, the real times. */
  showState(current: string | null, slots: readonly DiscussionSlot[]): void {
    this.actions.refresh();
    this.discussing = current === this.topicId;
    this.element.classList.toggle('is-discussing', this.discussing);
    this.badge.hidden = !this.discussing;
    if (this.discussButton) this.discussButton.textContent = this.discussing ? 'Stop discussing' : 'Discussing now';
    this.times.textContent = slots.length ? `Discussed ${slots.map((s) => `${timeOf(s.start)}–${s.end ? timeOf(s.end) : 'now'}`).join(', ')}` : '';
  }

  /** The topic moved or was renamed (server edits, issue #15): the heading and the editor's name
   *  follow; the editor itself is kept, with its text, selection and focus. */
  show(number: number, title: string): void {
    if (this.shown.number === number && this.shown.title === title) return;
    if (this.shown.title !== title) setEditorLabel(this.editor, `Notes: ${title}`);
    this.shown = { number, title };
    this.heading.replaceChildren(h('span', { class: 'topic-number' }, `${number}.`), ' ', title);
  }

  colourByAuthor(authors: (() => ReadonlyMap<number, Author>) | null): void {
    showAuthorship(this.editor, this.parts.notes, authors);
  }

  destroy(): void {
    this.editor.destroy();
  }
}
