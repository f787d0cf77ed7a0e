/**
 * Decisions (issue #17) written by the server: recorded over HTTP by anyone who may edit, marked
 * agreed (or not) by a lead or admin. Every write is a normal edit of the notes doc
 * (DocService.edit), so connected clients see it at once; `agreedBy`/`agreedAt` are written only
 * here (the schema guard refuses them from clients). The caller has checked the role.
 */
import { randomBytes } from 'node:crypto';
import type * as Y from 'yjs';
import { addDecision, decisionItemMaps, findSection, readableSections, readDecisionItem, sectionId, type SectionMap } from '../../shared/doc-schema.ts';
import type { ApiDecision } from '../../shared/api/decisions.ts';
import { AppError } from '../../shared/errors.ts';
import type { DocService } from '../docs/doc-service.ts';
import type { MetaService } from '../meta/meta-service.ts';

export interface DecisionPatch {
  text?: string;
  /** true: agreed by `by` now; false: the agreement is cleared. */
  agreed?: boolean;
}

export class DecisionsService {
  #meta: MetaService;
  #notes: DocService;

  constructor(meta: MetaService, notes: DocService) {
    this.#meta = meta;
    this.#notes = notes;
  }

  /** Every decision of a session, in topic and capture order. */
  async list(sessionId: string): Promise<ApiDecision[]> {
    this.#meta.getSession(sessionId);
    return this.#notes.withDoc(sessionId, (live) =>
      readableSections(live.doc).flatMap((section) => decisionItemMaps(section).map((item) => apiDecision(sessionId, section, item))),
    );
  }

  /** Records a decision under a topic. */
  async add(sessionId: string, topicId: string, text: string, createdBy: string): Promise<ApiDecision> {
    this.#meta.getSession(sessionId);
    const id = randomBytes(8).toString('hex');
    return this.#notes.edit(sessionId, (live) => {
      const section = findSection(live.doc, topicId);
      if (!section) throw new AppError('NOT_FOUND', `Session "${sessionId}" has no topic "${topicId}".`);
      // Only a doc broken after it was loaded (and repaired) lacks the list; the next load repairs it.
      if (addDecision(section, { id, text, createdBy, createdAt: new Date().toISOString() }) === undefined) {
        throw new AppError('NOT_FOUND', `Topic "${topicId}" of session "${sessionId}" has no decision list.`);
      }
      return apiDecision(sessionId, section, decisionItemMaps(section).at(-1)!);
    });
  }

  /** Changes a decision's text and/or its agreement (`by` is recorded as `agreedBy`). */
  async update(sessionId: string, decisionId: string, patch: DecisionPatch, by: string): Promise<ApiDecision> {
    this.#meta.getSession(sessionId);
    return this.#notes.edit(sessionId, (live) => {
      const found = findDecision(live.doc, decisionId);
      if (!found) throw new AppError('NOT_FOUND', `Session "${sessionId}" has no decision "${decisionId}".`);
      const { section, item } = found;
      const current = readDecisionItem(item);
      live.doc.transact(() => {
        if (patch.text !== undefined && current.text !== patch.text) item.set('text', patch.text);
        if (patch.agreed === true && current.agreedBy === undefined) {
          item.set('agreedBy', by);
          item.set('agreedAt', new Date().toISOString());
        }
        if (patch.agreed === false) {
          if (item.has('agreedBy')) item.delete('agreedBy');
          if (item.has('agreedAt')) item.delete('agreedAt');
        }
      });
      return apiDecision(sessionId, section, item);
    });
  }
}

function apiDecision(sessionId: string, section: SectionMap, item: Y.Map<unknown>): ApiDecision {
  const decision = readDecisionItem(item);
  const title = section.get('title');
  return {
    id: decision.id,
    text: decision.text,
    createdBy: decision.createdBy,
    createdAt: decision.createdAt,
    agreedBy: decision.agreedBy ?? null,
    agreedAt: decision.agreedAt ?? null,
    sessionId,
    topicId: sectionId(section)!,
    topicTitle: typeof title === 'string' ? title : '',
  };
}

function findDecision(doc: Y.Doc, decisionId: string): { section: SectionMap; item: Y.Map<unknown> } | undefined {
  for (const section of readableSections(doc)) {
    for (const item of decisionItemMaps(section)) if (item.get('id') === decisionId) return { section, item };
  }
  return undefined;
}
