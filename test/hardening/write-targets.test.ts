// What the AWS files' writer may write to, and what it leaves behind (issue 8, items 2, 5, 8).
//   2. Only a regular file (or a missing one) that the AWS CLI can read is ever written: a link
//      to a device, a FIFO, a file that is not INI, are refused with one line before any
//      credentials are resolved, and left as they were.
//   5. Run as root (sudo keeping HOME), a rewrite keeps the file's owner and group; a new file in
//      someone's folder is theirs.
//   8. A writer killed between its temporary file and the rename: the next writer removes the
//      temporary file (it holds the keys) and takes over the dead writer's lock at once.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { awsSandbox } from '../helpers/aws-files.js';
import { AWSP_BIN, dump, type Sandbox } from '../helpers/sandbox.js';
import { awspAsync } from '../helpers/spawn.js';

const CREDS = '# mine\n[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base/secret\n';
// `--no-session` resolves static keys without a call; without it, STS is a closed port, so a
// refusal that came after resolving would say "cannot reach AWS" instead.
const WRITE = ['exports', 'base', '--write-credentials', 'fresh'];

let sb: Sandbox;
before(() => {
  sb = awsSandbox();
  sb.writeConfig('');
});
after(() => {
  spawnSync('chmod', ['-R', 'u+rwX', sb.dir]);
  sb.cleanup();
});

/** A process id that is no longer running. */
function deadPid(): number {
  const r = spawnSync('sh', ['-c', 'echo $$']);
  return Number(String(r.stdout).trim());
}

const leftovers = (dir: string) => readdirSync(dir).filter((f) => /awsp/.test(f));

function oneLine(stderr: string, re: RegExp): void {
  const lines = stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0]!, re);
  assert.doesNotMatch(stderr, /cannot reach AWS|\n\s+at /);
}

describe('only a regular file that parses is written', () => {
  test('a link to a device is refused, and the device stays a device', async () => {
    const dev = join(sb.dir, 'null-device');
    // A null device of our own: the real /dev/null is not ours to risk.
    assert.equal(spawnSync('mknod', [dev, 'c', '1', '3']).status, 0);
    const link = join(sb.dir, 'creds-to-device');
    symlinkSync(dev, link);
    const r = await awspAsync(sb, WRITE, { env: { AWS_SHARED_CREDENTIALS_FILE: link } });
    assert.equal(r.code, 1, dump(r));
    oneLine(r.stderr, /^awsp: \S+creds-to-device \(-> \S+null-device\) is a character device, not a regular file; awsp writes only regular files$/);
    assert.ok(statSync(dev).isCharacterDevice());
    assert.ok(lstatSync(link).isSymbolicLink());
  });

  test('a FIFO is refused at once (no hang)', async () => {
    const fifo = join(sb.dir, 'creds-fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const r = await awspAsync(sb, WRITE, { env: { AWS_SHARED_CREDENTIALS_FILE: fifo }, timeout: 10_000 });
    assert.equal(r.code, 1, dump(r));
    oneLine(r.stderr, /is a FIFO, not a regular file/);
    assert.ok(statSync(fifo).isFIFO());
  });

  test('a folder is refused', async () => {
    const r = await awspAsync(sb, WRITE, { env: { AWS_SHARED_CREDENTIALS_FILE: sb.dir } });
    assert.equal(r.code, 1, dump(r));
    oneLine(r.stderr, /is a folder, not a regular file/);
  });

  test('a link to a file that is not INI (a passwd file) gets no section appended', async () => {
    const passwd = sb.write('etc-passwd', 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\n');
    const link = join(sb.dir, 'creds-to-passwd');
    symlinkSync(passwd, link);
    const r = await awspAsync(sb, WRITE, { env: { AWS_SHARED_CREDENTIALS_FILE: link } });
    assert.equal(r.code, 1, dump(r));
    oneLine(r.stderr, /etc-passwd\): line 1 is outside any \[section\], so the AWS CLI cannot read it and awsp will not write into it/);
    assert.equal(readFileSync(passwd, 'utf8'), 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\n');
  });

  test('a file the AWS CLI refuses (a duplicate section) is left alone', async () => {
    const file = sb.write('dup-credentials', '[base]\naws_access_key_id = A\n[base]\n');
    const r = await awspAsync(sb, WRITE, { env: { AWS_SHARED_CREDENTIALS_FILE: file } });
    assert.equal(r.code, 1, dump(r));
    oneLine(r.stderr, /section \[base\] appears twice \(line 3\), so the AWS CLI cannot read it/);
    assert.equal(readFileSync(file, 'utf8'), '[base]\naws_access_key_id = A\n[base]\n');
  });

  test('a regular file through a symlink is written, and the link kept', async () => {
    const real = sb.write('dotfiles/credentials', CREDS, 0o600);
    const link = join(sb.dir, 'creds-link');
    symlinkSync('dotfiles/credentials', link);
    const r = await awspAsync(sb, [...WRITE.slice(0, 2), '--no-session', ...WRITE.slice(2)], { env: { AWS_SHARED_CREDENTIALS_FILE: link } });
    assert.equal(r.code, 0, dump(r));
    assert.equal(readlinkSync(link), 'dotfiles/credentials');
    assert.ok(readFileSync(real, 'utf8').startsWith(`${CREDS}\n[fresh]\naws_access_key_id = AKIABASE\n`));
  });
});

describe('as root, the file stays its owner’s', () => {
  test('an existing file keeps its owner and group; a new one in someone’s folder is theirs', async () => {
    assert.equal(process.geteuid?.(), 0, 'this test runs as root, as CI does');
    const home = join(sb.dir, 'userhome');
    mkdirSync(join(home, '.aws'), { recursive: true, mode: 0o700 });
    const file = join(home, '.aws', 'credentials');
    writeFileSync(file, CREDS, { mode: 0o640 });
    for (const p of [home, join(home, '.aws'), file]) chownSync(p, 65534, 65534);
    const r = await awspAsync(sb, [...WRITE.slice(0, 2), '--no-session', ...WRITE.slice(2)], { env: { HOME: home, AWS_SHARED_CREDENTIALS_FILE: '~/.aws/credentials' } });
    assert.equal(r.code, 0, dump(r));
    const st = statSync(file);
    assert.deepEqual([st.uid, st.gid], [65534, 65534], 'root took the file over');
    // It holds keys: for its owner only.
    assert.equal(st.mode & 0o777, 0o600);
    // A file that did not exist yet, in a folder awsp creates: both the user's.
    const fresh = await awspAsync(sb, [...WRITE.slice(0, 2), '--no-session', ...WRITE.slice(2)], {
      env: { HOME: home, AWS_SHARED_CREDENTIALS_FILE: '~/.aws/sub/credentials', AWS_CONFIG_FILE: sb.write('base-config', '[profile base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base/secret\n') },
    });
    assert.equal(fresh.code, 0, dump(fresh));
    for (const p of [join(home, '.aws', 'sub'), join(home, '.aws', 'sub', 'credentials')]) {
      const s = statSync(p);
      assert.deepEqual([s.uid, s.gid], [65534, 65534], p);
    }
    assert.equal(statSync(join(home, '.aws', 'sub')).mode & 0o777, 0o700);
  });
});

describe('a writer killed half-way', () => {
  test('its temporary file (with the keys) is removed and its lock taken over at once by the next writer', async () => {
    const dir = join(sb.dir, 'killed');
    const file = join(dir, 'credentials');
    mkdirSync(dir);
    writeFileSync(file, CREDS, { mode: 0o600 });
    // What a writer killed between its temporary file and the rename leaves.
    const dead = deadPid();
    writeFileSync(`${file}.awsp-${dead}-k1ll3d.tmp`, `${CREDS}\n[fresh]\naws_secret_access_key = LEAKED\n`, { mode: 0o600 });
    writeFileSync(`${file}.awsp-lock`, `${dead} ${hostname()}\n`);
    const t0 = Date.now();
    const r = await awspAsync(sb, [...WRITE.slice(0, 2), '--no-session', ...WRITE.slice(2)], { env: { AWS_SHARED_CREDENTIALS_FILE: file } });
    const ms = Date.now() - t0;
    assert.equal(r.code, 0, dump(r));
    assert.ok(ms < 5_000, `the next writer waited ${ms} ms for a dead writer's lock`);
    assert.deepEqual(leftovers(dir), []);
    assert.match(readFileSync(file, 'utf8'), /\[fresh\]\naws_access_key_id = AKIABASE\n/);
  });

  test('writers killed at random moments (SIGKILL): the file stays whole, the next writer cleans up', async (t) => {
    const dir = join(sb.dir, 'random-kills');
    const file = join(dir, 'credentials');
    mkdirSync(dir);
    writeFileSync(file, CREDS, { mode: 0o600 });
    const env = { ...sb.env, AWS_SHARED_CREDENTIALS_FILE: file };
    const args = [AWSP_BIN, 'exports', 'base', '--no-session', '--write-credentials', 'fresh'];
    // How long one write takes, to spread the kills over it.
    const t0 = performance.now();
    assert.equal(spawnSync(process.execPath, args, { env }).status, 0);
    const total = performance.now() - t0;
    let leftBehind = 0;
    for (let i = 0; i < 24; i++) {
      const p = spawn(process.execPath, args, { env, stdio: 'ignore' });
      const closed = new Promise((resolve) => p.on('close', resolve));
      const at = performance.now();
      const delay = total * (0.6 + (i / 24) * 0.5);
      while (performance.now() - at < delay) {
        /* busy wait */
      }
      p.kill('SIGKILL');
      await closed;
      if (leftovers(dir).length > 0) leftBehind++;
      // The file is always whole: the old text or the new one.
      assert.ok(readFileSync(file, 'utf8').startsWith(CREDS));
    }
    const t1 = Date.now();
    const r = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    t.diagnostic(`24 writers killed at random: ${leftBehind} left a temporary or lock file behind; the next writer took ${Date.now() - t1} ms and left none`);
    assert.deepEqual(leftovers(dir), []);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(readFileSync(file, 'utf8').split('\n[fresh]\n').length, 2);
  });

  test('temporary files are created 0600, whatever the umask', async () => {
    // Seen as it is created: the writer's own openSync, wrapped through node:fs's live bindings.
    const fs = (await import('node:fs')).default;
    const { syncBuiltinESMExports } = await import('node:module');
    const { rewriteAwsFile } = await import('../../src/config/write.js');
    const dir = join(sb.dir, 'modes');
    mkdirSync(dir);
    const file = join(dir, 'config');
    writeFileSync(file, '[default]\n', { mode: 0o644 });
    const original = fs.openSync;
    const created: string[] = [];
    const umask = process.umask(0);
    fs.openSync = ((path: string, flags: unknown, mode: unknown) => {
      const fd = original(path, flags as string, mode as number);
      if (flags === 'wx') created.push(`${path.slice(dir.length + 1)} ${(fs.fstatSync(fd).mode & 0o777).toString(8)}`);
      return fd;
    }) as typeof fs.openSync;
    syncBuiltinESMExports();
    try {
      rewriteAwsFile(file, (text) => `${text}region = eu-west-1\n`);
    } finally {
      fs.openSync = original;
      syncBuiltinESMExports();
      process.umask(umask);
    }
    assert.ok(created.some((c) => /^config\.awsp-\d+-[a-z0-9]+\.tmp 600$/.test(c)), created.join(', '));
    assert.ok(created.every((c) => c.endsWith(' 600')), created.join(', '));
    assert.equal(statSync(file).mode & 0o777, 0o644, 'a file without keys keeps its mode');
    assert.deepEqual(leftovers(dir), []);
  });
});
