/**
 * "Jump to topic": the topic list in the side bar (open on wide screens, folded on a phone) and the
 * toolbar link that brings a phone reader back up to it. Following a link puts the keyboard in that
 * topic's notes.
 */
import { h } from '../dom.ts';
import { topicAnchor } from './section-view.ts';

export interface TopicNav {
  element: HTMLElement;
  /** The toolbar's "Topics" link (on a phone the list is at the top of the page). */
  toTopics: HTMLAnchorElement;
  /** Replaces the list with these topics, in doc order. */
  show(topics: ReadonlyArray<{ topicId: string; title: string }>): void;
  /** Opens the list on a wide screen; call once the page is shown. */
  fitToViewport(): void;
}

export function topicNav(): TopicNav {
  const list = h('ol', { class: 'jump-list' });
  const details = h('details', { class: 'jump-details' }, h('summary', {}, 'Jump to topic'), list);
  const element = h('nav', { class: 'jump', id: 'topics-nav', 'aria-label': 'Jump to topic' }, details);
  const wide = matchMedia('(min-width: 60rem)');
  const toTopics = h('a', { class: 'toolbar-jump', href: '#topics-nav' }, 'Topics');
  toTopics.addEventListener('click', (event) => {
    event.preventDefault();
    details.open = true;
    element.scrollIntoView({ block: 'start' });
    (details.querySelector('summary') as HTMLElement).focus({ preventScroll: true });
  });
  list.addEventListener('click', (event) => {
    if (jumpTo(event) && !wide.matches) details.open = false;
  });
  return {
    element,
    toTopics,
    show: (topics) => list.replaceChildren(...topics.map(({ topicId, title }) => h('li', {}, h('a', { href: `#${topicAnchor(topicId)}` }, title)))),
    fitToViewport: () => (details.open = wide.matches),
  };
}

/** Scrolls to the clicked topic and focuses it; false when the click was not on a topic's link. */
function jumpTo(event: MouseEvent): boolean {
  const link = (event.target as HTMLElement).closest('a');
  if (!link) return false;
  const target = document.getElementById(link.getAttribute('href')!.slice(1));
  if (!target) return false;
  event.preventDefault();
  history.replaceState(null, '', link.getAttribute('href'));
  target.scrollIntoView({ block: 'start' });
  // Put the keyboard in the topic's notes, or on the section in read-only mode.
  const editor = target.querySelector<HTMLElement>('.cm-content[contenteditable="true"]');
  (editor ?? target).focus({ preventScroll: true });
  return true;
}
