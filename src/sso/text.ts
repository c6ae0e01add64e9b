// Text from a server or a file, made safe to show on a terminal: C0 and C1 controls, DEL and the
// bidirectional controls are written as visible escapes (\x1b, \u202e) instead of acting.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export const visible = (s: string): string =>
  s.replace(CONTROLS, (c) => {
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
