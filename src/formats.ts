// Credentials as text for other programs: pure functions, one per output format.
import { UserError } from './errors.js';
import { type EnvChange, getShell, isShellName, renderEnv } from './shells/index.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
  expiration?: Date | undefined;
}

export const FORMATS = ['bash', 'zsh', 'fish', 'powershell', 'env', 'dotenv', 'json', 'process'] as const;
export type Format = (typeof FORMATS)[number];

export const isFormat = (name: string): name is Format => (FORMATS as readonly string[]).includes(name);

/** Formats that are code for a shell: never printed onto a terminal without --reveal. */
export const isShellFormat = (f: Format): boolean => f === 'bash' || f === 'zsh' || f === 'fish' || f === 'powershell';

/** The variable whose value tells the shell integration that the keys in this shell came from awsp. */
export const MARKER = 'AWSP_KEYS';
/** Whose keys they are (the profile exported), for awsp_prompt. */
export const KEYS_PROFILE = 'AWSP_KEYS_PROFILE';
/** The region awsp set, so that the next switch removes it only while it is unchanged. */
export const REGION_MARK = 'AWSP_REGION';
/** awsp's own marks: set in a shell, never written for other programs. */
const MARKS: ReadonlySet<string> = new Set([MARKER, KEYS_PROFILE, REGION_MARK]);

/** What goes with the keys: the profile they are for, and a region to set (null: leave the region alone). */
export interface KeysContext {
  profile?: string;
  region?: string | null;
}

/**
 * The change to a shell's environment: the keys, the token or its removal, the expiration or
 * its removal (a stale one would mislead), the old boto name removed, the marker and whose
 * keys they are, then the region with its mark (a tool that reads only the environment cannot
 * read the profile's region either).
 */
export function credentialEnv(c: Credentials, ctx: KeysContext = {}): EnvChange {
  return [
    ['AWS_ACCESS_KEY_ID', c.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', c.secretAccessKey],
    ['AWS_SESSION_TOKEN', c.sessionToken ?? null],
    ['AWS_SECURITY_TOKEN', null],
    ['AWS_CREDENTIAL_EXPIRATION', c.expiration ? isoTime(c.expiration) : null],
    [MARKER, c.accessKeyId],
    ...(ctx.profile !== undefined ? [[KEYS_PROFILE, ctx.profile] as const] : []),
    ...(ctx.region ? ([['AWS_REGION', ctx.region], ['AWS_DEFAULT_REGION', ctx.region], [REGION_MARK, ctx.region]] as const) : []),
  ];
}

/**
 * The region `awsp exports` writes: the profile's own. Into a shell (the shell formats) only
 * when the user has not set one by hand: a region that awsp set (AWSP_REGION still equal) may
 * be replaced, one the user set never is. Files for other programs always carry it.
 */
export function regionToExport(format: Format, region: string | undefined, env: Record<string, string | undefined>): string | null {
  if (!region || format === 'process') return null;
  if (!isShellFormat(format)) return region;
  const mine = (v: string | undefined) => v === undefined || v === env[REGION_MARK];
  return mine(env.AWS_REGION) && mine(env.AWS_DEFAULT_REGION) ? region : null;
}

/** ISO 8601 in UTC without milliseconds, as STS and the AWS CLI write it. */
export const isoTime = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** PowerShell single quotes: `'` is doubled, and so are the typographic quotes PowerShell also treats as `'`. */
export const powershellQuote = (value: string): string => `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;

function renderPowershell(change: EnvChange): string {
  return (
    change
      .map(([n, v]) => (v === null ? `Remove-Item -Path Env:${n} -ErrorAction SilentlyContinue` : `$Env:${n} = ${powershellQuote(v)}`))
      .join('\n') + '\n'
  );
}

/** Only the variables that have a value, without awsp's marks: for formats that cannot unset. */
const setOnly = (change: EnvChange): Array<[string, string]> =>
  change.filter((e): e is readonly [string, string] => e[1] !== null && !MARKS.has(e[0])).map(([n, v]) => [n, v]);

// `env` is the format of `docker run --env-file` and systemd's EnvironmentFile: the value is
// everything after `=`, with no quoting, so a newline cannot be written.
function renderEnvFile(change: EnvChange): string {
  return setOnly(change)
    .map(([n, v]) => {
      if (/[\r\n]/.test(v)) throw new UserError(`${n} holds a line break, which the env format cannot carry; use --format json`);
      return `${n}=${v}\n`;
    })
    .join('');
}

// dotenv readers disagree about escapes (python-dotenv decodes `\\` and `\'` inside single
// quotes, the npm package decodes nothing) and about expansion (python-dotenv expands `${X}`
// even inside single quotes; dotenv-expand expands `$X`); a single-quoted value without `'`,
// `\`, `$` or a line break means the same to all of them, and to `set -a; . ./.env` in sh.
function renderDotenv(change: EnvChange): string {
  return setOnly(change)
    .map(([n, v]) => {
      if (/['\\$\r\n]/.test(v)) {
        throw new UserError(`${n} holds a quote, backslash, dollar sign or line break, which dotenv readers decode differently; use --format json`);
      }
      return `${n}='${v}'\n`;
    })
    .join('');
}

/** The credential_process answer (Version 1): what SDKs and the AWS CLI read from `credential_process`. */
export function processJson(c: Credentials): string {
  return (
    JSON.stringify({
      Version: 1,
      AccessKeyId: c.accessKeyId,
      SecretAccessKey: c.secretAccessKey,
      ...(c.sessionToken !== undefined && { SessionToken: c.sessionToken }),
      ...(c.expiration && { Expiration: isoTime(c.expiration) }),
    }) + '\n'
  );
}

export function render(format: Format, c: Credentials, ctx: KeysContext = {}): string {
  return format === 'process' ? processJson(c) : renderChange(format, credentialEnv(c, ctx));
}

/** Any change of variables in FORMAT (all but `process`, which is for credentials only). */
export function renderChange(format: Exclude<Format, 'process'>, change: EnvChange): string {
  if (isShellName(format)) return renderEnv(getShell(format), change);
  switch (format) {
    case 'powershell':
      return renderPowershell(change);
    case 'env':
      return renderEnvFile(change);
    case 'dotenv':
      return renderDotenv(change);
    case 'json':
      return JSON.stringify(Object.fromEntries(setOnly(change)), null, 2) + '\n';
  }
  throw new Error(`unhandled format ${format}`);
}
