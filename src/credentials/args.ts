import type { Parsed } from '../commands/parse.js';
import type { Env } from '../context.js';
import type { Format } from '../formats.js';
import { UserError } from '../errors.js';

export interface CredentialOptions {
  profile: string;
  duration: number;
  noSession: boolean;
  login: boolean;
}

export interface ExportsOptions extends CredentialOptions {
  format: Format | null;
  reveal: boolean;
  writeCredentials: string | null;
  force: boolean;
}

export interface ExecOptions extends CredentialOptions {
  command: string[];
}

/** The options every command that resolves credentials shares; the table checked their values. */
export function credentialOptions(a: Parsed, env: Env): CredentialOptions {
  return {
    profile: a.args[0] ?? (env.AWS_PROFILE || 'default'),
    duration: a.seconds('duration') ?? 3600,
    noSession: a.flag('no-session'),
    login: a.flag('login'),
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
  return { ...credentialOptions(a, env), command: [...a.command!] };
}
