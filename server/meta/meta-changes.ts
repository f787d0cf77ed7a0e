/**
 * What another instance's save changed that this instance must act on (cluster mode, issue #8):
 * the same events its own writes announce, found by comparing two versions of the metadata.
 */
import type { Session } from '../../shared/domain.ts';
import type { MetaData } from '../storage/meta-store.ts';
import { tokenInfo, type TokenInfo } from './tokens.ts';

export interface MetaChanges {
  /** Sessions present before that gained topics (their loaded docs get the new sections). New
   *  sessions are not listed, as a local import does not list them: no doc of theirs is loaded. */
  topicsAdded: Session[];
  /** Links live before and revoked now (their open connections must close). */
  revoked: TokenInfo[];
  /** Events whose participant access went from open to link (their anonymous editors lose write). */
  closedEvents: string[];
  /** Sessions archived since (their open connections lose write access). */
  archivedSessions: string[];
}

export function metaChanges(before: MetaData, after: MetaData): MetaChanges {
  const topicIdsBefore = new Map(before.sessions.map((s) => [s.id, new Set(s.topics.map((t) => t.id))]));
  const topicsAdded = after.sessions.filter((session) => {
    const known = topicIdsBefore.get(session.id);
    return known !== undefined && session.topics.some((t) => !known.has(t.id));
  });
  const liveBefore = new Set((before.tokens ?? []).filter((t) => !t.revokedAt).map((t) => t.id));
  const revoked = (after.tokens ?? []).filter((t) => t.revokedAt && liveBefore.has(t.id)).map(tokenInfo);
  const openBefore = new Set(before.events.filter((e) => (e.participantAccess ?? 'open') === 'open').map((e) => e.id));
  const closedEvents = after.events.filter((e) => e.participantAccess === 'link' && openBefore.has(e.id)).map((e) => e.id);
  const archivedBefore = new Set(before.sessions.filter((s) => s.archived).map((s) => s.id));
  const archivedSessions = after.sessions.filter((s) => s.archived && !archivedBefore.has(s.id)).map((s) => s.id);
  return { topicsAdded, revoked, closedEvents, archivedSessions };
}
