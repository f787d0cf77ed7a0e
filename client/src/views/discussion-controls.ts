/**
 * The toolbar's view of the discussion: the "Now: <topic>" link and the two reader toggles,
 * "Follow" (scroll to the topic being discussed whenever it changes) and "Colour by author".
 */
import { h } from '../dom.ts';
import { topicAnchor, type SectionView } from './section-view.ts';

export interface DiscussionControls {
  nowLink: HTMLAnchorElement;
  toggles: HTMLElement;
  follow: HTMLInputElement;
  byAuthor: HTMLInputElement;
  /** Points the "Now" link at the section under discussion, or hides it when none is shown. */
  showNow(view: SectionView | undefined, current: string | null): void;
}

export function discussionControls(): DiscussionControls {
  const nowLink = h('a', { class: 'now-link', 'data-testid': 'now-discussing', href: '#', hidden: true });
  const follow = h('input', { type: 'checkbox', id: 'follow-toggle', class: 'view-toggle', 'data-testid': 'follow' });
  const byAuthor = h('input', { type: 'checkbox', id: 'author-toggle', class: 'view-toggle', 'data-testid': 'colour-by-author' });
  const toggles = h(
    'div',
    { class: 'toggles' },
    h('label', { for: 'follow-toggle', title: 'Scroll to the topic being discussed whenever it changes' }, follow, ' Follow'),
    h('label', { for: 'author-toggle' }, byAuthor, ' Colour by author'),
  );
  const showNow = (view: SectionView | undefined, current: string | null): void => {
    nowLink.hidden = !view;
    if (!view) return;
    nowLink.textContent = `Now: ${view.element.querySelector('h2')?.textContent ?? current}`;
    nowLink.setAttribute('href', `#${topicAnchor(view.topicId)}`);
  };
  return { nowLink, toggles, follow, byAuthor, showNow };
}
