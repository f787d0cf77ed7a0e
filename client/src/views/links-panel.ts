/**
 * A session's links, for the organiser console and the lead's Share dialog: the list (role, label,
 * created, revoked; never a secret), "Create" (role and label, then the shown-once dialog),
 * "Revoke", and QR codes of the session's plain page and read view (no token: they work while the
 * event is open to everyone). Results are announced in a live region.
 */
import type { NewTokenResponse, TokenInfo } from '../../../shared/api.ts';
import type { TokenRole } from '../../../shared/roles.ts';
import type { ApiAnswer } from '../api.ts';
import { h } from '../dom.ts';
import { absoluteLink, showLinkOnce } from './link-dialog.ts';
import { qrCodeElement } from './qr-code.ts';

export interface LinksBackend {
  list(): Promise<ApiAnswer<{ tokens: TokenInfo[] }>>;
  create(role: TokenRole, label?: string): Promise<ApiAnswer<NewTokenResponse>>;
  revoke(tokenId: string): Promise<ApiAnswer<TokenInfo>>;
}

export interface LinksPanelOptions {
  sessionId: string;
  /** Roles this user may create links for (leads: participant and viewer). */
  roles: readonly TokenRole[];
  backend: LinksBackend;
  /** Makes element ids unique when several panels are on one page. */
  idPrefix: string;
}

const ROLE_NAMES: Record<TokenRole, string> = { lead: 'Lead (runs the session)', participant: 'Participant (edits notes)', viewer: 'Viewer (reads only)' };

export function linksPanel({ sessionId, roles, backend, idPrefix }: LinksPanelOptions): { element: HTMLElement; refresh(): Promise<void> } {
  const status = h('p', { class: 'panel-status', role: 'status', 'aria-live': 'polite', 'data-testid': 'links-status' });
  const list = h('ul', { class: 'link-list', 'data-testid': 'link-list' });
  const refresh = async (): Promise<void> => {
    const answer = await backend.list();
    if (!answer.ok) {
      status.textContent = `Could not list the links: ${answer.message}`;
      return;
    }
    const rows = answer.value.tokens.map((info) => linkRow(info, backend, status, refresh));
    list.replaceChildren(...(rows.length ? rows : [h('li', { class: 'muted' }, 'No links yet.')]));
  };
  const element = h(
    'section',
    { class: 'links-panel', 'aria-labelledby': `${idPrefix}-links-title` },
    h('h3', { id: `${idPrefix}-links-title` }, 'Links'),
    createForm(roles, backend, status, refresh, idPrefix),
    status,
    list,
    publicQrCodes(sessionId, idPrefix),
  );
  return { element, refresh };
}

function createForm(roles: readonly TokenRole[], backend: LinksBackend, status: HTMLElement, refresh: () => Promise<void>, idPrefix: string): HTMLFormElement {
  const role = h('select', { id: `${idPrefix}-link-role`, 'data-testid': 'link-role' }, ...roles.map((r) => h('option', { value: r }, ROLE_NAMES[r])));
  const label = h('input', { type: 'text', id: `${idPrefix}-link-label`, maxlength: 200, placeholder: 'e.g. room screen', 'data-testid': 'link-label' });
  const submit = h('button', { type: 'submit', 'data-testid': 'create-link' }, 'Create link');
  const form = h(
    'form',
    { class: 'inline-form' },
    h('label', { for: role.id }, 'Role'),
    role,
    h('label', { for: label.id }, 'Label (optional)'),
    label,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    const chosen = role.value as TokenRole;
    void backend.create(chosen, label.value.trim() || undefined).then(async (answer) => {
      submit.disabled = false;
      if (!answer.ok) {
        status.textContent = `Not created: ${answer.message}`;
        return;
      }
      status.textContent = `Created the ${chosen} link “${answer.value.label}”.`;
      label.value = '';
      showLinkOnce(answer.value.link, `New ${chosen} link: copy it now`, `${chosen} link “${answer.value.label}”`);
      await refresh();
    });
  });
  return form;
}

function linkRow(info: TokenInfo, backend: LinksBackend, status: HTMLElement, refresh: () => Promise<void>): HTMLLIElement {
  const created = new Date(info.createdAt).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
  const revoked = info.revokedAt !== undefined;
  const revoke = h('button', { type: 'button', class: 'secondary', 'data-testid': 'revoke-link', 'aria-label': `Revoke the ${info.role} link “${info.label}”` }, 'Revoke');
  revoke.addEventListener('click', () => {
    revoke.disabled = true;
    void backend.revoke(info.id).then(async (answer) => {
      status.textContent = answer.ok ? `Revoked the ${info.role} link “${info.label}”: whoever holds it is refused now.` : `Not revoked: ${answer.message}`;
      if (answer.ok) await refresh();
      else revoke.disabled = false;
    });
  });
  return h(
    'li',
    { class: 'link-row' + (revoked ? ' is-revoked' : ''), 'data-token-id': info.id, 'data-role': info.role },
    h('span', { class: `role-badge role-${info.role}` }, info.role),
    ' ',
    h('span', { class: 'link-label' }, info.label),
    ' ',
    h('span', { class: 'muted' }, revoked ? `revoked ${new Date(info.revokedAt!).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' })}` : `created ${created}`),
    revoked ? null : revoke,
  );
}

/** QR codes of the session's page and read view without a token (for an event open to everyone). */
function publicQrCodes(sessionId: string, idPrefix: string): HTMLElement {
  const host = h('div', { class: 'qr-host', id: `${idPrefix}-public-qr` });
  const button = (path: string, what: string): HTMLButtonElement => {
    const b = h('button', { type: 'button', class: 'secondary', 'aria-controls': host.id, 'data-testid': `qr-${what.split(' ')[0]}` }, `QR: ${what}`);
    b.addEventListener('click', () => host.replaceChildren(qrCodeElement(absoluteLink(path), `${what} (no link token)`)));
    return b;
  };
  return h(
    'div',
    { class: 'public-links' },
    h('p', { class: 'muted' }, 'Without a token these open the notes while the event is open to everyone (viewers only when it is closed).'),
    h('p', { class: 'dialog-actions' }, button(`/s/${sessionId}`, 'notes page'), ' ', button(`/s/${sessionId}/read`, 'read view')),
    host,
  );
}
