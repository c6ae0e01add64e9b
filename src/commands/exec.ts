import { constants } from 'node:os';
import { parseExec } from '../credentials/args.js';
import { AMBIENT_KEYS, PRIVATE_VARS, resolveCredentials } from '../credentials/resolve.js';
import { type Env, show } from '../context.js';
import { UserError } from '../errors.js';
import { loadBundle } from '../load.js';
import { credentialEnv, MARKER } from '../formats.js';

// Signals aimed at awsp alone are passed on. SIGINT and SIGQUIT come from the terminal to the
// whole foreground process group, so the child has them already: awsp only survives them
// (forwarding would deliver a second Ctrl-C, which many tools read as "abort now").
const FORWARD: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGUSR2'];
const SURVIVE: NodeJS.Signals[] = ['SIGINT', 'SIGQUIT'];

/** `awsp exec [PROFILE] -- CMD…`: credentials in one child's environment only. */
export async function execCommand(args: string[], env: Env): Promise<number> {
  const opts = parseExec(args, env);
  const { credentials, region } = await resolveCredentials(opts, env);

  const childEnv: Env = { ...process.env };
  for (const n of [...PRIVATE_VARS, ...AMBIENT_KEYS, MARKER, 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE']) delete childEnv[n];
  for (const [n, v] of credentialEnv(credentials)) if (v !== null && n !== MARKER) childEnv[n] = v;
  if (region) {
    childEnv.AWS_REGION = region;
    childEnv.AWS_DEFAULT_REGION = region;
  }

  const { execa } = loadBundle('execa') as typeof import('execa');
  const [file, ...rest] = opts.command as [string, ...string[]];
  // Handlers go in before the child starts: a Ctrl-C in the first milliseconds must not kill awsp.
  let child: ReturnType<typeof execa> | undefined;
  const pending: NodeJS.Signals[] = [];
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const s of FORWARD) handlers.set(s, () => (child ? child.kill(s) : pending.push(s)));
  for (const s of SURVIVE) handlers.set(s, () => {});
  for (const [s, h] of handlers) process.on(s, h);
  child = execa(file, rest, { env: childEnv, extendEnv: false, stdio: 'inherit', reject: false, cleanup: false });
  for (const s of pending) child.kill(s);
  const r = await child;
  for (const [s, h] of handlers) process.off(s, h);

  const code = (r as { code?: string }).code;
  if (code === 'ENOENT') throw new UserError(`command not found: ${show(file)}`, 127);
  if (code === 'EACCES') throw new UserError(`permission denied: ${show(file)}`, 126);
  if (r.signal) {
    // Die the way the child died, so the caller sees the signal rather than a number.
    process.kill(process.pid, r.signal);
    await new Promise((resolve) => setTimeout(resolve, 200));
    return 128 + (constants.signals[r.signal] ?? 0);
  }
  if (r.exitCode === undefined) throw new UserError(`cannot run ${show(file)}: ${(r as { shortMessage?: string }).shortMessage ?? 'unknown error'}`, 126);
  return r.exitCode;
}
