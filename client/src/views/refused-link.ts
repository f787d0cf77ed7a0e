/** The server refused this device's link for the session: say so, and offer to go on without it. */
import { forgetToken } from '../auth/session-token.ts';
import { h, showPage } from '../dom.ts';

export function refusedLink(sessionId: string): void {
  const without = h('button', { type: 'button', 'data-testid': 'continue-without-link' }, 'Continue without the link');
  without.addEventListener('click', () => {
    forgetToken(sessionId);
    location.reload();
  });
  showPage(
    'Link not valid',
    h(
      'div',
      { class: 'empty card', 'data-testid': 'link-refused' },
      h('h1', {}, 'This link is not valid'),
      h('p', {}, 'The server refused the link you opened this session with: it was revoked, or it belongs to another session. Ask the session lead for a new link.'),
      h('p', {}, without, ' ', h('a', { href: '/' }, 'All sessions')),
    ),
  );
}
