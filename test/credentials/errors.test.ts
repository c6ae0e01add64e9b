// Every failure is one line on stderr, actionable, non-zero, without a stack trace.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { awsSandbox, NOWHERE, roleArn, writeAllSources, writeSsoToken } from '../helpers/aws-files.js';
import { type FakeAws, startFakeAws } from '../helpers/fakeaws.js';
import { dump, type Result, type Sandbox } from '../helpers/sandbox.js';
import { awspAsync, spawnAsync } from '../helpers/spawn.js';

let fake: FakeAws;
let sb: Sandbox;

before(async () => {
  fake = await startFakeAws({ mfaCode: '123456', ssoTokens: ['tok-legacy', 'tok-corp'] });
  sb = awsSandbox(fake.url);
  writeAllSources(sb);
  sb.writeConfig(
    `${readConfig()}` +
      [
        '[profile bad-process]',
        `credential_process = sh -c 'echo "token service says no" >&2; echo second line >&2; exit 3'`,
        '[profile garbage-process]',
        `credential_process = echo not json`,
        '[profile mfa-role]',
        `role_arn = ${roleArn('mfa')}`,
        'source_profile = base',
        'mfa_serial = arn:aws:iam::123456789012:mfa/me',
        'region = eu-west-1',
        '[profile mfa-static]',
        'mfa_serial = arn:aws:iam::123456789012:mfa/me',
        '[profile "with space"]',
        'aws_access_key_id = AKIASPACE',
        'aws_secret_access_key = s',
        '[profile via-space]',
        `role_arn = ${roleArn('x')}`,
        'source_profile = with space',
        'region = eu-west-1',
        '[profile empty]',
        'region = eu-west-1',
        '[profile loop]',
        'credential_process = awsp exports loop --format process',
        '[profile loop-a]',
        'credential_process = awsp exports loop-b --format process',
        '[profile loop-b]',
        `role_arn = ${roleArn('b')}`,
        'source_profile = loop-c',
        'region = eu-west-1',
        '[profile loop-c]',
        'credential_process = awsp exports loop-a --format process',
        '',
      ].join('\n'),
  );
  // mfa-static's keys live in the credentials file, beside base's.
  sb.writeCredentials(`${readCredentials()}[mfa-static]\naws_access_key_id = AKIAMFA\naws_secret_access_key = mfa/secret\n[c d]\naws_access_key_id = AKIACD\naws_secret_access_key = s\n`);
});
after(async () => {
  sb.cleanup();
  await fake.close();
});

const readConfig = (): string => readFileSync(sb.config, 'utf8');
const readCredentials = (): string => readFileSync(sb.credentials, 'utf8');

/** A failure: exit 1 (unless said), nothing on stdout, exactly one `awsp: …` line on stderr. */
function failsWith(r: Result, pattern: RegExp, code = 1): void {
  assert.equal(r.code, code, dump(r));
  assert.equal(r.stdout, '', dump(r));
  assert.match(r.stderr, /^awsp: [^\n]+\n$/, dump(r));
  assert.match(r.stderr, pattern, dump(r));
}

// Without the session cache: each case must reach the failure, not a session kept from an earlier one.
const exportsOf = (profile: string, env: Record<string, string> = {}, extra: string[] = []) =>
  awspAsync(sb, ['exports', profile, '--format', 'json', '--no-cache', ...extra], { env });

describe('errors', () => {
  test('unknown profile, with a suggestion', async () => {
    failsWith(await exportsOf('rol'), /^awsp: no profile 'rol'; did you mean 'role'/);
  });

  test('profile names the JS SDK cannot read (the CLI can) resolve as the CLI resolves them, also as a source_profile', async () => {
    const from = fake.requests.length;
    for (const [profile, key] of [['with space', 'AKIASPACE'], ['c d', 'AKIACD']] as const) {
      const r = await exportsOf(profile, {}, ['--no-session']);
      assert.equal(r.code, 0, dump(r));
      assert.equal(JSON.parse(r.stdout).AWS_ACCESS_KEY_ID, key);
    }
    const via = await exportsOf('via-space');
    assert.equal(via.code, 0, dump(via));
    assert.deepEqual(
      fake.requests.slice(from).map((q) => [q.action, q.params.RoleArn, q.signedBy]),
      [['AssumeRole', roleArn('x'), 'AKIASPACE']],
    );
  });

  test('a profile without any credential settings', async () => {
    failsWith(await exportsOf('empty'), /^awsp: profile 'empty' has no credentials/);
  });

  test('SSO: no cached token names awsp login PROFILE; an expired sso-session names --sso-session', async () => {
    const s2 = awsSandbox(fake.url);
    try {
      s2.writeConfig(readConfig());
      failsWith(await awspAsync(s2, ['exports', 'sso-legacy', '--format', 'json']), /SSO session for 'sso-legacy' is missing or expired; run: awsp login sso-legacy /);
      writeSsoToken(s2, 'corp', 'tok-corp', new Date(Date.now() - 60_000));
      failsWith(await awspAsync(s2, ['exports', 'sso-new', '--format', 'json']), /run: awsp login --sso-session corp /);
      failsWith(await awspAsync(s2, ['exports', 'sso-role', '--format', 'json']), /SSO session for 'sso-new' .*awsp login --sso-session corp /);
    } finally {
      s2.cleanup();
    }
  });

  test('SSO: a token the portal rejects gets the same advice', async () => {
    fake.options.ssoTokens = [];
    try {
      failsWith(await exportsOf('sso-legacy'), /run: awsp login sso-legacy /);
    } finally {
      fake.options.ssoTokens = ['tok-legacy', 'tok-corp'];
    }
  });

  test('--login signs in with awsp itself (test/sso/login.test.ts has the whole flow): here IAM Identity Center is unreachable', async () => {
    const s2 = awsSandbox(fake.url);
    try {
      s2.writeConfig(readConfig());
      const r = await awspAsync(s2, ['exports', 'sso-legacy', '--format', 'json', '--login'], { env: { BROWSER: '', AWS_ENDPOINT_URL_SSO_OIDC: NOWHERE } });
      assert.equal(r.code, 1, dump(r));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^awsp: cannot reach IAM Identity Center in us-east-1 while registering this client \(.*ECONNREFUSED.*\); check the network, proxy or endpoint settings\n$/);
    } finally {
      s2.cleanup();
    }
  });

  test('AccessDenied on AssumeRole names the role and the source profile', async () => {
    fake.options.denyRoles = [roleArn('r2')];
    try {
      failsWith(await exportsOf('role2'), new RegExp(`access denied assuming ${roleArn('r2')} with the credentials of source profile 'role'`));
    } finally {
      fake.options.denyRoles = [];
    }
  });

  test('network unreachable', async () => {
    failsWith(await exportsOf('role', { AWS_ENDPOINT_URL_STS: NOWHERE }), /^awsp: cannot reach AWS while resolving 'role' \(.*ECONNREFUSED.*\); check the network/);
  });

  test('credential_process failing shows its stderr; bad output says what was wrong', async () => {
    failsWith(await exportsOf('bad-process'), /^awsp: credential_process of profile 'bad-process' failed: token service says no \| second line\n$/);
    failsWith(await exportsOf('garbage-process'), /^awsp: credential_process of profile 'garbage-process': returned invalid JSON/);
  });

  test('recursion guard: a profile whose credential_process runs itself, directly or through a chain', async () => {
    const t = Date.now();
    failsWith(await exportsOf('loop'), /credential_process loop: loop -> loop/);
    failsWith(await exportsOf('loop-a'), /credential_process loop: loop-a -> loop-b -> loop-a/);
    assert.ok(Date.now() - t < 20_000);
  });

  test('usage errors exit 2', async () => {
    failsWith(await awspAsync(sb, ['exports', '--format', 'yaml']), /unknown format 'yaml'/, 2);
    failsWith(await awspAsync(sb, ['exports', '--bogus']), /unknown option '--bogus'/, 2);
    failsWith(await awspAsync(sb, ['exports', 'a', 'b']), /one profile at most/, 2);
    failsWith(await awspAsync(sb, ['exports', '--duration', '5']), /--duration takes seconds/, 2);
    failsWith(await awspAsync(sb, ['exec', 'role', 'ls']), /usage: awsp exec/, 2);
  });
});

describe('MFA through the terminal', () => {
  // `script` runs awsp on a pseudo-terminal; what we feed it is typed there. The prompt goes
  // to stderr (the terminal here), and the code is read from /dev/tty, never from stdin.
  const onTty = (args: string, typed: string) =>
    spawnAsync('script', ['-qec', `awsp ${args} 2>"${sb.dir}/stderr"`, '/dev/null'], { cwd: sb.dir, env: sb.env, input: typed, timeout: 30_000 }).then((r) => ({
      ...r,
      stderr: readFileSync(`${sb.dir}/stderr`, 'utf8'),
    }));
  const jsonIn = (s: string) => JSON.parse(s.slice(s.indexOf('{'), s.lastIndexOf('}') + 1)) as Record<string, string>;

  test('role with mfa_serial over long-term keys: the code goes to GetSessionToken, the role is assumed from that session', async () => {
    const from = fake.requests.length;
    const r = await onTty('exports mfa-role --format json --no-cache --reveal', '123456\n');
    assert.equal(r.code, 0, dump(r));
    assert.match(r.stderr, /^awsp: MFA code for arn:aws:iam::123456789012:mfa\/me: $/);
    assert.match(jsonIn(r.stdout).AWS_ACCESS_KEY_ID!, /^ASIAROLE/);
    const q = fake.requests.slice(from);
    assert.deepEqual(
      q.map((x) => [x.action, x.signedBy?.replace(/\d+$/, 'N'), x.params.SerialNumber, x.params.TokenCode, x.params.DurationSeconds]),
      [
        ['GetSessionToken', 'AKIABASE', 'arn:aws:iam::123456789012:mfa/me', '123456', '28800'],
        ['AssumeRole', 'ASIASESSIONN', undefined, undefined, '3600'],
      ],
    );
  });

  test('--no-session: the code goes to AssumeRole itself, as the AWS CLI sends it', async () => {
    const from = fake.requests.length;
    const r = await onTty('exports mfa-role --format json --no-cache --no-session --reveal', '123456\n');
    assert.equal(r.code, 0, dump(r));
    const q = fake.requests.slice(from);
    assert.deepEqual(q.map((x) => [x.action, x.signedBy, x.params.SerialNumber, x.params.TokenCode]), [['AssumeRole', 'AKIABASE', 'arn:aws:iam::123456789012:mfa/me', '123456']]);
  });

  test('static keys with mfa_serial: GetSessionToken with the code', async () => {
    const from = fake.requests.length;
    const r = await onTty('exports mfa-static --format json --no-cache --reveal', '123456\n');
    assert.equal(r.code, 0, dump(r));
    assert.match(jsonIn(r.stdout).AWS_ACCESS_KEY_ID!, /^ASIASESSION/);
    assert.deepEqual(
      fake.requests.slice(from).map((x) => [x.action, x.signedBy, x.params.TokenCode]),
      [['GetSessionToken', 'AKIAMFA', '123456']],
    );
  });

  test('a refused MFA code: one line, non-zero', async () => {
    for (const profile of ['mfa-role', 'mfa-static']) {
      const r = await onTty(`exports ${profile} --format json --no-cache --reveal`, '000000\n');
      assert.equal(r.code, 1, dump(r));
      assert.match(r.stderr, /^awsp: MFA code for [^\n]+: awsp: the MFA code for arn:aws:iam::123456789012:mfa\/me was refused; run again with a fresh code\n$/);
    }
  });

  test('no terminal to ask on: a plain error', async () => {
    const r = await spawnAsync('setsid', ['-w', process.execPath, join(sb.dir, 'bin/awsp'), 'exports', 'mfa-role', '--format', 'json', '--no-cache'], { cwd: sb.dir, env: sb.env });
    failsWith(r, /needs an MFA code for arn:aws:iam::123456789012:mfa\/me, but there is no terminal to ask on/);
  });
});
