/**
 * Turns a presented token into a role, per session or per event, and checks operations against
 * the role table in shared/roles.ts. The same policy serves the HTTP and the WebSocket edges.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AuditActor } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import { can, type Operation, type Role } from '../../shared/roles.ts';
import type { MetaService } from './meta-service.ts';

export interface Access {
  role: Role;
  /** For history lines: what the token is (its label), or "anonymous". */
  via: string;
  /** The link's id, when a session link was presented. */
  tokenId?: string;
  /** The session is archived (issue #15): read-only for every role. */
  archived?: boolean;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

export class AccessPolicy {
  #meta: MetaService;
  #adminDigest: Buffer;

  constructor(meta: MetaService, adminToken: string) {
    this.#meta = meta;
    this.#adminDigest = digest(adminToken);
  }

  isAdmin(token: string | undefined): boolean {
    return token !== undefined && timingSafeEqual(digest(token), this.#adminDigest);
  }

  /**
   * The role of whoever presents `token` in a session. No token: participant when the event is
   * open, viewer otherwise. A token that is unknown, revoked or for another session: FORBIDDEN
   * (never a silent downgrade, so a revoked lead notices).
   */
  inSession(sessionId: string, token: string | undefined): Access {
    const session = this.#meta.getSession(sessionId);
    const archived = session.archived === true ? { archived: true } : {};
    if (this.isAdmin(token)) return { role: 'admin', via: 'admin', ...archived };
    if (token === undefined) return { ...this.#anonymous(session.eventId), ...archived };
    const record = this.#meta.findToken(token);
    if (!record || record.sessionId !== sessionId) {
      throw new AppError('FORBIDDEN', 'This link is not valid for this session (revoked, or for another session).');
    }
    return { role: record.role, via: record.label, tokenId: record.id, ...archived };
  }

  /** The role for event-wide reads (the board): the best role any valid token gives in the event. */
  inEvent(eventId: string, token: string | undefined): Access {
    this.#meta.getEvent(eventId);
    if (this.isAdmin(token)) return { role: 'admin', via: 'admin' };
    if (token === undefined) return this.#anonymous(eventId);
    const record = this.#meta.findToken(token);
    if (!record || record.eventId !== eventId) throw new AppError('FORBIDDEN', 'This link is not valid for this event.');
    return { role: record.role, via: record.label };
  }

  /** Throws FORBIDDEN unless `access` allows `operation`; SESSION_ARCHIVED for a change to the
   *  notes or action items of an archived session (links stay manageable). */
  require(access: Access, operation: Operation): void {
    if (!can(access.role, operation)) {
      throw new AppError('FORBIDDEN', `A ${access.role} may not ${OPERATION_WORDS[operation]}.`);
    }
    if (access.archived && (operation === 'edit' || operation === 'assign')) {
      throw new AppError('SESSION_ARCHIVED', 'This session is archived: it is read-only until an admin unarchives it.');
    }
  }

  /** Who `access` is, as the audit log records it. */
  actor(access: Access): AuditActor {
    return { role: access.role, label: access.via };
  }

  #anonymous(eventId: string): Access {
    return { role: this.#meta.participantAccess(eventId) === 'open' ? 'participant' : 'viewer', via: 'anonymous' };
  }
}

const OPERATION_WORDS: Record<Operation, string> = {
  read: 'read this session',
  edit: 'edit notes or action items',
  assign: 'assign action items or change their due date or status',
  manage: 'manage links',
};
