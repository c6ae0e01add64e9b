// The picker's screen and keys, as pure functions: a state and a terminal size in, the text of
// one frame out; bytes from the terminal in, keys out. src/pick/picker.ts does the I/O.
import { extraPositions, Matcher, namePositions, terms } from './fuzzy.js';
import type { Row } from './rows.js';
import { charWidth, textWidth, visibleChar } from './text.js';

type Action = 'up' | 'down' | 'pageup' | 'pagedown' | 'first' | 'last' | 'enter' | 'cancel' | 'eof' | 'backspace' | 'clear' | 'word' | 'redraw';

export type Key = { readonly type: 'text'; readonly text: string } | { readonly type: Action };

// eslint-disable-next-line no-control-regex
const TYPABLE = /^[^\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]$/u;

const CSI_KEYS: Record<string, Action> = {
  A: 'up',
  B: 'down',
  H: 'first',
  F: 'last',
  '1~': 'first',
  '7~': 'first',
  '4~': 'last',
  '8~': 'last',
  '5~': 'pageup',
  '6~': 'pagedown',
};

const CONTROL_KEYS: Record<string, Action> = {
  '\r': 'enter',
  '\n': 'enter',
  '\x03': 'cancel', // Ctrl-C: raw mode turns it into a byte, not SIGINT
  '\x07': 'cancel', // Ctrl-G
  '\x04': 'eof', // Ctrl-D
  '\x0e': 'down', // Ctrl-N
  '\x10': 'up', // Ctrl-P
  '\x7f': 'backspace',
  '\x08': 'backspace',
  '\x15': 'clear', // Ctrl-U
  '\x17': 'word', // Ctrl-W
  '\x0c': 'redraw', // Ctrl-L
};

/** The keys in what the terminal sent (one read may hold several, or pasted text). */
export function decodeKeys(input: string): Key[] {
  const keys: Key[] = [];
  let text = '';
  const flush = () => {
    if (text !== '') keys.push({ type: 'text', text });
    text = '';
  };
  for (let i = 0; i < input.length; ) {
    const ch = input[i]!;
    if (ch === '\x1b') {
      flush();
      const next = input[i + 1];
      if (next === undefined) {
        // A lone Escape: sequences arrive whole in one read, so this is the key itself.
        keys.push({ type: 'cancel' });
        i++;
      } else if (next === '[' || next === 'O') {
        // CSI or SS3: parameters, then one final byte.
        let j = i + 2;
        while (j < input.length && /[0-9;?]/.test(input[j]!)) j++;
        const body = input.slice(i + 2, j + 1);
        const type = CSI_KEYS[body] ?? CSI_KEYS[body.replace(/^1;\d+/, '')];
        if (type) keys.push({ type });
        i = j + 1;
      } else {
        // Alt with a key: not one of ours.
        i += 2;
      }
      continue;
    }
    const control = CONTROL_KEYS[ch];
    if (control) {
      flush();
      keys.push({ type: control });
    } else {
      const cp = input.codePointAt(i)!;
      const full = String.fromCodePoint(cp);
      if (TYPABLE.test(full)) text += full;
      i += full.length;
      continue;
    }
    i++;
  }
  flush();
  return keys;
}

export interface State {
  query: string;
  /** Indices into the rows, best first. */
  matches: Int32Array;
  /** Position in matches. */
  selected: number;
  /** First match shown. */
  top: number;
}

export interface View {
  rows: number;
  cols: number;
  color: boolean;
}

export type Outcome = { readonly done: false } | { readonly done: true; readonly chosen: number | null };

const CONTINUE: Outcome = { done: false };

/** Rows of the list on a terminal of `rows` lines: the prompt and the header take two. */
export const listHeight = (rows: number): number => Math.max(1, rows - (rows >= 3 ? 2 : 1));

/** Applies one key; `matcher` re-filters when the query changes. */
export function press(state: State, key: Key, matcher: Matcher, view: View): Outcome {
  const page = listHeight(view.rows);
  const last = state.matches.length - 1;
  const setQuery = (q: string) => {
    state.query = q;
    state.matches = matcher.filter(q);
    state.selected = 0;
    state.top = 0;
  };
  switch (key.type) {
    case 'text':
      setQuery(state.query + key.text);
      break;
    case 'backspace':
      if (state.query !== '') setQuery(Array.from(state.query).slice(0, -1).join(''));
      break;
    case 'word':
      setQuery(state.query.replace(/\S*\s*$/, ''));
      break;
    case 'clear':
      setQuery('');
      break;
    case 'up':
      state.selected = Math.max(0, state.selected - 1);
      break;
    case 'down':
      state.selected = Math.max(0, Math.min(last, state.selected + 1));
      break;
    case 'pageup':
      state.selected = Math.max(0, state.selected - page);
      break;
    case 'pagedown':
      state.selected = Math.max(0, Math.min(last, state.selected + page));
      break;
    case 'first':
      state.selected = 0;
      break;
    case 'last':
      state.selected = Math.max(0, last);
      break;
    case 'enter':
      // Nothing matches: nothing to switch to, so the picker stays.
      if (state.matches.length > 0) return { done: true, chosen: state.matches[state.selected]! };
      break;
    case 'eof':
      if (state.query === '') return { done: true, chosen: null };
      break;
    case 'cancel':
      return { done: true, chosen: null };
    case 'redraw':
      break;
  }
  return CONTINUE;
}

/** Keeps the selected row on the screen. */
export function scroll(state: State, view: View): void {
  const h = listHeight(view.rows);
  if (state.selected < state.top) state.top = state.selected;
  else if (state.selected >= state.top + h) state.top = state.selected - h + 1;
  state.top = Math.max(0, Math.min(state.top, Math.max(0, state.matches.length - h)));
}

interface Column {
  readonly title: string;
  readonly get: (r: Row) => string;
  /** The widest value (or the title), capped. */
  width: number;
}

/**
 * Column widths are measured once, over every profile, so they do not jump while typing.
 * Rows known only by name (kind '') get the name column alone.
 */
export function measure(rows: readonly Row[]): Column[] {
  const cols: Column[] = [
    { title: 'PROFILE', get: (r) => r.name, width: 0 },
    { title: 'KIND', get: (r) => r.kind, width: 0 },
    { title: 'REGION', get: (r) => r.region || '-', width: 0 },
    { title: 'ACCOUNT', get: (r) => r.account || '-', width: 0 },
    { title: 'ROLE', get: (r) => r.role || '-', width: 0 },
  ];
  if (rows.length > 0 && rows[0]!.kind === '') cols.length = 1;
  const caps = [48, 12, 16, 12, 32];
  cols.forEach((c, i) => {
    let w = c.title.length;
    for (const r of rows) {
      const v = c.get(r);
      if (v.length > w || i === 0) w = Math.max(w, textWidth(v));
    }
    c.width = Math.min(w, caps[i]!);
  });
  return cols;
}

/** Which columns fit in `cols` and how wide each is: the name first, then the others while they fit. */
function layout(columns: readonly Column[], cols: number): Array<{ col: Column; width: number }> {
  const avail = cols - 2;
  const [name, ...rest] = columns;
  const nameMin = Math.min(name!.width, 16);
  const chosen: Array<{ col: Column; width: number }> = [];
  let used = 0;
  for (const c of rest) {
    if (nameMin + used + 2 + c.width > avail) break;
    chosen.push({ col: c, width: c.width });
    used += 2 + c.width;
  }
  return [{ col: name!, width: Math.max(1, Math.min(name!.width, avail - used)) }, ...chosen];
}

const SGR = {
  reset: '\x1b[0m',
  reverse: '\x1b[7m',
  dim: '\x1b[2m',
  undim: '\x1b[22m',
  match: (color: boolean) => (color ? '\x1b[1;32m' : '\x1b[1m'),
  unmatch: (color: boolean) => (color ? '\x1b[22;39m' : '\x1b[22m'),
};

/**
 * One cell: the text made visible, cut to `width` columns (a cut ends in `…`), padded, with the
 * characters at `marks` highlighted.
 */
function cell(text: string, width: number, marks: ReadonlySet<number> | null, color: boolean, pad = true): string {
  let out = '';
  let w = 0;
  const full = textWidth(text) <= width;
  const room = full ? width : width - 1;
  let i = 0;
  let on = false;
  for (const ch of text) {
    const shown = visibleChar(ch);
    const cw = shown === ch ? charWidth(ch) : shown.length;
    if (w + cw > room) break;
    const hit = marks !== null && marks.has(i);
    if (hit !== on) {
      out += hit ? SGR.match(color) : SGR.unmatch(color);
      on = hit;
    }
    out += shown;
    w += cw;
    i += ch.length;
  }
  if (on) out += SGR.unmatch(color);
  if (!full && width > 0) {
    out += '…';
    w++;
  }
  return pad ? out + ' '.repeat(Math.max(0, width - w)) : out;
}

export interface Frame {
  /** What to write: the whole screen, from the top left. */
  text: string;
  /** Where the cursor goes afterwards (1-based column on the first line). */
  cursorCol: number;
}

export function render(rows: readonly Row[], columns: readonly Column[], state: State, view: View): Frame {
  const { color } = view;
  // The last column stays empty: with line wrap off, \x1b[K from there would erase what is on it.
  const cols = Math.max(4, view.cols - 1);
  const lines: string[] = [];
  const ts = terms(state.query);

  // The prompt: the query (its end, when it is too long), and how many profiles match.
  const count = `${state.matches.length}/${rows.length}`;
  const countRoom = cols >= 2 + 8 + count.length + 2 ? count.length + 2 : 0;
  const qRoom = Math.max(1, cols - 2 - countRoom - 1);
  let q = state.query;
  while (textWidth(q) > qRoom) q = Array.from(q).slice(1).join('');
  const qShown = Array.from(q, visibleChar).join('');
  const qWidth = textWidth(q);
  let prompt = `> ${qShown}`;
  if (countRoom > 0) prompt += ' '.repeat(Math.max(1, cols - 2 - qWidth - count.length)) + SGR.dim + count + SGR.undim;
  lines.push(prompt);

  const shown = layout(columns, cols);
  if (view.rows >= 3) {
    lines.push(SGR.dim + '  ' + shown.map((s, i) => cell(s.col.title, s.width, null, color, i < shown.length - 1)).join('  ') + SGR.undim);
  }
  const h = listHeight(view.rows);
  for (let k = 0; k < h; k++) {
    const at = state.top + k;
    if (at >= state.matches.length) {
      if (k === 0) lines.push(SGR.dim + '  no profile matches' + SGR.undim);
      break;
    }
    const r = rows[state.matches[at]!]!;
    const selected = at === state.selected;
    // Highlight only where lower-casing kept every index in place (true for nearly every name).
    const nameMarks = ts.length > 0 && r.nameLower.length === r.name.length ? namePositions(r, ts) : null;
    const extraMarks = ts.length > 0 && r.extraLower.length === r.extra.length ? extraPositions(r, ts) : null;
    const cells = shown.map((s, i) => {
      let marks: ReadonlySet<number> | null = null;
      if (i === 0) marks = nameMarks;
      else if (extraMarks && extraMarks.size > 0 && (s.col.title === 'ACCOUNT' || s.col.title === 'ROLE')) {
        // The extra text is `ACCOUNT ROLE`: shift the role's marks past the account and the space.
        const off = s.col.title === 'ACCOUNT' ? 0 : r.account.length + 1;
        marks = new Set([...extraMarks].map((p) => p - off).filter((p) => p >= 0));
      }
      return cell(s.col.get(r), s.width, marks, color, selected || i < shown.length - 1);
    });
    let line = (selected ? '>' : ' ') + (r.active ? '*' : ' ') + cells.join('  ');
    if (selected) {
      // A bar across the whole width.
      const used = 2 + shown.reduce((n, s) => n + s.width, 0) + 2 * (shown.length - 1);
      line = SGR.reverse + line + ' '.repeat(Math.max(0, cols - used)) + SGR.reset;
    }
    lines.push(line);
  }
  // \x1b[K clears what a longer line left before; \x1b[J everything below the last line.
  return { text: '\x1b[H' + lines.map((l) => `${l}${SGR.reset}\x1b[K`).join('\r\n') + '\x1b[J', cursorCol: 3 + qWidth };
}

/** A new state for `query`. */
export function initialState(matcher: Matcher, query: string): State {
  return { query, matches: matcher.filter(query), selected: 0, top: 0 };
}
