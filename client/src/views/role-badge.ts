/** A discreet badge naming the page's role (from `/access`). */
import type { Role } from '../../../shared/roles.ts';
import { h } from '../dom.ts';

const LABELS: Record<Role, string> = { admin: 'Admin', lead: 'Lead', participant: 'Participant', viewer: 'Viewer' };

export function roleBadge(role: Role): HTMLElement {
  return h('span', { class: `role-badge role-${role}`, 'data-testid': 'role', 'data-role': role }, LABELS[role]);
}
