/**
 * `/s/:sessionId/history` (issue 9): the session's checkpoints (time, reason, contributors), any
 * one shown read-only, a comparison of two (per topic, added and removed text), "restore this
 * topic" (a new edit everyone receives live), "take a checkpoint now", and finalised versions
 * (leads finalise; before the scheduled end the server asks for confirmation).
 */
import type { AccessResponse, CheckpointInfo } from '../../../shared/api.ts';
import { can, type Role } from '../../../shared/roles.ts';
import { apiCall, getJson, type ApiSession } from '../api.ts';
import { adoptTokenFromUrl, sessionToken } from '../auth/session-token.ts';
import { h, showPage } from '../dom.ts';
import { checkpointTable, versionList } from '../views/history/checkpoint-lists.ts';
import { compareForm } from '../views/history/compare-form.ts';
import { finaliseControl } from '../views/history/finalise-control.ts';
import { versionLabel, type HistoryContext } from '../views/history/history-context.ts';
import { showCheckpoint } from '../views/history/history-panel.ts';
import { refusedLink } from '../views/refused-link.ts';
import { roleBadge } from '../views/role-badge.ts';

export async function historyPage(sessionId: string): Promise<void> {
  showPage('History', h('p', { class: 'muted loading' }, 'Loading the history…'));
  adoptTokenFromUrl(sessionId);
  const token = sessionToken(sessionId);
  const base = `/api/sessions/${encodeURIComponent(sessionId)}`;
  const [meta, access] = await Promise.all([getJson<ApiSession>(base, token), apiCall<AccessResponse>('GET', `${base}/access`, { token })]);
  if (!access.ok && access.status === 403) return refusedLink(sessionId);
  if (meta.kind !== 'ok') {
    showPage('Unknown session', h('div', { class: 'empty card' }, h('h1', {}, meta.kind === 'not-found' ? 'Unknown session' : 'The server cannot be reached'), h('p', {}, h('a', { href: '/' }, 'All sessions'))));
    return;
  }
  const role: Role = access.ok ? access.value.role : 'viewer';
  const context: HistoryContext = {
    call: (method, path, body) => apiCall(method, `${base}${path}`, { token, body }),
    message: h('p', { class: 'form-error', role: 'alert', 'data-testid': 'history-error' }),
    panel: h('section', { class: 'history-panel', 'data-testid': 'history-panel', 'aria-live': 'polite' }),
    mayEdit: can(role, 'edit'),
  };
  const title = meta.value.title;

  let versionCount = 0;
  const checkpoints = checkpointTable();
  const versions = versionList(title);
  const compare = compareForm(context);
  const finalise = finaliseControl(context, () => versionLabel(versionCount), () => load());
  const take = takeCheckpointButton(context, () => load());
  const load = async (): Promise<void> => {
    const [list, finals] = await Promise.all([context.call<{ checkpoints: CheckpointInfo[] }>('GET', '/checkpoints'), context.call<{ versions: CheckpointInfo[] }>('GET', '/versions')]);
    if (!list.ok || !finals.ok) {
      context.message.textContent = !list.ok ? list.message : !finals.ok ? finals.message : '';
      return;
    }
    versionCount = finals.value.versions.length;
    finalise.showNext();
    const show = (c: CheckpointInfo): void => void showCheckpoint(context, c);
    checkpoints.show(list.value.checkpoints, show);
    versions.show(finals.value.versions, show);
    compare.offer(list.value.checkpoints);
  };

  showPage(
    `History · ${title}`,
    h('header', { class: 'session-header' }, h('a', { class: 'crumb', href: `/s/${sessionId}` }, '← Back to the notes'), h('h1', {}, `History: ${title}`, roleBadge(role))),
    context.message,
    h(
      'div',
      { class: 'history-layout' },
      h(
        'div',
        { class: 'history-side' },
        h('section', { class: 'card' }, h('h2', {}, 'Finalised versions'), versions.element, can(role, 'assign') ? finalise.button : null),
        h('section', { class: 'card' }, h('h2', {}, 'Checkpoints'), context.mayEdit ? take : null, checkpoints.element, compare.element),
      ),
      context.panel,
    ),
    finalise.dialog,
  );
  await load();
}

/** "Take a checkpoint now": on success or failure the lists are reloaded. */
function takeCheckpointButton({ call, message }: HistoryContext, reload: () => Promise<void>): HTMLButtonElement {
  const take = h('button', { type: 'button', 'data-testid': 'take-checkpoint' }, 'Take a checkpoint now');
  take.addEventListener('click', async () => {
    take.disabled = true;
    const answer = await call('POST', '/checkpoints');
    take.disabled = false;
    message.textContent = answer.ok ? '' : answer.message;
    await reload();
  });
  return take;
}
