// The one writer for both AWS files (config and shared credentials). An edit is a pure function
// of the file's text (setSection, setConfigRegion; a marked block, later): it changes only the
// lines it must and keeps every other byte, line endings included, reading the lines by the
// same rules as the reader (src/config/ini.ts). rewriteAwsFile does the rest: it refuses what
// must not be written, then replaces the file atomically under a lock, keeping its owner, group
// and mode. Not the `ini` package: its stringify quotes values that end in `=` (both SDKs then
// read the quotes as part of the token), and it would rewrite the whole file.
import {
  closeSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  statSync,
  type Stats,
  unlinkSync,
  writeSync,
  accessSync,
  constants,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { UserError } from '../errors.js';
import { headerOf, indentOf, isComment, LINE_BREAK, optionOf, parseIni, pyStrip } from './ini.js';
import { configProfileName, errnoText, tooLarge } from './profiles.js';

/** The key that marks a section as written by awsp, so a later write may replace it. */
export const MANAGED_KEY = 'awsp_managed';

/** Keys and their values, in this order; null removes the key. */
export type SectionValues = ReadonlyArray<readonly [key: string, value: string | null]>;

/** The keys that hold credentials: a section holding them is the user's unless awsp marked it. */
const KEY_NAMES = ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token'];

export interface SectionOptions {
  /** Replace credential keys in a section that awsp did not write. */
  force?: boolean;
  /** Which sections are the one to edit (default: the header exactly as given). */
  matches?: (header: string) => boolean;
  /** The file, for messages: "the credentials file", "the config file". */
  file?: string;
}

interface Line {
  text: string; // without its line break
  eol: string;
  kind: 'blank' | 'comment' | 'header' | 'option' | 'continuation' | 'other';
  header?: string;
  key?: string;
}

/** The file's lines, each with its own line break, classified by the reader's rules. */
function scan(text: string): Line[] {
  const lines: Line[] = [];
  const re = new RegExp(`([^\\r\\n]*)(${LINE_BREAK.source}|$)`, 'y');
  let optIndent = -1; // the indent of the current option, -1 when none
  let inSection = false;
  while (re.lastIndex < text.length) {
    const m = re.exec(text)!;
    const body = m[1]!;
    const eol = m[2]!;
    const trimmed = pyStrip(body);
    const indent = indentOf(body);
    let line: Line;
    if (trimmed === '') line = { text: body, eol, kind: 'blank' };
    else if (isComment(trimmed)) line = { text: body, eol, kind: 'comment' };
    else if (optIndent >= 0 && indent > optIndent) line = { text: body, eol, kind: 'continuation' };
    else {
      const header = headerOf(trimmed);
      const key = header === null && inSection ? optionOf(trimmed) : null;
      if (header !== null) {
        line = { text: body, eol, kind: 'header', header };
        inSection = true;
        optIndent = -1;
      } else if (key !== null) {
        line = { text: body, eol, kind: 'option', key };
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

/** Why NAME cannot be a section header awsp writes, or null. */
export function sectionNameProblem(name: string): string | null {
  if (name === '') return 'it is empty';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) return 'it holds control characters';
  if (/\s/.test(name)) return 'it holds white space, which the AWS SDK for JavaScript cannot load';
  if (/[[\]]/.test(name)) return 'it holds a bracket';
  if (/^[#;]/.test(name)) return 'it starts like a comment';
  if (name === 'DEFAULT') return 'DEFAULT holds defaults for every section';
  if (name === '__proto__') return 'the AWS SDK for JavaScript refuses it';
  return null;
}

/**
 * The file with section HEADER (as written between the brackets: `prod` in the credentials file,
 * `profile prod` in the config file) holding VALUES: lines of other sections, comments, blank
 * lines, other keys of the section and line endings are kept byte for byte; a missing section is
 * appended. A section holding credential keys that awsp did not write (no `awsp_managed = true`)
 * is refused when VALUES would replace them, unless `force`.
 */
export function setSection(text: string, header: string, values: SectionValues, opts: SectionOptions = {}): string {
  const file = opts.file ?? 'the file';
  const matches = opts.matches ?? ((h: string) => h === header);
  const lines = scan(text);
  const eol = LINE_BREAK.exec(text)?.[0] ?? '\n';
  const headers = lines.flatMap((l, i) => (l.kind === 'header' && matches(l.header!) ? [i] : []));
  if (headers.length > 1 && opts.matches === undefined) throw new UserError(`[${header}] appears more than once in ${file}; merge the sections first`);
  const render = ([k, v]: readonly [string, string]) => `${k} = ${v}`;
  const present = values.filter((e): e is readonly [string, string] => e[1] !== null);

  if (headers.length === 0) {
    if (present.length === 0) return text;
    let out = text;
    if (out !== '' && lines[lines.length - 1]!.eol === '') out += eol;
    if (out !== '' && lines[lines.length - 1]!.kind !== 'blank') out += eol;
    return out + [`[${header}]`, ...present.map(render)].map((l) => l + eol).join('');
  }

  // Where several headers name the same profile, the last one wins (as botocore reads them).
  const start = headers[headers.length - 1]!;
  let end = lines.findIndex((l, i) => i > start && l.kind === 'header');
  if (end < 0) end = lines.length;
  const own = new Map<string, number>(); // key -> line index in this section
  for (let i = start + 1; i < end; i++) {
    const k = lines[i]!.key;
    if (lines[i]!.kind === 'option' && k !== undefined && !own.has(k)) own.set(k, i);
  }
  const managed = own.has(MANAGED_KEY) && /[=:]\s*true\s*$/i.test(lines[own.get(MANAGED_KEY)!]!.text);
  const replacesKeys = values.some(([k]) => KEY_NAMES.includes(k));
  if (!opts.force && !managed && replacesKeys && KEY_NAMES.some((k) => own.has(k))) {
    throw new UserError(`[${lines[start]!.header}] in ${file} holds keys that awsp did not write; choose another name, or add --force to replace them`);
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

/**
 * The config file with `region` of PROFILE set (`[default]` for default, else `[profile NAME]`;
 * an existing section is found however its header is written, e.g. `[profile "NAME"]`).
 */
export function setConfigRegion(text: string, profile: string, region: string): string {
  const header = profile === 'default' ? 'default' : `profile ${profile}`;
  return setSection(text, header, [['region', region]], { matches: (h) => configProfileName(h) === profile, file: 'the config file' });
}

// ---- the file itself ----------------------------------------------------------------------

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'the file would exceed the file size limit',
  EIO: 'the write did not complete',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'too many symlinks',
};
/** Why a file operation failed, in words: awsp's for the codes it meets, else Node's. */
export const reason = (e: unknown): string => REASONS[(e as NodeJS.ErrnoException).code ?? ''] ?? errnoText(e as NodeJS.ErrnoException);

/** The file a symlink chain ends at (the links themselves are kept; their target is updated). */
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
  throw new UserError(`${path} is a symlink loop; awsp will not write it`);
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** What PATH names: its real file, and that file's stat (null: not there). Refuses anything but a regular file. */
function target(path: string): { real: string; st: Stats | null } {
  if (path === '') throw new UserError('the path of the AWS file is empty; awsp will not write it');
  const real = followLinks(path);
  let st: Stats | null = null;
  try {
    st = statSync(real);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new UserError(`cannot write ${describe(path, real)}: ${reason(e)}; it was not changed`);
  }
  if (st && !st.isFile()) throw new UserError(`${describe(path, real)} is ${kindOf(st)}, not a regular file; awsp writes only regular files`);
  return { real, st };
}

const describe = (path: string, real: string): string => (path === real ? path : `${path} (-> ${real})`);

/** The file's text, strictly decoded; '' when missing. Read through one descriptor, checked to be a regular file. */
function readText(path: string, real: string): string {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO put there since the check must not hang the open.
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new UserError(`cannot read ${describe(path, real)}: ${reason(e)}; it was not changed`);
  }
  let bytes: Buffer;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UserError(`${describe(path, real)} is ${kindOf(st)}, not a regular file; awsp writes only regular files`);
    tooLarge(describe(path, real), st.size);
    bytes = readFileSync(fd);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot read ${describe(path, real)}: ${reason(e)}; it was not changed`);
  } finally {
    closeSync(fd);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new UserError(`${describe(path, real)} is not valid UTF-8; awsp will not rewrite it`);
  }
  const problems = parseIni(text).problems;
  if (problems.length > 0) {
    throw new UserError(`${describe(path, real)}: ${problems[0]}, so the AWS CLI cannot read it and awsp will not write into it; fix the file first`);
  }
  return text;
}

/**
 * Refuses now what rewriteAwsFile(PATH) would refuse: not a regular file (a device, a FIFO, a
 * folder; symlinks are followed), not UTF-8, not a file the AWS CLI reads. So commands can check
 * before resolving credentials (no MFA prompt or STS call for a write that cannot happen).
 */
export function checkAwsFile(path: string): void {
  readAwsFile(path);
}

/** The text of the AWS file at PATH ('' when missing), with checkAwsFile's refusals: for an edit's dry run. */
export function readAwsFile(path: string): string {
  return readText(path, target(path).real);
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

/** Whether process PID is alive on this machine (EPERM: alive, another user's). */
function alive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false; // a lock or file of an earlier process with our pid
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const random = (): string => Math.random().toString(36).slice(2, 10);

/** Writes all of BYTES to FD: writeSync may write less than asked (a full disk, a file size limit). */
function writeAll(fd: number, bytes: Buffer): void {
  for (let done = 0; done < bytes.length; ) {
    const n = writeSync(fd, bytes, done, bytes.length - done);
    if (n <= 0) throw Object.assign(new Error('no progress'), { code: 'EIO' });
    done += n;
  }
}

/** Writes BYTES to a new file at PATH (which must not exist), mode 0600, and returns it open. */
function writeNew(path: string, bytes: Buffer): number {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeAll(fd, bytes);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return fd;
}

// The lock: a file beside the target, created whole (written aside, then hard-linked into
// place, so nobody reads it half-written) and naming its holder as `PID HOST`. A holder on this
// host that is gone is taken over at once; one on another host (a shared folder) after 30 s.
const STALE_MS = 30_000;
const WAIT_MS = 20_000;

function holderOf(lock: string): { text: string; dead: boolean } | null {
  let text: string;
  let mtime: number;
  try {
    text = readFileSync(lock, 'utf8');
    mtime = statSync(lock).mtimeMs;
  } catch {
    return null; // gone: try again at once
  }
  const m = /^(\d+) (.*)\n$/.exec(text);
  const dead = m && m[2] === hostname() ? !alive(Number(m[1])) : Date.now() - mtime > STALE_MS;
  return { text, dead };
}

function createLock(lock: string, mine: string): void {
  const aside = `${lock}.${process.pid}.${random()}`;
  try {
    closeSync(writeNew(aside, Buffer.from(mine)));
  } catch (e) {
    try {
      unlinkSync(aside);
    } catch {
      // never created
    }
    throw e;
  }
  try {
    linkSync(aside, lock);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw e;
    // A filesystem without hard links: create it in place (a reader may see it empty for a moment).
    closeSync(writeNew(lock, Buffer.from(mine)));
  } finally {
    unlinkSync(aside);
  }
}

/** Removes a dead holder's lock, unless it changed hands since it was read. */
function takeOver(lock: string, seen: string): void {
  const moved = `${lock}.stale-${process.pid}.${random()}`;
  try {
    renameSync(lock, moved);
  } catch {
    return; // gone already
  }
  try {
    if (readFileSync(moved, 'utf8') !== seen) linkSync(moved, lock); // a live holder's: put it back
  } catch {
    // another writer holds the lock now: it stays theirs
  } finally {
    unlinkSync(moved);
  }
}

/** Whether the text has a section with credential keys (a file for its owner's eyes only). */
const holdsKeys = (text: string): boolean => parseIni(text).sections.some((s) => KEY_NAMES.some((k) => s.options.has(k)));

/** Runs `fn` holding the lock of `real`; PATH is the name the user knows, for messages. */
function withLock<T>(path: string, real: string, fn: () => T): T {
  const lock = `${real}.awsp-lock`;
  const mine = `${process.pid} ${hostname()}\n`;
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      createLock(lock, mine);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new UserError(`cannot write ${describe(path, real)}: ${reason(e)} (creating its lock file beside it); it was not changed`);
    }
    const holder = holderOf(lock);
    if (holder === null) continue; // released meanwhile: try again at once
    if (Date.now() > deadline) throw new UserError(`another awsp is writing ${describe(path, real)}; if none is running, remove ${lock}`);
    if (holder.dead) takeOver(lock, holder.text);
    else sleep(2 + Math.random() * 10);
  }
  try {
    return fn();
  } finally {
    try {
      if (readFileSync(lock, 'utf8') === mine) unlinkSync(lock);
    } catch {
      // taken over already: nothing to release
    }
  }
}

/** Under the lock, every temporary file of this target is a dead writer's (only the holder makes one): removed. */
function removeLeftovers(real: string): void {
  const dir = dirname(real);
  const base = basename(real);
  const ours = /^\.awsp-(\d+)-[a-z0-9]+\.tmp$|^\.awsp-lock\.(?:stale-)?(\d+)\.[a-z0-9]+$/;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(base)) continue;
    const m = ours.exec(name.slice(base.length));
    if (!m) continue;
    const pid = Number(m[1] ?? m[2]);
    // Lock files aside belong to writers still trying to lock: only a dead one's go.
    if (m[2] !== undefined && alive(pid)) continue;
    if (pid === process.pid && m[1] !== undefined) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // gone already
    }
  }
}

/** Creates DIR and its missing parents, 0700; as root, each owned like the folder it is made in. */
function makeFolder(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    try {
      statSync(d);
      break;
    } catch {
      missing.unshift(d);
      if (dirname(d) === d) break;
    }
  }
  for (const d of missing) {
    mkdirSync(d, { mode: 0o700 });
    if (process.geteuid?.() === 0) {
      const parent = statSync(dirname(d));
      chownQuiet(d, parent.uid, parent.gid);
    }
  }
}

function chownQuiet(path: string, uid: number, gid: number): void {
  try {
    const fd = openSync(path, 'r');
    try {
      fchownSync(fd, uid, gid);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not ours to give away: it stays root's
  }
}

/**
 * Rewrites the AWS file at PATH with `edit` (its text in, the new text out; '' for a missing
 * file). Refuses, with one line, a path that is not a regular file (symlinks are followed and
 * kept), a file that is not UTF-8 or that the AWS CLI would not read, and a result the CLI would
 * not read. Writes nothing when `edit` returns the text unchanged. Otherwise writes a temporary
 * file (0600) beside the real file and renames it into place, under a lock, keeping the file's
 * owner, group and mode (a new file is 0600 in folders created 0700; as root, owned like its
 * folder). Returns the path of the real file written.
 */
export function rewriteAwsFile(path: string, edit: (text: string) => string): string {
  const { real } = target(path);
  makeFolderFor(path, real);
  withLock(path, real, () => {
    removeLeftovers(real);
    const { real: now, st } = target(path);
    if (now !== real) throw new UserError(`${path} was pointed elsewhere while awsp was writing it; it was not changed, run the command again`);
    const before = readText(path, real);
    const after = edit(before);
    if (after === before) return;
    const problems = parseIni(after).problems;
    if (problems.length > 0) throw new UserError(`awsp would leave ${describe(path, real)} unreadable to the AWS CLI (${problems[0]}); it was not changed`);
    // The rename below would replace a read-only file too: refuse, as an editor would.
    if (st && !canWrite(real)) throw new UserError(`cannot write ${describe(path, real)}: it is read-only; it was not changed`);
    replace(path, real, st, Buffer.from(after, 'utf8'), holdsKeys(after));
  });
  return real;
}

function makeFolderFor(path: string, real: string): void {
  try {
    makeFolder(dirname(real));
  } catch (e) {
    throw new UserError(`cannot write ${describe(path, real)}: ${reason(e)} (creating its folder); it was not changed`);
  }
}

/** An atomic write that failed: while creating the temporary file beside the target, or after. */
export class WriteFailed extends Error {
  constructor(
    readonly stage: 'create' | 'write',
    readonly error: unknown,
  ) {
    super(reason(error));
  }
}

/**
 * Puts BYTES at TARGET atomically: TMP (beside it) is created 0600, written in full, given to
 * `prepare` (owner, mode), synced and renamed over TARGET; on any failure TMP is removed. Synchronous
 * from start to end, so a signal handler (which runs between JavaScript tasks) never sees it half
 * done. A UserError of `prepare` passes through; anything else is a WriteFailed.
 */
export function writeAtomic(target: string, tmp: string, bytes: Buffer, prepare?: (fd: number) => void): void {
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o600);
  } catch (e) {
    throw new WriteFailed('create', e);
  }
  try {
    writeAll(fd, bytes);
    prepare?.(fd);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    if (statSync(tmp).size !== bytes.length) throw Object.assign(new Error('short write'), { code: 'EIO' });
    renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // closed already
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      // nothing to clean
    }
    throw e instanceof UserError ? e : new WriteFailed('write', e);
  }
}

/** Puts BYTES in place of REAL through a temporary file and a rename, with REAL's owner, group and mode. */
function replace(path: string, real: string, st: Stats | null, bytes: Buffer, secret: boolean): void {
  const keep = (fd: number) => {
    const euid = process.geteuid?.() ?? -1;
    if (st) {
      // chown first: it clears set-id bits that chmod then restores.
      if (st.uid !== euid || st.gid !== (process.getegid?.() ?? -1)) {
        try {
          fchownSync(fd, st.uid, st.gid);
        } catch {
          throw new UserError(`cannot keep the owner of ${describe(path, real)} (uid ${st.uid}, gid ${st.gid}) in a new copy; it was not changed`);
        }
      }
      // The same mode; but a file that holds keys is for its owner only.
      fchmodSync(fd, st.mode & (secret ? 0o7700 : 0o7777));
    } else if (euid === 0) {
      // root writing into someone's folder (sudo keeping HOME): the new file is theirs.
      const folder = statSync(dirname(real));
      if (folder.uid !== 0) fchownSync(fd, folder.uid, folder.gid);
    }
  };
  try {
    writeAtomic(real, `${real}.awsp-${process.pid}-${random()}.tmp`, bytes, keep);
  } catch (e) {
    if (!(e instanceof WriteFailed)) throw e;
    throw new UserError(`cannot write ${e.stage === 'create' ? 'beside ' : ''}${describe(path, real)}: ${e.message}; it was not changed`);
  }
}
