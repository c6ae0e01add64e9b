import { mkdirSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type LoadedFile, type ProfileSet, snapshot } from './config/profiles.js';
import { hasUnsafeText } from './text.js';

// The names cache lets the shell functions complete and validate without starting Node.
// Format (read by shell/awsp.*): a version line, then `+PATH` or `-PATH` for the config and
// the credentials file (there or not when the cache was built), then one name per line.
// The shell trusts the cache while the cache is strictly newer than each file that is there
// and each file's presence is unchanged.
export const CACHE_VERSION = 'awsp-names-v1';

export function cacheText(set: ProfileSet): string {
  const flag = (f: LoadedFile) => `${f.snapshot.exists ? '+' : '-'}${f.path}`;
  // A name with a C1 or bidi control is left out: TAB menus would show it raw. Switching to it
  // still works, through Node (`awsp __switch`), which validates against the files themselves.
  const names = set.profiles.map((p) => p.name).filter((n) => !hasUnsafeText(n));
  return [CACHE_VERSION, flag(set.config), flag(set.credentials), ...names, ''].join('\n');
}

/** Whether a file still holds exactly what was read from it. */
export function unchanged(f: LoadedFile): boolean {
  try {
    const now = snapshot(f.path);
    const was = f.snapshot;
    if (now.exists !== was.exists || (now.bytes === null) !== (was.bytes === null)) return false;
    return now.bytes === null || now.bytes.equals(was.bytes!);
  } catch {
    return false;
  }
}

/**
 * Writes the cache atomically (a reader never sees half a file) and only if it is right.
 * The order closes every race with an edit of the AWS files:
 *   1. the names come from the files as read;
 *   2. the cache is written to a temporary file;
 *   3. the files are read again: if either changed, the cache is dropped (an edit made
 *      before this point is caught here, even one that left the mtime as it was);
 *   4. the cache's mtime is set back to the start of its second, then it is renamed in place.
 * An edit after step 3 gives the file an mtime at or after the temporary file's write, so
 * never older than the cache's whole-second mtime: the shell's strict `-nt` then rebuilds,
 * on a filesystem with nanosecond or with one-second timestamps alike.
 * Best effort: on failure the shell falls back to asking Node, so the reason is returned for
 * a warning, not thrown.
 */
export function writeCache(file: string, text: string, verify: () => boolean): string | null {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
    if (!verify()) {
      unlinkSync(tmp);
      return null;
    }
    const st = statSync(tmp);
    utimesSync(tmp, st.atime, Math.floor(st.mtimeMs / 1000));
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* it was never written */
    }
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : err.message.replace(/^[A-Z0-9]+: /, '').replace(/, \w+ '.*'$/, '');
    return `cannot write the profile cache ${file}: ${why}`;
  }
  return null;
}
