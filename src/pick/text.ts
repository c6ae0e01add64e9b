// How wide text from the user's files is on a terminal, once made safe to show there.

import { escapeText } from '../text.js';

/** One character as the terminal may show it: itself, or its escape written out (src/text.ts). */
export const visibleChar = (ch: string): string => escapeText(ch);

/** Columns a character takes on a terminal: 0 for combining marks, 2 for wide East Asian and emoji. */
export function charWidth(ch: string): number {
  const c = ch.codePointAt(0)!;
  if (c < 0x300) return 1;
  if ((c >= 0x300 && c <= 0x36f) || (c >= 0x200b && c <= 0x200d) || (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0x20d0 && c <= 0x20ff)) return 0;
  if (
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0xa4cf && c !== 0x303f) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x1f300 && c <= 0x1f64f) ||
    (c >= 0x1f900 && c <= 0x1f9ff) ||
    (c >= 0x20000 && c <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

const PLAIN = /^[\x20-\x7e]*$/;

/** Columns a text takes once made visible. */
export function textWidth(text: string): number {
  if (PLAIN.test(text)) return text.length;
  let w = 0;
  for (const ch of text) {
    const shown = visibleChar(ch);
    w += shown === ch ? charWidth(ch) : shown.length;
  }
  return w;
}
