// Signals (issue 8, items 1 and 10): no awsp process ever opens Node's inspector on SIGUSR1,
// not even during Node's own start-up, and awsp never leaves a core file (its memory, and the
// environment of the command `awsp exec` runs, hold the keys). awsp runs through its real
// launcher here (bin/awsp.cjs executed as a program), as the shell integration runs it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { awsSandbox, writeAllSources } from '../helpers/aws-files.js';
import { AWSP_BIN, dump, type Result, type Sandbox } from '../helpers/sandbox.js';
import { runAsync, spawnAsync, startAwspUntil } from '../helpers/spawn.js';

let sb: Sandbox;
before(() => {
  sb = awsSandbox();
  writeAllSources(sb);
});
after(() => sb.cleanup());

const OPENED = /Debugger listening|ws:\/\/127\.0\.0\.1/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts argv, sends SIGUSR1 after `delay` ms (busy-waited, for precision), and collects the result. */
async function usr1At(argv: string[], delay: number): Promise<Result> {
  const p = spawn(argv[0]!, argv.slice(1), { cwd: sb.dir, env: sb.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  p.stdout.on('data', (b: Buffer) => out.push(b));
  p.stderr.on('data', (b: Buffer) => err.push(b));
  const closed = new Promise<Result>((resolve) =>
    p.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() })),
  );
  const t0 = performance.now();
  while (performance.now() - t0 < delay) {
    /* busy wait: a timer is too coarse for a window of a few milliseconds */
  }
  p.kill('SIGUSR1');
  const guard = setTimeout(() => p.kill('SIGKILL'), 20_000);
  const r = await closed;
  clearTimeout(guard);
  return r;
}

describe('SIGUSR1 never opens the inspector', () => {
  test('during start-up: the launcher leaves the inspector nowhere to listen', async (t) => {
    // How long one run takes, to spread the signals over all of it.
    const t0 = performance.now();
    const plain = await spawnAsync(AWSP_BIN, ['list'], { cwd: sb.dir, env: sb.env });
    const total = performance.now() - t0;
    assert.equal(plain.code, 0, dump(plain));
    let hits = 0; // signals that reached Node's inspector handler (and found no address to use)
    let runs = 0;
    const opened: string[] = [];
    const hitAt: number[] = [];
    // Direct `node bin/awsp.cjs` (no launcher), the same delays: how long the window is without it.
    let directOpened = 0;
    const directAt: number[] = [];
    for (let round = 0; round < 3 && hits < 3; round++) {
      for (let i = 0; i < 16; i++) {
        const delay = ((i + round / 3) / 16) * total * 1.1;
        const r = await usr1At([AWSP_BIN, 'list'], delay);
        runs++;
        if (OPENED.test(r.stderr)) opened.push(`at ${delay.toFixed(1)} ms: ${r.stderr}`);
        if (/Starting inspector on 192\.0\.2\.1:0 failed/.test(r.stderr)) {
          hits++;
          hitAt.push(delay);
        }
        const d = await usr1At([process.execPath, AWSP_BIN, 'list'], delay);
        if (OPENED.test(d.stderr)) {
          directOpened++;
          directAt.push(delay);
        }
        if (d.code === null && d.signal === null) await sleep(5);
      }
    }
    const range = (xs: number[]) => (xs.length ? `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)} ms` : 'never');
    t.diagnostic(
      `start-up window: one run takes ${total.toFixed(0)} ms; without the launcher SIGUSR1 opened the inspector in ${directOpened} of ${runs} runs (${range(directAt)} after the start); ` +
        `through the launcher ${hits} signals reached Node's inspector handler (${range(hitAt)}) and none opened it`,
    );
    assert.deepEqual(opened, []);
    // The sweep did hit the window (else it proves nothing).
    assert.ok(hits >= 1, `no SIGUSR1 landed in Node's start-up window in ${runs} runs`);
  });

  test('sent to awsp exec: passed on to the command, awsp stays shut', async () => {
    const script = 'trap "echo child-got-usr1; exit 5" USR1; echo ready; while :; do sleep 0.05; done';
    const { child, io, closed } = await startAwspUntil(sb, ['exec', 'temp', '--', 'sh', '-c', script], 'ready', { detached: false, timeout: 15_000 });
    child.kill('SIGUSR1');
    const [code] = await closed;
    assert.doesNotMatch(io.err, OPENED);
    assert.equal(io.err, '');
    assert.equal(io.out, 'ready\nchild-got-usr1\n');
    assert.equal(code, 5);
  });

  test('a command that dies of SIGUSR1 is exit 138; awsp does not raise it on itself', async () => {
    const r = await spawnAsync(AWSP_BIN, ['exec', 'temp', '--', 'sh', '-c', 'kill -USR1 $$'], { cwd: sb.dir, env: sb.env });
    assert.equal(r.code, 138, dump(r));
    assert.equal(r.signal, null);
    assert.doesNotMatch(r.stderr, OPENED, dump(r));
    const sh = await runAsync('bash', sb, 'awsp exec temp -- sh -c "kill -USR1 \\$\\$"; echo "status=$?"', { load: false });
    assert.match(sh.stdout, /^status=138$/m, dump(sh));
  });
});

describe('awsp never dumps core', () => {
  const cores = () => readdirSync(sb.dir).filter((f) => /^core/.test(f));

  test('a command that dies of SIGSEGV or SIGABRT: exit 139 or 134, no core file, even with ulimit -c unlimited', async () => {
    const pattern = readFileSync('/proc/sys/kernel/core_pattern', 'utf8').trim();
    for (const [sig, status] of [['SEGV', 139], ['ABRT', 134], ['QUIT', 131]] as const) {
      // The command reports the core limit it got, then dies: awsp must neither re-raise nor dump.
      const r = await runAsync('bash', sb, `ulimit -c unlimited; awsp exec temp -- sh -c 'grep "core file" /proc/$$/limits; kill -${sig} $$'; echo "status=$?"`, { load: false });
      assert.match(r.stdout, new RegExp(`^status=${status}$`, 'm'), dump(r));
      assert.match(r.stdout, /^Max core file size\s+0\s/m, dump(r));
      assert.deepEqual(cores(), [], `core_pattern ${pattern}: a core file was left by awsp exec (SIG${sig})`);
    }
  });

  test('a core-dumping signal sent to awsp itself leaves no core', async () => {
    const r = await runAsync(
      'bash',
      sb,
      `ulimit -c unlimited; awsp exec temp -- sh -c 'kill -ABRT $PPID; sleep 1' & wait $!; echo "status=$?"; grep "core file" /proc/self/limits`,
      { load: false },
    );
    // awsp (the sh's parent) died of SIGABRT, without a core.
    assert.match(r.stdout, /^status=134$/m, dump(r));
    assert.match(r.stdout, /^Max core file size\s+unlimited/m, 'the test shell itself allowed cores');
    assert.deepEqual(cores(), []);
  });
});
