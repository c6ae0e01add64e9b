// Writes one section of the shared credentials file and leaves every other byte alone.
// Not the `ini` package: its stringify quotes values that end in `=`, and both SDKs then read
// the quotes as part of the token; and it would rewrite the whole file.
import { accessSync, closeSync, constants, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { pyStrip } from '../config/ini.js';
import { show } from '../context.js';
import { UserError } from '../errors.js';

/** The key that marks a section as written by awsp, so a later write may replace it. */
export const MANAGED_KEY = 'awsp_managed';

/** The keys awsp writes, in this order; null removes the key. */
export type SectionValues = ReadonlyArray<readonly [key: string, value: string | null]>;

const KEY_NAMES = ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token'];

interface Line {
  text: string; // without its end of line
  eol: string;
  kind: 'blank' | 'comment' | 'header' | 'option' | 'continuation' | 'other';
  header?: string;
  key?: string;
}

const SECTION = /^\[([^\n]+)\]/;
const OPTION = /^([^=:]*?)\s*[=:]/;

/** Reads the lines as botocore's configparser does: headers, options and their indented continuations. */
function scan(text: string): Line[] {
  const lines: Line[] = [];
  const re = /([^\r\n]*)(\r\n|\r|\n|$)/y;
  let optIndent = -1; // the indent of the current option, -1 when none
  let inSection = false;
  while (re.lastIndex < text.length) {
    const m = re.exec(text)!;
    const [, body, eol] = m as unknown as [string, string, string];
    const trimmed = pyStrip(body);
    const indent = body.length - body.trimStart().length;
    let line: Line;
    if (trimmed === '') line = { text: body, eol, kind: 'blank' };
    else if (trimmed.startsWith('#') || trimmed.startsWith(';')) line = { text: body, eol, kind: 'comment' };
    else if (optIndent >= 0 && indent > optIndent) line = { text: body, eol, kind: 'continuation' };
    else if (SECTION.test(trimmed)) {
      line = { text: body, eol, kind: 'header', header: SECTION.exec(trimmed)![1]! };
      inSection = true;
      optIndent = -1;
    } else {
      const o = OPTION.exec(trimmed);
      if (inSection && o && o[1] !== '') {
        line = { text: body, eol, kind: 'option', key: o[1]!.toLowerCase() };
        optIndent = indent;
      } else {
        line = { text: body, eol, kind: 'other' };
        optIndent = -1;
      }
    }
    lines.push(line);
    if (eol === '') break;
  }
  return lines;
}

/** Why NAME cannot be a section we write, or null. */
export function sectionNameProblem(name: string): string | null {
  if (name === '') return 'it is empty';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) return 'it holds control characters';
  if (/\s/.test(name)) return 'it holds white space, which the AWS SDK for JavaScript cannot load';
  if (/[[\]]/.test(name)) return 'it holds a bracket';
  if (/^[#;]/.test(name)) return 'it starts like a comment';
  if (name === 'DEFAULT') return 'DEFAULT holds defaults for every section in the credentials file';
  if (name === '__proto__') return 'the AWS SDK for JavaScript refuses it';
  return null;
}

/**
 * The file with section NAME set to VALUES: lines of other sections, comments, blank lines,
 * other keys of NAME and line endings are kept byte for byte. A section that holds keys awsp
 * did not write is refused unless `force`.
 */
export function updateSection(text: string, name: string, values: SectionValues, force: boolean): string {
  const lines = scan(text);
  const eol = /\r\n|\r|\n/.exec(text)?.[0] ?? '\n';
  const headers = lines.flatMap((l, i) => (l.kind === 'header' && l.header === name ? [i] : []));
  if (headers.length > 1) throw new UserError(`[${name}] appears more than once in the credentials file; merge the sections first`);
  const render = ([k, v]: readonly [string, string]) => `${k} = ${v}`;
  const present = values.filter((e): e is readonly [string, string] => e[1] !== null);

  if (headers.length === 0) {
    let out = text;
    if (out !== '' && lines[lines.length - 1]!.eol === '') out += eol;
    if (out !== '' && lines[lines.length - 1]!.kind !== 'blank') out += eol;
    return out + [`[${name}]`, ...present.map(render)].map((l) => l + eol).join('');
  }

  const start = headers[0]!;
  let end = lines.findIndex((l, i) => i > start && l.kind === 'header');
  if (end < 0) end = lines.length;
  const own = new Map<string, number>(); // key -> line index in this section
  for (let i = start + 1; i < end; i++) {
    const k = lines[i]!.key;
    if (lines[i]!.kind === 'option' && k !== undefined && !own.has(k)) own.set(k, i);
  }
  const managed = own.has(MANAGED_KEY) && /=\s*true\s*$|:\s*true\s*$/i.test(lines[own.get(MANAGED_KEY)!]!.text);
  if (!force && !managed && KEY_NAMES.some((k) => own.has(k))) {
    throw new UserError(`[${name}] in the credentials file holds keys that awsp did not write; choose another name, or add --force to replace them`);
  }

  const ours = new Set(values.map(([k]) => k));
  const out: Line[] = lines.slice(0, start + 1);
  const pending = new Map(present.map(([k, v]) => [k, v]));
  let lastOption = out.length - 1; // where missing keys go: after the section's last option
  let dropping = false; // inside the continuation lines of a replaced key
  for (let i = start + 1; i < end; i++) {
    const l = lines[i]!;
    if (l.kind === 'continuation') {
      if (!dropping) {
        out.push(l);
        lastOption = out.length - 1;
      }
      continue;
    }
    dropping = false;
    if (l.kind === 'option' && ours.has(l.key!)) {
      dropping = true;
      const v = pending.get(l.key!);
      if (v !== undefined) {
        pending.delete(l.key!);
        out.push({ ...l, text: render([l.key!, v]), eol: l.eol === '' ? eol : l.eol });
        lastOption = out.length - 1;
      }
      continue;
    }
    out.push(l);
    if (l.kind === 'option') lastOption = out.length - 1;
  }
  const added: Line[] = [...pending].map((e) => ({ text: render(e), eol, kind: 'option' }));
  if (added.length > 0 && out[lastOption]!.eol === '') out[lastOption] = { ...out[lastOption]!, eol };
  out.splice(lastOption + 1, 0, ...added);
  out.push(...lines.slice(end));
  const result = out.map((l) => l.text + l.eol).join('');
  // A file that ended without a line break inside this section still does.
  const noFinalEol = lines[lines.length - 1]!.eol === '';
  return noFinalEol && end === lines.length && result.endsWith(eol) ? result.slice(0, -eol.length) : result;
}

/** The file a symlink chain ends at (the link itself is kept; its target is updated). */
function followLinks(path: string): string {
  for (let i = 0; i < 40; i++) {
    let st;
    try {
      st = lstatSync(path);
    } catch {
      return path;
    }
    if (!st.isSymbolicLink()) return path;
    const to = readlinkSync(path);
    path = isAbsolute(to) ? to : join(dirname(path), to);
  }
  throw new UserError(`${path} is a symlink loop`);
}

const sleep = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

const canWrite = (path: string): boolean => {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'the file would exceed the file size limit',
  EIO: 'the write did not complete',
};
const reason = (e: unknown): string => REASONS[(e as NodeJS.ErrnoException).code ?? ''] ?? (e as Error).message;

/** Runs `fn` holding an exclusive lock file beside `target` (O_EXCL create; retried; a lock left by a dead writer expires). */
function withLock<T>(target: string, fn: () => T): T {
  const lock = `${target}.awsp-lock`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx', 0o600));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new UserError(`cannot write ${target}: ${reason(e)} (creating its lock file beside it); it was not changed`);
      try {
        if (Date.now() - statSync(lock).mtimeMs > 30_000) unlinkSync(lock);
      } catch {
        // gone already: retry at once
      }
      if (Date.now() > deadline) throw new UserError(`another awsp is writing ${target}; if none is running, remove ${lock}`);
      sleep(2 + Math.random() * 10);
    }
  }
  try {
    return fn();
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      // already removed as stale by another writer: nothing to release
    }
  }
}

function readText(target: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new UserError(`cannot read ${target}: ${(e as Error).message}`);
    bytes = Buffer.alloc(0);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new UserError(`${target} is not valid UTF-8; awsp will not rewrite it`);
  }
}

/** Throws now what writing section NAME would throw later: checked before resolving, so no MFA prompt or STS call is wasted. */
export function checkWritable(path: string, name: string, force: boolean): void {
  const why = sectionNameProblem(name);
  if (why) throw new UserError(`cannot write a section named ${show(name)}: ${why}`, 2);
  updateSection(readText(followLinks(path)), name, [['aws_access_key_id', 'x']], force);
}

/** Sets section NAME of the shared credentials file at PATH, atomically (temp file + rename), mode 0600. */
export function writeCredentialsSection(path: string, name: string, values: SectionValues, force: boolean): string {
  const why = sectionNameProblem(name);
  if (why) throw new UserError(`cannot write a section named ${show(name)}: ${why}`, 2);
  const target = followLinks(path);
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  withLock(target, () => {
    const next = Buffer.from(updateSection(readText(target), name, values, force), 'utf8');
    // The rename below would replace a read-only file too: refuse, as an editor would.
    if (existsSync(target) && !canWrite(target)) throw new UserError(`cannot write ${target}: it is read-only; it was not changed`);
    const tmp = `${target}.awsp-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
    let fd: number;
    try {
      fd = openSync(tmp, 'wx', 0o600);
    } catch (e) {
      throw new UserError(`cannot write beside ${target}: ${reason(e)}; it was not changed`);
    }
    try {
      // writeSync may write less than asked (a full disk, a file size limit): loop, and let
      // any failure stop us before the rename, so the original stays whole.
      for (let done = 0; done < next.length; ) {
        const n = writeSync(fd, next, done, next.length - done);
        if (n <= 0) throw Object.assign(new Error('no progress'), { code: 'EIO' });
        done += n;
      }
      fsyncSync(fd);
      closeSync(fd);
      if (statSync(tmp).size !== next.length) throw Object.assign(new Error('short write'), { code: 'EIO' });
      renameSync(tmp, target);
    } catch (e) {
      try {
        closeSync(fd);
      } catch {
        // closed already
      }
      try {
        unlinkSync(tmp);
      } catch {
        // nothing to clean
      }
      throw new UserError(`cannot write ${target}: ${reason(e)}; it was not changed`);
    }
  });
  return target;
}
