// Rewrites an AWS file (config or credentials) through a pure edit, keeping every byte the edit
// keeps. A minimal version of the one writer (its API is fixed: rewriteAwsFile, checkAwsFile):
// only a regular file (or a missing one, read as '') that is UTF-8 and that the AWS CLI would
// parse is written; a symlink is followed and kept; the write is atomic (a temporary file beside
// it, then a rename), under a lock file, keeping the file's mode and owner (new files 0600 in a
// 0700 folder); an edit that changes nothing writes nothing.
import { chownSync, closeSync, fchmodSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { UserError } from '../errors.js';
import { parseIni } from './ini.js';

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'the write did not complete',
};
const reason = (e: unknown): string => REASONS[(e as NodeJS.ErrnoException).code ?? ''] ?? (e as Error).message;

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
  throw new UserError(`${path} is a symlink loop; it was not changed`);
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UserError(`cannot read ${path}: ${reason(e)}`);
  }
}

/** The text of TARGET, or a UserError saying why awsp will not rewrite it. */
function readForRewrite(target: string): { text: string; st: Stats | null } {
  const st = statOrNull(target);
  if (st && !st.isFile()) throw new UserError(`${target} is not a regular file; awsp will not rewrite it`);
  let bytes: Buffer;
  try {
    bytes = st ? readFileSync(target) : Buffer.alloc(0);
  } catch (e) {
    throw new UserError(`cannot read ${target}: ${reason(e)}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new UserError(`${target} is not valid UTF-8; awsp will not rewrite it`);
  }
  const problem = parseIni(text).problems[0];
  if (problem) throw new UserError(`${target}: ${problem}; the AWS CLI refuses this file, so awsp will not rewrite it (fix it first)`);
  return { text, st };
}

const pause = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

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
      pause(2 + Math.random() * 10);
    }
  }
  try {
    return fn();
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      // removed as stale by another writer
    }
  }
}

/** Throws what rewriteAwsFile would refuse, without writing: checked before any network call. */
export function checkAwsFile(path: string): void {
  readForRewrite(followLinks(path));
}

/** Rewrites PATH with EDIT (text in, text out), atomically; returns the path written (a symlink's target). */
export function rewriteAwsFile(path: string, edit: (text: string) => string): string {
  const target = followLinks(path);
  readForRewrite(target);
  try {
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new UserError(`cannot create ${dirname(target)}: ${reason(e)}`);
  }
  withLock(target, () => {
    const { text, st } = readForRewrite(target);
    const next = edit(text);
    if (next === text) return;
    const problem = parseIni(next).problems[0];
    if (problem) throw new UserError(`awsp would have made ${target} unreadable (${problem}); it was not changed`);
    const bytes = Buffer.from(next, 'utf8');
    const tmp = `${target}.awsp-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
    let fd: number | undefined;
    try {
      fd = openSync(tmp, 'wx', 0o600);
      // The umask does not apply: the file keeps exactly the mode it had.
      if (st) fchmodSync(fd, st.mode & 0o7777);
      if (st && (process.getuid?.() ?? -1) === 0 && (st.uid !== 0 || st.gid !== 0)) chownSync(tmp, st.uid, st.gid);
      for (let done = 0; done < bytes.length; ) {
        const n = writeSync(fd, bytes, done, bytes.length - done);
        if (n <= 0) throw Object.assign(new Error('no progress'), { code: 'EIO' });
        done += n;
      }
      fsyncSync(fd);
      closeSync(fd);
      fd = undefined;
      renameSync(tmp, target);
    } catch (e) {
      if (fd !== undefined) closeSync(fd);
      try {
        unlinkSync(tmp);
      } catch {
        // never created
      }
      throw new UserError(`cannot write ${target}: ${reason(e)}; it was not changed`);
    }
  });
  return target;
}
