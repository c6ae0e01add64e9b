// Non-blocking variants of the sandbox runners: servers that run inside the test process
// (the fake AWS endpoints) keep answering while awsp runs, and runs can overlap.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { AWSP_BIN, type Load, type Result, type Sandbox, shellArgs, type ShellName } from './sandbox.js';

/** Starts a process and collects its output, with an optional input and a timeout (then SIGKILL). */
export function spawnAsync(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: Record<string, string>; input?: string; timeout?: number },
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: 'pipe' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeout ?? 30_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** `run`, without blocking the test process. */
export function runAsync(
  shell: ShellName,
  sb: Sandbox,
  script: string,
  opts: { strict?: boolean; load?: Load; env?: Record<string, string>; input?: string; timeout?: number } = {},
): Promise<Result> {
  const [cmd, ...args] = shellArgs(shell, script, opts);
  return spawnAsync(cmd!, args, { cwd: sb.dir, env: { ...sb.env, ...opts.env }, input: opts.input, timeout: opts.timeout });
}

/** `awsp`, without blocking the test process. */
export function awspAsync(sb: Sandbox, args: string[], opts: { env?: Record<string, string>; input?: string; timeout?: number } = {}): Promise<Result> {
  return spawnAsync(AWSP_BIN, args, { cwd: sb.dir, env: { ...sb.env, ...opts.env }, input: opts.input, timeout: opts.timeout });
}

/** A long-running awsp (exec, serve) started by `startAwspUntil`. */
export interface Running {
  child: ChildProcessWithoutNullStreams;
  /** Its output so far, still growing. */
  io: { out: string; err: string };
  /** Its exit code and signal, once it has ended. */
  closed: Promise<[number | null, string | null]>;
}

/**
 * Starts awsp with ARGS and resolves once READY appears in its stdout (or its stderr: `on`);
 * rejects, with its output, if it ends first. Detached (its own process group, which a test can
 * signal as a terminal would) unless `detached: false`; killed, group and all, after `timeout` ms.
 */
export async function startAwspUntil(
  sb: Sandbox,
  args: string[],
  ready: string,
  opts: { on?: 'stdout' | 'stderr'; env?: Record<string, string>; detached?: boolean; timeout?: number } = {},
): Promise<Running> {
  const detached = opts.detached ?? true;
  const child = spawn(AWSP_BIN, args, { cwd: sb.dir, env: { ...sb.env, ...opts.env }, detached, stdio: 'pipe' });
  child.stdin.end();
  const guard = setTimeout(() => (detached ? process.kill(-child.pid!, 'SIGKILL') : child.kill('SIGKILL')), opts.timeout ?? 30_000);
  const io = { out: '', err: '' };
  const closed = new Promise<[number | null, string | null]>((resolve) =>
    child.on('close', (c, s) => {
      clearTimeout(guard);
      resolve([c, s]);
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const seen = () => (opts.on === 'stderr' ? io.err : io.out).includes(ready) && resolve();
    child.stdout.on('data', (d: Buffer) => {
      io.out += d.toString();
      seen();
    });
    child.stderr.on('data', (d: Buffer) => {
      io.err += d.toString();
      seen();
    });
    void closed.then(() => reject(new Error(`awsp ended before ${JSON.stringify(ready)}:\n--- stdout\n${io.out}--- stderr\n${io.err}`)));
  });
  return { child, io, closed };
}
