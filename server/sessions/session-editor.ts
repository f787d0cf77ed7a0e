/**
 * Organiser and lead edits of a session's structure (issue #15): the metadata changes first (with
 * its audit entry), then the notes doc follows as a server edit every client receives live:
 * a renamed topic's section heading, a new topic's section, the display order (`layout.topicOrder`,
 * see shared/doc-schema.ts). Notes are never touched. Should the doc edit fail after the metadata
 * was saved, the next load reconciles the doc with the metadata (doc-templates.ts).
 */
import type { AuditActor, Session, Topic } from '../../shared/domain.ts';
import { findSection, SectionKey } from '../../shared/doc-schema.ts';
import { syncTopicOrder } from '../../shared/topic-template.ts';
import type { DocService } from '../docs/doc-service.ts';
import type { NewTopic, TopicPatch } from '../meta/meta-edits.ts';
import type { MetaService } from '../meta/meta-service.ts';

export class SessionEditor {
  readonly #meta: MetaService;
  readonly #docs: DocService;

  constructor(meta: MetaService, docs: DocService) {
    this.#meta = meta;
    this.#docs = docs;
  }

  /** Adds a topic; its section is appended to the doc and placed in the order. */
  async addTopic(actor: AuditActor, sessionId: string, fields: NewTopic): Promise<Topic> {
    const topic = await this.#meta.addTopic(actor, sessionId, fields);
    await this.#followOrder(sessionId);
    return topic;
  }

  /** Changes a topic; a new title becomes the section's heading. */
  async updateTopic(actor: AuditActor, sessionId: string, topicId: string, patch: TopicPatch): Promise<Topic> {
    const { topic, previousTitle } = await this.#meta.updateTopic(actor, sessionId, topicId, patch);
    if (topic.title !== previousTitle) {
      await this.#docs.edit(sessionId, (live) => {
        // The title the metadata holds now (a later rename may have been saved meanwhile).
        const title = this.#meta.getSession(sessionId).topics.find((t) => t.id === topicId)?.title ?? topic.title;
        const section = findSection(live.doc, topicId);
        if (section && section.get(SectionKey.title) !== title) section.set(SectionKey.title, title);
      });
    }
    return topic;
  }

  /** Reorders the topics: the metadata's list and the doc's layout order. */
  async setTopicOrder(actor: AuditActor, sessionId: string, topicIds: readonly string[]): Promise<Session> {
    const session = await this.#meta.setTopicOrder(actor, sessionId, topicIds);
    await this.#followOrder(sessionId);
    return session;
  }

  /** Writes the metadata's current order into the doc (current, not this request's: writes interleave). */
  async #followOrder(sessionId: string): Promise<void> {
    await this.#docs.edit(sessionId, (live) => {
      syncTopicOrder(live.doc, this.#meta.getSession(sessionId).topics.map((t) => t.id));
    });
  }
}
