/**
 * Etherpad read-only ids (`getReadOnlyID`, `getPadID`, `/p/r.<id>`) as mcpad viewer links
 * (issue #16). A session's read-only ids all stand for ONE dedicated viewer link of that session,
 * labelled READ_ONLY_LINK_LABEL and created on the first getReadOnlyID. An id is
 *   `r.` + 32 hex of HMAC-SHA256(ETHERPAD_API_KEY, `<link id>:<pad id>`)
 * so it is unguessable (the link's own secret is never stored, and the metadata alone cannot
 * produce an id), stable for as long as the link lives, and gives exactly a viewer's access.
 * Revoking the link (like any link) invalidates every read-only id of the session; the next
 * getReadOnlyID creates a new link and so new ids. Rotating ETHERPAD_API_KEY changes them all.
 */
import { createHmac } from 'node:crypto';
import type { Session } from '../../shared/domain.ts';
import type { MetaService } from '../meta/meta-service.ts';
import { padIdOf, type PadRef } from './pad-ids.ts';

/** The label of the viewer link behind a session's read-only ids (visible in the session's links). */
export const READ_ONLY_LINK_LABEL = 'Etherpad read-only ID';

const READ_ONLY_ID = /^r\.[0-9a-f]{32}$/;

export function isReadOnlyId(id: string): boolean {
  return READ_ONLY_ID.test(id);
}

export class ReadOnlyIds {
  readonly #meta: MetaService;
  readonly #secret: string | null;
  /** Read-only id → the link and pad it stands for; checked against the live links on every hit. */
  readonly #known = new Map<string, { sessionId: string; linkId: string; pad: PadRef }>();
  /** One link creation per session at a time. */
  readonly #creating = new Map<string, Promise<string>>();

  /** `secret`: ETHERPAD_API_KEY (null: the API is off and no id exists). */
  constructor(meta: MetaService, secret: string | null) {
    this.#meta = meta;
    this.#secret = secret;
  }

  /** The read-only id of `pad`, creating the session's dedicated viewer link when it has none. */
  async idOf(pad: PadRef): Promise<string> {
    const linkId = this.#liveLink(pad.sessionId) ?? (await this.#createLink(pad.sessionId));
    const id = this.#idFor(linkId, pad);
    this.#known.set(id, { sessionId: pad.sessionId, linkId, pad });
    return id;
  }

  /** The pad a read-only id stands for, while its link is live and the pad exists; else null. */
  resolve(id: string): PadRef | null {
    if (!isReadOnlyId(id) || this.#secret === null) return null;
    let known = this.#known.get(id);
    if (!known) {
      this.#scan();
      known = this.#known.get(id);
    }
    if (!known) return null;
    const session = this.#meta.findSession(known.sessionId);
    if (!session || this.#liveLink(known.sessionId) !== known.linkId || !padExists(session, known.pad)) {
      this.#known.delete(id);
      return null;
    }
    return known.pad;
  }

  /** Indexes every pad of every session that has a live dedicated link (a miss, e.g. after a restart). */
  #scan(): void {
    for (const event of this.#meta.listEvents()) {
      for (const session of this.#meta.sessionsOf(event.id)) {
        const linkId = this.#liveLink(session.id);
        if (linkId === undefined) continue;
        for (const pad of [{ sessionId: session.id, topicId: null }, ...session.topics.map((t) => ({ sessionId: session.id, topicId: t.id }))]) {
          this.#known.set(this.#idFor(linkId, pad), { sessionId: session.id, linkId, pad });
        }
      }
    }
  }

  /** The oldest live dedicated viewer link of the session (links are listed newest first). */
  #liveLink(sessionId: string): string | undefined {
    return this.#meta
      .listTokens(sessionId)
      .filter((link) => link.role === 'viewer' && link.label === READ_ONLY_LINK_LABEL && !link.revokedAt)
      .at(-1)?.id;
  }

  #createLink(sessionId: string): Promise<string> {
    let creating = this.#creating.get(sessionId);
    if (!creating) {
      // The link's secret is dropped: the read-only ids are the way in.
      creating = this.#meta
        .createToken(sessionId, 'viewer', READ_ONLY_LINK_LABEL)
        .then(() => this.#liveLink(sessionId)!)
        .finally(() => this.#creating.delete(sessionId));
      this.#creating.set(sessionId, creating);
    }
    return creating;
  }

  #idFor(linkId: string, pad: PadRef): string {
    if (this.#secret === null) throw new Error('read-only ids need ETHERPAD_API_KEY');
    return `r.${createHmac('sha256', this.#secret).update(`${linkId}:${padIdOf(pad)}`).digest('hex').slice(0, 32)}`;
  }
}

function padExists(session: Session, pad: PadRef): boolean {
  return pad.topicId === null || session.topics.some((t) => t.id === pad.topicId);
}
