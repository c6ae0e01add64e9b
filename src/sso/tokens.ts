// The SSO token cache, exactly as the AWS CLI v2 keeps it (botocore's SSOTokenLoader,
// SSOTokenFetcher and JSONFileCache), so that the CLI, botocore, the JS SDK and anything else
// that reads ~/.aws/sso/cache use and refresh what awsp writes, and the other way round:
//   <sha1(session name, or start URL for a legacy profile)>.json   the token
//   <sha1(sorted JSON of tool, startUrl, region, scopes, session_name)>.json   the client registration
// Files are written as Python's json.dumps writes them, dates as UTC `YYYY-MM-DDTHH:MM:SSZ`.
// awsp writes them atomically (a temporary file, then a rename), 0600, in a 0700 folder.
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { reason, writeAtomic, WriteFailed } from '../config/write.js';
import type { Env } from '../context.js';
import { UserError } from '../errors.js';
import type { SsoTarget } from './config.js';

/** What a token file holds (the keys the CLI writes; readers need accessToken and expiresAt). */
export interface TokenFile {
  startUrl?: string;
  region?: string;
  accessToken: string;
  expiresAt: string;
  clientId?: string;
  clientSecret?: string;
  registrationExpiresAt?: string;
  refreshToken?: string;
}

export interface Registration {
  clientId: string;
  clientSecret: string;
  expiresAt: string;
  scopes?: string[];
  grantTypes?: string[];
}

/** Where botocore looks: `~/.aws/sso/cache`, `~` from HOME (else the passwd entry), as Python's expanduser. */
export function ssoCacheDir(env: Env): string {
  let home = env.HOME;
  if (home === undefined) {
    try {
      home = userInfo().homedir;
    } catch {
      home = '';
    }
  }
  return join(home.replace(/\/+$/, '') || '/', '.aws', 'sso', 'cache');
}

const sha1 = (text: string): string => createHash('sha1').update(text, 'utf8').digest('hex');

/** The token's file name without `.json`: the session name's hash, or the start URL's for a legacy profile. */
export const tokenKey = (t: SsoTarget): string => sha1(t.session ?? t.startUrl);

/** The token's file, where botocore looks for it. */
export const tokenPath = (dir: string, t: SsoTarget): string => join(dir, `${tokenKey(t)}.json`);

/** The registration's file name without `.json`, as botocore's _registration_cache_key computes it. */
export const registrationKey = (t: SsoTarget): string =>
  sha1(pyJson({ tool: 'botocore', startUrl: t.startUrl, region: t.region, scopes: t.scopes, session_name: t.session }, true));

/** A string as Python's json.dumps writes it (ensure_ascii: everything outside space..~ escaped). */
function pyString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c <= 0x7e) out += s[i];
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else out += `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

/** Python's json.dumps(value[, sort_keys=True]) with its default separators `, ` and `: `. */
export function pyJson(value: unknown, sortKeys = false): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return pyString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => pyJson(v, sortKeys)).join(', ')}]`;
  let entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (sortKeys) entries = entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${pyString(k)}: ${pyJson(v, sortKeys)}`).join(', ')}}`;
}

/** A time as the CLI writes it into the cache: UTC, whole seconds, `Z`. */
export const cacheTime = (d: Date): string => d.toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * A cached JSON object, or null when the file is missing, not a regular file or not a JSON
 * object. Opened without blocking and checked before reading: a FIFO planted there would
 * otherwise hang every command that looks at the session (the shells apply the same rule).
 */
export function readCacheFile(dir: string, key: string): Record<string, unknown> | null {
  let text: string;
  let fd: number | undefined;
  try {
    fd = openSync(join(dir, `${key}.json`), constants.O_RDONLY | constants.O_NONBLOCK);
    if (!fstatSync(fd).isFile()) return null;
    text = readFileSync(fd, 'utf8');
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * A time from a token file, in ms, or null: UTC as the CLI and SDKs write it, `YYYY-MM-DDTHH:MM:SS`
 * then optional fractions and `Z` (botocore, the JS SDK), `UTC` (old CLI versions) or `+00:00`.
 * The shells' switch reads the same forms and nothing else (shell/awsp.*, __awsp_sso), so both
 * judge a session alike; Date.parse alone would also take local times and refuse `UTC`.
 */
export function tokenTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(?:Z|UTC|\+00:00)$/.exec(value);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}${m[2] ?? ''}Z`);
  return Number.isNaN(ms) ? null : ms;
}

/** The token of a session, when its file holds one (a string accessToken and a readable expiresAt). */
export function readToken(dir: string, t: SsoTarget): TokenFile | null {
  const v = readCacheFile(dir, tokenKey(t));
  if (!v || typeof v.accessToken !== 'string' || tokenTime(v.expiresAt) === null) return null;
  return v as unknown as TokenFile;
}

export type SessionState =
  | { state: 'signed-in'; expiresAt: Date }
  /** The access token has expired, but a refresh token and a live registration can renew it (the SDKs do). */
  | { state: 'renewable'; expiresAt: Date }
  | { state: 'expired'; expiresAt: Date }
  | { state: 'signed-out' };

/** Whether a session is signed in, from its token file alone (no network). */
export function sessionState(dir: string, t: SsoTarget, now = Date.now()): SessionState {
  const tok = readToken(dir, t);
  if (!tok) return { state: 'signed-out' };
  const expiresAt = new Date(tokenTime(tok.expiresAt)!);
  if (expiresAt.getTime() > now) return { state: 'signed-in', expiresAt };
  const regUntil = tokenTime(tok.registrationExpiresAt) ?? NaN;
  // Non-empty strings, as the shells test them.
  const given = (v: unknown): boolean => typeof v === 'string' && v !== '';
  if (given(tok.refreshToken) && given(tok.clientId) && given(tok.clientSecret) && regUntil > now) return { state: 'renewable', expiresAt };
  return { state: 'expired', expiresAt };
}

/**
 * The cache folder, made ready for secrets: created 0700 (with ~/.aws and ~/.aws/sso if they are
 * missing), and made 0700 when it exists but others could enter it (the CLI creates it 0755).
 * A folder that is not the user's own is refused: whoever owns it could swap the files.
 */
export function prepareCacheDir(dir: string): { tightened: boolean } {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new UserError(`cannot create ${dir}: ${reason(e)}`);
  }
  const st = statSync(dir);
  if (!st.isDirectory()) throw new UserError(`${dir} is not a folder`);
  const uid = process.getuid?.() ?? -1;
  if (uid >= 0 && st.uid !== uid) throw new UserError(`${dir} belongs to another user (uid ${st.uid}); awsp will not keep tokens there`);
  if ((st.mode & 0o077) !== 0) {
    chmodSync(dir, 0o700);
    return { tightened: true };
  }
  return { tightened: false };
}

/** Writes DIR/KEY.json atomically (0600), as the AWS files are written. */
export function writeCacheFile(dir: string, key: string, text: string): string {
  const target = join(dir, `${key}.json`);
  try {
    if (lstatSync(target).isSymbolicLink()) throw new UserError(`${target} is a symlink; awsp will not write a token through it`);
  } catch (e) {
    if (e instanceof UserError) throw e;
  }
  const tmp = join(dirname(target), `.${key}.awsp-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
  try {
    writeAtomic(target, tmp, Buffer.from(text, 'utf8'));
  } catch (e) {
    throw e instanceof WriteFailed ? new UserError(`cannot write ${target}: ${e.message}`) : e;
  }
  return target;
}

/** Removes DIR/KEY.json; whether there was one. */
export function removeCacheFile(dir: string, key: string): boolean {
  try {
    unlinkSync(join(dir, `${key}.json`));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new UserError(`cannot remove ${join(dir, `${key}.json`)}: ${reason(e)}`);
  }
}

/** The token as the CLI writes it: its keys in the CLI's order, refreshToken only when there is one. */
export function tokenText(t: TokenFile): string {
  return pyJson({
    startUrl: t.startUrl,
    region: t.region,
    accessToken: t.accessToken,
    expiresAt: t.expiresAt,
    clientId: t.clientId,
    clientSecret: t.clientSecret,
    registrationExpiresAt: t.registrationExpiresAt,
    refreshToken: t.refreshToken,
  });
}

export function registrationText(r: Registration): string {
  return pyJson({ clientId: r.clientId, clientSecret: r.clientSecret, expiresAt: r.expiresAt, scopes: r.scopes, grantTypes: r.grantTypes });
}
