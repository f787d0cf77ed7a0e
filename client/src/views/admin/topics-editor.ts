/**
 * A session's topics in the console: rename (the server changes the heading; the notes stay),
 * move up/down (the server moves the sections, an edit everyone receives live) and add a topic.
 * Buttons, not drag and drop, so the keyboard does everything; after a move the focus follows the
 * moved topic's button.
 */
import type { ApiTopic } from '../../../../shared/api.ts';
import type { AdminApi } from '../../admin/admin-api.ts';
import { h } from '../../dom.ts';

export interface TopicsEditorOptions {
  api: AdminApi;
  sessionId: string;
  /** Announces a result in the console's live region. */
  announce(text: string): void;
}

export function topicsEditor({ api, sessionId, announce }: TopicsEditorOptions): { element: HTMLElement; show(topics: ApiTopic[]): void } {
  const list = h('ol', { class: 'topic-editor', 'data-testid': 'topic-editor' });
  let topics: ApiTopic[] = [];
  const reload = async (focus?: { topicId: string; action: string }): Promise<void> => {
    const answer = await api.session(sessionId);
    if (!answer.ok) return announce(`Could not reload the topics: ${answer.message}`);
    show(answer.value.topics);
    if (focus) list.querySelector<HTMLButtonElement>(`li[data-topic-id="${focus.topicId}"] [data-action="${focus.action}"]:not(:disabled)`)?.focus();
  };
  const move = async (index: number, by: -1 | 1, action: string): Promise<void> => {
    const ids = topics.map((t) => t.id);
    const [moved] = ids.splice(index, 1);
    ids.splice(index + by, 0, moved!);
    const answer = await api.reorderTopics(sessionId, ids);
    announce(answer.ok ? `Moved “${topics[index]!.title}” to position ${index + by + 1}.` : `Not moved: ${answer.message}`);
    await reload({ topicId: moved!, action: index + by === 0 || index + by === ids.length - 1 ? (action === 'up' ? 'down' : 'up') : action });
  };
  const row = (topic: ApiTopic, index: number): HTMLLIElement => {
    const inputId = `topic-title-${sessionId}-${topic.id}`;
    const title = h('input', { type: 'text', id: inputId, value: topic.title, maxlength: 300, 'data-testid': 'topic-title' });
    const rename = h('button', { type: 'submit', class: 'secondary', 'data-action': 'rename' }, 'Rename');
    const form = h('form', { class: 'inline-form' }, h('label', { for: inputId, class: 'visually-hidden' }, `Title of topic ${index + 1}`), title, rename);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const next = title.value.trim();
      if (!next || next === topic.title) return;
      void api.renameTopic(sessionId, topic.id, next).then(async (answer) => {
        announce(answer.ok ? `Renamed topic ${index + 1} to “${next}”.` : `Not renamed: ${answer.message}`);
        await reload({ topicId: topic.id, action: 'rename' });
      });
    });
    const up = h('button', { type: 'button', class: 'secondary', 'data-action': 'up', disabled: index === 0, 'aria-label': `Move “${topic.title}” up` }, '↑ Up');
    const down = h('button', { type: 'button', class: 'secondary', 'data-action': 'down', disabled: index === topics.length - 1, 'aria-label': `Move “${topic.title}” down` }, '↓ Down');
    up.addEventListener('click', () => void move(index, -1, 'up'));
    down.addEventListener('click', () => void move(index, 1, 'down'));
    return h('li', { 'data-topic-id': topic.id }, form, h('span', { class: 'move-buttons' }, up, ' ', down));
  };
  const show = (next: ApiTopic[]): void => {
    topics = next;
    list.replaceChildren(...topics.map(row));
  };
  const element = h('section', { class: 'topics-editor' }, h('h3', {}, 'Topics'), list, addTopicForm({ api, sessionId, announce }, () => topics.at(-1)?.id, () => reload()));
  return { element, show };
}

function addTopicForm({ api, sessionId, announce }: TopicsEditorOptions, lastId: () => string | undefined, reload: () => Promise<void>): HTMLFormElement {
  const title = h('input', { type: 'text', id: `new-topic-${sessionId}`, maxlength: 300, required: true, 'data-testid': 'new-topic-title' });
  const speakers = h('input', { type: 'text', id: `new-topic-speakers-${sessionId}`, 'data-testid': 'new-topic-speakers' });
  const form = h(
    'form',
    { class: 'inline-form' },
    h('label', { for: title.id }, 'New topic'),
    title,
    h('label', { for: speakers.id }, 'Speakers (comma-separated)'),
    speakers,
    h('button', { type: 'submit', 'data-testid': 'add-topic' }, 'Add topic'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const after = lastId();
    const names = speakers.value.split(',').map((s) => s.trim()).filter(Boolean);
    void api.addTopic(sessionId, { title: title.value.trim(), ...(names.length ? { speakers: names } : {}), ...(after ? { after } : {}) }).then(async (answer) => {
      announce(answer.ok ? `Added the topic “${title.value.trim()}”.` : `Not added: ${answer.message}`);
      if (!answer.ok) return;
      title.value = '';
      speakers.value = '';
      await reload();
      title.focus();
    });
  });
  return form;
}
