// credential_process, run as the AWS CLI runs it: the command split with shlex (no shell, so no
// `$VAR`, `~` or pipes), stdin inherited, stdout read as the Version 1 JSON, stderr kept for the
// message when it fails.
import { spawn } from 'node:child_process';
import { shlexSplit } from '../config/shlex.js';
import { show } from '../context.js';
import { UserError } from '../errors.js';
import type { Credentials } from '../formats.js';
import { escapeText } from '../text.js';

export interface ProcessResult {
  credentials: Credentials;
  accountId?: string;
}

/** Several lines of another program's output as one line, with control and bidi characters made visible. */
export const oneLine = (s: string): string =>
  escapeText(
    s
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .join(' | '),
  );

export async function runCredentialProcess(profile: string, command: string): Promise<ProcessResult> {
  const who = `credential_process of profile ${show(profile)}`;
  const argv = shlexSplit(command);
  if (argv === null || argv.length === 0) throw new UserError(`${who} cannot be split into words (an unclosed quote?): ${show(command)}`);
  const [file, ...args] = argv as [string, ...string[]];
  const { code, stdout, stderr, error } = await new Promise<{ code: number | null; stdout: string; stderr: string; error?: NodeJS.ErrnoException }>((resolve) => {
    const child = spawn(file, args, { stdio: ['inherit', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => resolve({ code: null, stdout: '', stderr: '', error: e }));
    child.on('close', (c, signal) =>
      resolve({ code: c ?? (signal ? 128 : null), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
  if (error) {
    if (error.code === 'ENOENT') throw new UserError(`${who}: command not found: ${show(file)}`);
    if (error.code === 'EACCES') throw new UserError(`${who}: permission denied: ${show(file)}`);
    throw new UserError(`${who} could not start: ${error.message}`);
  }
  if (code !== 0) {
    const text = oneLine(stderr);
    throw new UserError(`${who} failed${text ? `: ${text}` : ` (exit ${code}) without a message`}`);
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(stdout) as Record<string, unknown>;
    if (parsed === null || typeof parsed !== 'object') throw new Error('not an object');
  } catch {
    throw new UserError(`${who}: returned invalid JSON; it must print {"Version": 1, "AccessKeyId": …, "SecretAccessKey": …}`);
  }
  if (parsed.Version !== 1) throw new UserError(`${who}: returned Version ${JSON.stringify(parsed.Version ?? null)}; only 1 exists`);
  const str = (k: string): string | undefined => (typeof parsed[k] === 'string' && parsed[k] !== '' ? (parsed[k] as string) : undefined);
  const id = str('AccessKeyId');
  const secret = str('SecretAccessKey');
  if (id === undefined || secret === undefined) throw new UserError(`${who}: returned no ${id === undefined ? 'AccessKeyId' : 'SecretAccessKey'}`);
  const credentials: Credentials = { accessKeyId: id, secretAccessKey: secret, sessionToken: str('SessionToken') };
  const expiration = str('Expiration');
  if (expiration !== undefined) {
    const t = new Date(expiration);
    if (Number.isNaN(t.getTime())) throw new UserError(`${who}: returned an Expiration that is no date: ${show(expiration)}`);
    if (t.getTime() <= Date.now()) throw new UserError(`${who}: returned credentials that expired at ${expiration}`);
    credentials.expiration = t;
  }
  const accountId = str('AccountId');
  return accountId ? { credentials, accountId } : { credentials };
}
