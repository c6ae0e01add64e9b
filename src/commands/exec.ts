import { accessSync, constants as fs, statSync } from 'node:fs';
import { constants } from 'node:os';
import { delimiter, join } from 'node:path';
import { execOptions } from '../credentials/args.js';
import { AMBIENT_KEYS, createResolver, PRIVATE_VARS } from '../credentials/resolve.js';
import { type Env, show } from '../context.js';
import { UserError } from '../errors.js';
import { loadBundle } from '../load.js';
import { credentialEnv, KEYS_PROFILE, MARKER, REGION_MARK } from '../formats.js';
import type { Parsed } from './parse.js';

// Signals aimed at awsp alone are passed on. SIGINT and SIGQUIT come from the terminal to the
// whole foreground process group, so the child has them already: awsp only survives them
// (forwarding would deliver a second Ctrl-C, which many tools read as "abort now").
/** What the shell integration sets for awsp, or in the shell: never for the command exec runs. */
const SHELL_VARS = ['AWSP_SHELL', MARKER, KEYS_PROFILE, REGION_MARK];

const FORWARD: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'];
const SURVIVE: NodeJS.Signals[] = ['SIGINT', 'SIGQUIT'];
// A child's death by one of these is reported as 128+N, never re-raised on awsp: their default
// action dumps core (awsp's memory holds the keys), and SIGUSR1 would be Node's inspector.
const NOT_RAISED = new Set<string>(['SIGUSR1', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGIOT', 'SIGBUS', 'SIGFPE', 'SIGSEGV', 'SIGXCPU', 'SIGXFSZ', 'SIGSYS', 'SIGEMT']);

/** Finds CMD the way a shell does (a name with a slash as it is, else along PATH): 127 if nowhere, 126 if not executable. */
function checkCommand(file: string, path: string): void {
  const candidates = file.includes('/') ? [file] : path.split(delimiter).map((dir) => join(dir || '.', file));
  let found = false;
  for (const c of candidates) {
    try {
      const st = statSync(c);
      if (st.isDirectory() && file.includes('/')) throw new UserError(`is a directory: ${show(file)}`, 126);
      if (!st.isFile()) continue;
    } catch (e) {
      if (e instanceof UserError) throw e;
      continue;
    }
    found = true;
    try {
      accessSync(c, fs.X_OK);
      return;
    } catch {
      // There, but not executable: a later PATH entry may still have one that is.
    }
  }
  if (found) throw new UserError(`permission denied: ${show(file)}`, 126);
  throw new UserError(`command not found: ${show(file)}`, 127);
}

/** `awsp exec [PROFILE] [-- CMD…]`: credentials in one child's environment only (keys, or with --server an endpoint). */
export async function execCommand(a: Parsed, env: Env): Promise<number> {
  const opts = execOptions(a, env);
  // No command: a shell, as aws-vault does.
  const [file, ...rest] = (opts.command ?? [env.SHELL || '/bin/sh']) as [string, ...string[]];
  // Before resolving: a mistyped command costs no MFA prompt and no call to AWS.
  // Without PATH, execvp(3) looks in /usr/bin and /bin; so does the child.
  checkCommand(file, env.PATH ?? '/usr/bin:/bin');
  // Resolved before the child starts, so a prompt (MFA, SSO) has the terminal to itself.
  const resolver = createResolver(opts, env);
  const resolved = await resolver.resolve();
  const { credentials, region } = resolved;

  const childEnv: Env = { ...process.env };
  // The shell integration's own variables mean nothing to the command (and AWSP_SHELL would
  // tell an awsp it runs which shell to write for).
  for (const n of [...PRIVATE_VARS, ...AMBIENT_KEYS, ...SHELL_VARS, 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE']) delete childEnv[n];
  const endpoint = opts.server ? await (await import('../server/child.js')).serveChild(resolver, resolved, env, childEnv) : undefined;
  if (!endpoint) for (const [n, v] of credentialEnv(credentials)) if (v !== null && n !== MARKER) childEnv[n] = v;
  if (region) {
    childEnv.AWS_REGION = region;
    childEnv.AWS_DEFAULT_REGION = region;
  }

  const { execa } = loadBundle('execa') as typeof import('execa');
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
  // The endpoint lives exactly as long as the child.
  await endpoint?.close();

  const code = (r as { code?: string }).code;
  if (code === 'ENOENT') throw new UserError(`command not found: ${show(file)}`, 127);
  if (code === 'EACCES') throw new UserError(`permission denied: ${show(file)}`, 126);
  if (r.signal) {
    const status = 128 + (constants.signals[r.signal] ?? 0);
    if (NOT_RAISED.has(r.signal)) return status;
    // Die the way the child died, so the caller sees the signal rather than a number.
    process.kill(process.pid, r.signal);
    await new Promise((resolve) => setTimeout(resolve, 200));
    return status;
  }
  if (r.exitCode === undefined) throw new UserError(`cannot run ${show(file)}: ${(r as { shortMessage?: string }).shortMessage ?? 'unknown error'}`, 126);
  return r.exitCode;
}
