/**
 * Who may do what. One table for the HTTP edge, the WebSocket edge and the README.
 *
 * - admin: holds ADMIN_TOKEN; everything.
 * - lead: holds a session's lead token; everything in that session, including assignments.
 * - participant: holds an edit link, or anyone when the event is open (the default); edits notes
 *   and captures action items.
 * - viewer: holds a read-only link, or anyone when the event is closed; reads only.
 */
export type Role = 'admin' | 'lead' | 'participant' | 'viewer';

/** Roles a per-session token can carry (admin is the server-wide ADMIN_TOKEN). */
export type TokenRole = Exclude<Role, 'admin'>;
export const TOKEN_ROLES: readonly TokenRole[] = ['lead', 'participant', 'viewer'];

export type Operation =
  /** Read notes, action items, follow-ups, exports. */
  | 'read'
  /** Change notes, action-item and decision text; capture action items, record decisions. */
  | 'edit'
  /** Set assignee, due date and status of action items; mark decisions agreed. */
  | 'assign'
  /** Create, list and revoke a session's links; change event access. */
  | 'manage';

const GRANTS: Record<Role, readonly Operation[]> = {
  admin: ['read', 'edit', 'assign', 'manage'],
  lead: ['read', 'edit', 'assign', 'manage'],
  participant: ['read', 'edit'],
  viewer: ['read'],
};

/** True when `role` may perform `operation`. */
export function can(role: Role, operation: Operation): boolean {
  return GRANTS[role].includes(operation);
}

/** How a session is opened without a token. */
export type ParticipantAccess = 'open' | 'link';
