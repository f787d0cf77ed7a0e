/**
 * One topic as the read and projector views show it: heading, speakers, the notes rendered as
 * HTML (client/src/read/notes-html.ts), its decisions (agreed ones marked), and the action items with their assignee, due date and
 * status from the session state doc, as the session page shows them. Nothing here can be edited.
 * `update` re-reads the section; the element stays the same, so the page around it does not move.
 */
import * as Y from 'yjs';
import type { ApiTopic } from '../../../shared/api.ts';
import { actionItemMaps, decisionItemMaps, readActionItem, readDecisionItem, sectionNotes, type SectionMap } from '../../../shared/doc-schema.ts';
import { UNASSIGNED, type FollowupEntry } from '../../../shared/followups.ts';
import { formatDue } from '../../../shared/export/schedule.ts';
import { h } from '../dom.ts';
import type { NotesRenderer } from '../read/notes-html.ts';
import { STATUS_LABELS } from './assign-form.ts';

export interface ReadTopicOptions {
  renderer: NotesRenderer;
  /** The heading level of the topic title (2 on the read view, 1 on the projector). */
  level: 1 | 2;
  followup: (itemId: string) => FollowupEntry | undefined;
}

export class ReadTopicView {
  readonly element: HTMLElement;
  private readonly heading: HTMLHeadingElement;
  private readonly speakers: HTMLParagraphElement;
  private readonly notes: HTMLDivElement;
  private readonly actions: HTMLUListElement;
  private readonly actionsBox: HTMLDivElement;
  private readonly decisions: HTMLUListElement;
  private readonly decisionsBox: HTMLDivElement;
  private shownNotes: string | null = null;

  constructor(readonly topicId: string, private readonly options: ReadTopicOptions) {
    const headingId = `topic-${topicId}-title`;
    this.heading = h(options.level === 1 ? 'h1' : 'h2', { id: headingId, class: 'topic-title', 'data-anchor': '' });
    this.speakers = h('p', { class: 'speakers', 'data-anchor': '' });
    this.notes = h('div', { class: 'notes-html', 'data-notes': '', 'data-testid': 'notes-html' });
    this.actions = h('ul', { class: 'read-actions' });
    this.actionsBox = h('div', { class: 'read-actions-box', 'data-anchor': '' }, h(options.level === 1 ? 'h2' : 'h3', {}, 'Action items'), this.actions);
    this.decisions = h('ul', { class: 'read-decisions' });
    this.decisionsBox = h('div', { class: 'read-decisions-box', 'data-anchor': '', 'data-testid': 'read-decisions' }, h(options.level === 1 ? 'h2' : 'h3', {}, 'Decisions'), this.decisions);
    this.element = h('section', { class: 'read-topic', id: `topic-${topicId}`, 'data-topic-id': topicId, 'aria-labelledby': headingId }, this.heading, this.speakers, this.notes, this.decisionsBox, this.actionsBox);
  }

  /** Shows the section's current title, notes and items (`meta`: the topic in the session metadata). */
  update(section: SectionMap, meta: ApiTopic | undefined): void {
    const docTitle = section.get('title');
    this.heading.textContent = meta?.title ?? (typeof docTitle === 'string' ? docTitle : this.topicId);
    const speakers = meta?.speakers ?? [];
    this.speakers.textContent = speakers.length > 0 ? `Speakers: ${speakers.join(', ')}` : '';
    this.speakers.hidden = speakers.length === 0;
    this.showNotes(sectionNotes(section)?.toString() ?? (typeof section.get('notes') === 'string' ? (section.get('notes') as string) : ''));
    this.showDecisions(section);
    this.showActions(section);
  }

  private showDecisions(section: SectionMap): void {
    const decisions = decisionItemMaps(section).map(readDecisionItem).filter((decision) => decision.text.trim() !== '');
    this.decisions.replaceChildren(
      ...decisions.map((decision) =>
        h('li', { class: 'read-decision', 'data-decision-id': decision.id }, h('span', {}, decision.text), decision.agreedBy ? h('span', { class: 'badge agreed' }, 'agreed') : null),
      ),
    );
    this.decisionsBox.hidden = decisions.length === 0;
  }

  /** Re-reads the follow-up fields (the state doc changed). */
  showActions(section: SectionMap): void {
    const items = actionItemMaps(section).map((item: Y.Map<unknown>) => readActionItem(item));
    this.actions.replaceChildren(...items.map((item) => this.actionRow(item.id, item.text, item.done)));
    this.actionsBox.hidden = items.length === 0;
  }

  private showNotes(markdown: string): void {
    if (markdown === this.shownNotes) return;
    this.shownNotes = markdown;
    if (markdown.trim() === '') this.notes.replaceChildren(h('p', { class: 'muted no-notes' }, 'No notes yet.'));
    else this.notes.replaceChildren(this.options.renderer.render(markdown));
  }

  private actionRow(id: string, text: string, done: boolean): HTMLLIElement {
    const followup = this.options.followup(id) ?? UNASSIGNED;
    const meta: string[] = [];
    if (followup.assignee) meta.push(`assigned to ${followup.assignee.name}`);
    if (followup.due) meta.push(`due ${formatDue(followup.due)}`);
    return h(
      'li',
      { class: 'read-action' + (done ? ' done' : ''), 'data-item-id': id },
      h('span', { class: 'done-mark', 'aria-hidden': 'true' }, done ? '☑' : '☐'),
      h('span', { class: 'visually-hidden' }, done ? 'Done: ' : 'Not done: '),
      h('span', { class: 'action-text' }, text),
      h('span', { class: `read-status read-status-${followup.status}` }, STATUS_LABELS[followup.status]),
      meta.length > 0 ? h('span', { class: 'action-meta' }, meta.join(' · ')) : null,
    );
  }
}
