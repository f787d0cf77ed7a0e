/** "carried to <event>/<session>" and "from <event>/<session>" notes of a follow-up, each a link to that session (issue #17). */
import type { CarryLink, CarryLinks } from '../../../shared/followups.ts';
import { formatSessionRef } from '../../../shared/session-ref.ts';
import { h } from '../dom.ts';

function linkTo(link: CarryLink): HTMLAnchorElement {
  return h('a', { href: `/s/${encodeURIComponent(link.sessionId)}` }, formatSessionRef(link));
}

/** The notes for an item's links (none when it was never carried). */
export function carryLinkNodes(links: CarryLinks): HTMLElement[] {
  const nodes: HTMLElement[] = [];
  if (links.carriedFrom) nodes.push(h('span', { class: 'carry-link', 'data-testid': 'carried-from' }, ' from ', linkTo(links.carriedFrom)));
  if (links.carriedTo) nodes.push(h('span', { class: 'carry-link', 'data-testid': 'carried-to' }, ' carried to ', linkTo(links.carriedTo)));
  return nodes;
}
