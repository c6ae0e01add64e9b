// The session cache: a second run makes no call to AWS and asks for no MFA code; a changed profile
// misses; the folder and files are the user's alone, else unused (said once); --no-cache and
// awsp forget; MFA once per working day (GetSessionToken with the code, roles assumed from it).
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { fakeAwsSandbox, processCommand, roleArn, writeSsoToken } from '../helpers/aws-files.js';
import type { FakeAws } from '../helpers/fakeaws.js';
import { dump, type Result, type Sandbox, SHELLS } from '../helpers/sandbox.js';
import { awspAsync, runAsync, spawnAsync } from '../helpers/spawn.js';

let fake: FakeAws;
let sb: Sandbox;
let close: () => Promise<void>;
let baseConfig: string;
const MFA = 'arn:aws:iam::123456789012:mfa/me';

before(async () => {
  ({ fake, sb, close } = await fakeAwsSandbox({ mfaCode: '123456', ssoTokens: ['tok-corp', 'tok-legacy'] }));
  baseConfig =
    readFileSync(sb.config, 'utf8') +
    [
      '[profile mfa-a]',
      `role_arn = ${roleArn('a')}`,
      'source_profile = base',
      `mfa_serial = ${MFA}`,
      '[profile mfa-b]',
      `role_arn = ${roleArn('b')}`,
      'source_profile = base',
      `mfa_serial = ${MFA}`,
      '[profile proc-exp]',
      `credential_process = ${processCommand(sb, 'exp', { AccessKeyId: 'ASIAPROCEXP', SecretAccessKey: 's', SessionToken: 't', Expiration: '2099-01-01T00:00:00Z' })}`,
      '[profile proc-count]',
      `credential_process = sh -c 'echo run >> "${sb.dir}/proc-runs"; echo "{\\"Version\\":1,\\"AccessKeyId\\":\\"AKIAPROC\\",\\"SecretAccessKey\\":\\"s\\"}"'`,
      '',
    ].join('\n');
  sb.writeConfig(baseConfig);
});
after(() => close());

const sessions = () => join(sb.dir, 'cache', 'awsp', 'sessions');
beforeEach(() => {
  rmSync(join(sb.dir, 'cache'), { recursive: true, force: true });
  sb.writeConfig(baseConfig);
  fake.options.lifetime = undefined;
});

/** Runs awsp and returns what it did at the fake: the calls made meanwhile. */
async function counted(args: string[], env: Record<string, string> = {}): Promise<{ r: Result; calls: string[] }> {
  const from = fake.requests.length;
  const r = await awspAsync(sb, args, { env });
  return { r, calls: fake.requests.slice(from).map((q) => q.action) };
}

const keyOf = async (args: string[]): Promise<string> => {
  const { r } = await counted(['exports', ...args, '--format', 'json']);
  assert.equal(r.code, 0, dump(r));
  return (JSON.parse(r.stdout) as Record<string, string>).AWS_ACCESS_KEY_ID!;
};

describe('session cache', () => {
  test('the second awsp exec ROLE makes no call to STS and gets the same keys', async () => {
    const print = ['sh', '-c', 'printf %s "$AWS_ACCESS_KEY_ID"'];
    const first = await counted(['exec', 'role', '--', ...print]);
    assert.equal(first.r.code, 0, dump(first.r));
    assert.deepEqual(first.calls, ['AssumeRole']);
    const second = await counted(['exec', 'role', '--', ...print]);
    assert.deepEqual(second.calls, []);
    assert.equal(second.r.stdout, first.r.stdout);
    // Every kind that expires: a chain of roles, SSO, an SSO-sourced role, web identity, a session, a process with Expiration.
    for (const p of ['role2', 'sso-new', 'sso-role', 'webid', 'base', 'proc-exp']) {
      await counted(['exec', p, '--', 'true']);
      const again = await counted(['exec', p, '--', 'true']);
      assert.equal(again.r.code, 0, dump(again.r));
      assert.deepEqual(again.calls, [], `${p} called AWS again`);
    }
  });

  test('twelve awsp exec of static keys: one GetSessionToken', async () => {
    const runs: string[] = [];
    for (let i = 0; i < 12; i++) runs.push(...(await counted(['exec', 'base', '--', 'true'])).calls);
    assert.deepEqual(runs, ['GetSessionToken']);
  });

  test('credentials with 15 minutes or less left are not reused', async () => {
    fake.options.lifetime = 15 * 60;
    assert.deepEqual((await counted(['exec', 'role', '--', 'true'])).calls, ['AssumeRole']);
    assert.deepEqual((await counted(['exec', 'role', '--', 'true'])).calls, ['AssumeRole']);
    assert.equal(existsSync(sessions()) ? readdirSync(sessions()).length : 0, 0, 'nothing kept that could not be reused');
  });

  test('credential_process without an Expiration runs every time', async () => {
    await counted(['exports', 'proc-count', '--format', 'json', '--no-session']);
    await counted(['exports', 'proc-count', '--format', 'json', '--no-session']);
    assert.equal(readFileSync(join(sb.dir, 'proc-runs'), 'utf8'), 'run\nrun\n');
  });

  test('a changed profile, source key, duration or endpoint misses the cache', async () => {
    const k0 = await keyOf(['role']);
    assert.equal(await keyOf(['role']), k0);
    // The role's settings.
    sb.writeConfig(baseConfig.replace(`role_arn = ${roleArn('r')}\n`, `role_arn = ${roleArn('r')}\nexternal_id = x\n`));
    const k1 = await keyOf(['role']);
    assert.notEqual(k1, k0);
    // The source's keys.
    const creds = readFileSync(sb.credentials, 'utf8');
    sb.writeCredentials(creds.replace('aws_access_key_id = AKIABASE', 'aws_access_key_id = AKIAROTATED'));
    const k2 = await keyOf(['role']);
    assert.notEqual(k2, k1);
    sb.writeCredentials(creds);
    // The duration asked for, and the STS endpoint.
    assert.notEqual(await keyOf(['role', '--duration', '2h']), k1);
    const { calls } = await counted(['exports', 'role', '--format', 'json'], { AWS_ENDPOINT_URL_STS: `${fake.url}/` });
    assert.deepEqual(calls, ['AssumeRole']);
    // Back as it was: the entry of the first change is still there.
    assert.equal(await keyOf(['role']), k1);
  });

  test('folder 0700 and files 0600, whatever the umask; only temporary credentials', async () => {
    const r = await spawnAsync('sh', ['-c', 'umask 000; exec awsp exports role --format json'], { cwd: sb.dir, env: sb.env });
    assert.equal(r.code, 0, dump(r));
    await spawnAsync('sh', ['-c', 'umask 000; exec awsp exports base --format json'], { cwd: sb.dir, env: sb.env });
    assert.equal(statSync(sessions()).mode & 0o777, 0o700);
    const files = readdirSync(sessions());
    assert.equal(files.length, 2, files.join(' '));
    for (const f of files) {
      assert.match(f, /^[0-9a-f]{64}\.json$/);
      assert.equal(statSync(join(sessions(), f)).mode & 0o777, 0o600);
      const text = readFileSync(join(sessions(), f), 'utf8');
      assert.doesNotMatch(text, /base\/secret|AKIABASE/, 'no long-term key, not even its id');
      assert.deepEqual(Object.keys(JSON.parse(text)).sort(), ['accessKeyId', 'accountId', 'expiration', 'kind', 'profiles', 'secretAccessKey', 'sessionToken', 'version'].filter((k) => k !== 'accountId' || text.includes('accountId')).sort());
    }
  });

  test('--no-cache neither reads nor writes', async () => {
    await counted(['exports', 'role', '--format', 'json']);
    const before = readdirSync(sessions());
    assert.deepEqual((await counted(['exports', 'role', '--format', 'json', '--no-cache'])).calls, ['AssumeRole']);
    assert.deepEqual((await counted(['exports', 'role2', '--format', 'json', '--no-cache'])).calls, ['AssumeRole', 'AssumeRole']);
    assert.deepEqual(readdirSync(sessions()), before);
  });

  test('a folder someone else could change is not used, and the reason is said once', async () => {
    const root = process.getuid!() === 0;
    const cases: Array<[string, () => void, RegExp]> = [
      ['open to others', () => (mkdirSync(sessions(), { recursive: true }), chmodSync(sessions(), 0o777)), /sessions has mode 0777; it must be 0700/],
      ['readable by the group', () => (mkdirSync(sessions(), { recursive: true }), chmodSync(sessions(), 0o750)), /sessions has mode 0750; it must be 0700/],
      ['its parent writable by the group', () => (mkdirSync(sessions(), { recursive: true, mode: 0o700 }), chmodSync(join(sessions(), '..'), 0o770)), /awsp has mode 0770; it must be writable by its owner only/],
      ['a symlink', () => (mkdirSync(join(sb.dir, 'elsewhere'), { mode: 0o700 }), mkdirSync(join(sessions(), '..'), { recursive: true }), symlinkSync(join(sb.dir, 'elsewhere'), sessions())), /sessions is a symlink/],
      root
        ? ['another user’s', () => (mkdirSync(sessions(), { recursive: true, mode: 0o700 }), chownSync(sessions(), 65534, 65534)), /sessions belongs to another user \(uid 65534\)/]
        : ['not creatable', () => (mkdirSync(join(sessions(), '..'), { recursive: true }), chmodSync(join(sessions(), '..'), 0o500)), /cannot create .*sessions: permission denied/],
    ];
    for (const [what, plant, said] of cases) {
      rmSync(join(sb.dir, 'cache'), { recursive: true, force: true });
      rmSync(join(sb.dir, 'elsewhere'), { recursive: true, force: true });
      plant();
      const { r, calls } = await counted(['exports', 'role2', '--format', 'json']);
      assert.equal(r.code, 0, `${what}: ${dump(r)}`);
      assert.deepEqual(calls, ['AssumeRole', 'AssumeRole'], what);
      const lines = r.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, `${what}: said once: ${r.stderr}`);
      assert.match(lines[0]!, /^awsp: not caching sessions: /, what);
      assert.match(lines[0]!, said, what);
      const there = lstatSync(sessions()).isSymbolicLink() ? join(sb.dir, 'elsewhere') : sessions();
      assert.deepEqual(readdirSync(there), [], `${what}: nothing written`);
    }
  });

  test('an entry readable by others, or planted with other keys under another name, is not used', async () => {
    const k = await keyOf(['role']);
    const [file] = readdirSync(sessions());
    chmodSync(join(sessions(), file!), 0o644);
    assert.notEqual(await keyOf(['role']), k, 'a 0644 entry was trusted');
    // Replaced by a fresh 0600 one.
    assert.equal(statSync(join(sessions(), file!)).mode & 0o777, 0o600);
  });

  test('awsp forget PROFILE removes that profile’s sessions and those it was a source of; awsp forget removes all', async () => {
    for (const p of ['role', 'role2', 'sso-new', 'base']) await counted(['exports', p, '--format', 'json']);
    assert.equal(readdirSync(sessions()).length, 4);
    const f = await awspAsync(sb, ['forget', 'role2']);
    assert.equal(f.code, 0, dump(f));
    assert.equal(f.stderr, "awsp: removed 1 cached session that 'role2' took part in\n");
    assert.deepEqual((await counted(['exports', 'role2', '--format', 'json'])).calls, ['AssumeRole'], 'role2 again, from the kept role');
    // base is the source of role and role2, and has its own session.
    assert.equal((await awspAsync(sb, ['forget', 'base'])).stderr, "awsp: removed 3 cached sessions that 'base' took part in\n");
    assert.deepEqual((await counted(['exports', 'sso-new', '--format', 'json'])).calls, []);
    assert.equal((await awspAsync(sb, ['forget'])).stderr, 'awsp: removed 1 cached session\n');
    assert.deepEqual(readdirSync(sessions()), []);
    assert.equal((await awspAsync(sb, ['forget'])).stderr, 'awsp: removed no cached sessions\n');
  });
});

test('awsp logout of an SSO session removes what was obtained through it, and nothing else', async () => {
  for (const p of ['sso-new', 'sso-role', 'sso-legacy', 'base']) assert.equal((await counted(['exports', p, '--format', 'json'])).r.code, 0, p);
  const kinds = () => readdirSync(sessions()).map((f) => (JSON.parse(readFileSync(join(sessions(), f), 'utf8')) as { kind: string; profiles: string[] }).profiles.join('<')).sort();
  assert.deepEqual(kinds(), ['base', 'sso-legacy', 'sso-new', 'sso-role<sso-new']);
  // The fake portal knows no logout: awsp says IAM Identity Center was not told, and signs out here anyway.
  const r = await awspAsync(sb, ['logout', '--sso-session', 'corp']);
  assert.equal(r.code, 0, dump(r));
  assert.deepEqual(kinds(), ['base', 'sso-legacy']);
  writeSsoToken(sb, 'corp', 'tok-corp', new Date(Date.now() + 3600_000), { region: 'eu-west-1', startUrl: 'https://corp.example/start' });
});

describe('MFA once per working day', () => {
  // `script` runs awsp on a pseudo-terminal: the prompt goes to it, the code is typed there.
  const onTty = async (args: string, typed: string) => {
    const from = fake.requests.length;
    const r = await spawnAsync('script', ['-qec', `awsp ${args} 2>"${sb.dir}/stderr"`, '/dev/null'], { cwd: sb.dir, env: sb.env, input: typed, timeout: 20_000 });
    return { ...r, stderr: readFileSync(`${sb.dir}/stderr`, 'utf8'), calls: fake.requests.slice(from) };
  };

  test('asked once across two execs and two roles sharing the source and mfa_serial; never handed out', async () => {
    const print = `-- sh -c 'printf "<%s>" "$AWS_ACCESS_KEY_ID"'`;
    const one = await onTty(`exec mfa-a ${print}`, '123456\n');
    assert.equal(one.code, 0, dump(one));
    assert.equal(one.stderr, `awsp: MFA code for ${MFA}: `);
    assert.deepEqual(
      one.calls.map((q) => [q.action, q.params.TokenCode, q.params.DurationSeconds]),
      [
        ['GetSessionToken', '123456', '28800'],
        ['AssumeRole', undefined, '3600'],
      ],
    );
    assert.match(one.stdout, /<ASIAROLE\d+>/, 'the role, not the MFA session');
    // Nothing typed: a prompt would wait for ever (and the run time out).
    const two = await onTty(`exec mfa-a ${print}`, '');
    assert.equal(two.code, 0, dump(two));
    assert.equal(two.stderr, '');
    assert.deepEqual(two.calls, []);
    const other = await onTty(`exec mfa-b ${print}`, '');
    assert.equal(other.code, 0, dump(other));
    assert.equal(other.stderr, '');
    assert.deepEqual(
      other.calls.map((q) => [q.action, q.params.RoleArn, q.signedBy?.replace(/\d+$/, 'N')]),
      [['AssumeRole', roleArn('b'), 'ASIASESSIONN']],
    );
    // Forgetting mfa-b drops the MFA session it used: mfa-a keeps its role for now, mfa-b asks again.
    assert.equal((await awspAsync(sb, ['forget', 'mfa-b'])).stderr, "awsp: removed 2 cached sessions that 'mfa-b' took part in\n");
    assert.deepEqual((await onTty(`exec mfa-a ${print}`, '')).calls, []);
    const again = await onTty(`exec mfa-b ${print}`, '123456\n');
    assert.equal(again.stderr, `awsp: MFA code for ${MFA}: `);
    assert.deepEqual(again.calls.map((q) => q.action), ['GetSessionToken', 'AssumeRole']);
  });

  test('--mfa-duration sets the MFA session; --duration over an hour is capped, and said', async () => {
    const r = await onTty('exports mfa-a --format json --reveal --mfa-duration 36h --duration 12h', '123456\n');
    assert.equal(r.code, 0, dump(r));
    assert.deepEqual(
      r.calls.map((q) => [q.action, q.params.DurationSeconds]),
      [
        ['GetSessionToken', '129600'],
        ['AssumeRole', '3600'],
      ],
    );
    assert.match(r.stderr, /awsp: 'mfa-a' is assumed with temporary credentials \(role chaining\), which AWS allows 1 hour at most: asking for 3600 s, not the 43200 s of --duration\n/);
  });
});

describe('through the shell function', () => {
  test('forget and serve run the program in bash, zsh and fish (they are commands, not profiles)', async () => {
    for (const shell of SHELLS) {
      const r = await runAsync(shell, sb, 'awsp forget; awsp serve --port 0', { strict: shell !== 'fish' });
      assert.match(r.stderr, /^awsp: removed (no|\d+) cached sessions?\nawsp: --port takes a port number from 1 to 65535, not "0"; see awsp serve --help\n$/, `${shell}: ${dump(r)}`);
    }
  });
});
