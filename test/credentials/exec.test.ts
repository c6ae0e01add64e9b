// awsp exec: keys only in the child, its exit status and signals passed through, Ctrl-C survived.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fakeAwsSandbox } from '../helpers/aws-files.js';
import type { FakeAws } from '../helpers/fakeaws.js';
import { dump, type Sandbox } from '../helpers/sandbox.js';
import { awspAsync, runAsync, startAwspUntil } from '../helpers/spawn.js';

let fake: FakeAws;
let sb: Sandbox;
let close: () => Promise<void>;
before(async () => ({ fake, sb, close } = await fakeAwsSandbox()));
after(() => close());

describe('awsp exec', () => {
  test('the child gets keys, expiration and region; AWS_PROFILE and awsp’s own variables are gone', async () => {
    const r = await awspAsync(sb, ['exec', 'role', '--', 'sh', '-c', 'env | grep -E "^(AWS|AWSP)_" | grep -vE "^AWS_(CONFIG_FILE|SHARED_CREDENTIALS_FILE|ENDPOINT_URL_.*|EC2_METADATA_DISABLED)=" | sort'], {
      env: { AWS_PROFILE: 'base', AWS_DEFAULT_PROFILE: 'base', AWS_SECURITY_TOKEN: 'stale', AWSP_KEYS: 'x', AWS_REGION: 'us-west-1' },
    });
    assert.equal(r.code, 0, dump(r));
    const env = Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    assert.deepEqual(Object.keys(env).sort(), ['AWS_ACCESS_KEY_ID', 'AWS_CREDENTIAL_EXPIRATION', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']);
    assert.match(env.AWS_ACCESS_KEY_ID!, /^ASIAROLE/);
    assert.equal(env.AWS_REGION, 'eu-west-1');
    assert.equal(env.AWS_DEFAULT_REGION, 'eu-west-1');
  });

  test('stdin and stdout are the child’s; its exit status is passed through', async () => {
    const r = await awspAsync(sb, ['exec', 'temp', '--', 'sh', '-c', 'cat; exit 7'], { input: 'piped in\n' });
    assert.equal(r.code, 7, dump(r));
    assert.equal(r.stdout, 'piped in\n');
  });

  test('PROFILE defaults to $AWS_PROFILE', async () => {
    const r = await awspAsync(sb, ['exec', '--', 'sh', '-c', 'printf %s "$AWS_ACCESS_KEY_ID"'], { env: { AWS_PROFILE: 'temp' } });
    assert.equal(r.stdout, 'ASIATEMP', dump(r));
  });

  test('death by signal is passed through: awsp dies of the same signal', async () => {
    for (const sig of ['TERM', 'KILL', 'INT']) {
      const r = await awspAsync(sb, ['exec', 'temp', '--', 'sh', '-c', `kill -${sig} $$`]);
      assert.equal(r.signal, `SIG${sig}`, dump(r));
    }
    // Seen from a shell: 128 + the signal number.
    const sh = await runAsync('bash', sb, 'awsp exec temp -- sh -c "kill -TERM \\$\\$"; echo "status=$?"', { load: false });
    assert.match(sh.stdout, /^status=143$/m, dump(sh));
  });

  test('command not found: a clear error and 127; not executable: 126; both before any call to AWS', async () => {
    const before = fake.requests.length;
    const r = await awspAsync(sb, ['exec', 'role', '--', 'no-such-command-xyz', 'arg']);
    assert.equal(r.code, 127, dump(r));
    assert.equal(r.stderr, "awsp: command not found: 'no-such-command-xyz'\n");
    const f = sb.write('not-exec', '#!/bin/sh\n', 0o644);
    const n = await awspAsync(sb, ['exec', 'role', '--', f]);
    assert.equal(n.code, 126, dump(n));
    assert.equal(n.stderr, `awsp: permission denied: '${f}'\n`);
    const d = await awspAsync(sb, ['exec', 'role', '--', `${sb.dir}/`]);
    assert.equal(d.code, 126, dump(d));
    assert.match(d.stderr, /^awsp: is a directory: /);
    // Found on PATH after a directory that holds a non-executable file of the same name.
    sb.write('path1/tool', '#!/bin/sh\necho wrong\n', 0o644);
    sb.write('path2/tool', '#!/bin/sh\necho right\n', 0o755);
    const p = await awspAsync(sb, ['exec', 'temp', '--', 'tool'], { env: { PATH: `${sb.dir}/path1:${sb.dir}/path2:${sb.env.PATH}` } });
    assert.equal(p.stdout, 'right\n', dump(p));
    assert.equal(fake.requests.length, before, 'no request reached STS for a command that cannot run');
  });

  /** Starts `awsp exec temp -- sh -c SCRIPT` in its own process group and waits for "ready". */
  const execReady = (script: string) => startAwspUntil(sb, ['exec', 'temp', '--', 'sh', '-c', `${script}; echo ready; while :; do sleep 0.05; done`], 'ready', { timeout: 20_000 });

  test('Ctrl-C reaches the child, and awsp waits for it instead of dying first', async () => {
    // The terminal sends SIGINT to the whole foreground process group: awsp and the child.
    const { child, io, closed } = await execReady('trap "echo child-got-int; exit 42" INT');
    process.kill(-child.pid!, 'SIGINT');
    const [code, signal] = await closed;
    assert.equal(signal, null, `awsp died of ${signal}; stderr: ${io.err}`);
    assert.equal(code, 42);
    assert.equal(io.out, 'ready\nchild-got-int\n');
  });

  test('SIGTERM sent to awsp alone is forwarded to the child', async () => {
    const { child, io, closed } = await execReady('trap "echo child-got-term; exit 9" TERM');
    child.kill('SIGTERM');
    const [code] = await closed;
    assert.equal(code, 9, io.err);
    assert.equal(io.out, 'ready\nchild-got-term\n');
  });

  test('credentials never appear on a command line (awsp’s or the child’s)', async () => {
    const r = await awspAsync(sb, ['exec', 'temp', '--', 'sh', '-c', 'tr "\\0" " " < /proc/$PPID/cmdline; echo; tr "\\0" " " < /proc/$$/cmdline']);
    assert.equal(r.code, 0, dump(r));
    assert.doesNotMatch(r.stdout, /temp\/secret|temp-token|ASIATEMP/);
    assert.match(r.stdout, /exec temp -- sh -c/);
  });
});
