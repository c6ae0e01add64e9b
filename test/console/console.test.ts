// `awsp console`: credentials resolved by the real SDK against the fake STS and SSO portal, an
// IAM user's keys federated, the sign-in token asked of a fake federation endpoint that checks
// the Session JSON, and the URL printed or handed to a browser through a one-time redirect.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { destination, partitionFor } from '../../src/console/partition.js';
import { browserCommands } from '../../src/console/browser.js';
import { fakeAwsSandbox, NASTY } from '../helpers/aws-files.js';
import type { FakeAws } from '../helpers/fakeaws.js';
import { type FakeSignin, startFakeSignin } from '../helpers/fakesignin.js';
import { AWSP_BIN, dump, type Result, type Sandbox, SHELLS } from '../helpers/sandbox.js';
import { awspAsync, runAsync, spawnAsync } from '../helpers/spawn.js';

let fake: FakeAws;
let signin: FakeSignin;
let sb: Sandbox;
let close: () => Promise<void>;
let env: Record<string, string>;

before(async () => {
  ({ fake, sb, close } = await fakeAwsSandbox({ ssoTokens: ['tok-legacy', 'tok-corp'] }));
  signin = await startFakeSignin();
  // What the shared fake STS and SSO portal hand out (test/helpers/fakeaws.ts), so the
  // federation endpoint can tell real temporary credentials from anything else.
  signin.lookup = (id) => {
    const m = /^ASIA(ROLE|SSO|WEBID|SESSION)(\d+)$/.exec(id);
    if (!m) return undefined;
    const kind = m[1]!.toLowerCase();
    return { secret: `secret-${kind}-${Number(m[2])}`, token: `token-${kind}-${Number(m[2])}` };
  };
  env = { AWSP_FEDERATION_ENDPOINT: signin.endpoint };
});
after(async () => {
  await signin.close();
  await close();
});

/** Runs awsp console and returns its result with what both fakes saw meanwhile. */
async function consoleRun(args: string[], extra: Record<string, string> = {}) {
  const from = signin.requests.length;
  const fromSts = fake.requests.length;
  const r = await awspAsync(sb, ['console', ...args], { env: { ...env, ...extra } });
  return { r, seen: signin.requests.slice(from), sts: fake.requests.slice(fromSts) };
}

function loginParams(r: Result): Record<string, string> {
  assert.equal(r.code, 0, dump(r));
  const lines = r.stdout.split('\n');
  assert.deepEqual(lines.slice(1), [''], 'one line');
  const url = new URL(lines[0]!);
  assert.equal(`${url.origin}${url.pathname}`, signin.endpoint);
  return Object.fromEntries(url.searchParams);
}

const SECRETS = ['base/secret', 'fed-secret-', 'secret-role-', 'secret-sso-', 'temp/secret', NASTY.slice(0, 10)];
const assertNoSecret = (text: string) => {
  for (const s of SECRETS) assert.ok(!text.includes(s), `${JSON.stringify(s)} in ${text}`);
};

describe('awsp console --url', () => {
  test('a role: its session is traded for a sign-in token, with SessionDuration, landing on the service in its region', async () => {
    const { r, seen, sts } = await consoleRun(['role', '--url', '--service', 's3']);
    const p = loginParams(r);
    assert.deepEqual(sts.map((q) => q.action), ['AssumeRole']);
    const get = seen.find((q) => q.action === 'getSigninToken')!;
    assert.equal(get.params.SessionDuration, '3600');
    const id = String(get.session!.sessionId);
    assert.match(id, /^ASIAROLE/);
    assert.deepEqual(Object.keys(get.session!).sort(), ['sessionId', 'sessionKey', 'sessionToken']);
    assert.deepEqual({ ...p }, { Action: 'login', Issuer: '', Destination: 'https://console.aws.amazon.com/s3/home?region=eu-west-1', SigninToken: `signin-token-${id}-3600` });
    assert.equal(r.stderr, '');
  });

  test("--duration sets a role's console session, up to 12 hours", async () => {
    const { r, seen } = await consoleRun(['role', '--url', '--duration', '2h']);
    loginParams(r);
    assert.equal(seen.find((q) => q.action === 'getSigninToken')!.params.SessionDuration, '7200');
    const long = await consoleRun(['role', '--url', '--duration', '13h']);
    assert.equal(long.r.code, 2, dump(long.r));
    assert.match(long.r.stderr, /^awsp: a console session as a role lasts at most 12h, not '?13h/);
    assert.deepEqual(long.seen, []);
  });

  test("an IAM user's keys become a federation session first, with a policy that adds nothing to the user's", async () => {
    const { r, seen } = await consoleRun(['base', '--url', '--duration', '2h'], { AWS_ENDPOINT_URL_STS: signin.sts });
    const p = loginParams(r);
    const fed = seen.find((q) => q.action === 'GetFederationToken')!;
    assert.equal(fed.signedBy, 'AKIABASE');
    assert.equal(fed.params.Name, 'awsp-base');
    assert.equal(fed.params.DurationSeconds, '7200');
    assert.deepEqual(JSON.parse(fed.params.Policy!), { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    const get = seen.find((q) => q.action === 'getSigninToken')!;
    assert.match(String(get.session!.sessionId), /^ASIAFED/);
    // The endpoint refuses SessionDuration with these credentials: none is sent.
    assert.equal(get.params.SessionDuration, undefined);
    assert.equal(p.SigninToken, `signin-token-${String(get.session!.sessionId)}-none`);
    assert.equal(p.Destination, 'https://console.aws.amazon.com/console/home');
    // The keys stay inside awsp (only the federation session is used): nothing to warn about.
    assert.equal(r.stderr, '');
  });

  test('SSO credentials: no SessionDuration (they last as long as the permission set says)', async () => {
    const { r, seen, sts } = await consoleRun(['sso-new', '--url', '--service', 'iam']);
    const p = loginParams(r);
    assert.deepEqual(sts.map((q) => q.action), ['GetRoleCredentials']);
    const get = seen.find((q) => q.action === 'getSigninToken')!;
    assert.match(String(get.session!.sessionId), /^ASIASSO/);
    assert.equal(get.params.SessionDuration, undefined);
    assert.equal(p.Destination, 'https://console.aws.amazon.com/iam/home');
  });

  test('the partition follows the region; a full console URL is kept as it is', async () => {
    let { r } = await consoleRun(['role', '--url', '--region', 'cn-north-1', '--service', 'ec2']);
    assert.equal(loginParams(r).Destination, 'https://console.amazonaws.cn/ec2/home?region=cn-north-1');
    ({ r } = await consoleRun(['role', '--url', '--service', 'https://eu-west-1.console.aws.amazon.com/lambda/home#/functions']));
    assert.equal(loginParams(r).Destination, 'https://eu-west-1.console.aws.amazon.com/lambda/home#/functions');
  });

  test('the endpoint refusing: its message, on one line, and no secret', async () => {
    // Session keys from the credentials file that the endpoint does not take.
    let { r } = await consoleRun(['temp', '--url']);
    assert.equal(r.code, 1, dump(r));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^awsp: the federation endpoint 127\.0\.0\.1:\d+ refused the credentials \(HTTP 400: The credentials in the Session are not valid temporary credentials\)\n$/);
    assertNoSecret(r.stderr);
    signin.refuse = 'Access \x1b[31mdenied\x1b[0m';
    try {
      ({ r } = await consoleRun(['role', '--url']));
    } finally {
      signin.refuse = null;
    }
    assert.match(r.stderr, /^awsp: the federation endpoint .* refused the credentials \(HTTP 400: Access \\x1b\[31mdenied\\x1b\[0m\)\n$/);
  });

  test('an IAM user that may not federate: why, in one line', async () => {
    signin.denyFederation = 'User: arn:aws:iam::123456789012:user/base is not authorized to perform: sts:GetFederationToken';
    let out;
    try {
      out = await consoleRun(['base', '--url'], { AWS_ENDPOINT_URL_STS: signin.sts });
    } finally {
      signin.denyFederation = null;
    }
    assert.equal(out.r.code, 1, dump(out.r));
    assert.match(out.r.stderr, /awsp: profile 'base' cannot sign in to the console: its keys are an IAM user's, and STS refused to turn them into a federation session \(AccessDenied: User: .* sts:GetFederationToken\)\n$/);
    assert.ok(!out.seen.some((q) => q.action === 'getSigninToken'));
    assertNoSecret(out.r.stderr);
  });

  test('usage errors before anything is resolved', async () => {
    for (const [args, extra, message] of [
      [['role', '--reveal'], {}, /^awsp: --reveal only goes with --url/],
      [['role', '--url', '--service', 'not a service'], {}, /^awsp: --service takes a service name/],
      [['role', '--url', '--service', 'http://example.com/'], {}, /^awsp: --service takes a service name/],
      [['role', '--url'], { AWSP_FEDERATION_ENDPOINT: 'not a url' }, /^awsp: AWSP_FEDERATION_ENDPOINT must be an http\(s\) URL/],
    ] as const) {
      const { r, seen, sts } = await consoleRun([...args], extra);
      assert.equal(r.code, 2, dump(r));
      assert.match(r.stderr, message);
      assert.equal(r.stderr.split('\n').length, 2, r.stderr);
      assert.deepEqual([seen, sts], [[], []]);
    }
  });

  test('onto a terminal: refused without --reveal, before any credentials are resolved', async () => {
    const from = fake.requests.length;
    const r = await spawnAsync('script', ['-qec', `${process.execPath} ${AWSP_BIN} console role --url`, '/dev/null'], { cwd: sb.dir, env: { ...sb.env, ...env } });
    assert.equal(r.code, 1, dump(r));
    assert.match(r.stdout, /awsp: not printing the sign-in URL onto the terminal/);
    assert.equal(fake.requests.length, from);
    const shown = await spawnAsync('script', ['-qec', `${process.execPath} ${AWSP_BIN} console role --url --reveal`, '/dev/null'], { cwd: sb.dir, env: { ...sb.env, ...env } });
    assert.equal(shown.code, 0, dump(shown));
    assert.match(shown.stdout, /Action=login/);
  });
});

describe('awsp console in the browser', () => {
  // A browser that records its command line, asks for the page once without following the
  // redirect, and then tries the same address again.
  const browser = (log: string) =>
    sb.write(
      'browser.mjs',
      `import { writeFileSync } from 'node:fs';\n` +
        `const argv = process.argv.slice(2);\n` +
        `const res = await fetch(argv[0], { redirect: 'manual' });\n` +
        `const again = await fetch(argv[0], { redirect: 'manual' }).then((r) => r.status, () => 'refused');\n` +
        `writeFileSync(${JSON.stringify(log)}, JSON.stringify({ argv, status: res.status, location: res.headers.get('location'), again }));\n`,
    );

  test('the browser gets a one-time local address that redirects to the sign-in URL; the URL is on no command line', async () => {
    const log = `${sb.dir}/browser.log`;
    const script = browser(log);
    const { r, seen } = await consoleRun(['role', '--service', 's3'], { BROWSER: `${process.execPath} ${script} %s` });
    assert.equal(r.code, 0, dump(r));
    assert.equal(r.stdout, '');
    // awsp is done once the page was asked for; the browser goes on to write its log.
    for (let i = 0; i < 200 && !existsSync(log); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const b = JSON.parse(readFileSync(log, 'utf8')) as { argv: string[]; status: number; location: string; again: unknown };
    assert.equal(b.argv.length, 1);
    assert.match(b.argv[0]!, /^http:\/\/127\.0\.0\.1:\d+\/[\w-]{43}$/);
    assert.equal(b.status, 302);
    assert.notEqual(b.again, 302, 'the address works once');
    const url = new URL(b.location);
    assert.equal(`${url.origin}${url.pathname}`, signin.endpoint);
    const get = seen.find((q) => q.action === 'getSigninToken')!;
    assert.equal(url.searchParams.get('SigninToken'), `signin-token-${String(get.session!.sessionId)}-3600`);
    assert.equal(url.searchParams.get('Destination'), 'https://console.aws.amazon.com/s3/home?region=eu-west-1');
  });

  test('no browser, or one that fails: one line that points to --url', async () => {
    let { r } = await consoleRun(['role'], { PATH: `${dirname(AWSP_BIN)}:${dirname(process.execPath)}` });
    assert.equal(r.code, 1, dump(r));
    assert.match(r.stderr, /^awsp: no browser to open the console in: set BROWSER, or print the URL with awsp console --url\n$/);
    ({ r } = await consoleRun(['role'], { BROWSER: 'false' }));
    assert.equal(r.code, 1, dump(r));
    assert.match(r.stderr, /^awsp: the browser command false failed \(exit 1\) before opening the page; awsp console --url prints the URL instead\n$/);
  });

  test('while it waits for the browser: SIGUSR1 opens no inspector', async () => {
    const started = `${sb.dir}/browser.started`;
    // A browser that never asks for the page.
    const script = sb.write('slow-browser.sh', `#!/bin/sh\ntouch ${started}\nexec sleep 30\n`, 0o755);
    const child = spawn(process.execPath, [AWSP_BIN, 'console', 'role'], { cwd: sb.dir, env: { ...sb.env, ...env, BROWSER: script }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    for (let i = 0; i < 300 && !existsSync(started); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(existsSync(started), 'the browser was started');
    child.kill('SIGUSR1');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(child.exitCode, null, 'still waiting');
    child.kill('SIGTERM');
    assert.equal(await exited, 'SIGTERM');
    assert.equal(stderr, '');
  });

  test('BROWSER is read as Python and xdg-utils read it', () => {
    assert.deepEqual(browserCommands({ BROWSER: 'firefox:chromium --new-window %s' }, 'U'), [
      ['firefox', 'U'],
      ['chromium', '--new-window', 'U'],
    ]);
    assert.deepEqual(browserCommands({}, 'U', 'linux'), [['xdg-open', 'U']]);
    assert.deepEqual(browserCommands({}, 'U', 'darwin'), [['open', 'U']]);
  });
});

describe('partitions and pages', () => {
  test('sign-in endpoints and consoles by region, then by ARN', () => {
    assert.equal(partitionFor('us-gov-west-1', undefined).signin, 'https://signin.amazonaws-us-gov.com/federation');
    assert.equal(partitionFor('cn-northwest-1', undefined).signin, 'https://signin.amazonaws.cn/federation');
    assert.equal(partitionFor('eu-west-1', 'arn:aws-cn:iam::1:role/x').signin, 'https://signin.aws.amazon.com/federation');
    assert.equal(partitionFor('', 'arn:aws-us-gov:iam::123456789012:role/x').console, 'console.amazonaws-us-gov.com');
    assert.throws(() => partitionFor('us-iso-east-1', undefined), /no console sign-in for the partition of us-iso-east-1/);
  });

  test('service pages, global services without a region', () => {
    const aws = partitionFor('', undefined);
    assert.equal(destination('dynamodb', 'eu-west-1', aws), 'https://console.aws.amazon.com/dynamodbv2/home?region=eu-west-1');
    assert.equal(destination('iam', 'eu-west-1', aws), 'https://console.aws.amazon.com/iam/home');
    assert.equal(destination(undefined, '', aws), 'https://console.aws.amazon.com/console/home');
  });
});

for (const shell of SHELLS) {
  test(`${shell}: the shell function runs console as a program`, async () => {
    const r = await runAsync(shell, sb, 'awsp console role --url | cat', { env });
    assert.equal(r.code, 0, dump(r));
    assert.match(r.stdout, /^http:\/\/127\.0\.0\.1:\d+\/federation\?Action=login&/);
  });
}

