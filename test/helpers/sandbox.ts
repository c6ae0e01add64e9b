// One place that starts real, clean shells with awsp loaded, for every test.
// Each sandbox has its own HOME, AWS files and cache, and a PATH holding only the built
// awsp, node and the system directories: the machine's own ~/.aws is never read.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ShellName = 'bash' | 'zsh' | 'fish';
export const SHELLS: readonly ShellName[] = ['bash', 'zsh', 'fish'];
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const AWSP_BIN = join(REPO, 'bin', 'awsp.js');

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Sandbox {
  dir: string;
  home: string;
  config: string;
  credentials: string;
  /** The environment every shell in this sandbox starts with. */
  env: Record<string, string>;
  writeConfig(text: string): void;
  writeCredentials(text: string): void;
  /** Writes a file relative to the sandbox (parents created) and returns its path. */
  write(rel: string, text: string | Buffer, mode?: number): string;
  cleanup(): void;
}

export function sandbox(extraEnv: Record<string, string> = {}): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'awsp-test-'));
  const home = join(dir, 'home');
  const bin = join(dir, 'bin');
  mkdirSync(join(home, '.aws'), { recursive: true });
  mkdirSync(bin);
  symlinkSync(AWSP_BIN, join(bin, 'awsp'));
  const config = join(home, '.aws', 'config');
  const credentials = join(home, '.aws', 'credentials');
  const env: Record<string, string> = {
    HOME: home,
    PATH: [bin, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    XDG_CACHE_HOME: join(dir, 'cache'),
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    ...extraEnv,
  };
  const write = (rel: string, text: string | Buffer, mode?: number): string => {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
    if (mode !== undefined) chmodSync(p, mode);
    return p;
  };
  return {
    dir,
    home,
    config,
    credentials,
    env,
    writeConfig: (t) => writeFileSync(config, t),
    writeCredentials: (t) => writeFileSync(credentials, t),
    write,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The command line that starts `shell` clean, with the integration loaded, running `script`. */
export function shellArgs(shell: ShellName, script: string, opts: { strict?: boolean; load?: boolean } = {}): string[] {
  const load = opts.load === false ? '' : shell === 'fish' ? 'awsp init fish | source\n' : `eval "$(awsp init ${shell})"\n`;
  switch (shell) {
    case 'bash':
      return ['bash', '--noprofile', '--norc', ...(opts.strict ? ['-euo', 'pipefail'] : []), '-c', load + script];
    case 'zsh':
      return ['zsh', '-f', ...(opts.strict ? ['-euo', 'pipefail'] : []), '-c', load + script];
    case 'fish':
      return ['fish', '--no-config', '--private', '-c', load + script];
  }
}

/** Runs `script` in a real, clean `shell` inside the sandbox. A missing shell throws (it must fail, not skip). */
export function run(
  shell: ShellName,
  sb: Sandbox,
  script: string,
  opts: { strict?: boolean; load?: boolean; env?: Record<string, string>; input?: string; timeout?: number } = {},
): Result {
  const [cmd, ...args] = shellArgs(shell, script, opts);
  const spawnOpts: SpawnSyncOptions = {
    cwd: sb.dir,
    env: { ...sb.env, ...opts.env },
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeout ?? 30_000,
  };
  const r = spawnSync(cmd!, args, spawnOpts);
  if (r.error) throw new Error(`cannot run ${shell}: ${r.error.message}`);
  return { code: r.status, signal: r.signal, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Runs the awsp binary directly (no shell integration). */
export function awsp(sb: Sandbox, args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Result {
  const r = spawnSync(process.execPath, [AWSP_BIN, ...args], {
    cwd: sb.dir,
    env: { ...sb.env, ...opts.env },
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** A readable dump for assertion messages. */
export const dump = (r: Result): string => `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
