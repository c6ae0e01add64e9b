// `awsp exec --server` and `awsp serve`: a container credentials endpoint on 127.0.0.1 that the
// real clients use (the AWS CLI v2, botocore, the JS SDK), refreshing across an expiry; tokens
// checked; no listener left behind; the token on no command line.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fakeAwsSandbox } from '../helpers/aws-files.js';
import { cliDataPath, type FakeAws } from '../helpers/fakeaws.js';
import { dump, REPO, type Sandbox } from '../helpers/sandbox.js';
import { awspAsync, spawnAsync, startAwspUntil } from '../helpers/spawn.js';

let fake: FakeAws;
let sb: Sandbox;
let close: () => Promise<void>;
let dataPath: string;
// The python3 that has boto3 (a pyenv shim is not on the sandbox's PATH).
const PYTHON = spawnSync('python3', ['-c', 'import boto3, sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();

before(async () => {
  ({ fake, sb, close } = await fakeAwsSandbox({ mfaCode: '123456' }));
  dataPath = cliDataPath(sb.dir, fake.url)!;
});
after(() => close());

/** GET url with headers; status and body. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const listening = (port: number): string[] =>
  ['/proc/net/tcp', '/proc/net/tcp6']
    .flatMap((f) => readFileSync(f, 'utf8').split('\n').slice(1))
    .map((l) => l.trim().split(/\s+/))
    .filter((c) => c[1]?.endsWith(`:${port.toString(16).toUpperCase().padStart(4, '0')}`) && c[3] === '0A')
    .map((c) => c[1]!.split(':')[0]!);

/** Starts awsp (exec --server, or serve) detached, and waits until its first stdout line is there. */
const startAwsp = (args: string[], env: Record<string, string> = {}) => startAwspUntil(sb, args, '\n', { env, timeout: 60_000 });

const vars = (text: string): Record<string, string> =>
  Object.fromEntries(
    text
      .trim()
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

describe('awsp exec --server', () => {
  test('the child gets the endpoint and the region, no keys and no AWS_PROFILE; the AWS CLI, botocore and the JS SDK use it', async () => {
    const js = `const { STSClient, GetCallerIdentityCommand } = require(${JSON.stringify(join(REPO, 'node_modules/@aws-sdk/client-sts'))});
new STSClient({}).send(new GetCallerIdentityCommand({})).then((r) => console.log('js', r.Arn), (e) => { console.error(e); process.exit(1); });`;
    const script = [
      'env | grep -E "^AWS_(CONTAINER|PROFILE|DEFAULT_PROFILE|ACCESS|SECRET|SESSION|REGION|DEFAULT_REGION)" | sort',
      '/usr/bin/aws sts get-caller-identity --query Arn --output text',
      `"${PYTHON}" -c "import boto3; print('py', boto3.client('sts').get_caller_identity()['Arn'])"`,
      `"${process.execPath}" -e "$JS"`,
    ].join('\n');
    const from = fake.requests.length;
    const r = await awspAsync(sb, ['exec', '--server', 'role', '--no-cache', '--', 'sh', '-ec', script], {
      env: { AWS_DATA_PATH: dataPath, AWS_PROFILE: 'base', AWS_ACCESS_KEY_ID: 'AKIASTALE', AWS_SECRET_ACCESS_KEY: 'stale', JS: js },
    });
    assert.equal(r.code, 0, dump(r));
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(
      lines.slice(0, 4).map((l) => l.replace(/=.*/, '')),
      ['AWS_CONTAINER_AUTHORIZATION_TOKEN', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_DEFAULT_REGION', 'AWS_REGION'],
    );
    assert.match(lines[1]!, /^AWS_CONTAINER_CREDENTIALS_FULL_URI=http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.match(lines[0]!, /^AWS_CONTAINER_AUTHORIZATION_TOKEN=[A-Za-z0-9_-]{43}$/, '256 bits');
    const calls = fake.requests.slice(from).map((q) => [q.action, q.signedBy]);
    // One role, resolved before the child started; every client signed with it.
    assert.equal(calls[0]![0], 'AssumeRole');
    const key = calls.find((c) => c[0] === 'GetCallerIdentity')![1];
    assert.match(key!, /^ASIAROLE/);
    assert.deepEqual(calls.slice(1), [
      ['GetCallerIdentity', key],
      ['GetCallerIdentity', key],
      ['GetCallerIdentity', key],
    ]);
    assert.match(lines[4]!, /^arn:aws:sts::123456789012:assumed-role\/r\//);
    assert.match(lines[5]!, /^py arn:aws:sts::123456789012:assumed-role\/r\//);
    assert.match(lines[6]!, /^js arn:aws:sts::123456789012:assumed-role\/r\//);
  });

  test('a missing or wrong token gets 401 or 403 and no secret; loopback only; no listener after the child', async () => {
    const { io, closed } = await startAwsp(['exec', '--server', 'role', '--', 'sh', '-c', 'echo "$AWS_CONTAINER_CREDENTIALS_FULL_URI $AWS_CONTAINER_AUTHORIZATION_TOKEN"; sleep 3']);
    const [url, token] = io.out.trim().split(' ') as [string, string];
    const port = Number(new URL(url).port);
    assert.deepEqual(listening(port), ['0100007F'], 'bound to 127.0.0.1 alone');
    const none = await get(url);
    assert.equal(none.status, 401);
    const wrong = await get(url, { authorization: `${token.slice(0, -1)}x` });
    assert.equal(wrong.status, 403);
    const prefix = await get(url, { authorization: token.slice(0, 10) });
    assert.equal(prefix.status, 403);
    const host = await get(url, { authorization: token, host: 'evil.example' });
    assert.equal(host.status, 403);
    for (const body of [none.body, wrong.body, prefix.body, host.body]) assert.doesNotMatch(body, /ASIA|secret|token-/);
    const ok = await get(url, { authorization: token });
    assert.equal(ok.status, 200);
    const c = JSON.parse(ok.body) as Record<string, string>;
    assert.deepEqual(Object.keys(c).sort(), ['AccessKeyId', 'AccountId', 'Expiration', 'SecretAccessKey', 'Token']);
    assert.equal(c.AccountId, '123456789012');
    assert.match(c.Expiration!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(await closed, [0, null]);
    assert.deepEqual(listening(port), []);
    await assert.rejects(get(url, { authorization: token }), /ECONNREFUSED/);
  });

  test('SIGTERM goes to the child; awsp then closes the endpoint; the token is on no command line', async () => {
    const { child, io, closed } = await startAwsp(['exec', '--server', 'role', '--', 'sh', '-c', 'trap "exit 9" TERM; echo "$AWS_CONTAINER_CREDENTIALS_FULL_URI $AWS_CONTAINER_AUTHORIZATION_TOKEN"; while :; do sleep 0.05; done']);
    const [url, token] = io.out.trim().split(' ') as [string, string];
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      let line = '';
      try {
        line = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      } catch {
        continue;
      }
      assert.ok(!line.includes(token), `the token on the command line of ${pid}`);
    }
    child.kill('SIGTERM');
    assert.deepEqual(await closed, [9, null]);
    assert.deepEqual(listening(Number(new URL(url).port)), []);
  });

  test('the exit status passes through; no command runs $SHELL', async () => {
    const r = await awspAsync(sb, ['exec', '--server', 'temp', '--', 'sh', '-c', 'exit 7']);
    assert.equal(r.code, 7, dump(r));
    const shell = await awspAsync(sb, ['exec', 'temp'], { env: { SHELL: '/bin/sh' }, input: 'printf "%s" "$AWS_ACCESS_KEY_ID"\n' });
    assert.equal(shell.stdout, 'ASIATEMP', dump(shell));
    const served = await awspAsync(sb, ['exec', '--server', 'role'], { env: { SHELL: '/bin/sh' }, input: 'printf "%s" "${AWS_CONTAINER_CREDENTIALS_FULL_URI%%:*}"\n' });
    assert.equal(served.stdout, 'http', dump(served));
  });

  test('refused where a client would not reach it: [default] with credentials, --no-session', async () => {
    const s = readFileSync(sb.credentials, 'utf8');
    try {
      sb.writeCredentials(`${s}[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = d\n`);
      const r = await awspAsync(sb, ['exec', '--server', 'role', '--', 'true']);
      assert.equal(r.code, 1, dump(r));
      assert.match(r.stderr, /^awsp: the profile 'default' has credentials of its own \(aws_access_key_id, aws_secret_access_key\), which the AWS SDKs and the CLI use before a credentials endpoint; use awsp exec without --server/);
    } finally {
      sb.writeCredentials(s);
    }
    const n = await awspAsync(sb, ['exec', '--server', '--no-session', 'base', '--', 'true']);
    assert.equal(n.code, 2, dump(n));
  });

  test('refresh across an expiry: credentials that live 20 s are resolved again, never served stale (botocore, one process); a new MFA code is not asked for behind the command', async () => {
    fake.options.lifetime = 20;
    const config = readFileSync(sb.config, 'utf8');
    sb.writeConfig(`${config}[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/m\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n`);
    // The MFA session ends after 20 s too: the refresh after it needs a code, which awsp must not read from the command's terminal.
    const fetchLater = `setTimeout(() => fetch(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, { headers: { authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN } }).then(async (r) => console.log('status', r.status, await r.text())), 22000)`;
    const mfa = spawnAsync('script', ['-qec', `awsp exec --server mfa -- "${process.execPath}" -e "${fetchLater.replace(/"/g, '\\"')}" 2>"${sb.dir}/mfa-stderr"`, '/dev/null'], {
      cwd: sb.dir,
      env: sb.env,
      input: '123456\n',
      timeout: 40_000,
    });
    try {
      // botocore refreshes container credentials that expire within 15 minutes on every use.
      const py = `
import boto3, time
sts = boto3.client('sts')
a = sts.get_caller_identity()['UserId']
time.sleep(22)
b = sts.get_caller_identity()['UserId']
print(a, b)`;
      const from = fake.requests.length;
      const r = await awspAsync(sb, ['exec', '--server', 'role2', '--', PYTHON, '-c', py], { env: { AWS_DATA_PATH: dataPath } });
      assert.equal(r.code, 0, dump(r));
      const [a, b] = r.stdout.trim().split(' ');
      assert.match(a!, /^ASIAROLE/);
      assert.match(b!, /^ASIAROLE/);
      assert.notEqual(a, b, 'the second call used new keys');
      const calls = fake.requests.slice(from);
      // Every GetCallerIdentity was signed with keys that were valid then (the fake refuses expired ones).
      assert.deepEqual(
        calls.filter((q) => q.action === 'GetCallerIdentity').map((q) => q.signedBy),
        [a, b],
      );
      // The whole chain was resolved again from the profile (both roles expired).
      assert.ok(calls.filter((q) => q.action === 'AssumeRole').length >= 4, calls.map((q) => q.action).join(' '));

      const m = await mfa;
      const stderr = readFileSync(`${sb.dir}/mfa-stderr`, 'utf8');
      assert.equal(m.code, 0, `${dump(m)}${stderr}`);
      assert.match(m.stdout, /status 500 \{"code":"CredentialsUnavailable","message":"profile 'mfa' needs a new MFA code for arn:aws:iam::123456789012:mfa\/me, which awsp cannot ask for while the command has the terminal; run awsp again"\}/);
      assert.equal(
        stderr,
        "awsp: MFA code for arn:aws:iam::123456789012:mfa/me: awsp: cannot refresh the credentials of the endpoint: profile 'mfa' needs a new MFA code for arn:aws:iam::123456789012:mfa/me, which awsp cannot ask for while the command has the terminal; run awsp again\n",
      );
    } finally {
      fake.options.lifetime = undefined;
      sb.writeConfig(config);
    }
  });
});

describe('awsp serve', () => {
  test('prints the variables, serves the AWS CLI in another process until SIGTERM, then leaves nothing listening', async () => {
    const { child, io, closed } = await startAwsp(['serve', 'role', '--format', 'env']);
    await new Promise((r) => setTimeout(r, 100));
    const v = vars(io.out);
    assert.deepEqual(Object.keys(v), ['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN', 'AWS_REGION', 'AWS_DEFAULT_REGION']);
    assert.match(io.err, /^awsp: serving the credentials of 'role' on http:\/\/127\.0\.0\.1:\d+\/ until Ctrl-C\n/);
    const r = await spawnAsync('/usr/bin/aws', ['sts', 'get-caller-identity', '--query', 'Arn', '--output', 'text'], {
      cwd: sb.dir,
      env: { PATH: '/usr/bin:/bin', HOME: sb.home, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_DATA_PATH: dataPath, ...v },
    });
    assert.equal(r.code, 0, dump(r));
    assert.match(r.stdout, /^arn:aws:sts::123456789012:assumed-role\/r\//);
    child.kill('SIGTERM');
    assert.deepEqual(await closed, [0, null]);
    assert.deepEqual(listening(Number(new URL(v.AWS_CONTAINER_CREDENTIALS_FULL_URI!).port)), []);
  });

  test('--env-file writes a 0600 file (removed at the end); --port; a port in use; the terminal rule', async () => {
    const file = join(sb.dir, 'serve.env');
    const free = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const { child, io, closed } = await startAwspQuiet(['serve', 'temp', '--env-file', file, '--port', String(free)]);
    assert.equal(io.out, '');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const v = vars(readFileSync(file, 'utf8'));
    assert.equal(v.AWS_CONTAINER_CREDENTIALS_FULL_URI, `http://127.0.0.1:${free}/`);
    const port = String(free);
    const busy = await awspAsync(sb, ['serve', 'temp', '--port', port, '--format', 'env']);
    assert.equal(busy.code, 1, dump(busy));
    assert.match(busy.stderr, new RegExp(`^awsp: port ${port} on 127\\.0\\.0\\.1 is in use`));
    child.kill('SIGINT');
    assert.deepEqual(await closed, [0, null]);
    assert.equal(existsSync(file), false, 'the file with the dead token is gone');
    // These keys last until 2099: their refresh waits without overflowing a timer (Node warns on stderr).
    assert.doesNotMatch(io.err, /Warning/, io.err);
    // On a terminal: no token without --reveal.
    const tty = await spawnAsync('script', ['-qec', `awsp serve temp 2>&1`, '/dev/null'], { cwd: sb.dir, env: sb.env, timeout: 20_000 });
    assert.match(tty.stdout, /^awsp: not printing the endpoint token onto the terminal; write it to a file with --env-file FILE \(0600\), or add --reveal\r?\n$/);
    const badPort = await awspAsync(sb, ['serve', 'temp', '--port', '70000']);
    assert.equal(badPort.code, 2, dump(badPort));
    // A file that cannot be written: one line in words, and no server left behind.
    const nowhere = join(sb.dir, 'no-such-folder', 'serve.env');
    const unwritable = await awspAsync(sb, ['serve', 'temp', '--env-file', nowhere], { timeout: 20_000 });
    assert.equal(unwritable.signal, null, dump(unwritable));
    assert.equal(unwritable.code, 1, dump(unwritable));
    assert.equal(unwritable.stderr, `awsp: cannot write --env-file '${nowhere}': no such file or directory\n`);
  });

  /** serve with --env-file prints nothing on stdout: wait for its stderr line instead. */
  const startAwspQuiet = (args: string[]) => startAwspUntil(sb, args, 'serving', { on: 'stderr' });
});
