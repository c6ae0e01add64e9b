// A port of Python's shlex.split(s) (posix mode, no comments), because botocore names
// profiles with it: `[profile "a b"]` is the profile `a b`, `[profile a b]` is no profile.
// Returns null where Python raises ValueError (unclosed quote, trailing backslash).

const WHITESPACE = ' \t\r\n';

export function shlexSplit(s: string): string[] | null {
  const out: string[] = [];
  let token = '';
  let quoted = false;
  let inToken = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i++]!;
    if (WHITESPACE.includes(c)) {
      if (inToken) {
        out.push(token);
        token = '';
        quoted = false;
        inToken = false;
      }
      continue;
    }
    inToken = true;
    if (c === '\\') {
      if (i >= s.length) return null;
      token += s[i++];
    } else if (c === "'") {
      quoted = true;
      const end = s.indexOf("'", i);
      if (end < 0) return null;
      token += s.slice(i, end);
      i = end + 1;
    } else if (c === '"') {
      quoted = true;
      for (;;) {
        if (i >= s.length) return null;
        const d = s[i++]!;
        if (d === '"') break;
        if (d === '\\') {
          if (i >= s.length) return null;
          const e = s[i++]!;
          // Inside double quotes a backslash escapes only `"` and `\`.
          token += e === '"' || e === '\\' ? e : '\\' + e;
        } else {
          token += d;
        }
      }
    } else {
      token += c;
    }
  }
  if (inToken && (token !== '' || quoted)) out.push(token);
  return out;
}
