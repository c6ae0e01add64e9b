// The names cache: the profile names, kept where the shell functions (shell/awsp.*) read them to
// complete and switch without starting Node. This module is all of it on Node's side: where the
// cache is and for which files (the key), when it may be trusted, writing it, and reading it the
// way the shells do. The shells apply the same rules in their own code; test/hardening/cache-
// trust.test.ts checks that Node and the three shells agree.
//
// Format: a version line, then `+PATH` or `-PATH` for the config and the credentials file (there
// or not when the cache was built), then one name per line. PATH is the key below. The line of
// a profile that signs in through IAM Identity Center goes on with a tab and the line number of
// its session's record; the records follow the names, one per session: a tab, the token file, a
// tab, and the warning a switch prints while that token is missing or expired (src/sso/state.ts
// switchWarning). The shells judge the token at each switch, with builtins. (One record per
// session, not per profile: zsh reads the whole cache at each switch and TAB.)
//
// The key of an AWS file is the absolute path the AWS CLI would open: the variable (or the
// default, `~/.aws/config`), expanded as botocore does (a leading `~` or `~/` with $HOME,
// trailing slashes of $HOME dropped), then made absolute against the current folder ($PWD, which
// the shell knows). A path the shells cannot compute that way bypasses the cache (Node is asked
// each time): an empty one, one holding `$` (botocore expands variables), `~user`, `~` without
// $HOME, or a control character (a newline would shift the header).
//
// Trust: the cache folder ($XDG_CACHE_HOME/awsp when XDG_CACHE_HOME is absolute, else
// $HOME/.cache/awsp) must be the user's own: Node creates it 0700 and writes only into a folder
// owned by the user that no one else may write to; the shells read only a file owned by the user
// in a folder owned by the user without the sticky bit (a shared /tmp-like folder), whose header
// names exactly the files they computed. The shell then uses the names while the cache is
// strictly newer than each file that is there and than each file's folder (a file replaced by
// an older one changes its folder), and each file's presence is unchanged.
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { type LoadedFile, type ProfileSet, snapshot } from './config/profiles.js';
import { ssoTargets, switchWarning } from './sso/state.js';
import { ssoCacheDir, tokenPath } from './sso/tokens.js';
import { hasUnsafeText } from './text.js';

export const CACHE_VERSION = 'awsp-names-v3';

type Env = Record<string, string | undefined>;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/** The current folder as the shell spells it: $PWD when it names the current folder, else the physical path. */
export function currentFolder(env: Env): string {
  const pwd = env.PWD;
  if (pwd !== undefined && pwd.startsWith('/')) {
    try {
      const a = statSync(pwd);
      const b = statSync('.');
      if (a.ino === b.ino && a.dev === b.dev) return pwd;
    } catch {
      // not a folder we can see: use the real one
    }
  }
  return process.cwd();
}

/**
 * The key of one AWS file: the absolute path the AWS CLI would open for RAW (the variable's
 * value, or undefined for the default `~/.aws/NAME`), or null when the cache cannot stand for it
 * (an empty variable, too: no file, but rare enough not to be worth a rule of its own).
 */
export function cacheKeyPath(raw: string | undefined, name: 'config' | 'credentials', env: Env): string | null {
  let p = raw ?? `~/.aws/${name}`;
  if (p === '' || p.includes('$')) return null;
  if (p === '~' || p.startsWith('~/')) {
    if (env.HOME === undefined) return null;
    p = env.HOME.replace(/\/+$/, '') + p.slice(1) || '/';
  } else if (p.startsWith('~')) {
    return null;
  }
  if (p !== '' && !p.startsWith('/')) p = `${currentFolder(env).replace(/\/$/, '')}/${p}`;
  return CONTROL.test(p) ? null : p;
}

/** The cache folder, or null when there is none of the user's own ($XDG_CACHE_HOME and $HOME unusable). */
export function cacheFolder(env: Env): string | null {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && xdg.startsWith('/')) return `${xdg}/awsp`;
  const home = env.HOME;
  return home !== undefined && home.startsWith('/') ? `${home}/.cache/awsp` : null;
}

// `%` first, then `/`: the result never holds `%%`, so the separator is unambiguous.
export const encodePath = (p: string): string => p.replace(/%/g, '%25').replace(/\//g, '%2F');

export interface CacheLocation {
  /** The cache file; null when the cache cannot be used. */
  file: string | null;
  folder: string | null;
  /** The keys of the config and credentials files. */
  config: string | null;
  credentials: string | null;
}

export function cacheLocation(env: Env): CacheLocation {
  const folder = cacheFolder(env);
  const config = cacheKeyPath(env.AWS_CONFIG_FILE, 'config', env);
  const credentials = cacheKeyPath(env.AWS_SHARED_CREDENTIALS_FILE, 'credentials', env);
  const file = folder !== null && config !== null && credentials !== null ? `${folder}/names-${encodePath(config)}%%${encodePath(credentials)}` : null;
  return { file, folder, config, credentials };
}

/** The cache's text for SET, with the header the shell compares against its own keys. */
export function cacheText(set: ProfileSet, loc: CacheLocation, env: Env): string {
  // Without a key (a path the cache cannot stand for, say with a newline) no path is written:
  // a newline in it would shift the header, and no cache file is written for it anyway.
  const flag = (f: LoadedFile, key: string | null) => `${f.snapshot.exists ? '+' : '-'}${key ?? '?'}`;
  const sso = ssoTargets(set);
  const dir = ssoCacheDir(env);
  const names: [string, number][] = []; // a name and its record's index, or -1
  const records: string[] = [];
  const recordOf = new Map<string, number | null>(); // null: its token path cannot be written
  for (const { name } of set.profiles) {
    // A name with a control (a tab too) or bidi character is left out: TAB menus would show it
    // raw. Switching to it still works, through Node (`awsp __switch`), which validates against
    // the files themselves; so does an SSO profile whose token path has one (an odd HOME).
    if (hasUnsafeText(name)) continue;
    const t = sso.get(name);
    if (!t) {
      names.push([name, -1]);
      continue;
    }
    // The record depends on the session alone (a legacy profile's on its profile and start
    // URL): built once each, which matters at 10,000 profiles.
    const key = t.session !== null ? `s ${t.session}` : `l ${t.profile!}\n${t.startUrl}`;
    let at = recordOf.get(key);
    if (at === undefined) {
      const path = tokenPath(dir, t);
      at = hasUnsafeText(path) ? null : records.push(`\t${path}\t${switchWarning(t)}`) - 1;
      recordOf.set(key, at);
    }
    if (at !== null) names.push([name, at]);
  }
  // Line numbers from 1: three header lines, the names, then the records.
  const first = 3 + names.length + 1;
  const lines = names.map(([n, r]) => (r < 0 ? n : `${n}\t${first + r}`));
  return [CACHE_VERSION, flag(set.config, loc.config), flag(set.credentials, loc.credentials), ...lines, ...records, ''].join('\n');
}

/** Why FOLDER may not hold the cache (not the user's own, or open to others), or null. */
export function folderProblem(folder: string): string | null {
  let st;
  try {
    st = statSync(folder);
  } catch {
    return null; // created below, 0700
  }
  const uid = process.geteuid?.();
  if (!st.isDirectory()) return `${folder} is not a folder`;
  if (uid !== undefined && st.uid !== uid) return `${folder} belongs to another user (uid ${st.uid})`;
  if ((st.mode & 0o022) !== 0) return `${folder} is writable by other users`;
  return null;
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
 * Creates the folder (and its missing parents) 0700, as the XDG spec asks; but not inside
 * another user's folder (root with a user's HOME would leave them a cache folder they cannot
 * write): returns why not, or null.
 */
function makeFolder(folder: string): string | null {
  let existing = folder;
  for (;;) {
    try {
      const st = statSync(existing);
      if (existing !== folder && process.geteuid !== undefined && st.uid !== process.geteuid()) {
        return `not using the profile cache: ${existing} belongs to another user (uid ${st.uid})`;
      }
      break;
    } catch {
      const up = existing.slice(0, existing.lastIndexOf('/')) || '/';
      if (up === existing) break;
      existing = up;
    }
  }
  if (existing !== folder) mkdirSync(folder, { recursive: true, mode: 0o700 });
  return null;
}

/** Removes the temporary files of writers that died before their rename (names only, but clutter). */
function removeLeftovers(folder: string): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^names-.*\.(\d+)\.[a-z0-9]+\.tmp$/.exec(name);
    if (!m || Number(m[1]) === process.pid) continue;
    try {
      process.kill(Number(m[1]), 0);
      continue; // its writer is still at work
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EPERM') continue;
    }
    try {
      unlinkSync(`${folder}/${name}`);
    } catch {
      // gone already
    }
  }
}

/**
 * Writes the cache for SET where ENV's shell looks for it, and returns why it could not (for a
 * warning), or null. Nothing is written for files the cache cannot stand for, or into a folder
 * that is not the user's own.
 */
/** Whether the AWS CLI refuses one of the files (a duplicate section, a BOM...): then it reads neither. */
const refused = (set: ProfileSet): boolean => set.config.ini.problems.length > 0 || set.credentials.ini.problems.length > 0;

export function refreshCache(env: Env, set: ProfileSet): string | null {
  const loc = cacheLocation(env);
  if (loc.file === null || loc.folder === null) return null;
  if (refused(set)) {
    // No cache while the AWS CLI refuses a file: the shell then asks awsp at each switch,
    // which says why (`aws` itself would stop with a ConfigParseError).
    rmSync(loc.file, { force: true });
    return null;
  }
  const problem = folderProblem(loc.folder);
  if (problem) return `not using the profile cache: ${problem}`;
  return writeCache(loc.file, cacheText(set, loc, env), () => unchanged(set.config) && unchanged(set.credentials));
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
  const folder = file.slice(0, file.lastIndexOf('/'));
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    const refused = makeFolder(folder);
    if (refused) return refused;
    // Between the check and here the folder could have been swapped: check the one written to.
    const problem = folderProblem(folder);
    if (problem) return `not using the profile cache: ${problem}`;
    removeLeftovers(folder);
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

/** Whether A's mtime is strictly newer than B's (the shells' `-nt`); a missing B is older. */
function newer(a: string, b: string): boolean {
  try {
    return statSync(a, { bigint: true }).mtimeNs > statSync(b, { bigint: true }).mtimeNs;
  } catch {
    return false;
  }
}

const exists = (p: string): boolean => {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
};

/** Is the cache FILE right about one file (`+KEY` was there, `-KEY` was not)? */
function fresh(file: string, line: string | undefined, key: string): boolean {
  if (line === `+${key}`) return exists(key) && newer(file, key) && newer(file, `${key.slice(0, key.lastIndexOf('/')) || ''}/.`);
  if (line === `-${key}`) return !exists(key);
  return false;
}

/**
 * The names the shells would take from the cache without asking Node, or null when they would
 * ask Node: the same rules as shell/awsp.*, for tests and for code that wants the names without
 * parsing the files.
 */
export function readCache(env: Env): string[] | null {
  const loc = cacheLocation(env);
  if (loc.file === null || loc.folder === null || loc.config === null || loc.credentials === null) return null;
  const uid = process.geteuid?.();
  let text: string;
  try {
    const folder = statSync(loc.folder);
    // Owned by the user, and not a shared folder with the sticky bit: what the shells can test without forking.
    if (!folder.isDirectory() || (uid !== undefined && folder.uid !== uid) || (folder.mode & 0o1000) !== 0) return null;
    const fd = openSync(loc.file, 'r');
    try {
      const st = statSync(loc.file);
      if (!st.isFile() || (uid !== undefined && st.uid !== uid)) return null;
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
  const lines = text.split('\n');
  if (lines[0] !== CACHE_VERSION || !fresh(loc.file, lines[1], loc.config) || !fresh(loc.file, lines[2], loc.credentials)) return null;
  // Names only: without their record numbers, and without the records (which begin with a tab).
  return lines
    .slice(3, lines[lines.length - 1] === '' ? -1 : undefined)
    .filter((l) => !l.startsWith('\t'))
    .map((l) => l.replace(/\t.*/, ''));
}
