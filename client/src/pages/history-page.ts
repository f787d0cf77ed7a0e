/**
 * `/s/:sessionId/history` (issue 9): the session's checkpoints (time, reason, contributors), any
 * one shown read-only, a comparison of two (per topic, added and removed text), "restore this
 * topic" (a new edit everyone receives live), "take a checkpoint now", and finalised versions
 * (leads finalise; before the scheduled end the server asks for confirmation).
 */
import type { AccessResponse, CheckpointInfo, CheckpointResponse, DiffResponse } from '../../../shared/api.ts';
import { can, type Role } from '../../../shared/roles.ts';
import { apiCall, getJson, type ApiAnswer, type ApiSession } from '../api.ts';
import { adoptTokenFromUrl, sessionToken } from '../auth/session-token.ts';
import { h, showPage } from '../dom.ts';
import { refusedLink } from '../views/refused-link.ts';
import { roleBadge } from '../views/role-badge.ts';

const REASONS: Record<CheckpointInfo['reason'], string> = { auto: 'automatic', idle: 'everyone left', manual: 'taken on demand', final: 'finalised' };
const label = (version: number): string => `-${String(version).padStart(2, '0')}`;
const when = (iso: string): string => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

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
  const mayEdit = can(role, 'edit');
  const mayFinalise = can(role, 'assign');
  const call = <T>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> => apiCall<T>(method, `${base}${path}`, { token, body });

  const message = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'history-error' });
  const checkpointList = h('tbody', { 'data-testid': 'checkpoints' });
  const versionList = h('ul', { class: 'versions', 'data-testid': 'versions' });
  const fromSelect = h('select', { id: 'diff-from', 'data-testid': 'diff-from' });
  const toSelect = h('select', { id: 'diff-to', 'data-testid': 'diff-to' });
  const compare = h('button', { type: 'button', 'data-testid': 'compare' }, 'Compare');
  const panel = h('section', { class: 'history-panel', 'data-testid': 'history-panel', 'aria-live': 'polite' });
  const take = h('button', { type: 'button', 'data-testid': 'take-checkpoint' }, 'Take a checkpoint now');
  const finalise = h('button', { type: 'button', 'data-testid': 'finalise' }, 'Finalise');
  const confirmText = h('p', {});
  const confirmYes = h('button', { type: 'button', value: 'yes', 'data-testid': 'confirm-finalise' }, 'Finalise anyway');
  const confirmNo = h('button', { type: 'button', value: 'no', class: 'secondary' }, 'Cancel');
  const dialog = h('dialog', { class: 'confirm card', 'data-testid': 'finalise-dialog', 'aria-labelledby': 'confirm-title' }, h('h2', { id: 'confirm-title' }, 'Finalise before the end?'), confirmText, h('p', { class: 'dialog-actions' }, confirmYes, ' ', confirmNo));

  let checkpoints: CheckpointInfo[] = [];
  let versions: CheckpointInfo[] = [];
  const nextLabel = (): string => label(versions.length);

  const load = async (): Promise<void> => {
    const [list, finals] = await Promise.all([call<{ checkpoints: CheckpointInfo[] }>('GET', '/checkpoints'), call<{ versions: CheckpointInfo[] }>('GET', '/versions')]);
    if (!list.ok || !finals.ok) {
      message.textContent = !list.ok ? list.message : !finals.ok ? finals.message : '';
      return;
    }
    checkpoints = list.value.checkpoints;
    versions = finals.value.versions;
    finalise.textContent = `Finalise as ${nextLabel()}`;
    checkpointList.replaceChildren(
      ...checkpoints.map((c) => {
        const view = h('button', { type: 'button', class: 'small secondary', 'data-testid': 'view-checkpoint' }, 'View');
        view.addEventListener('click', () => void showCheckpoint(c));
        return h(
          'tr',
          { 'data-checkpoint-id': c.id, 'data-reason': c.reason },
          h('td', {}, h('time', { datetime: c.createdAt }, when(c.createdAt))),
          h('td', {}, c.version !== undefined ? `${REASONS[c.reason]} ${label(c.version)}` : REASONS[c.reason]),
          h('td', {}, c.contributors.join(', ') || '—'),
          h('td', {}, view),
        );
      }),
    );
    if (checkpoints.length === 0) checkpointList.append(h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'No checkpoints yet.')));
    versionList.replaceChildren(
      ...versions.map((v) => {
        const link = h('a', { href: `#version-${label(v.version ?? 0)}`, 'data-testid': 'version-link' }, `${meta.value.title} ${label(v.version ?? 0)}`);
        link.addEventListener('click', (event) => {
          event.preventDefault();
          void showCheckpoint(v);
        });
        return h('li', {}, link, h('span', { class: 'muted' }, ` · ${when(v.createdAt)}`));
      }),
    );
    if (versions.length === 0) versionList.append(h('li', { class: 'muted' }, 'Not finalised yet.'));
    const options = (select: HTMLSelectElement, fallback: string): void => {
      // Keep what the reader picked; otherwise default to the newest checkpoint → the notes now.
      const keep = select.dataset['picked'] ? select.value : fallback;
      select.replaceChildren(h('option', { value: 'live' }, 'the notes now'), ...checkpoints.map((c) => h('option', { value: c.id }, `${when(c.createdAt)} (${REASONS[c.reason]})`)));
      select.value = [...select.options].some((o) => o.value === keep) ? keep : fallback;
    };
    options(fromSelect, checkpoints[0]?.id ?? 'live');
    options(toSelect, 'live');
  };

  const showCheckpoint = async (c: CheckpointInfo): Promise<void> => {
    const answer = await call<CheckpointResponse>('GET', `/checkpoints/${encodeURIComponent(c.id)}`);
    if (!answer.ok) {
      message.textContent = answer.message;
      return;
    }
    message.textContent = '';
    const heading = c.version !== undefined ? `Version ${label(c.version)}` : `Checkpoint of ${when(c.createdAt)}`;
    panel.replaceChildren(
      h('h2', {}, heading, h('span', { class: 'muted' }, ' (read-only)')),
      ...answer.value.sections.map((section) => {
        const restore = mayEdit ? h('button', { type: 'button', class: 'small secondary', 'data-testid': 'restore-topic' }, 'Restore this topic') : null;
        const status = h('span', { class: 'muted', role: 'status' });
        restore?.addEventListener('click', async () => {
          restore.disabled = true;
          const done = await call('POST', `/checkpoints/${encodeURIComponent(c.id)}/restore`, { topicId: section.id });
          restore.disabled = false;
          status.textContent = done.ok ? ' Restored: everyone sees these notes now.' : ` ${done.message}`;
        });
        return h(
          'article',
          { class: 'snapshot-topic card', 'data-topic-id': section.id },
          h('h3', {}, section.title, ' ', restore, status),
          h('pre', { class: 'snapshot-notes' }, section.notes || '(no notes)'),
          section.actions.length ? h('ul', {}, ...section.actions.map((a) => h('li', {}, `${a.done ? '☑' : '☐'} ${a.text}`))) : null,
        );
      }),
    );
    panel.scrollIntoView({ block: 'start' });
  };

  for (const select of [fromSelect, toSelect]) select.addEventListener('change', () => (select.dataset['picked'] = 'yes'));
  compare.addEventListener('click', async () => {
    const answer = await call<DiffResponse>('GET', `/diff?from=${encodeURIComponent(fromSelect.value)}&to=${encodeURIComponent(toSelect.value)}`);
    if (!answer.ok) {
      message.textContent = answer.message;
      return;
    }
    message.textContent = '';
    const changed = answer.value.topics.filter((t) => t.added.length || t.removed.length);
    panel.replaceChildren(
      h('h2', {}, `Changes from ${fromSelect.selectedOptions[0]?.textContent ?? ''} to ${toSelect.selectedOptions[0]?.textContent ?? ''}`),
      ...(changed.length === 0
        ? [h('p', { class: 'muted' }, 'No changes.')]
        : changed.map((t) =>
            h(
              'article',
              { class: 'diff-topic card', 'data-topic-id': t.topicId },
              h('h3', {}, t.title),
              t.added.length ? h('p', { class: 'diff' }, h('span', { class: 'diff-label' }, 'Added'), ...t.added.map((text) => h('ins', { class: 'diff-added' }, text))) : null,
              t.removed.length ? h('p', { class: 'diff' }, h('span', { class: 'diff-label' }, 'Removed'), ...t.removed.map((text) => h('del', { class: 'diff-removed' }, text))) : null,
            ),
          )),
    );
  });

  take.addEventListener('click', async () => {
    take.disabled = true;
    const answer = await call('POST', '/checkpoints');
    take.disabled = false;
    message.textContent = answer.ok ? '' : answer.message;
    await load();
  });

  const sendFinalise = async (confirm: boolean): Promise<void> => {
    finalise.disabled = true;
    const answer = await call<CheckpointInfo>('POST', '/versions', confirm ? { confirm: true } : {});
    finalise.disabled = false;
    if (!answer.ok && answer.code === 'CONFIRMATION_REQUIRED') {
      // The server's sentence up to its remedy ("…end at <time>; finalising now needs confirmation…"): the dialog asks instead.
      confirmText.textContent = `${answer.message.replace(/;.*$/s, '.')} Finalise as ${nextLabel()} now? Later edits stay possible but do not change ${nextLabel()}.`;
      dialog.showModal();
      return;
    }
    message.textContent = answer.ok ? '' : answer.message;
    await load();
  };
  finalise.addEventListener('click', () => void sendFinalise(false));
  confirmYes.addEventListener('click', () => {
    dialog.close();
    void sendFinalise(true);
  });
  confirmNo.addEventListener('click', () => dialog.close());

  showPage(
    `History · ${meta.value.title}`,
    h('header', { class: 'session-header' }, h('a', { class: 'crumb', href: `/s/${sessionId}` }, '← Back to the notes'), h('h1', {}, `History: ${meta.value.title}`, roleBadge(role))),
    message,
    h(
      'div',
      { class: 'history-layout' },
      h(
        'div',
        { class: 'history-side' },
        h('section', { class: 'card' }, h('h2', {}, 'Finalised versions'), versionList, mayFinalise ? finalise : null),
        h(
          'section',
          { class: 'card' },
          h('h2', {}, 'Checkpoints'),
          mayEdit ? take : null,
          h('div', { class: 'table-scroll' }, h('table', { class: 'checkpoints' }, h('thead', {}, h('tr', {}, h('th', {}, 'Time'), h('th', {}, 'Why'), h('th', {}, 'Authors'), h('th', {}, h('span', { class: 'visually-hidden' }, 'Show')))), checkpointList)),
          h('p', { class: 'compare-form' }, h('label', { for: 'diff-from' }, 'Compare ', fromSelect), ' ', h('label', { for: 'diff-to' }, 'with ', toSelect), ' ', compare),
        ),
      ),
      panel,
    ),
    dialog,
  );
  await load();
}
