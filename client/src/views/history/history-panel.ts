/**
 * The history page's panel: one checkpoint shown read-only, each topic with "Restore this topic"
 * for those who may edit (a new edit everyone receives live), or a comparison of two points.
 */
import type { CheckpointInfo, CheckpointResponse, DiffResponse } from '../../../../shared/api.ts';
import { h } from '../../dom.ts';
import { versionLabel, when, type HistoryContext } from './history-context.ts';

type SnapshotSection = CheckpointResponse['sections'][number];
type TopicDiff = DiffResponse['topics'][number];

/** Loads a checkpoint and shows it in the panel, or its error on the page's error line. */
export async function showCheckpoint(context: HistoryContext, c: CheckpointInfo): Promise<void> {
  const { call, message, panel } = context;
  const answer = await call<CheckpointResponse>('GET', `/checkpoints/${encodeURIComponent(c.id)}`);
  if (!answer.ok) {
    message.textContent = answer.message;
    return;
  }
  message.textContent = '';
  const heading = c.version !== undefined ? `Version ${versionLabel(c.version)}` : `Checkpoint of ${when(c.createdAt)}`;
  panel.replaceChildren(h('h2', {}, heading, h('span', { class: 'muted' }, ' (read-only)')), ...answer.value.sections.map((section) => snapshotTopic(context, c, section)));
  panel.scrollIntoView({ block: 'start' });
}

function snapshotTopic({ call, mayEdit }: HistoryContext, c: CheckpointInfo, section: SnapshotSection): HTMLElement {
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
}

/** Shows the topics whose text changed between two points (added and removed text per topic). */
export function showDiff(panel: HTMLElement, heading: string, topics: readonly TopicDiff[]): void {
  const changed = topics.filter((t) => t.added.length || t.removed.length);
  panel.replaceChildren(h('h2', {}, heading), ...(changed.length === 0 ? [h('p', { class: 'muted' }, 'No changes.')] : changed.map(topicDiff)));
}

function topicDiff(t: TopicDiff): HTMLElement {
  return h(
    'article',
    { class: 'diff-topic card', 'data-topic-id': t.topicId },
    h('h3', {}, t.title),
    t.added.length ? h('p', { class: 'diff' }, h('span', { class: 'diff-label' }, 'Added'), ...t.added.map((text) => h('ins', { class: 'diff-added' }, text))) : null,
    t.removed.length ? h('p', { class: 'diff' }, h('span', { class: 'diff-label' }, 'Removed'), ...t.removed.map((text) => h('del', { class: 'diff-removed' }, text))) : null,
  );
}
