import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { decodeUtf8, type IniFile, parseIni } from './ini.js';
import type { AwsPaths } from './paths.js';
import { shlexSplit } from './shlex.js';

export interface Profile {
  name: string;
  /** Which files define it. */
  inConfig: boolean;
  inCredentials: boolean;
  /** Config options, updated by the credentials file's, as botocore merges them. */
  options: Map<string, string>;
}

export interface LoadedFile {
  path: string;
  /** Whether something was there (false: missing, so empty). */
  exists: boolean;
  /** What was read, to tell later whether the file has changed since. */
  snapshot: Snapshot;
  ini: IniFile;
}

export interface ProfileSet {
  profiles: Profile[];
  config: LoadedFile;
  credentials: LoadedFile;
  /** One line each, for stderr: files the AWS CLI would refuse, names awsp cannot use. */
  warnings: string[];
}

const EMPTY: IniFile = { sections: [], defaults: new Map(), problems: [] };

/** What a path held when read: `exists` is whether stat() succeeds (the shell's `-e`). */
export interface Snapshot {
  exists: boolean;
  /** The bytes of a regular file; null for anything else. */
  bytes: Buffer | null;
  /** Why it reads as empty although it exists, for a warning. */
  odd?: string;
}

/**
 * Reads a file the way botocore does where that is sensible: a missing file (or a dangling
 * symlink, or a path through a non-directory) is an empty file, and so is anything that is not
 * a regular file (botocore checks os.path.isfile: /dev/null, a FIFO). A directory or a symlink
 * loop is read as empty with a warning. Where the CLI silently skips a file it cannot read,
 * awsp fails: guessing "no profiles" would hide the user's real problem.
 */
export function snapshot(path: string): Snapshot {
  if (path === '') return { exists: false, bytes: null };
  let fd: number | undefined;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then says it is no file.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    const st = fstatSync(fd);
    if (st.isDirectory()) return { exists: true, bytes: null, odd: 'is a directory, not a file' };
    if (!st.isFile()) return { exists: true, bytes: null };
    tooLarge(path, st.size);
    return { exists: true, bytes: readFileSync(fd) };
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG') return { exists: false, bytes: null };
    if (code === 'EISDIR') return { exists: true, bytes: null, odd: 'is a directory, not a file' };
    if (code === 'ELOOP') return { exists: false, bytes: null, odd: 'is a symlink loop' };
    if (code === 'EACCES' || code === 'EPERM') throw new UserError(`cannot read ${path}: permission denied`);
    throw new UserError(`cannot read ${path}: ${errnoText(e as NodeJS.ErrnoException)}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The largest AWS file awsp reads. Past about 512 MiB the text no longer fits in one JavaScript
 * string; real files are kilobytes, and the AWS CLI takes minutes for a file a hundredth this size.
 */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** Refuses a file of SIZE bytes that is too large to read, in one line. */
export function tooLarge(path: string, size: number): void {
  if (size > MAX_FILE_BYTES) {
    throw new UserError(`${path} is too large to be an AWS file (${Math.round(size / 1024 / 1024)} MiB; awsp reads up to ${MAX_FILE_BYTES / 1024 / 1024} MiB)`);
  }
}

export function loadIni(path: string, warnings: string[]): LoadedFile {
  const snap = snapshot(path);
  if (snap.odd) warnings.push(`${path} ${snap.odd}; reading it as empty`);
  if (snap.bytes === null) return { path, exists: snap.exists, snapshot: snap, ini: EMPTY };
  const problems: string[] = [];
  const text = decodeUtf8(snap.bytes, problems);
  const ini = parseIni(text);
  ini.problems.unshift(...problems);
  if (ini.problems.length > 0) {
    const more = ini.problems.length > 1 ? ` (and ${ini.problems.length - 1} more problem${ini.problems.length > 2 ? 's' : ''})` : '';
    warnings.push(`${path}: ${ini.problems[0]}${more}; the AWS CLI refuses this file, awsp reads what it can`);
  }
  return { path, exists: true, snapshot: snap, ini };
}

/** "i/o error" from "EIO: i/o error, read": the reason without Node's code and syscall. */
/** Node's message for a failed file operation, without its code and path (`no such file or directory`). */
export const errnoText = (e: NodeJS.ErrnoException): string => e.message.replace(/^[A-Z0-9]+: /, '').replace(/, \w+( '.*')?$/, '');

/** `[KIND NAME]` of the config file (`sso-session`, `services`), with [DEFAULT]'s values; the later one wins, as in botocore (which reads any header that starts with KIND). */
export function namedSection(set: ProfileSet, kind: string, name: string): Map<string, string> | undefined {
  let found: Map<string, string> | undefined;
  for (const s of set.config.ini.sections) {
    if (!s.name.startsWith(kind)) continue;
    const parts = shlexSplit(s.name);
    if (parts && parts.length === 2 && parts[1] === name) found = s.options;
  }
  return found && new Map([...set.config.ini.defaults, ...found]);
}

/** The profile name a config-file section defines, as botocore's build_profile_map decides. */
export function configProfileName(section: string): string | null {
  if (section === 'default') return 'default';
  if (!section.startsWith('profile')) return null;
  const parts = shlexSplit(section);
  return parts && parts.length === 2 ? parts[1]! : null;
}

/** Names awsp refuses to handle: empty, or holding control characters (they would corrupt terminals and lists). */
export function unsupportedNameReason(name: string): string | null {
  if (name === '') return 'an empty name';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) return 'control characters';
  return null;
}

/** All profiles, in the order `aws configure list-profiles` prints them. */
export function loadProfiles(paths: AwsPaths): ProfileSet {
  const warnings: string[] = [];
  const config = loadIni(paths.config, warnings);
  const credentials = loadIni(paths.credentials, warnings);
  const byName = new Map<string, Profile>();
  const withDefaults = (ini: IniFile, options: Map<string, string>) => new Map([...ini.defaults, ...options]);
  for (const section of config.ini.sections) {
    const name = configProfileName(section.name);
    if (name === null) continue;
    const existing = byName.get(name);
    const options = withDefaults(config.ini, section.options);
    // `[default]` and `[profile default]` are both the profile `default`: the later section wins, the first keeps its place.
    if (existing) existing.options = options;
    else byName.set(name, { name, inConfig: true, inCredentials: false, options });
  }
  for (const section of credentials.ini.sections) {
    const existing = byName.get(section.name);
    const options = withDefaults(credentials.ini, section.options);
    if (existing) {
      existing.inCredentials = true;
      for (const [k, v] of options) existing.options.set(k, v);
    } else {
      byName.set(section.name, { name: section.name, inConfig: false, inCredentials: true, options });
    }
  }
  const profiles: Profile[] = [];
  for (const p of byName.values()) {
    const why = unsupportedNameReason(p.name);
    if (why) warnings.push(`skipping a profile whose name has ${why}: ${JSON.stringify(p.name)}`);
    else profiles.push(p);
  }
  return { profiles, config, credentials, warnings };
}

/** Up to three existing names close to `name`, best first, for "did you mean". */
export function closestNames(name: string, names: readonly string[]): string[] {
  const lower = name.toLowerCase();
  const scored = names
    .map((n) => ({ n, d: editDistance(lower, n.toLowerCase()) }))
    .filter(({ n, d }) => d <= Math.max(2, Math.floor(name.length / 3)) || n.toLowerCase().includes(lower))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n));
  return scored.slice(0, 3).map(({ n }) => n);
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
