// What per-folder profiles (AWSP_FOLDERS=1) cost a shell that does not use them at the moment:
//   prompt  bash's hook at a prompt where the folder did not change (zsh and fish run theirs
//           only when the folder changes, so a prompt costs them nothing)
//   cd      a cd between two folders 9 levels deep with no .awsprofile above them: the walk
//           up to / with builtins, against the same cd with AWSP_FOLDERS unset
// Each is a loop of K operations inside one shell, the integration loaded from dist/ (no
// Node); per operation = (the shell's CPU time with the feature - that of the same loop
// without) / K, medians of rounds. Target: < 1 ms each.
// `node --import tsx bench/folders.ts` runs it alone; `npm run bench` includes it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Row {
  case: string;
  shell: string;
  ours_ms: number;
  peer_ms: number | null;
  ratio: number | null;
  target: string;
}

type Shell = 'bash' | 'zsh' | 'fish';
const REPO = fileURLToPath(new URL('../', import.meta.url));
const ROUNDS = Number(process.env.AWSP_BENCH_ROUNDS ?? 5);
const K = 2000;

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A shell running `op` K times (for fish, `op` may use $i), with the integration loaded. */
function argv(shell: Shell, op: string, k: number): string[] {
  const load = `source ${quote(join(REPO, 'dist', `awsp.${shell}`))}`;
  switch (shell) {
    case 'bash':
      return ['bash', '--noprofile', '--norc', '-c', `${load}\nfor ((i = 0; i < ${k}; i++)); do ${op}; done`];
    case 'zsh':
      return ['zsh', '-f', '-c', `${load}\nfor ((i = 0; i < ${k}; i++)); do ${op}; done`];
    case 'fish':
      return ['fish', '--no-config', '--private', '-c', `${load}\nfor i in (seq ${k})\n${op}\nend`];
  }
}

// The shell's CPU time (user + system, from GNU time), which other processes on a busy machine
// disturb far less than the wall clock; the wall clock where there is no /usr/bin/time.
const CPU = existsSync('/usr/bin/time');

function wall(args: string[], env: Record<string, string>, cwd: string): number {
  const t0 = process.hrtime.bigint();
  const argv = CPU ? ['/usr/bin/time', '-f', '@@cpu %U %S', ...args] : args;
  const r = spawnSync(argv[0]!, argv.slice(1), { env, cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = /^@@cpu (\S+) (\S+)$/m.exec(r.stderr);
  const stderr = r.stderr.replace(/^@@cpu .*\n?/m, '');
  if (r.status !== 0 || stderr !== '' || (CPU && !cpu)) throw new Error(`${args.join(' ').slice(0, 200)} failed: ${r.stderr}`);
  return cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : ms;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Median ms per operation of `op` with AWSP_FOLDERS=1, against `base` without it (interleaved). */
function perOp(shell: Shell, env: Record<string, string>, cwd: string, op: string, base: string, ops: number): { ours: number; without: number } {
  const on = { ...env, AWSP_FOLDERS: '1' };
  const ours: number[] = [];
  const without: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const zero = wall(argv(shell, ':', 0), env, cwd);
    ours.push((wall(argv(shell, op, K), on, cwd) - zero) / (K * ops));
    without.push((wall(argv(shell, base, K), env, cwd) - zero) / (K * ops));
  }
  return { ours: median(ours), without: median(without) };
}

export function benchFolders(): Row[] {
  const root = mkdtempSync(join(tmpdir(), 'awsp-bench-folders-'));
  try {
    const home = join(root, 'home');
    const a = join(root, 'w', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h');
    const b = join(root, 'w', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'i');
    mkdirSync(a, { recursive: true });
    mkdirSync(b, { recursive: true });
    mkdirSync(join(home, '.aws'), { recursive: true });
    const env = {
      HOME: home,
      PATH: [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
      XDG_CACHE_HOME: join(home, 'cache'),
      XDG_DATA_HOME: join(home, 'data'),
      LANG: 'C.UTF-8',
      TERM: 'dumb',
    };
    const rows: Row[] = [];
    // bash runs the hook at every prompt; here the folder never changes.
    const prompt = perOp('bash', env, a, '__awsp_folder_hook', ':', 1);
    rows.push({ case: 'folders: prompt, folder unchanged', shell: 'bash', ours_ms: prompt.ours, peer_ms: prompt.without, ratio: null, target: '< 1 ms' });
    for (const shell of ['bash', 'zsh', 'fish'] as const) {
      // Two cds per operation; bash's hook runs after each, as at a prompt (returning at once when off).
      const hook = shell === 'bash' ? '; __awsp_folder_hook' : '';
      const cds = shell === 'fish' ? `cd ${quote(a)}\ncd ${quote(b)}` : `cd ${quote(a)}${hook}; cd ${quote(b)}${hook}`;
      const cd = perOp(shell, env, a, cds, cds, 2);
      rows.push({ case: 'folders: cd crossing no .awsprofile, added by the hook', shell, ours_ms: cd.ours - cd.without, peer_ms: cd.without, ratio: null, target: '< 1 ms' });
      process.stderr.write('.');
    }
    return rows;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of benchFolders()) console.log(`${r.case.padEnd(56)} ${r.shell.padEnd(5)} ${r.ours_ms.toFixed(4).padStart(8)} ms  (without: ${r.peer_ms?.toFixed(4)} ms per operation)  target ${r.target}`);
  console.log(CPU ? 'CPU time (user + system) of the shell, from /usr/bin/time' : 'wall-clock time (no /usr/bin/time)');
}
