// Text from the user's files, environment or other processes, made safe to show on a terminal.
// A terminal obeys control characters (ESC starts sequences that retitle the window, clear the
// screen or, on some terminals, type text back), and bidi controls reorder what is shown, so
// `prod` can look like `dorp`. Each of them is shown as its escape instead: `\x1b`, `\u202e`.

// C0, DEL and C1 controls; the bidi marks, embeddings, overrides and isolates; the line and
// paragraph separators (a line break to some terminals and editors).
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

const hex = (c: string): string => {
  const n = c.charCodeAt(0);
  return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
};

/** Whether `text` holds a character a terminal would act on rather than show. */
export const hasUnsafeText = (text: string): boolean => UNSAFE.test(text);

/** `text` with every control and bidi character escaped visibly; anything else as it is. */
export const escapeText = (text: string): string => (UNSAFE.test(text) ? text.replace(UNSAFE_ALL, hex) : text);
