// The names cache (src/cache.ts) under concurrency and against every way a file changes.
// The shell's rule (shell/awsp.*): trust the cache while its first line is awsp-names-v3, and
// for each of lines 2-3, `+PATH` exists and the cache is strictly newer (-nt), `-PATH` does not
// exist. These tests apply that rule with bash's own `-nt`, as the shells do.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { AWSP_BIN, awsp, dump, namesCachePath, run, sandbox, type Sandbox } from '../helpers/sandbox.js';


/**
 * The names the shell would use without asking Node, or null when it would ask Node: the real
 * bash integration runs, with `awsp` on PATH replaced (after loading) by a stub that only
 * records that Node was asked.
 */
function shellView(sb: Sandbox): string[] | null {
  const mark = join(sb.dir, 'asked-node');
  sb.write('stub/awsp', '#!/bin/sh\n: >"$AWSP_STUB_MARK"\n', 0o755);
  const r = run('bash', sb, `PATH=${join(sb.dir, 'stub')}:$PATH\n__awsp_awk 'NR > 3'`, { env: { AWSP_STUB_MARK: mark }, load: 'init' });
  assert.equal(r.code, 0, dump(r));
  if (existsSync(mark)) {
    unlinkSync(mark);
    return null;
  }
  return r.stdout === '' ? [] : r.stdout.replace(/\n$/, '').split('\n');
}

/** What the shell ends up with: the cache if fresh, else a rebuild through `awsp __cache`. */
function shellNames(sb: Sandbox): string[] {
  const view = shellView(sb);
  if (view) return view;
  const r = awsp(sb, ['__cache']);
  assert.equal(r.code, 0, dump(r));
  return r.stdout.replace(/\n$/, '').split('\n').slice(3);
}

const profiles = (names: string[]) => names.map((n) => `[profile ${n}]\nregion = eu-west-1\n`).join('');

test('stale caches are always detected', () => {
  const sb = sandbox();
  try {
    const list = () => awsp(sb, ['list']);
    // An edit within the same second as the rebuild, size unchanged.
    sb.writeConfig(profiles(['aaa']));
    assert.equal(list().stdout, 'aaa\n');
    sb.writeConfig(profiles(['bbb']));
    assert.deepEqual(shellNames(sb), ['bbb'], 'edit in the same second');
    // An edit that keeps the old mtime (as `cp -p` or an editor restoring times would).
    const old = new Date(Date.now() - 3_600_000);
    sb.writeConfig(profiles(['ccc']));
    utimesSync(sb.config, old, old);
    // The folder too: it was created this second, and a folder changed in the cache's own
    // second keeps the cache stale until the next one (by design).
    utimesSync(dirname(sb.config), old, old);
    list();
    assert.deepEqual(shellView(sb), ['ccc']);
    sb.writeConfig(profiles(['ddd']));
    assert.deepEqual(shellNames(sb), ['ddd'], 'edit after a fresh cache');
    // Replaced by rename (what editors do).
    list();
    writeFileSync(sb.config + '.new', profiles(['eee']));
    renameSync(sb.config + '.new', sb.config);
    assert.deepEqual(shellNames(sb), ['eee'], 'file replaced');
    // Deleted, then created.
    list();
    unlinkSync(sb.config);
    assert.deepEqual(shellNames(sb), [], 'file deleted');
    sb.writeCredentials('[k]\n');
    assert.deepEqual(shellNames(sb), ['k'], 'file created');
    // The cache file itself: mode 0600, whole-second mtime.
    list();
    const st = statSync(namesCachePath(sb));
    assert.equal(st.mode & 0o777, 0o600);
    assert.equal(st.mtimeMs % 1000, 0);
  } finally {
    sb.cleanup();
  }
});

test('a file replaced by an older file (mv of a backup) is seen: the folder changed', () => {
  const sb = sandbox();
  try {
    sb.writeConfig(profiles(['new']));
    const old = new Date(Date.now() - 86_400_000);
    writeFileSync(sb.config + '.bak', profiles(['old']));
    utimesSync(sb.config + '.bak', old, old);
    awsp(sb, ['list']);
    renameSync(sb.config + '.bak', sb.config);
    assert.deepEqual(shellNames(sb), ['old']);
  } finally {
    sb.cleanup();
  }
});

test('60 awsp processes rebuild one cache while the config is rewritten: never torn, always right at the end', async (t) => {
  const sb = sandbox();
  try {
    const N = 60;
    sb.writeConfig(profiles(['v0']));
    let rewrites = 0;
    let torn = 0;
    let running = N;
    const writer = setInterval(() => {
      // Atomic rewrites of the config while the readers run, with a growing set of names.
      rewrites++;
      writeFileSync(sb.config + '.tmp', profiles(Array.from({ length: rewrites % 7 + 1 }, (_, i) => `v${rewrites}-${i}`)));
      renameSync(sb.config + '.tmp', sb.config);
      // A reader of the cache never sees half a file.
      try {
        const text = readFileSync(namesCachePath(sb), 'utf8');
        if (!text.startsWith('awsp-names-v3\n') || !text.endsWith('\n') || text.split('\n').length < 4) torn++;
      } catch {
        /* not there yet, or just dropped */
      }
    }, 3);
    const codes = await Promise.all(
      Array.from({ length: N }, () => new Promise<number | null>((resolve) => {
        const p = spawn(process.execPath, [AWSP_BIN, '__cache'], { env: sb.env, stdio: 'ignore' });
        p.on('exit', (code) => {
          running--;
          resolve(code);
        });
      })),
    );
    clearInterval(writer);
    assert.equal(running, 0);
    assert.deepEqual(codes.filter((c) => c !== 0), []);
    const finalNames = Array.from({ length: rewrites % 7 + 1 }, (_, i) => `v${rewrites}-${i}`);
    // Whatever was left behind, the shell's view is the final file's names (fresh or rebuilt).
    assert.deepEqual(shellNames(sb), finalNames);
    const st = statSync(namesCachePath(sb));
    assert.equal(st.mode & 0o777, 0o600);
    // No temporary files left behind.
    assert.deepEqual(readdirSync(join(sb.dir, 'cache', 'awsp')).filter((f) => f.endsWith('.tmp')), []);
    t.diagnostic(`cache: ${N} concurrent rebuilds, ${rewrites} rewrites, ${torn} torn reads, 0 stale final states`);
    assert.equal(torn, 0);
  } finally {
    sb.cleanup();
  }
});
