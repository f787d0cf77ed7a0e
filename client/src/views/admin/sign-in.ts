/** The console's sign-in: paste the admin token; a wrong one says so (checked against the server). */
import { checkAdminToken, rememberAdminToken } from '../../admin/admin-token.ts';
import { h } from '../../dom.ts';

export function signInForm(onSignedIn: (token: string) => void): HTMLElement {
  const input = h('input', { type: 'password', id: 'admin-token', autocomplete: 'off', required: true, 'aria-describedby': 'admin-token-hint admin-token-error', 'data-testid': 'admin-token' });
  const error = h('p', { id: 'admin-token-error', class: 'error', role: 'alert', 'data-testid': 'sign-in-error' });
  const submit = h('button', { type: 'submit', 'data-testid': 'sign-in' }, 'Sign in');
  const form = h(
    'form',
    { class: 'card sign-in' },
    h('h1', {}, 'Organiser console'),
    h('label', { for: input.id }, 'Admin token'),
    input,
    h('p', { id: 'admin-token-hint', class: 'muted hint' }, 'ADMIN_TOKEN, or the file DATA_DIR/admin-token. Kept in this tab only, until you sign out or close it.'),
    submit,
    error,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = input.value.trim();
    submit.disabled = true;
    error.textContent = '';
    void checkAdminToken(token).then((result) => {
      submit.disabled = false;
      if (result === 'valid') {
        rememberAdminToken(token);
        onSignedIn(token);
        return;
      }
      error.textContent = result === 'wrong' ? 'That is not the admin token of this server.' : 'The server cannot be reached; try again.';
      input.focus();
      input.select();
    });
  });
  return form;
}
