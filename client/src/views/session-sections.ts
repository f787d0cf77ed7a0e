/**
 * The session's topics in doc order, one SectionView each, plus the matching "Jump to topic" list.
 * Views are kept per section map and reused across renders (a view is rebuilt only when a repair
 * replaced the section's notes or action list), and the DOM is touched only when the order changed,
 * so a render never blurs the editor someone is typing in. A reorder (the server's `layout.topicOrder`,
 * issue #15) moves the kept elements and gives focus back to whatever had it.
 */
import { slotsByTopic } from '../../../shared/discussion.ts';
import { readableSections, SectionKey, type SectionMap } from '../../../shared/doc-schema.ts';
import type { ApiTopic } from '../api.ts';
import { h } from '../dom.ts';
import type { SessionConnection } from '../session/session-connection.ts';
import type { StateConnection } from '../session/state-connection.ts';
import { renderableParts, SectionView, sectionTitle, type SectionViewOptions } from './section-view.ts';
import type { TopicNav } from './topic-nav.ts';

export interface SessionSectionsOptions {
  readOnly: boolean;
  /** The session's topics from the metadata API (titles, speakers), matched by topic id. */
  topics: readonly ApiTopic[];
  userName: () => string;
  lead: SectionViewOptions['lead'];
  /** Whether new views start coloured by author (the reader's toggle). */
  colouredByAuthor: () => boolean;
}

export class SessionSections {
  private readonly views = new Map<SectionMap, SectionView>();

  constructor(
    private readonly host: HTMLElement,
    private readonly nav: TopicNav,
    private readonly connection: SessionConnection,
    private readonly state: StateConnection,
    private readonly options: SessionSectionsOptions,
  ) {}

  /** Renders the sections from the doc, or says why there are none (offline, no topics yet). */
  render(): void {
    if (!this.connection.ready) {
      if (this.connection.state.kind === 'offline') this.showEmpty('Offline', 'This session has not been opened on this device before, so there is no local copy yet. The notes appear as soon as the connection returns.');
      return;
    }
    // Entries that do not fit the doc schema are skipped, never a reason to crash the page.
    const sections = readableSections(this.connection.doc).filter((section) => renderableParts(section) !== undefined);
    if (sections.length === 0) {
      if (this.connection.provider.synced) this.showEmpty('No topics yet', 'This session has no topics. Topics appear here as soon as an organiser imports them.');
      this.nav.show([]);
      return;
    }
    const views = sections.map((section, index) => this.viewFor(section, index));
    views.forEach((view, index) => view.show(index + 1, sectionTitle(sections[index]!)));
    const children = views.map((view) => view.element);
    // Only touch the DOM when the order changed: moving a focused editor blurs it, so focus is
    // given back (an editor through CodeMirror, which restores its own selection).
    const current = Array.from(this.host.children);
    if (current.length !== children.length || current.some((child, i) => child !== children[i])) {
      const active = document.activeElement instanceof HTMLElement && this.host.contains(document.activeElement) ? document.activeElement : null;
      this.host.replaceChildren(...children);
      if (active && document.activeElement !== active) {
        const editing = views.find((view) => view.editor.contentDOM.contains(active));
        if (editing) editing.editor.focus();
        else active.focus({ preventScroll: true });
      }
    }
    this.nav.show(sections.map((section) => ({ topicId: String(section.get(SectionKey.id) ?? ''), title: sectionTitle(section) })));
  }

  /** Shows the state doc's discussion (current topic, time slots) in every view. */
  showState(): void {
    for (const view of this.views.values()) this.showStateIn(view);
  }

  /** The view of a topic, if it is shown. */
  find(topicId: string | null): SectionView | undefined {
    return [...this.views.values()].find((view) => view.topicId === topicId);
  }

  /** Colours every view's notes by author, or stops (null). */
  colourByAuthor(on: boolean): void {
    for (const view of this.views.values()) view.colourByAuthor(on ? () => this.state.authors : null);
  }

  private viewFor(section: SectionMap, index: number): SectionView {
    const parts = renderableParts(section)!;
    let view = this.views.get(section);
    if (view && (view.parts.notes !== parts.notes || view.parts.actions !== parts.actions || view.parts.decisions !== parts.decisions)) {
      view.destroy();
      view = undefined;
    }
    if (view) return view;
    const topicId = String(section.get(SectionKey.id) ?? '');
    const { readOnly, topics, userName, lead } = this.options;
    view = new SectionView(section, parts, {
      readOnly,
      number: index + 1,
      topic: topics.find((t) => t.id === topicId),
      awareness: this.connection.awareness,
      userName,
      followup: (itemId) => this.state.followups.get(itemId),
      lead,
    });
    this.views.set(section, view);
    this.showStateIn(view);
    if (this.options.colouredByAuthor()) view.colourByAuthor(() => this.state.authors);
    return view;
  }

  private showStateIn(view: SectionView): void {
    const discussion = this.state.discussion;
    view.showState(discussion.current, slotsByTopic(discussion).get(view.topicId) ?? []);
  }

  private showEmpty(title: string, text: string): void {
    this.host.replaceChildren(h('div', { class: 'empty card' }, h('h2', {}, title), h('p', {}, text)));
  }
}
