// The session cache: temporary credentials awsp obtained (an assumed role, SSO role credentials,
// a GetSessionToken session, credential_process output with an Expiration), reused while more
// than 15 minutes remain, so a second `awsp exec` makes no call to AWS and asks for no MFA code.
//
// Where: $XDG_CACHE_HOME/awsp/sessions (else ~/.cache/awsp/sessions), a folder only the user can
// enter (src/sessions/folder.ts), one file per entry, 0600, replaced atomically. Never the AWS
// CLI's ~/.aws/cli/cache, whose format is the CLI's own business.
// Keyed by: a SHA-256 of everything that decides the identity: each step of the chain with its
// settings (role ARN, external id, MFA serial, SSO account and role, the command, the source keys'
// id), the requested duration, the AWS files' absolute paths and the endpoints in the environment.
// A changed profile gives another key, so it never gets the old credentials.
// Each entry names the profiles it came from, for `awsp forget PROFILE`.
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cacheFolder } from '../cache.js';
import { awsPaths } from '../config/paths.js';
import { type Env, warn } from '../context.js';
import type { Credentials } from '../formats.js';
import { privateFolderProblem } from './folder.js';

/** Reused only while more than this remains: the SDKs start refreshing at 15 minutes and insist at 10. */
export const FRESH_FOR_MS = 15 * 60_000;

/** Nothing awsp caches lives longer than GetSessionToken's 36 hours: older files are leftovers. */
const OLDEST_MS = 36 * 3600_000 + FRESH_FOR_MS;

const VERSION = 1;

export interface Cached {
  credentials: Credentials;
  accountId?: string;
}

interface Entry {
  version: number;
  kind: string;
  profiles: string[];
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration: string;
  accountId?: string;
}

/** The folder, beside the names cache; null without a home for it (no absolute XDG_CACHE_HOME or HOME). */
export function sessionsFolder(env: Env): string | null {
  const awsp = cacheFolder(env);
  return awsp === null ? null : join(awsp, 'sessions');
}

let warned = false;
/** Says once per run why the cache is not used. */
function sayOnce(why: string): void {
  if (warned) return;
  warned = true;
  warn(`not caching sessions: ${why}`);
}

export const isFresh = (c: Credentials, now = Date.now()): boolean => c.expiration !== undefined && c.expiration.getTime() - now > FRESH_FOR_MS;

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** Reads an entry file only if it is a regular file of the user's, closed to everyone else. */
function readEntry(file: string): Entry | null {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.uid !== (process.geteuid?.() ?? -1) || (st.mode & 0o077) !== 0) return null;
    const e = JSON.parse(readFileSync(fd, 'utf8')) as Partial<Entry>;
    const str = (v: unknown): v is string => typeof v === 'string' && v !== '';
    if (e.version !== VERSION || !str(e.accessKeyId) || !str(e.secretAccessKey) || !str(e.expiration) || !Array.isArray(e.profiles)) return null;
    if (e.sessionToken !== undefined && !str(e.sessionToken)) return null;
    return e as Entry;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Writes FILE atomically: a 0600 temporary file beside it, then a rename. */
function writeEntry(dir: string, file: string, entry: Entry): void {
  const tmp = join(dir, `.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, 0o600);
  try {
    const bytes = Buffer.from(JSON.stringify(entry) + '\n');
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, file);
  } catch (e) {
    unlinkSync(tmp);
    throw e;
  }
}

export class SessionCache {
  private folder: string | null | undefined;

  private constructor(
    private readonly env: Env,
    private readonly enabled: boolean,
    private readonly context: object,
  ) {}

  /** The cache for this environment; off with --no-cache. The folder is checked on first use. */
  static open(env: Env, enabled: boolean): SessionCache {
    const paths = awsPaths(env);
    // Everything outside the profile that changes where credentials come from.
    const context = {
      v: VERSION,
      config: resolve(paths.config),
      credentials: resolve(paths.credentials),
      endpoints: ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_SSO', 'AWS_USE_FIPS_ENDPOINT'].map((n) => env[n] ?? null),
    };
    return new SessionCache(env, enabled, context);
  }

  /** The folder, or null when the cache is off or the folder cannot be trusted (said once). */
  private get dir(): string | null {
    if (this.folder !== undefined) return this.folder;
    this.folder = null;
    if (!this.enabled) return null;
    const dir = sessionsFolder(this.env);
    if (dir === null) {
      sayOnce('neither HOME nor XDG_CACHE_HOME says where');
      return null;
    }
    const problem = privateFolderProblem(dir);
    if (problem !== null) {
      sayOnce(problem);
      return null;
    }
    this.folder = dir;
    return dir;
  }

  private file(dir: string, key: object): string {
    const hash = createHash('sha256').update(JSON.stringify([this.context, key])).digest('hex');
    return join(dir, `${hash}.json`);
  }

  /** Fresh credentials stored under KEY; null when there are none (or the cache is off). PROFILES are added to the entry's names. */
  get(key: object, profiles: readonly string[]): Cached | null {
    const dir = this.dir;
    if (dir === null) return null;
    const file = this.file(dir, key);
    const e = readEntry(file);
    if (!e) return null;
    const expiration = new Date(e.expiration);
    const credentials: Credentials = { accessKeyId: e.accessKeyId, secretAccessKey: e.secretAccessKey, sessionToken: e.sessionToken, expiration };
    if (Number.isNaN(expiration.getTime()) || !isFresh(credentials)) return null;
    // Shared entries (an MFA session used by several roles) name every profile that used them.
    const more = profiles.filter((p) => !e.profiles.includes(p));
    if (more.length > 0) {
      try {
        writeEntry(dir, file, { ...e, profiles: [...e.profiles, ...more] });
      } catch {
        /* only `awsp forget` of the new name misses it */
      }
    }
    return e.accountId ? { credentials, accountId: e.accountId } : { credentials };
  }

  /** Stores credentials that expire; best effort (a failure costs a call to AWS next time). */
  put(key: object, kind: string, profiles: readonly string[], value: Cached): void {
    const c = value.credentials;
    if (c.expiration === undefined || !isFresh(c)) return;
    const dir = this.dir;
    if (dir === null) return;
    const entry: Entry = {
      version: VERSION,
      kind,
      profiles: [...profiles],
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      ...(c.sessionToken !== undefined && { sessionToken: c.sessionToken }),
      expiration: c.expiration.toISOString(),
      ...(value.accountId !== undefined && { accountId: value.accountId }),
    };
    try {
      prune(dir);
      writeEntry(dir, this.file(dir, key), entry);
    } catch (e) {
      sayOnce(`cannot write in ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
}

/** Removes leftovers: entries and temporary files older than anything awsp caches can live. */
function prune(dir: string): void {
  const now = Date.now();
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    try {
      const age = now - lstatSync(file).mtimeMs;
      if (age > OLDEST_MS || (name.endsWith('.tmp') && age > 60_000)) unlinkSync(file);
    } catch {
      /* gone meanwhile */
    }
  }
}

/**
 * Removes cached sessions: every one, or those PROFILES (one name or several) took part in (as
 * the profile asked for, or a source in its chain). Returns how many. For `awsp forget` and
 * `awsp logout`.
 */
export function forgetSessions(env: Env, profiles?: string | readonly string[]): number {
  const wanted = typeof profiles === 'string' ? [profiles] : profiles;
  const dir = sessionsFolder(env);
  if (dir === null) return 0;
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of files) {
    const file = join(dir, name);
    if (wanted !== undefined) {
      if (!name.endsWith('.json')) continue;
      const e = readEntry(file);
      // An entry awsp cannot read is no use to anyone: a full forget removes it, a targeted one leaves it.
      if (!e || !e.profiles.some((p) => wanted.includes(p))) continue;
    }
    try {
      unlinkSync(file);
      if (name.endsWith('.json')) removed++;
    } catch {
      /* gone meanwhile */
    }
  }
  return removed;
}
