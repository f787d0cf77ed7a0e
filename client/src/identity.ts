/** The note-taker's display name and colour, remembered on this device (localStorage). */
import type { AwarenessUser } from './session/session-connection.ts';

const NAME_KEY = 'mcpad:name';
const COLOR_KEY = 'mcpad:color';

/** Colours readable as text on white and as caret colours. */
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#e6550d', '#17becf', '#bc4b9b', '#8c6d31', '#3949ab', '#00897b'];

export function storedName(): string | null {
  const name = localStorage.getItem(NAME_KEY)?.trim();
  return name ? name : null;
}

export function rememberName(name: string): void {
  localStorage.setItem(NAME_KEY, name.trim().slice(0, 60));
}

export function userFor(name: string): AwarenessUser {
  let color = localStorage.getItem(COLOR_KEY);
  if (!color || !PALETTE.includes(color)) {
    color = PALETTE[Math.floor(Math.random() * PALETTE.length)]!;
    localStorage.setItem(COLOR_KEY, color);
  }
  return { name, color, colorLight: `${color}33` };
}
