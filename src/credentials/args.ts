import type { Parsed } from '../commands/parse.js';
import type { Env } from '../context.js';
import type { Format } from '../formats.js';
import { UserError } from '../errors.js';

export interface CredentialOptions {
  profile: string;
  /** --duration, when given: the length of what is handed out (default: the profile's duration_seconds, else 1 hour). */
  duration: number | undefined;
  noSession: boolean;
  /** With noSession: the caller only uses the keys itself (console federates them), so nothing warns of handing them out. */
  keysStayInside?: boolean;
  login: boolean;
  /** --no-cache: neither read nor write the session cache. */
  noCache: boolean;
  /** --mfa-duration: how long the MFA session behind a role lasts (GetSessionToken with the code). */
  mfaDuration: number;
}

export interface ExportsOptions extends CredentialOptions {
  format: Format | null;
  reveal: boolean;
  writeCredentials: string | null;
  force: boolean;
}

export interface ExecOptions extends CredentialOptions {
  /** Null: the user's $SHELL. */
  command: string[] | null;
  server: boolean;
}

export interface ServeOptions extends CredentialOptions {
  port: number;
  format: Format | null;
  envFile: string | null;
  reveal: boolean;
}

/** Eight hours: one MFA code per working day. */
export const MFA_DURATION = 8 * 3600;

/** The options every command that resolves credentials shares; the table checked their values. */
export function credentialOptions(a: Parsed, env: Env): CredentialOptions {
  return {
    profile: a.args[0] ?? (env.AWS_PROFILE || 'default'),
    duration: a.seconds('duration'),
    noSession: a.flag('no-session'),
    login: a.flag('login'),
    noCache: a.flag('no-cache'),
    mfaDuration: a.seconds('mfa-duration') ?? MFA_DURATION,
  };
}

export function exportsOptions(a: Parsed, env: Env): ExportsOptions {
  const format = (a.value('format') ?? null) as Format | null;
  const write = a.value('write-credentials') ?? null;
  if (write !== null && format !== null) throw new UserError('--write-credentials prints nothing, so it takes no --format; see awsp exports --help', 2);
  if (a.flag('force') && write === null) throw new UserError('--force only goes with --write-credentials; see awsp exports --help', 2);
  return { ...credentialOptions(a, env), format, reveal: a.flag('reveal'), writeCredentials: write, force: a.flag('force') };
}

export function execOptions(a: Parsed, env: Env): ExecOptions {
  const server = a.flag('server');
  // The container credentials format has no place for long-term keys: every client requires a token.
  if (server && a.flag('no-session')) throw new UserError('--server hands out sessions only (clients require a session token), so it takes no --no-session; see awsp exec --help', 2);
  return { ...credentialOptions(a, env), command: a.command ? [...a.command] : null, server };
}

export function serveOptions(a: Parsed, env: Env): ServeOptions {
  const port = a.value('port');
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    throw new UserError(`--port takes a port number from 1 to 65535, not ${JSON.stringify(port)}; see awsp serve --help`, 2);
  }
  const format = (a.value('format') ?? null) as Format | null;
  const envFile = a.value('env-file') ?? null;
  if (envFile !== null && a.flag('reveal')) throw new UserError('--env-file prints nothing, so it takes no --reveal; see awsp serve --help', 2);
  return { ...credentialOptions(a, env), port: port === undefined ? 0 : Number(port), format, envFile, reveal: a.flag('reveal') };
}
