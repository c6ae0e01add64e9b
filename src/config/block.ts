// A block of the config file that awsp owns, between two marker comments:
//   # >>> awsp sso NAME >>>
//   …
//   # <<< awsp sso NAME <<<
// Pure text edits: every byte outside the block is kept, the file's line endings are used inside
// it, and the same content gives the same bytes (a re-run changes nothing). A block awsp cannot
// edit safely (no end marker, or twice) is refused with one line.
import { UserError } from '../errors.js';

export const blockBegin = (name: string): string => `# >>> awsp sso ${name} >>>`;
export const blockEnd = (name: string): string => `# <<< awsp sso ${name} <<<`;

interface Span {
  /** Offsets of the first byte of the begin line and the first byte after the end line's line break. */
  start: number;
  end: number;
  /** The lines between the markers, without their line breaks. */
  body: string[];
}

/** Lines with their offsets and line breaks. */
function lines(text: string): Array<{ at: number; text: string; eol: string }> {
  const out: Array<{ at: number; text: string; eol: string }> = [];
  const re = /([^\r\n]*)(\r\n|\r|\n|$)/y;
  while (re.lastIndex < text.length) {
    const at = re.lastIndex;
    const m = re.exec(text)!;
    out.push({ at, text: m[1]!, eol: m[2]! });
    if (m[2] === '') break;
  }
  return out;
}

/** Where the block of NAME is; null when there is none. Markers match whole lines (trailing white space allowed). */
export function findBlock(text: string, name: string): Span | null {
  const begin = blockBegin(name);
  const end = blockEnd(name);
  const ls = lines(text);
  const b = ls.findIndex((l) => l.text.trimEnd() === begin);
  if (b < 0) return null;
  const e = ls.findIndex((l, i) => i > b && l.text.trimEnd() === end);
  if (e < 0) throw new UserError(`the line '${begin}' has no matching '${end}'; fix the file by hand first`);
  if (ls.some((l, i) => i > e && l.text.trimEnd() === begin)) throw new UserError(`the block '${begin}' appears twice; remove one by hand first`);
  const last = ls[e]!;
  return { start: ls[b]!.at, end: last.at + last.text.length + last.eol.length, body: ls.slice(b + 1, e).map((l) => l.text) };
}

/** The lines inside the block of NAME, or null when the file has none. */
export const readBlock = (text: string, name: string): string[] | null => findBlock(text, name)?.body ?? null;

/** What goes between the last line of a file and something appended after a blank line. */
const separator = (text: string, eol: string): string => (text.endsWith(eol + eol) ? '' : /[\r\n]$/.test(text) ? eol : eol + eol);

const render = (name: string, body: readonly string[], eol: string): string => [blockBegin(name), ...body, blockEnd(name)].map((l) => l + eol).join('');

/**
 * The text with the block of NAME holding BODY (lines without line breaks), or removed when
 * BODY is null. A new block goes at the end, after a blank line.
 */
export function replaceBlock(text: string, name: string, body: readonly string[] | null): string {
  const eol = /\r\n|\r|\n/.exec(text)?.[0] ?? '\n';
  const span = findBlock(text, name);
  if (!span) {
    if (body === null) return text;
    return text === '' ? render(name, body, eol) : text + separator(text, eol) + render(name, body, eol);
  }
  const before = text.slice(0, span.start);
  const after = text.slice(span.end);
  if (body === null) {
    // The blank line put before the block goes with it.
    return (before.endsWith(eol + eol) || before === eol ? before.slice(0, -eol.length) : before) + after;
  }
  const block = render(name, body, eol);
  // A block that ended the file without a final line break still does.
  return before + (after === '' && !/[\r\n]$/.test(text) ? block.slice(0, -eol.length) : block) + after;
}

/** Appends a section `[HEADER]` with LINES at the end of the file, after a blank line. */
export function appendSection(text: string, header: string, body: readonly string[]): string {
  const eol = /\r\n|\r|\n/.exec(text)?.[0] ?? '\n';
  const section = [`[${header}]`, ...body].map((l) => l + eol).join('');
  return text === '' ? section : text + separator(text, eol) + section;
}
