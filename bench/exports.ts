// `awsp exports` against `aws configure export-credentials` on the same files, interleaved, in
// one run (so the ratios hold on a noisy machine). Role assumption goes to a fake STS on
// 127.0.0.1 for both: the SDK through AWS_ENDPOINT_URL_STS; the installed AWS CLI (2.9, which
// predates that variable) through an endpoint ruleset placed in AWS_DATA_PATH. A dead proxy
// for HTTPS keeps both from ever reaching real AWS, and the fake server's log proves where
// the CLI's calls went.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliDataPath, startFakeAws } from '../test/helpers/fakeaws.js';
import { median, REPO, type Row } from './common.js';

const AWSP = join(REPO, 'bin', 'awsp.cjs');
const CLI = '/usr/bin/aws';
const RUNS = Number(process.env.AWSP_BENCH_RUNS ?? 15);

function timeOne(cmd: string, args: string[], env: Record<string, string>): Promise<{ ms: number; ok: boolean; stderr: string }> {
  return new Promise((resolve) => {
    const t = performance.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', () => resolve({ ms: NaN, ok: false, stderr: `cannot run ${cmd}` }));
    child.on('close', (code) => resolve({ ms: performance.now() - t, ok: code === 0, stderr }));
  });
}

export async function benchExports(): Promise<Row[]> {
  const fake = await startFakeAws();
  const root = mkdtempSync(join(tmpdir(), 'awsp-bench-exports-'));
  try {
    const home = join(root, 'home');
    mkdirSync(join(home, '.aws'), { recursive: true });
    const bin = join(root, 'bin');
    mkdirSync(bin);
    symlinkSync(AWSP, join(bin, 'awsp'));
    writeFileSync(join(home, '.aws', 'config'), `[profile role]\nrole_arn = arn:aws:iam::123456789012:role/bench\nsource_profile = base\nregion = eu-west-1\n`);
    writeFileSync(join(home, '.aws', 'credentials'), '[base]\naws_access_key_id = AKIABENCH\naws_secret_access_key = bench/secret\n');
    const env: Record<string, string> = {
      HOME: home,
      PATH: [bin, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
      AWS_CONFIG_FILE: join(home, '.aws', 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
      XDG_CACHE_HOME: join(root, 'cache'),
      AWS_ENDPOINT_URL_STS: fake.url,
      AWS_ENDPOINT_URL_SSO: fake.url,
      AWS_EC2_METADATA_DISABLED: 'true',
      // Anything that still tries real AWS (HTTPS) fails at once; the fake server is plain HTTP on loopback.
      HTTPS_PROXY: 'http://127.0.0.1:9',
      https_proxy: 'http://127.0.0.1:9',
      NO_PROXY: '127.0.0.1',
      no_proxy: '127.0.0.1',
      LANG: 'C.UTF-8',
    };
    const dataPath = cliDataPath(root, fake.url);
    const cliEnv = dataPath ? { ...env, AWS_DATA_PATH: dataPath } : env;
    const haveCli = existsSync(CLI);

    // The targets of issue 3, as ratios to the AWS CLI in the same run. `--no-cache` where awsp must
    // ask STS every time; `sts` says whether each run of a tool must reach the fake STS (checked).
    interface Case {
      name: string;
      ours: string[];
      peer: string[] | null;
      target: string;
      sts: boolean;
      /** Keep the CLI's own cache of assumed roles (~/.aws/cli/cache) between its runs. */
      peerCached?: boolean;
    }
    const exportRole = ['configure', 'export-credentials', '--profile', 'role'];
    const cases: Case[] = [
      { name: 'exports static (--no-session)', ours: ['exports', 'base', '--no-session', '--format', 'process'], peer: ['configure', 'export-credentials', '--profile', 'base'], target: '<= 0.125x aws configure export-credentials', sts: false },
      { name: 'exports assume-role (fake STS)', ours: ['exports', 'role', '--format', 'process', '--no-cache'], peer: exportRole, target: '<= 0.2x aws configure export-credentials', sts: true },
      { name: 'exports static -> GetSessionToken (fake STS)', ours: ['exports', 'base', '--format', 'process', '--no-cache'], peer: null, target: '(the CLI has no such case)', sts: true },
      { name: 'exec role -- true, cold (fake STS)', ours: ['exec', 'role', '--no-cache', '--', 'true'], peer: exportRole, target: 'vs the CLI asking STS', sts: true },
      { name: 'exec role -- true, session cache', ours: ['exec', 'role', '--', 'true'], peer: exportRole, target: 'no STS call; vs the CLI from its cache', sts: false, peerCached: true },
    ];
    const rows: Row[] = [];
    for (const c of cases) {
      const ours: number[] = [];
      const peer: number[] = [];
      let peerOk = haveCli && c.peer !== null;
      // Warm-up: file caches, the V8 code cache, the CLI's .pyc files (and both tools' caches of roles).
      await timeOne(process.execPath, [AWSP, ...c.ours], env);
      if (peerOk) {
        rmSync(join(home, '.aws', 'cli'), { recursive: true, force: true });
        await timeOne(CLI, c.peer!, cliEnv);
      }
      for (let i = 0; i < RUNS; i++) {
        const asked = fake.requests.length;
        const o = await timeOne(process.execPath, [AWSP, ...c.ours], env);
        if (!o.ok) throw new Error(`awsp ${c.ours.join(' ')} failed: ${o.stderr}`);
        if ((fake.requests.length > asked) !== c.sts) throw new Error(`awsp ${c.ours.join(' ')} made ${fake.requests.length - asked} STS calls`);
        ours.push(o.ms);
        if (peerOk) {
          const before = fake.requests.length;
          // Unless the case says otherwise, the CLI must ask STS as awsp does: its cache of assumed roles goes.
          if (!c.peerCached) rmSync(join(home, '.aws', 'cli'), { recursive: true, force: true });
          const p = await timeOne(CLI, c.peer!, cliEnv);
          // Only a run that succeeded, and reached the fake STS exactly when awsp did, is a fair comparison.
          if (!p.ok || (c.peer === exportRole && (fake.requests.length > before) !== c.sts)) {
            process.stderr.write(`bench: the AWS CLI could not run '${c.peer!.join(' ')}' here (${p.stderr.trim().split('\n').pop()}); no peer for this case\n`);
            peerOk = false;
          } else peer.push(p.ms);
        }
      }
      const o = median(ours);
      const p = peerOk && peer.length > 0 ? median(peer) : null;
      rows.push({ case: c.name, ours_ms: Math.round(o * 10) / 10, peer_ms: p === null ? null : Math.round(p * 10) / 10, ratio: p === null ? null : o / p, target: c.target });
    }
    return rows;
  } finally {
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.table(await benchExports());
}
