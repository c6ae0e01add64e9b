import { parseArgs } from 'node:util';
import type { Env } from '../context.js';
import { UserError } from '../errors.js';
import { FORMATS, type Format, isFormat } from '../formats.js';

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

const COMMON = {
  duration: { type: 'string' },
  'no-session': { type: 'boolean' },
  login: { type: 'boolean' },
} as const;

const EXPORTS_USAGE =
  'usage: awsp exports [PROFILE] [--format bash|zsh|fish|powershell|env|dotenv|json|process] [--duration SECONDS] [--no-session] [--reveal] [--write-credentials NAME [--force]] [--login]';
const EXEC_USAGE = 'usage: awsp exec [PROFILE] [--duration SECONDS] [--no-session] [--login] -- COMMAND [ARGS...]';

function parse<T>(usage: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const first = (e as Error).message.split('\n')[0]!.replace(/^Unknown option/, 'unknown option');
    throw new UserError(`${first}; ${usage}`, 2);
  }
}

function common(values: { duration?: string | boolean | undefined }, positionals: string[], env: Env, usage: string) {
  if (positionals.length > 1) throw new UserError(`one profile at most; ${usage}`, 2);
  let duration = 3600;
  if (values.duration !== undefined) {
    const d = String(values.duration);
    // GetSessionToken's limits: 15 minutes to 36 hours.
    if (!/^\d+$/.test(d) || Number(d) < 900 || Number(d) > 129600) {
      throw new UserError(`--duration takes seconds between 900 and 129600, not '${d}'`, 2);
    }
    duration = Number(d);
  }
  return { profile: positionals[0] ?? (env.AWS_PROFILE || 'default'), duration };
}

export function parseExports(args: string[], env: Env): ExportsOptions {
  const { values, positionals } = parse(EXPORTS_USAGE, () =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        ...COMMON,
        format: { type: 'string', short: 'f' },
        reveal: { type: 'boolean' },
        'write-credentials': { type: 'string' },
        force: { type: 'boolean' },
      },
    }),
  );
  const format = values.format === undefined ? null : String(values.format);
  if (format !== null && !isFormat(format)) throw new UserError(`unknown format '${format}'; one of ${FORMATS.join(', ')}`, 2);
  const write = values['write-credentials'] === undefined ? null : String(values['write-credentials']);
  if (write !== null && format !== null) throw new UserError('--write-credentials prints nothing, so it takes no --format', 2);
  if (values.force && write === null) throw new UserError('--force only goes with --write-credentials', 2);
  return {
    ...common(values, positionals, env, EXPORTS_USAGE),
    noSession: values['no-session'] === true,
    login: values.login === true,
    format,
    reveal: values.reveal === true,
    writeCredentials: write,
    force: values.force === true,
  };
}

export function parseExec(args: string[], env: Env): ExecOptions {
  const dash = args.indexOf('--');
  if (dash < 0 || dash === args.length - 1) throw new UserError(EXEC_USAGE, 2);
  const { values, positionals } = parse(EXEC_USAGE, () => parseArgs({ args: args.slice(0, dash), allowPositionals: true, strict: true, options: COMMON }));
  return {
    ...common(values, positionals, env, EXEC_USAGE),
    noSession: values['no-session'] === true,
    login: values.login === true,
    command: args.slice(dash + 1),
  };
}
