// `npm run bench`: awsp's everyday paths against the floor of listing names with awk, each
// measured in the same run on the same generated files, so the ratios hold on a noisy machine.
//
// Per-operation time is measured inside one shell process: a loop of K operations minus the
// same script with K = 0 (which pays for the shell's start and `awsp init`), divided by K.
// The awk floor is measured the same way, as a loop that runs awk K times in that shell.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { median, REPO } from './common.js';
import { benchExports } from './exports.js';
import { benchFolders } from './folders.js';
import { benchPick } from './pick.js';

type Shell = 'bash' | 'zsh' | 'fish';
const SHELLS: Shell[] = ['bash', 'zsh', 'fish'];
const ROUNDS = Number(process.env.AWSP_BENCH_ROUNDS ?? 5);

const root = mkdtempSync(join(tmpdir(), 'awsp-bench-'));
const bin = join(root, 'bin');
mkdirSync(bin);
symlinkSync(join(REPO, 'bin', 'awsp.cjs'), join(bin, 'awsp'));

interface Fixture {
  n: number;
  env: Record<string, string>;
  config: string;
}

function fixture(n: number): Fixture {
  const dir = join(root, `p${n}`);
  mkdirSync(join(dir, '.aws'), { recursive: true });
  const config = join(dir, '.aws', 'config');
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = i % 3 === 0 ? `team${i}.prod:admin` : `acct-${i}-dev`;
    lines.push(`[profile ${name}]`, `region = eu-west-${(i % 3) + 1}`, `role_arn = arn:aws:iam::${100000000000 + i}:role/r`, 'source_profile = base', '');
  }
  writeFileSync(config, lines.join('\n'));
  writeFileSync(join(dir, '.aws', 'credentials'), '[base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n');
  const env = {
    HOME: dir,
    PATH: [bin, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: join(dir, '.aws', 'credentials'),
    XDG_CACHE_HOME: join(dir, 'cache'),
    LANG: 'C.UTF-8',
    TERM: 'dumb',
  };
  // Build the names cache once, as the first TAB of a session would.
  spawnSync(process.execPath, [join(REPO, 'bin', 'awsp.cjs'), 'list'], { env, stdio: 'ignore' });
  return { n, env, config };
}

const AWK = `awk '/^\\[/ { s = substr($0, 2, length($0) - 2); sub(/^profile /, "", s); print s }'`;

/** One shell script running `op` k times; `$AWS_CONFIG_FILE` and the integration are available. */
function script(shell: Shell, op: string, k: number, setup = ''): string[] {
  switch (shell) {
    case 'bash':
      return ['bash', '--noprofile', '--norc', '-c', `eval "$(awsp init bash)"\nfor ((i = 0; i < ${k}; i++)); do ${op}; done`];
    case 'zsh':
      // compadd and _describe work only inside a completion widget: stubbed, so this times awsp's own part.
      return ['zsh', '-f', '-c', `compadd() { : }\n_describe() { : }\neval "$(awsp init zsh)"\nfor ((i = 0; i < ${k}; i++)); do ${op}; done`];
    case 'fish':
      return ['fish', '--no-config', '--private', '-c', `awsp init fish | source\n${setup}\nfor i in (seq ${k})\n${op}\nend`];
  }
}

function wall(argv: string[], env: Record<string, string>): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ').slice(0, 200)} failed: ${r.stderr}`);
  return ms;
}

/** Median per-operation ms of `op` and of the awk floor, interleaved round by round. */
function perOp(shell: Shell, f: Fixture, op: string, k: number): { ours: number; floor: number } {
  const awkOp = shell === 'fish' ? `${AWK} $AWS_CONFIG_FILE >/dev/null` : `${AWK} "$AWS_CONFIG_FILE" >/dev/null`;
  const ours: number[] = [];
  const floor: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const base = wall(script(shell, ':', 0), f.env);
    ours.push((wall(script(shell, op, k), f.env) - base) / k);
    const base2 = wall(script(shell, ':', 0), f.env);
    floor.push((wall(script(shell, awkOp, k), f.env) - base2) / k);
  }
  return { ours: median(ours), floor: median(floor) };
}

/** TAB after `awsp ` plus a typed prefix, as each shell calls our completion. */
const tab = (shell: Shell, typed: string): string =>
  ({
    bash: `COMP_WORDS=(awsp '${typed}'); COMP_CWORD=1; COMP_LINE='awsp ${typed}'; COMP_POINT=${5 + typed.length}; __awsp_complete`,
    zsh: `CURRENT=2; PREFIX='${typed}'; words=(awsp '${typed}'); __awsp_complete`,
    fish: `complete -C 'awsp ${typed}' >/dev/null`,
  })[shell];

interface Row {
  case: string;
  shell: string;
  profiles: number | string;
  ours: number;
  floor: number | null;
  ratio: number | null;
  target: string;
}

function fmt(rows: Row[]): string {
  const head = ['case', 'shell', 'profiles', 'awsp ms', 'floor ms', 'ratio', 'target'];
  const body = rows.map((r) => [
    r.case,
    r.shell,
    String(r.profiles),
    r.ours.toFixed(2),
    r.floor === null ? '-' : r.floor.toFixed(2),
    // Below 1, a third digit: the exports targets are 1/8 and 1/5.
    r.ratio === null ? '-' : `${r.ratio.toFixed(r.ratio < 1 ? 3 : 2)}x`,
    r.target,
  ]);
  const w = head.map((_, i) => Math.max(head[i]!.length, ...body.map((b) => b[i]!.length)));
  return [head, ...body].map((cols) => cols.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd()).join('\n');
}

/**
 * A new interactive shell: with the rc block ./install.sh writes (it sources dist/awsp.SHELL),
 * and with the line that loads the integration through Node (`eval "$(awsp init SHELL)"`),
 * each against the same shell with empty rc files, interleaved run by run.
 */
function startup(): Row[] {
  const rows: Row[] = [];
  const runs = Number(process.env.AWSP_BENCH_STARTUP_RUNS ?? 30);
  const homes = { bare: join(root, 'home-bare'), installed: join(root, 'home-installed'), init: join(root, 'home-init') };
  const rc = (home: string, shell: Shell) => join(home, ...{ bash: ['.bashrc'], zsh: ['.zshrc'], fish: ['.config', 'fish', 'conf.d', 'awsp.fish'] }[shell]);
  for (const home of Object.values(homes)) for (const shell of SHELLS) mkdirSync(dirname(rc(home, shell)), { recursive: true });
  for (const shell of SHELLS) {
    writeFileSync(rc(homes.bare, shell), '');
    writeFileSync(rc(homes.init, shell), shell === 'fish' ? 'awsp init fish | source\n' : `eval "$(awsp init ${shell})"\n`);
  }
  const base = { PATH: [bin, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'), LANG: 'C.UTF-8', TERM: 'dumb' };
  const installed = spawnSync('sh', [join(REPO, 'install.sh'), '--bin-dir', bin], { env: { ...base, HOME: homes.installed }, encoding: 'utf8' });
  if (installed.status !== 0) throw new Error(`install.sh failed: ${installed.stdout}${installed.stderr}`);
  for (const shell of SHELLS) {
    const argv = [shell, '-i', '-c', 'exit'];
    const times: Record<keyof typeof homes, number[]> = { bare: [], installed: [], init: [] };
    for (let i = 0; i < runs; i++) {
      for (const k of Object.keys(homes) as Array<keyof typeof homes>) times[k].push(wall(argv, { ...base, HOME: homes[k], XDG_CACHE_HOME: join(homes[k], 'cache') }));
    }
    const bare = median(times.bare);
    for (const [k, label] of [['installed', 'start-up: rc block of ./install.sh'], ['init', 'start-up: eval "$(awsp init SHELL)"']] as const) {
      const ms = median(times[k]);
      rows.push({ case: label, shell, profiles: '-', ours: ms, floor: bare, ratio: ms / bare, target: k === 'installed' ? '<= 1.5x bare shell' : '(through Node)' });
    }
    process.stderr.write('.');
  }
  return rows;
}

async function main(): Promise<void> {
  const rows: Row[] = [...startup()];
  const fixtures = [fixture(1000), fixture(10000)];
  for (const f of fixtures) {
    const k = f.n >= 10000 ? 10 : 40;
    for (const typed of ['', 'acct-12']) {
      for (const shell of SHELLS) {
        const { ours, floor } = perOp(shell, f, tab(shell, typed), k);
        rows.push({ case: `TAB: awsp ${typed}<TAB>`, shell, profiles: f.n, ours, floor, ratio: ours / floor, target: '<= 3x floor' });
        process.stderr.write('.');
      }
    }
  }
  // fish's TAB above includes fish ranking every candidate; this is our part alone, like zsh's.
  for (const f of fixtures) {
    const { ours, floor } = perOp('fish', f, '__awsp_names >/dev/null', f.n >= 10000 ? 10 : 40);
    rows.push({ case: 'TAB, names source only: __awsp_names', shell: 'fish', profiles: f.n, ours, floor, ratio: ours / floor, target: '<= 3x floor' });
  }
  // fish's own cost of ranking candidates: `complete -C` for a command whose candidates are the
  // same names read by cat, against awsp's TAB in the same fish.
  for (const f of fixtures) {
    const names = join(root, `names-${f.n}`);
    writeFileSync(names, spawnSync(process.execPath, [join(REPO, 'bin', 'awsp.cjs'), 'list'], { env: f.env, encoding: 'utf8' }).stdout);
    const setup = `complete -c awspx -f -a '(command cat ${names})'`;
    const k = f.n >= 10000 ? 10 : 40;
    const ours: number[] = [];
    const bare: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const base = wall(script('fish', ':', 0, setup), f.env);
      ours.push((wall(script('fish', tab('fish', ''), k, setup), f.env) - base) / k);
      bare.push((wall(script('fish', "complete -C 'awspx ' >/dev/null", k, setup), f.env) - base) / k);
    }
    const o = median(ours);
    const b = median(bare);
    rows.push({ case: 'TAB: awsp <TAB> vs fish alone (cat source)', shell: 'fish', profiles: f.n, ours: o, floor: b, ratio: o / b, target: '(fish itself)' });
  }
  const f1k = fixtures[0]!;
  for (const shell of SHELLS) {
    const { ours, floor } = perOp(shell, f1k, 'awsp acct-500-dev', 40);
    rows.push({ case: 'switch: awsp NAME', shell, profiles: f1k.n, ours, floor, ratio: ours / floor, target: '<= 3x floor' });
    process.stderr.write('.');
  }
  // Peers and context, one process each.
  const nodeMs = median(Array.from({ length: ROUNDS }, () => wall([process.execPath, '-e', '0'], f1k.env)));
  rows.push({ case: 'context: node -e 0', shell: '-', profiles: '-', ours: nodeMs, floor: null, ratio: null, target: '' });
  if (existsSync('/usr/bin/aws')) {
    for (const f of fixtures) {
      const ms = median(Array.from({ length: 3 }, () => wall(['/usr/bin/aws', 'configure', 'list-profiles'], f.env)));
      const awkMs = median(Array.from({ length: 3 }, () => wall(['sh', '-c', `${AWK} "$AWS_CONFIG_FILE" >/dev/null`], f.env)));
      rows.push({ case: 'peer: aws configure list-profiles', shell: '-', profiles: f.n, ours: ms, floor: awkMs, ratio: ms / awkMs, target: '(for comparison)' });
    }
  }
  for (const r of await benchExports()) {
    rows.push({ case: r.case, shell: '-', profiles: '-', ours: r.ours_ms, floor: r.peer_ms, ratio: r.ratio, target: r.target });
  }
  // floor here: the same loop without AWSP_FOLDERS (per prompt: nothing; per cd: the cd itself).
  for (const r of benchFolders()) {
    rows.push({ case: r.case, shell: r.shell, profiles: '-', ours: r.ours_ms, floor: r.peer_ms, ratio: r.ratio, target: r.target });
  }
  for (const r of benchPick()) {
    rows.push({ case: r.case, shell: '-', profiles: '-', ours: r.ours_ms, floor: r.peer_ms, ratio: r.ratio, target: r.target });
  }
  process.stderr.write('\n');
  console.log(fmt(rows));
  console.log(`\nstart-up: an interactive shell running \`exit\`, floor = the same shell with empty rc files, ${process.env.AWSP_BENCH_STARTUP_RUNS ?? 30} runs each, interleaved, medians.`);
  console.log(`floor = awk listing the names of the same file, run in the same shell; zsh TAB stubs compadd (zsh's own matching is not timed); fish TAB is the whole complete -C, fish's own ranking of the candidates included. ${ROUNDS} rounds, medians. exports: awsp and the AWS CLI alternate, ${process.env.AWSP_BENCH_RUNS ?? 15} runs each, medians. pick: first paint and node -e 0 alternate on a pseudo-terminal; keys in CPU time (bench/pick.ts). folders: the shell's CPU time per prompt or cd, AWSP_FOLDERS=1 against the same loop without (bench/folders.ts).`);
}

try {
  await main();
} finally {
  rmSync(root, { recursive: true, force: true });
}
