/**
 * The projector's dark/light switch: `?theme=dark|light` first, else the system's preference.
 * The theme is the `data-theme` attribute of <html> (read-views.css); the button says what it
 * switches to and is a toggle button for screen readers (`aria-pressed`: dark on).
 */
import { h } from '../dom.ts';

export type Theme = 'dark' | 'light';

function initialTheme(): Theme {
  const asked = new URLSearchParams(location.search).get('theme');
  if (asked === 'dark' || asked === 'light') return asked;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function themeToggle(): { button: HTMLButtonElement; toggle(): void } {
  const button = h('button', { type: 'button', class: 'present-theme', 'data-testid': 'present-theme' });
  const set = (theme: Theme): void => {
    document.documentElement.dataset['theme'] = theme;
    button.textContent = theme === 'dark' ? 'Light theme' : 'Dark theme';
    button.setAttribute('aria-pressed', String(theme === 'dark'));
  };
  const toggle = (): void => set(document.documentElement.dataset['theme'] === 'dark' ? 'light' : 'dark');
  set(initialTheme());
  button.addEventListener('click', toggle);
  return { button, toggle };
}
