/**
 * The console's import (issue 15): paste an MC page or a Markdown outline, or drop/choose a
 * JSON, Indico or Markdown file; "Preview" asks the server for a dry run and shows the parsed
 * sessions, topics, leads, schedule and any problem by line or path; nothing is written until
 * "Import". Changing anything after a preview disables "Import" until the next preview.
 */
import type { ImportResult } from '../../../../shared/api.ts';
import type { AdminApi, ImportPreview, ImportProblem, PreviewSession } from '../../admin/admin-api.ts';
import { importSource, type FormatChoice } from '../../admin/import-source.ts';
import { h } from '../../dom.ts';
import { absoluteLink, copyButton } from '../link-dialog.ts';

const FORMATS: [FormatChoice, string][] = [
  ['auto', 'Detect'],
  ['page', 'MC page (text)'],
  ['markdown', 'Markdown outline'],
  ['json', 'JSON'],
  ['indico', 'Indico export (JSON)'],
];

interface Fields {
  eventList: HTMLDataListElement;
  eventId: HTMLInputElement;
  eventTitle: HTMLInputElement;
  sessionId: HTMLInputElement;
  format: HTMLSelectElement;
  text: HTMLTextAreaElement;
  file: HTMLInputElement;
}

export function importPanel(api: AdminApi, eventIds: string[], onImported: () => Promise<void>): HTMLElement {
  const fields = importFields(eventIds);
  let fileName = '';
  const status = h('p', { class: 'panel-status', role: 'status', 'aria-live': 'polite', 'data-testid': 'import-status' });
  const output = h('div', { class: 'import-output', 'data-testid': 'import-preview' });
  const previewButton = h('button', { type: 'submit', 'data-testid': 'preview-import' }, 'Preview');
  const importButton = h('button', { type: 'button', disabled: true, 'data-testid': 'run-import' }, 'Import');
  const source = () =>
    importSource(fields.text.value, fields.format.value as FormatChoice, fileName, { sessionId: fields.sessionId.value.trim(), eventTitle: fields.eventTitle.value.trim() });
  const stale = (): void => {
    importButton.disabled = true;
  };
  for (const input of [fields.eventId, fields.eventTitle, fields.sessionId, fields.format, fields.text, fields.file]) input.addEventListener('input', stale);
  onFileChosen(fields, async (file) => {
    fileName = file.name;
    fields.text.value = await file.text();
    stale();
    status.textContent = `Read ${file.name} (${file.size} bytes). Press Preview.`;
  });
  fields.text.addEventListener('input', () => (fileName = ''));

  const form = h(
    'form',
    { class: 'import-form', 'aria-labelledby': 'import-title' },
    h('h2', { id: 'import-title' }, 'Import sessions and topics'),
    fieldRow('Into event (id)', fields.eventId, 'An existing event, or a new id: the import creates it.'),
    fields.eventList,
    fieldRow('Title of a new event (optional)', fields.eventTitle),
    fieldRow('Into session (optional id)', fields.sessionId, 'With one session in the text: import into this session; existing topics are skipped.'),
    fieldRow('Format', fields.format),
    fieldRow('Paste an MC page or a Markdown outline (or drop a file here)', fields.text),
    fieldRow('…or choose a file (JSON, Indico export, Markdown, text)', fields.file),
    h('p', { class: 'dialog-actions' }, previewButton, ' ', importButton),
    status,
    output,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void runPreview();
  });
  const runPreview = async (): Promise<void> => {
    const eventId = fields.eventId.value.trim();
    if (!eventId || !fields.text.value.trim()) {
      status.textContent = 'Name the event and paste or choose something to import first.';
      return;
    }
    status.textContent = 'Reading the import…';
    const answer = await api.preview(eventId, source());
    if (answer.ok) {
      output.replaceChildren(previewView(answer.value));
      importButton.disabled = answer.value.sessions.length === 0;
      status.textContent = previewSummary(answer.value);
      return;
    }
    output.replaceChildren(answer.problems?.length ? problemList(answer.problems) : h('p', { class: 'error' }, answer.message));
    status.textContent = `Cannot import this: ${answer.message}`;
  };
  importButton.addEventListener('click', () => {
    importButton.disabled = true;
    status.textContent = 'Importing…';
    void api.import(fields.eventId.value.trim(), source()).then(async (answer) => {
      if (!answer.ok) {
        status.textContent = `Not imported: ${answer.message}`;
        return;
      }
      output.replaceChildren(resultView(answer.value));
      status.textContent = resultSummary(answer.value);
      await onImported();
    });
  });
  return h('section', { class: 'card import-panel' }, form);
}

/** Calls `read` with a file chosen in the file field or dropped on the text area. */
function onFileChosen(fields: Fields, read: (file: File) => Promise<void>): void {
  fields.file.addEventListener('change', () => {
    const chosen = fields.file.files?.[0];
    if (chosen) void read(chosen);
  });
  fields.text.addEventListener('dragover', (event) => event.preventDefault());
  fields.text.addEventListener('drop', (event) => {
    const dropped = event.dataTransfer?.files[0];
    if (!dropped) return;
    event.preventDefault();
    void read(dropped);
  });
}

function importFields(eventIds: string[]): Fields {
  return {
    eventList: h('datalist', { id: 'import-event-ids' }, ...eventIds.map((id) => h('option', { value: id }))),
    eventId: h('input', { type: 'text', id: 'import-event', list: 'import-event-ids', required: true, autocomplete: 'off', 'data-testid': 'import-event' }),
    eventTitle: h('input', { type: 'text', id: 'import-event-title', 'data-testid': 'import-event-title' }),
    sessionId: h('input', { type: 'text', id: 'import-session', autocomplete: 'off', 'data-testid': 'import-session' }),
    format: h('select', { id: 'import-format', 'data-testid': 'import-format' }, ...FORMATS.map(([value, name]) => h('option', { value }, name))),
    text: h('textarea', { id: 'import-text', rows: 10, spellcheck: false, 'data-testid': 'import-text' }),
    file: h('input', { type: 'file', id: 'import-file', accept: '.json,.md,.markdown,.txt,application/json,text/plain,text/markdown', 'data-testid': 'import-file' }),
  };
}

function fieldRow(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const hintId = hint ? `${control.id}-hint` : undefined;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hint ? h('p', { id: hintId, class: 'muted hint' }, hint) : null);
}

function previewSummary(preview: ImportPreview): string {
  const topics = preview.sessions.reduce((n, s) => n + s.topics.length, 0);
  const problems = preview.problems.length ? `, ${preview.problems.length} problem(s)` : '';
  return `Preview: ${preview.sessions.length} session(s), ${topics} topic(s)${problems}. Nothing is written until you press Import.`;
}

function previewView(preview: ImportPreview): HTMLElement {
  return h('div', {}, ...preview.sessions.map(previewSession), preview.problems.length ? problemList(preview.problems) : null);
}

function previewSession(session: PreviewSession): HTMLElement {
  const fresh = session.topics.filter((t) => t.status === 'new').length;
  const leads = session.leads.map((l) => (l.email ? `${l.name} <${l.email}>` : l.name)).join(', ');
  const when = session.schedule ? [session.schedule.start, session.schedule.end, session.schedule.room].filter(Boolean).join(' – ') : '';
  return h(
    'article',
    { class: 'preview-session', 'data-session-id': session.id },
    h('h3', {}, session.title, ' ', h('code', {}, session.id), ' ', h('span', { class: 'badge' }, session.exists ? 'existing session' : 'new session')),
    h('p', { 'data-testid': 'preview-leads' }, h('strong', {}, 'Leads: '), leads || '—'),
    when ? h('p', {}, h('strong', {}, 'Schedule: '), when) : null,
    h('p', { 'data-testid': 'preview-topic-count' }, `${session.topics.length} topics`, session.exists ? ` (${fresh} new, ${session.topics.length - fresh} skipped: already there)` : ''),
    h(
      'ol',
      { class: 'preview-topics' },
      ...session.topics.map((t) =>
        h('li', { 'data-status': t.status }, t.title, t.speakers.length ? h('span', { class: 'muted' }, ` — ${t.speakers.join(', ')}`) : null, t.status === 'existing' ? h('span', { class: 'badge' }, ' skipped') : null),
      ),
    ),
  );
}

function problemList(problems: ImportProblem[]): HTMLElement {
  return h(
    'div',
    { class: 'problems', 'data-testid': 'import-problems' },
    h('h3', {}, 'Problems'),
    h('ul', {}, ...problems.map((p) => h('li', {}, h('code', {}, p.where), ': ', p.message))),
  );
}

function resultSummary(result: ImportResult): string {
  const added = result.sessions.reduce((n, s) => n + s.addedTopics.length, 0);
  const skipped = result.sessions.reduce((n, s) => n + s.skippedTopics.length, 0);
  return `Imported into ${result.eventId}: ${result.sessions.length} session(s), ${added} topic(s) added, ${skipped} skipped.`;
}

/** The import's answer; a created session's lead link is in it once, so it is offered for copying here. */
function resultView(result: ImportResult): HTMLElement {
  return h(
    'ul',
    { class: 'import-result', 'data-testid': 'import-result' },
    ...result.sessions.map((s, index) => {
      const status = h('span', { role: 'status', 'aria-live': 'polite' });
      const lead = s.leadToken ? h('input', { type: 'text', readonly: true, id: `import-lead-${index}`, value: absoluteLink(`/s/${s.id}?token=${s.leadToken}`), 'data-testid': 'import-lead-link' }) : null;
      return h(
        'li',
        {},
        `${s.id}: ${s.created ? 'created' : 'updated'}, ${s.addedTopics.length} topics added, ${s.skippedTopics.length} skipped.`,
        lead ? h('div', { class: 'field' }, h('label', { for: lead.id }, 'Lead link (shown once: copy it now)'), lead, copyButton(lead, status), status) : null,
      );
    }),
  );
}
