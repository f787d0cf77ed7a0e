/** Asks for a display name once; it is remembered on this device. */
import { h, showPage } from '../dom.ts';
import { rememberName } from '../identity.ts';

export function promptForName(sessionTitle: string, readOnlyHref: string): Promise<string> {
  return new Promise((resolve) => {
    const input = h('input', { type: 'text', id: 'name-input', name: 'name', required: true, maxlength: 60, autocomplete: 'nickname' });
    const form = h(
      'form',
      { class: 'name-prompt card' },
      h('h1', {}, sessionTitle),
      h('label', { for: 'name-input' }, 'Your name, as others will see it next to your cursor'),
      input,
      h('button', { type: 'submit' }, 'Join the notes'),
      h('p', { class: 'muted' }, 'Remembered on this device. Just reading? Use the ', h('a', { href: readOnlyHref }, 'read-only view'), '.'),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const name = input.value.trim();
      if (!name) return;
      rememberName(name);
      resolve(name);
    });
    showPage('Your name', form);
    input.focus();
  });
}
