/**
 * The topics of a session as rendered, read-only views kept up to date: remote changes to the
 * notes doc and the state doc are collected per animation frame (FrameBatch) and handed to the
 * page once, with which topics changed, so the page re-renders only those and keeps the scroll
 * position once (scroll-anchor.ts). A topic's view is made the first time it is asked for.
 */
import type * as Y from 'yjs';
import type { ApiTopic } from '../../../shared/api.ts';
import { findSection, readableSections, sectionId } from '../../../shared/doc-schema.ts';
import type { StateConnection } from '../session/state-connection.ts';
import { ReadTopicView } from '../views/read-topic.ts';
import { FrameBatch } from './frame-batch.ts';
import { notesRenderer } from './notes-html.ts';
import { watchSections } from './section-changes.ts';

export interface FrameChanges {
  /** Topics were added, removed or moved (or a section's own keys changed). */
  structure: boolean;
  /** Topics whose notes or action items changed. */
  topics: Set<string>;
  /** The state doc changed (follow-up fields, "now discussing"). */
  state: boolean;
}

export interface LiveTopicsOptions {
  /** Heading level of a topic's title; notes headings start below it. */
  level: 1 | 2;
  /** The session's topics from the metadata API (titles, speakers), if known. */
  topics: readonly ApiTopic[];
  /** Called once per animation frame in which anything changed. */
  onFrame: (changes: FrameChanges) => void;
}

type Key = { kind: 'structure' } | { kind: 'state' } | { kind: 'topic'; id: string };
const STRUCTURE: Key = { kind: 'structure' };
const STATE: Key = { kind: 'state' };

export class LiveTopics {
  private readonly views = new Map<string, ReadTopicView>();
  private readonly topicKeys = new Map<string, Key>();
  private readonly renderer;
  private readonly batch: FrameBatch<Key>;
  private readonly stop: Array<() => void> = [];

  constructor(private readonly doc: Y.Doc, private readonly state: StateConnection, private readonly options: LiveTopicsOptions) {
    this.renderer = notesRenderer(options.level);
    this.batch = new FrameBatch((keys) => options.onFrame(this.summarise(keys)));
    this.stop.push(
      watchSections(doc, ({ structure, topics }) => {
        if (structure) this.batch.mark(STRUCTURE);
        for (const id of topics) this.batch.mark(this.topicKey(id));
      }),
      state.onChange(() => this.batch.mark(STATE)),
    );
  }

  /** The ids of the topics the doc holds, in order (sections that do not fit the schema skipped). */
  ids(): string[] {
    return readableSections(this.doc).map((section) => sectionId(section)!);
  }

  /** The topic's view with its current content, or undefined when the doc has no such topic. */
  view(id: string): ReadTopicView | undefined {
    const section = findSection(this.doc, id);
    if (!section) return undefined;
    let view = this.views.get(id);
    if (!view) {
      view = new ReadTopicView(id, { renderer: this.renderer, level: this.options.level, followup: (itemId) => this.state.followups.get(itemId) });
      this.views.set(id, view);
      view.update(section, this.meta(id));
    }
    return view;
  }

  /** Re-reads a topic into its view (notes are re-rendered only when their text changed). */
  refresh(id: string): void {
    const section = findSection(this.doc, id);
    const view = this.views.get(id);
    if (section && view) view.update(section, this.meta(id));
  }

  /** Re-reads every view (after a change of the structure or of the state doc). */
  refreshAll(): void {
    for (const id of this.views.keys()) this.refresh(id);
  }

  /** Title of a topic, from the metadata or the doc. */
  title(id: string): string {
    return this.meta(id)?.title ?? this.view(id)?.element.querySelector('.topic-title')?.textContent ?? id;
  }

  /** Schedules a frame that re-reads everything (e.g. once the first sync arrived). */
  markAll(): void {
    this.batch.mark(STRUCTURE);
  }

  destroy(): void {
    for (const stop of this.stop) stop();
  }

  private meta(id: string): ApiTopic | undefined {
    return this.options.topics.find((topic) => topic.id === id);
  }

  private topicKey(id: string): Key {
    let key = this.topicKeys.get(id);
    if (!key) this.topicKeys.set(id, (key = { kind: 'topic', id }));
    return key;
  }

  private summarise(keys: Key[]): FrameChanges {
    const changes: FrameChanges = { structure: false, topics: new Set(), state: false };
    for (const key of keys) {
      if (key.kind === 'structure') changes.structure = true;
      else if (key.kind === 'state') changes.state = true;
      else changes.topics.add(key.id);
    }
    return changes;
  }
}
