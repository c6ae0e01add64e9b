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

/**
 * The change to a shell's environment: the keys, the token or its removal, the expiration or
 * its removal (a stale one would mislead), the old boto name removed, and the marker.
 */
export function credentialEnv(c: Credentials): EnvChange {
  return [
    ['AWS_ACCESS_KEY_ID', c.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', c.secretAccessKey],
    ['AWS_SESSION_TOKEN', c.sessionToken ?? null],
    ['AWS_SECURITY_TOKEN', null],
    ['AWS_CREDENTIAL_EXPIRATION', c.expiration ? isoTime(c.expiration) : null],
    [MARKER, c.accessKeyId],
  ];
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

/** Only the variables that have a value, without the marker: for formats that cannot unset. */
const setOnly = (change: EnvChange): Array<[string, string]> =>
  change.filter((e): e is readonly [string, string] => e[1] !== null && e[0] !== MARKER).map(([n, v]) => [n, v]);

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

export function render(format: Format, c: Credentials): string {
  return format === 'process' ? processJson(c) : renderChange(format, credentialEnv(c));
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
