/**
 * Why a read or projector view stopped updating, announced at once (role="alert"): the link it was
 * opened with was revoked (or is for another session), or the session is gone. The notes already
 * on screen stay, marked as no longer live.
 */
import type { ConnectionState } from '../session/connection-state.ts';
import { h } from '../dom.ts';

export type StopReason = Extract<ConnectionState['kind'], 'forbidden' | 'not-found' | 'refused'>;

const MESSAGES: Record<StopReason, { title: string; text: string }> = {
  forbidden: {
    title: 'This link no longer works',
    text: 'The link this page was opened with was revoked (or belongs to another session). The notes shown are as they were and no longer update. Ask the session lead for a new link.',
  },
  'not-found': { title: 'Session not found', text: 'There is no such session on this server (any more). The notes shown no longer update.' },
  refused: { title: 'Disconnected', text: 'The server closed this page’s connection. The notes shown no longer update; reload the page to try again.' },
};

export function linkNotice(reason: StopReason): HTMLElement {
  const { title, text } = MESSAGES[reason];
  return h('div', { class: 'link-notice', role: 'alert', 'data-testid': 'link-notice', 'data-reason': reason }, h('strong', {}, title), ' ', h('span', {}, text));
}

/** The reason a connection state means the view has stopped for good, if it does. */
export function stopReason(state: ConnectionState): StopReason | null {
  return state.kind === 'forbidden' || state.kind === 'not-found' || state.kind === 'refused' ? state.kind : null;
}
