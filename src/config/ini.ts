// An INI reader that follows the AWS CLI (botocore on Python's configparser.RawConfigParser):
// full-line comments only (`#`, `;`), so `;` and `#` inside values are kept; `=` or `:`
// delimits; indented lines continue a value; option names are lower-cased; `[DEFAULT]`
// holds defaults for every section. Where the CLI refuses a whole file (a duplicate
// section or option, a line outside any section, a line that is not `key = value`,
// invalid UTF-8), this reader records the problem and carries on, so that awsp can
// still use what it can.

export interface IniSection {
  name: string;
  /** 1-based line of the first header of this section. */
  line: number;
  options: Map<string, string>;
}

export interface IniFile {
  /** Sections in first-seen order, each name once; `[DEFAULT]` is not among them. */
  sections: IniSection[];
  defaults: Map<string, string>;
  /** Why the AWS CLI would refuse this file; empty when it would read it. */
  problems: string[];
}

// Python's str.isspace() characters, which differ from JavaScript's \s
// (Python adds \x1c-\x1f and \x85; JavaScript adds the BOM \ufeff).
const WS = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const STRIP = new RegExp(`^[${WS}]+|[${WS}]+$`, 'g');
const RSTRIP = new RegExp(`[${WS}]+$`);
const NONSPACE = new RegExp(`[^${WS}]`);
const SECTION = /^\[([^\n]+)\]/;

// Python's str.splitlines() boundaries, used by botocore's nested-block parser.
export const SPLITLINES = /\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/;

export const isWs = (c: number): boolean =>
  (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x20) || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;

// The common case (nothing to strip) without a regular expression: a 50 MB file has a million lines.
export const pyStrip = (s: string): string =>
  s === '' || (!isWs(s.charCodeAt(0)) && !isWs(s.charCodeAt(s.length - 1))) ? s : s.replace(STRIP, '');

/** Decodes bytes as Python would (UTF-8, no BOM handling), noting invalid bytes. */
export function decodeUtf8(bytes: Uint8Array, problems: string[]): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    problems.push('it is not valid UTF-8');
    return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  }
}

function firstDelimiter(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3d || c === 0x3a) return i;
  }
  return -1;
}

// The line rules, shared by this reader and the writer (src/config/write.ts), so that both see
// the same headers, options and continuation lines.

/** The line breaks configparser reads (the file is opened in universal-newline mode). */
export const LINE_BREAK = /\r\n|\r|\n/;

/** Whether a stripped line is a full-line comment. */
export const isComment = (trimmed: string): boolean => trimmed.startsWith('#') || trimmed.startsWith(';');

/** How far a line is indented, counted in Python whitespace characters. */
export const indentOf = (line: string): number => (line !== '' && isWs(line.charCodeAt(0)) ? NONSPACE.exec(line)?.index ?? line.length : 0);

/** The section name of a stripped line that is a header (`[name]` and whatever follows), else null. */
export const headerOf = (trimmed: string): string | null => (trimmed.charCodeAt(0) === 0x5b ? SECTION.exec(trimmed)?.[1] ?? null : null);

/** The option name (lower-cased) of a stripped `key = value` line, else null: everything before the first `=` or `:`. */
export function optionOf(trimmed: string): string | null {
  const d = firstDelimiter(trimmed);
  if (d <= 0 || pyStrip(trimmed.slice(0, d)) === '') return null;
  return trimmed.slice(0, d).replace(RSTRIP, '').toLowerCase();
}

/** The value of a stripped `key = value` line (optionOf gave its key). */
export const optionValue = (trimmed: string): string => pyStrip(trimmed.slice(firstDelimiter(trimmed) + 1));

export function parseIni(text: string): IniFile {
  const problems: string[] = [];
  const sections = new Map<string, IniSection>();
  const defaults = new Map<string, string>();
  // Values are collected as line lists and joined at the end, as configparser does.
  const pending = new Map<Map<string, string>, Map<string, string[]>>();
  let cur: Map<string, string[]> | null = null;
  let curName = '';
  let opt: string | null = null;
  let indent = 0;
  let skipping = false; // after a line outside any section, until the next header

  if (text.startsWith('\ufeff')) {
    // Python reads the BOM as a character and refuses the file; we read past it, so the first section is kept.
    problems.push('it starts with a byte order mark (BOM)');
    text = text.slice(1);
  }
  const lines = text.split(LINE_BREAK);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, idx) => {
    const lineno = idx + 1;
    const trimmed = pyStrip(line);
    if (isComment(trimmed)) return;
    if (trimmed === '') {
      if (cur && opt !== null) cur.get(opt)?.push('');
      return;
    }
    const level = indentOf(line);
    if (cur && opt !== null && level > indent) {
      cur.get(opt)!.push(trimmed);
      return;
    }
    indent = level;
    const name = headerOf(trimmed);
    if (name !== null) {
      skipping = false;
      opt = null;
      let target: Map<string, string>;
      if (name === 'DEFAULT') {
        target = defaults;
      } else {
        // One file per parser, so "added during this read" (configparser's strict check) is "there".
        let section = sections.get(name);
        if (section) {
          problems.push(`section [${name}] appears twice (line ${lineno})`);
        } else {
          section = { name, line: lineno, options: new Map() };
          sections.set(name, section);
        }
        target = section.options;
      }
      curName = name;
      cur = pending.get(target) ?? new Map();
      pending.set(target, cur);
      return;
    }
    if (!cur) {
      if (!skipping) problems.push(`line ${lineno} is outside any [section]`);
      skipping = true;
      return;
    }
    // configparser's OPTCRE: the option is everything before the first `=` or `:`.
    const key = optionOf(trimmed);
    if (key === null) {
      problems.push(`line ${lineno} is not "key = value"`);
      opt = null;
      return;
    }
    const value = optionValue(trimmed);
    if (cur.has(key)) problems.push(`option ${key} appears twice in [${curName}] (line ${lineno})`);
    opt = key;
    cur.set(key, [value]);
  });

  for (const [target, values] of pending) {
    for (const [key, parts] of values) target.set(key, parts.join('\n').replace(RSTRIP, ''));
  }
  for (const section of sections.values()) {
    // botocore reads every option of a section, [DEFAULT]'s included, and parses a value that
    // starts with a newline as an indented block of key = value lines (Python's splitlines).
    for (const [key, value] of new Map([...defaults, ...section.options])) {
      if (value.startsWith('\n') && value.split(SPLITLINES).some((l) => pyStrip(l) !== '' && !l.includes('='))) {
        problems.push(`the nested block of ${key} in [${section.name}] has a line without "="`);
      }
    }
  }
  return { sections: [...sections.values()], defaults, problems };
}
