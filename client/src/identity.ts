/** The note-taker's display name and colour, remembered on this device (localStorage). */
import { displayName } from '../../shared/presence.ts';
import type { AwarenessUser } from './session/session-connection.ts';

const NAME_KEY = 'mcpad:name';
const COLOR_KEY = 'mcpad:color';

/** Caret colours dark enough for the white name label on them (contrast ≥ 4.5:1). */
const PALETTE = ['#1565c0', '#c62828', '#2e7d32', '#6a1b9a', '#bf360c', '#00695c', '#ad1457', '#6d4c41', '#283593', '#4e342e'];

export function storedName(): string | null {
  const name = localStorage.getItem(NAME_KEY)?.trim();
  return name ? name : null;
}

export function rememberName(name: string): void {
  localStorage.setItem(NAME_KEY, displayName(name));
}

export function userFor(name: string): AwarenessUser {
  let color = localStorage.getItem(COLOR_KEY);
  if (!color || !PALETTE.includes(color)) {
    color = PALETTE[Math.floor(Math.random() * PALETTE.length)]!;
    localStorage.setItem(COLOR_KEY, color);
  }
  return { name, color, colorLight: `${color}33` };
}
