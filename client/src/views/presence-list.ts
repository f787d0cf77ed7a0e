/** Who is in the session now: every awareness state with a `user`, in its colour. */
import type { Awareness } from 'y-protocols/awareness';
import { displayName, isHexColor } from '../../../shared/presence.ts';
import { h } from '../dom.ts';

interface PresenceUser {
  name: string;
  color: string;
}

function userOf(state: Record<string, unknown>): PresenceUser | null {
  const user = state['user'] as Partial<PresenceUser> | undefined;
  const name = typeof user?.name === 'string' ? displayName(user.name) : '';
  if (!name) return null;
  return { name, color: isHexColor(user?.color) ? user.color : '#666666' };
}

export function presenceList(awareness: Awareness): HTMLElement {
  const list = h('ul', { class: 'presence-list' });
  const heading = h('h2', { class: 'presence-heading' }, 'Here now');
  const element = h('section', { class: 'presence', 'aria-label': 'People here now' }, heading, list);
  const render = (): void => {
    const me = awareness.clientID;
    const people: (PresenceUser & { self: boolean })[] = [];
    awareness.getStates().forEach((state, clientId) => {
      const user = userOf(state);
      if (user) people.push({ ...user, self: clientId === me });
    });
    people.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name));
    heading.textContent = `Here now (${people.length})`;
    list.replaceChildren(
      ...people.map((p) =>
        h('li', { class: 'person' }, h('span', { class: 'swatch', style: `background:${p.color}`, 'aria-hidden': 'true' }), p.name, p.self ? h('span', { class: 'muted' }, ' (you)') : null),
      ),
    );
    if (people.length === 0) list.append(h('li', { class: 'muted' }, 'Nobody else yet.'));
  };
  awareness.on('change', render);
  render();
  return element;
}
