// awsp login / logout against a fake IAM Identity Center on 127.0.0.1, with the real SDKs:
// awsp's (JS), and botocore's in python3, which reads and refreshes the token awsp wrote. That
// botocore resolves an SSO profile from awsp's cache is the proof that the cache is the CLI's.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NOWHERE } from '../helpers/aws-files.js';
import { type FakeIdc, type FakeIdcOptions, startFakeIdc, testBrowser } from '../helpers/fakeidc.js';
import { registrationKey } from '../../src/sso/tokens.js';
import { AWSP_BIN, dump, q, type Result, type Sandbox, sandbox, SHELLS, type ShellName } from '../helpers/sandbox.js';
import { awspAsync, runAsync, spawnAsync } from '../helpers/spawn.js';

const CONFIG = `[sso-session corp]
sso_start_url = https://corp.example/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[sso-session other]
sso_start_url = https://other.example/start
sso_region = us-east-1

[sso-session nourl]
sso_region = eu-west-1

[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Admin
region = eu-west-1

[profile chained]
role_arn = arn:aws:iam::111111111111:role/x
source_profile = dev

[profile legacy]
sso_start_url = https://legacy.example/start
sso_region = us-east-1
sso_account_id = 111111111111
sso_role_name = Admin

[profile static]
aws_access_key_id = AKIASTATIC
aws_secret_access_key = s

[profile broken]
sso_session = missing
`;

const ACCOUNTS = [{ accountId: '111111111111', accountName: 'Prod', roles: ['Admin'] }];

/** The python3 that has botocore (the test runner's, not necessarily the first on the sandbox's PATH). */
const PYTHON = (() => {
  const r = spawnSync('python3', ['-c', 'import sys, botocore; print(sys.executable); print(botocore.__version__)'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 with botocore is needed (pip install boto3): ${r.stderr}`);
  return r.stdout.split('\n')[0]!;
})();

interface Env {
  idc: FakeIdc;
  sb: Sandbox;
  browser: { path: string; log: string };
  cache: string;
  run(args: string[], env?: Record<string, string>): Promise<Result>;
  close(): Promise<void>;
}

async function setup(opts: FakeIdcOptions = {}): Promise<Env> {
  const idc = await startFakeIdc({ accounts: ACCOUNTS, ...opts });
  const sb = sandbox({ AWS_ENDPOINT_URL_SSO: idc.url, AWS_ENDPOINT_URL_SSO_OIDC: idc.url, AWS_ENDPOINT_URL_STS: NOWHERE, AWS_EC2_METADATA_DISABLED: 'true' });
  sb.writeConfig(CONFIG);
  const browser = testBrowser(sb);
  sb.env.BROWSER = browser.path;
  return {
    idc,
    sb,
    browser,
    cache: join(sb.home, '.aws', 'sso', 'cache'),
    run: (args, env = {}) => awspAsync(sb, args, { env, timeout: 60_000 }),
    close: async () => {
      sb.cleanup();
      await idc.close();
    },
  };
}

const sha1 = (s: string): string => createHash('sha1').update(s).digest('hex');

const cacheFiles = (e: Env): string[] => (existsSync(e.cache) ? readdirSync(e.cache).sort() : []);
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

/** botocore resolves PROFILE's credentials: the access key id, or the error. */
async function botocore(e: Env, profile: string): Promise<Result> {
  return spawnAsync(
    PYTHON,
    ['-c', 'import boto3, sys\nc = boto3.Session(profile_name=sys.argv[1]).get_credentials().get_frozen_credentials()\nprint(c.access_key)', profile],
    { cwd: e.sb.dir, env: { ...e.sb.env, AWS_SDK_LOAD_CONFIG: '1' }, timeout: 60_000 },
  );
}

/**
 * `awsp dev` in SHELL through the names cache alone (awsp on PATH replaced by a stub that fails
 * loudly, so Node cannot judge the token instead): what it printed on stderr, and AWS_PROFILE.
 */
async function shellSwitch(e: Env, shell: ShellName): Promise<{ stderr: string; profile: string }> {
  // A config changed in the cache's own second keeps the cache stale: both made older first.
  const old = new Date(Date.now() - 3_600_000);
  for (const p of [e.sb.config, e.sb.credentials, join(e.sb.home, '.aws')]) if (existsSync(p)) utimesSync(p, old, old);
  assert.equal((await e.run(['list'])).code, 0);
  e.sb.write('stub/awsp', '#!/bin/sh\necho ASKED-NODE >&2\nexit 1\n', 0o755);
  const stub = q(shell, join(e.sb.dir, 'stub'));
  const script =
    shell === 'fish'
      ? `set -gx PATH ${stub} $PATH; awsp dev; builtin printf 'P=%s\\n' "$AWS_PROFILE"`
      : `PATH=${stub}:"$PATH"; awsp dev; \\builtin printf 'P=%s\\n' "\${AWS_PROFILE-}"`;
  const r = await runAsync(shell, e.sb, script);
  assert.equal(r.code, 0, dump(r));
  return { stderr: r.stderr, profile: /^P=(.*)$/m.exec(r.stdout)?.[1] ?? '' };
}

/** Nothing secret from the cache files in the output. */
function noSecrets(e: Env, ...results: Result[]): void {
  const secrets = cacheFiles(e).flatMap((f) => {
    const j = readJson(join(e.cache, f));
    return ['accessToken', 'refreshToken', 'clientSecret'].map((k) => j[k]).filter((v): v is string => typeof v === 'string');
  });
  assert.ok(secrets.length > 0);
  for (const r of results) for (const s of secrets) assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s), `a secret was printed:\n${dump(r)}`);
}

/** Starts awsp and resolves once its stderr matches PATTERN (for signals sent mid-login). */
function startUntil(e: Env, args: string[], pattern: RegExp, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [AWSP_BIN, ...args], { cwd: e.sb.dir, env: { ...e.sb.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const done = new Promise<Result>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} on stderr:\n${stderr}`)), 30_000);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (pattern.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { child, ready, done };
}

describe('awsp login (PKCE, the default)', () => {
  let e: Env;
  before(async () => {
    e = await setup({ tokenLifetime: 8 * 3600 });
  });
  after(() => e.close());

  test('a browser run by $BROWSER comes back to the loopback listener; the token is the CLI’s, 0600 in a 0700 folder', async () => {
    const r = await e.run(['login', 'dev']);
    assert.equal(r.code, 0, dump(r));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /signing in to SSO session 'corp' .* in your browser/);
    assert.match(r.stderr, /signed in to SSO session 'corp' until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);

    // The URL the browser was given: on stderr too, every parameter the CLI sends, the redirect to 127.0.0.1.
    const url = new URL(readFileSync(e.browser.log, 'utf8').trim());
    assert.ok(r.stderr.includes(url.href), 'the URL is printed on stderr');
    assert.equal(`${url.protocol}//${url.host}${url.pathname}`, `${e.idc.url}/authorize`);
    const q = Object.fromEntries(url.searchParams);
    assert.equal(q.response_type, 'code');
    assert.equal(q.code_challenge_method, 'S256');
    assert.equal(q.scopes, 'sso:account:access');
    assert.match(q.redirect_uri!, /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
    assert.match(q.code_challenge!, /^[A-Za-z0-9_-]{43}$/);
    assert.match(q.state!, /^[0-9a-f-]{36}$/);

    const reg = e.idc.calls('/client/register')[0]!.body;
    assert.deepEqual(reg.grantTypes, ['authorization_code', 'refresh_token']);
    assert.deepEqual(reg.redirectUris, ['http://127.0.0.1/oauth/callback']);
    assert.equal(reg.issuerUrl, 'https://corp.example/start');
    assert.deepEqual(reg.scopes, ['sso:account:access']);

    // The token file: sha1 of the session name, the CLI's keys in the CLI's order, Python's JSON.
    const file = join(e.cache, `${sha1('corp')}.json`);
    const text = readFileSync(file, 'utf8');
    assert.match(
      text,
      /^\{"startUrl": "https:\/\/corp\.example\/start", "region": "eu-west-1", "accessToken": "[^"]+", "expiresAt": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "clientId": "[^"]+", "clientSecret": "[^"]+", "registrationExpiresAt": "[^"]+Z", "refreshToken": "[^"]+"\}$/,
    );
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(e.cache).mode & 0o777, 0o700);
    // The registration: its own file, named as botocore names it, reusable by the CLI.
    const regFile = cacheFiles(e).find((f) => f !== `${sha1('corp')}.json`)!;
    const expectedKey = spawnSync(PYTHON, ['-c', "import hashlib, json; print(hashlib.sha1(json.dumps({'tool': 'botocore', 'startUrl': 'https://corp.example/start', 'region': 'eu-west-1', 'scopes': ['sso:account:access'], 'session_name': 'corp'}, sort_keys=True).encode()).hexdigest())"], { encoding: 'utf8' }).stdout.trim();
    assert.equal(regFile, `${expectedKey}.json`);
    assert.deepEqual(Object.keys(readJson(join(e.cache, regFile))), ['clientId', 'clientSecret', 'expiresAt', 'scopes', 'grantTypes']);
    assert.deepEqual(cacheFiles(e).filter((f) => !f.endsWith('.json')), []);
    noSecrets(e, r);
  });

  test('botocore (python3) resolves the profile from that cache through the portal; the JS SDK does through awsp exports', async () => {
    const py = await botocore(e, 'dev');
    assert.equal(py.code, 0, dump(py));
    assert.match(py.stdout, /^ASIAIDC\d{8}\n$/);
    const js = await e.run(['exports', 'dev', '--format', 'json']);
    assert.equal(js.code, 0, dump(js));
    assert.match(JSON.parse(js.stdout).AWS_ACCESS_KEY_ID, /^ASIAIDC/);
    const token = readJson(join(e.cache, `${sha1('corp')}.json`)).accessToken;
    assert.deepEqual(
      e.idc.calls('/federation/credentials').map((c) => c.bearer),
      [token, token],
    );
  });

  test('a second login reuses the cached registration, as the CLI does', async () => {
    const before = e.idc.calls('/client/register').length;
    const r = await e.run(['login', '--sso-session', 'corp']);
    assert.equal(r.code, 0, dump(r));
    assert.equal(e.idc.calls('/client/register').length, before);
  });

  test('status and list say the session is signed in, and until when', async () => {
    const s = await e.run(['status'], { AWS_PROFILE: 'dev' });
    assert.match(s.stdout, /^sso-session 'corp': signed in until \d{4}-.*Z \(7h 5\dm left\)$/m);
    assert.match(s.stdout, /^sso-session 'other': not signed in; run: awsp login --sso-session other$/m);
    const l = await e.run(['list', '--json']);
    const rows = JSON.parse(l.stdout) as Array<{ name: string; sso: { session: string; state: string } | null }>;
    assert.deepEqual(rows.find((x) => x.name === 'chained')!.sso!.session, 'corp');
    assert.equal(rows.find((x) => x.name === 'dev')!.sso!.state, 'signed-in');
    assert.equal(rows.find((x) => x.name === 'legacy')!.sso!.state, 'signed-out');
    assert.equal(rows.find((x) => x.name === 'static')!.sso, null);
    // The table, on a terminal: an SSO column, and under it what to run for the sessions that need it.
    const t = await spawnAsync('script', ['-qec', 'awsp list', '/dev/null'], { cwd: e.sb.dir, env: e.sb.env });
    const table = t.stdout.replace(/\r/g, '');
    assert.match(table, /^ +PROFILE +KIND +ACCOUNT +ROLE +REGION +SSO +FILE$/m);
    assert.match(table, /^ +dev +sso +111111111111 +Admin +eu-west-1 +7h 5\dm +config$/m);
    assert.match(table, /^ +legacy +sso +111111111111 +Admin +- +signed out +config$/m);
    assert.match(table, /^ +static +static +- +- +- +- +config$/m);
    assert.match(table, /\n\nsso_start_url 'https:\/\/legacy\.example\/start': not signed in; run: awsp login legacy\n$/);
    noSecrets(e, s, l, t);
  });
});

describe('tokens expire: botocore and the JS SDK renew what awsp wrote', () => {
  test('botocore refreshes with the refresh token and writes the cache back; awsp reads it', async () => {
    // 10 minutes: inside botocore's 15-minute refresh window.
    const e = await setup({ tokenLifetime: 600 });
    try {
      assert.equal((await e.run(['login', '--sso-session', 'corp'])).code, 0);
      const file = join(e.cache, `${sha1('corp')}.json`);
      const first = readJson(file);
      const py = await botocore(e, 'dev');
      assert.equal(py.code, 0, dump(py));
      const grant = e.idc.calls('/token').at(-1)!.body;
      assert.equal(grant.grantType, 'refresh_token');
      assert.equal(grant.clientId, first.clientId);
      assert.equal(grant.refreshToken, first.refreshToken);
      const renewed = readJson(file);
      assert.notEqual(renewed.accessToken, first.accessToken);
      assert.equal(e.idc.calls('/federation/credentials').at(-1)!.bearer, renewed.accessToken);
      const s = await e.run(['status']);
      assert.match(s.stdout, /sso-session 'corp': signed in until/);
    } finally {
      await e.close();
    }
  });

  test('the real AWS CLI (/usr/bin/aws, 2.9) uses and refreshes the token awsp wrote', async () => {
    const e = await setup({ tokenLifetime: 600 });
    try {
      assert.equal((await e.run(['login', '--sso-session', 'corp'])).code, 0);
      // The CLI predates AWS_ENDPOINT_URL_*: endpoint rulesets in AWS_DATA_PATH send it to the fake
      // (as bench/exports.ts does for STS), and a dead proxy keeps anything else from leaving.
      const data = join(e.sb.dir, 'aws-data');
      for (const svc of ['sso', 'sso-oidc']) {
        const orig = `/usr/lib/python3/dist-packages/awscli/botocore/data/${svc}/2019-06-10/endpoint-rule-set-1.json`;
        assert.ok(existsSync(orig), `${orig} is missing: the AWS CLI v2 is needed; this test does not skip`);
        const rules = JSON.parse(readFileSync(orig, 'utf8')) as { rules: unknown[] };
        rules.rules = [{ conditions: [], endpoint: { url: e.idc.url, properties: {}, headers: {} }, type: 'endpoint' }];
        mkdirSync(join(data, svc, '2019-06-10'), { recursive: true });
        writeFileSync(join(data, svc, '2019-06-10', 'endpoint-rule-set-1.json'), JSON.stringify(rules));
      }
      const file = join(e.cache, `${sha1('corp')}.json`);
      const first = readJson(file);
      const cli = await spawnAsync('/usr/bin/aws', ['configure', 'export-credentials', '--profile', 'dev'], {
        cwd: e.sb.dir,
        env: { HOME: e.sb.home, PATH: '/usr/bin:/bin', AWS_CONFIG_FILE: e.sb.config, AWS_SHARED_CREDENTIALS_FILE: e.sb.credentials, AWS_DATA_PATH: data, HTTPS_PROXY: 'http://127.0.0.1:9' },
        timeout: 60_000,
      });
      assert.equal(cli.code, 0, dump(cli));
      assert.match(JSON.parse(cli.stdout).AccessKeyId, /^ASIAIDC/);
      assert.equal(e.idc.calls('/token').at(-1)!.body.refreshToken, first.refreshToken);
      // What the CLI wrote back, awsp reads.
      assert.notEqual(readJson(file).accessToken, first.accessToken);
      assert.match((await e.run(['status'])).stdout, /sso-session 'corp': signed in until/);
      // And the shells, which judge the token at a switch with builtins: the CLI's file as it
      // wrote it reads as signed in; with its two times moved into the past (nothing else
      // changed), as a session that needs a login.
      const cliText = readFileSync(file, 'utf8');
      for (const shell of SHELLS) assert.deepEqual(await shellSwitch(e, shell), { stderr: '', profile: 'dev' }, `${shell}, the CLI's file:\n${cliText}`);
      const past = cliText.replace(/("(?:expiresAt|registrationExpiresAt)"\s*:\s*")[^"]*"/g, '$12001-01-01T00:00:00Z"');
      assert.equal(past.match(/2001-01-01/g)?.length, 2, cliText);
      writeFileSync(file, past);
      const warning = "awsp: SSO session 'corp' has expired or is not signed in; run: awsp login --sso-session corp\n";
      for (const shell of SHELLS) assert.deepEqual(await shellSwitch(e, shell), { stderr: warning, profile: 'dev' }, `${shell}, expired:\n${past}`);
    } finally {
      await e.close();
    }
  });

  test('the JS SDK (awsp exports) refreshes a token near its end; an expired one with a refresh token shows as renewable', async () => {
    // 2 minutes: inside the JS SDK's 5-minute window.
    const e = await setup({ tokenLifetime: 120 });
    try {
      assert.equal((await e.run(['login', '--sso-session', 'corp'])).code, 0);
      const js = await e.run(['exports', 'dev', '--format', 'json']);
      assert.equal(js.code, 0, dump(js));
      assert.equal(e.idc.calls('/token').at(-1)!.body.grantType, 'refresh_token');
      // Expired, refresh token and registration still there: the SDKs will renew it.
      const file = join(e.cache, `${sha1('corp')}.json`);
      writeFileSync(file, JSON.stringify({ ...readJson(file), expiresAt: '2020-01-01T00:00:00Z' }));
      const s = await e.run(['status']);
      assert.match(s.stdout, /sso-session 'corp': token expired at 2020-01-01T00:00:00Z; the AWS CLI and SDKs renew it with its refresh token \(if that fails, run: awsp login --sso-session corp\)/);
    } finally {
      await e.close();
    }
  });
});

describe('awsp login (device code)', () => {
  test('--use-device-code --no-browser: the URL and code on stderr, pending waited out, no browser started', async () => {
    const e = await setup({ device: 'polls', approveAfterPolls: 2, interval: 1 });
    try {
      // A cache folder as the CLI leaves it (0755): made private before a token goes in.
      mkdirSync(e.cache, { recursive: true, mode: 0o755 });
      const r = await e.run(['login', 'dev', '--use-device-code', '--no-browser']);
      assert.equal(r.code, 0, dump(r));
      assert.match(r.stderr, /^awsp: made \S+\/\.aws\/sso\/cache private \(0700\): it holds sign-in tokens\n/);
      assert.equal(statSync(e.cache).mode & 0o777, 0o700);
      assert.match(r.stderr, /open this URL on any device and approve the code [0-9A-F]{4}-[0-9A-F]{4}:\n\n {2}http:\/\/127\.0\.0\.1:\d+\/device\?user_code=/);
      assert.ok(!existsSync(e.browser.log), 'no browser with --no-browser');
      const polls = e.idc.calls('/token');
      assert.equal(polls.length, 3);
      assert.ok(polls.every((p) => p.body.grantType === 'urn:ietf:params:oauth:grant-type:device_code'));
      // At the interval given (1 s), not faster.
      for (let i = 1; i < polls.length; i++) assert.ok(polls[i]!.at - polls[i - 1]!.at >= 950, `poll ${i} came early`);
      const tok = readJson(join(e.cache, `${sha1('corp')}.json`));
      assert.equal(typeof tok.refreshToken, 'string');
      noSecrets(e, r);
    } finally {
      await e.close();
    }
  });

  test('slow_down adds 5 seconds to the interval', async () => {
    const e = await setup({ device: 'polls', approveAfterPolls: 0, interval: 1, slowDown: 1 });
    try {
      const r = await e.run(['login', '--sso-session', 'corp', '--no-browser']);
      assert.equal(r.code, 0, dump(r));
      const polls = e.idc.calls('/token');
      assert.equal(polls.length, 2);
      assert.ok(polls[1]!.at - polls[0]!.at >= 5900, `${polls[1]!.at - polls[0]!.at} ms after slow_down`);
    } finally {
      await e.close();
    }
  });

  test('--use-device-code with a browser opens the verification URL (the fake approves when it is visited)', async () => {
    const e = await setup({ device: 'browser' });
    try {
      const r = await e.run(['login', 'dev', '--use-device-code']);
      assert.equal(r.code, 0, dump(r));
      assert.match(readFileSync(e.browser.log, 'utf8'), /\/device\?user_code=/);
    } finally {
      await e.close();
    }
  });

  test('no browser anywhere (no $BROWSER, no display): a device code instead, said once', async () => {
    const e = await setup({ device: 'polls', approveAfterPolls: 0 });
    try {
      const r = await e.run(['login', 'dev'], { BROWSER: '' });
      assert.equal(r.code, 0, dump(r));
      assert.match(r.stderr, /^awsp: no browser to open here \(set BROWSER to name one\); signing in with a device code instead\n/);
      assert.equal(e.idc.calls('/device_authorization').length, 1);
    } finally {
      await e.close();
    }
  });

  test('a legacy profile (sso_start_url in the profile) signs in with a device code, as the CLI does; botocore uses it', async () => {
    const e = await setup({ device: 'polls', approveAfterPolls: 0 });
    try {
      const r = await e.run(['login', 'legacy']);
      assert.equal(r.code, 0, dump(r));
      assert.equal(e.idc.calls('/authorize').length, 0);
      assert.ok(existsSync(join(e.cache, `${sha1('https://legacy.example/start')}.json`)));
      const py = await botocore(e, 'legacy');
      assert.equal(py.code, 0, dump(py));
      const js = await e.run(['exports', 'legacy', '--format', 'json']);
      assert.equal(js.code, 0, dump(js));
    } finally {
      await e.close();
    }
  });
});

describe('refusals and interruptions leave nothing behind', () => {
  let e: Env;
  before(async () => {
    e = await setup();
  });
  after(() => e.close());

  /** Fails with one line (after what a login in progress printed: its URL). */
  const failsWith = (r: Result, pattern: RegExp, code = 1) => {
    assert.equal(r.code, code, dump(r));
    assert.equal(r.stdout, '');
    const last = r.stderr.replace(/^[^]*\n\n(?=awsp: )/, '');
    assert.match(last, /^awsp: [^\n]+\n$/, dump(r));
    assert.match(last, pattern);
  };

  test('bad input: one line, non-zero, nothing written, nothing asked of IAM Identity Center', async () => {
    failsWith(await e.run(['login', 'nosuch']), /no profile 'nosuch'/);
    failsWith(await e.run(['login', '--sso-session', 'corpp']), /no sso-session 'corpp' in .*; did you mean 'corp'\?/);
    failsWith(await e.run(['login', 'static']), /profile 'static' does not sign in through IAM Identity Center/);
    failsWith(await e.run(['login', '--sso-session', 'nourl']), /\[sso-session nourl\] in .* has no sso_start_url/);
    failsWith(await e.run(['login', 'broken']), /no sso-session 'missing' .*\(named by profile 'broken'\)/);
    failsWith(await e.run(['login', 'dev', '--sso-session', 'corp']), /give a profile or --sso-session NAME, not both/, 2);
    failsWith(await e.run(['login']), /which SSO session\? give --sso-session NAME \(one of 'corp', 'other', 'nourl'\) or a profile/, 2);
    failsWith(await e.run(['login', '--bogus']), /unknown option '--bogus'/, 2);
    failsWith(await e.run(['logout', '--sso-session', 'nosuch']), /no sso-session 'nosuch'/);
    failsWith(await e.run(['sso', 'populate', '--sso-session', 'nourl']), /has no sso_start_url/);
    failsWith(await e.run(['sso', 'frobnicate']), /unknown action 'frobnicate'; one of populate, add/, 2);
    assert.equal(existsSync(join(e.sb.home, '.aws', 'sso')), false);
    assert.equal(readFileSync(e.sb.config, 'utf8'), CONFIG);
    assert.equal(e.idc.requests.length, 0);
  });

  test('the sign-in refused in the browser (access_denied), or by the device flow: one line, no token', async () => {
    e.idc.options.authorize = 'deny';
    failsWith(await e.run(['login', 'dev']), /the sign-in was refused \(access_denied: The user denied the request\); nothing was saved$/m, 1);
    e.idc.options.authorize = 'approve';
    e.idc.options.device = 'deny';
    const d = await e.run(['login', 'dev', '--no-browser']);
    assert.equal(d.code, 1, dump(d));
    assert.match(d.stderr, /awsp: the sign-in to SSO session 'corp' was denied \(access_denied\); nothing was saved\n$/);
    e.idc.options.device = 'expire';
    const x = await e.run(['login', 'dev', '--no-browser']);
    assert.match(x.stderr, /awsp: the code expired before it was approved; nothing was saved; run the login again\n$/);
    e.idc.options.device = 'browser';
    assert.ok(!cacheFiles(e).some((f) => f === `${sha1('corp')}.json`));
  });

  test('a callback with another state is refused (and one from another host name is not even read)', async () => {
    // A "browser" that answers the loopback itself: first with the right state through another host
    // name (a web page rebinding DNS), which must not even be read; then with a forged state.
    const evil = e.sb.write(
      'bin/evil-browser',
      `#!/bin/sh\nredirect=$(printf '%s' "$1" | sed 's/.*redirect_uri=\\([^&]*\\).*/\\1/' | sed 's/%3A/:/g; s/%2F/\\//g')\n` +
        `state=$(printf '%s' "$1" | sed 's/.*[?&]state=\\([^&]*\\).*/\\1/')\n` +
        `( curl -s -H 'Host: attacker.example' "$redirect?code=stolen&state=$state" >/dev/null; curl -s "$redirect?code=x&state=forged" >/dev/null ) &\n`,
      0o755,
    );
    failsWith(await e.run(['login', 'dev'], { BROWSER: evil }), /the browser came back with another sign-in's state; nothing was saved; run the login again$/m);
    assert.ok(!cacheFiles(e).includes(`${sha1('corp')}.json`));
  });

  for (const flow of ['browser', 'device'] as const) {
    test(`Ctrl-C while waiting (${flow}): exit 130, no token, no temporary file`, async () => {
      const idle = e.sb.write('bin/idle-browser', '#!/bin/sh\nexit 0\n', 0o755);
      const args = flow === 'browser' ? ['login', 'dev'] : ['login', 'dev', '--no-browser'];
      const p = startUntil(e, args, flow === 'browser' ? /authorize\?/ : /approve the code/, { BROWSER: idle });
      await p.ready;
      p.child.kill('SIGINT');
      const r = await p.done;
      assert.equal(r.code, 130, dump(r));
      assert.equal(r.stdout, '');
      assert.ok(!cacheFiles(e).includes(`${sha1('corp')}.json`));
      assert.deepEqual(readdirSync(e.cache).filter((f) => !f.endsWith('.json')), []);
    });
  }
});

describe('awsp logout', () => {
  test("revokes the token at the portal, removes the session's token and registration; a second logout says there is none", async () => {
    const e = await setup();
    try {
      assert.equal((await e.run(['login', '--sso-session', 'corp'])).code, 0);
      assert.equal((await e.run(['login', '--sso-session', 'other'])).code, 0);
      const token = readJson(join(e.cache, `${sha1('corp')}.json`)).accessToken as string;
      assert.ok(e.idc.accepts(token));
      const r = await e.run(['logout'], { AWS_PROFILE: 'dev' });
      assert.equal(r.code, 0, dump(r));
      assert.equal(r.stderr, "awsp: signed out of SSO session 'corp'\n");
      assert.equal(e.idc.calls('/logout')[0]!.bearer, token);
      assert.ok(!e.idc.accepts(token));
      // Only the other session's two files are left.
      assert.equal(cacheFiles(e).length, 2);
      assert.ok(cacheFiles(e).includes(`${sha1('other')}.json`));
      const again = await e.run(['logout', '--sso-session', 'corp']);
      assert.equal(again.code, 0);
      assert.equal(again.stderr, "awsp: not signed in to SSO session 'corp': there is no token to remove\n");
      const s = await e.run(['status']);
      assert.match(s.stdout, /sso-session 'corp': not signed in; run: awsp login --sso-session corp/);
      // A portal out of reach: the local files go all the same, and the line says the portal was not told.
      const away = await e.run(['logout', '--sso-session', 'other'], { AWS_ENDPOINT_URL_SSO: NOWHERE });
      assert.equal(away.code, 0, dump(away));
      assert.match(away.stderr, /^awsp: signed out of SSO session 'other'; the local token is removed, but IAM Identity Center was not told: cannot reach IAM Identity Center in us-east-1 while the logout \(.*ECONNREFUSED.*\); check the network, proxy or endpoint settings\n$/);
      assert.deepEqual(cacheFiles(e), []);
    } finally {
      await e.close();
    }
  });
});

describe('endpoints', () => {
  test("a profile's services section is where the sign-in goes (checked without a request: a cached registration, the URL read)", async () => {
    const e = await setup();
    try {
      // AWS_ENDPOINT_URL_* would win over the services section: gone here. Nothing is sent before
      // the URL is printed (the registration is cached), and the browser only writes it down.
      e.sb.writeConfig(
        `${CONFIG}\n[profile via-services]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Admin\nservices = local\n\n` +
          `[services local]\nsso_oidc =\n  endpoint_url = ${e.idc.url}/from-services\n`,
      );
      delete e.sb.env.AWS_ENDPOINT_URL_SSO;
      delete e.sb.env.AWS_ENDPOINT_URL_SSO_OIDC;
      const s = e.idc.issueSession();
      const t = { session: 'corp', profile: null, startUrl: 'https://corp.example/start', region: 'eu-west-1', scopes: ['sso:account:access'] };
      e.sb.write(
        `home/.aws/sso/cache/${registrationKey(t)}.json`,
        JSON.stringify({ clientId: s.clientId, clientSecret: s.clientSecret, expiresAt: s.registrationExpiresAt, scopes: ['sso:account:access'], grantTypes: ['authorization_code', 'refresh_token'] }),
      );
      const idle = e.sb.write('bin/idle-browser', '#!/bin/sh\nexit 0\n', 0o755);
      const p = startUntil(e, ['login', 'via-services'], /authorize\?/, { BROWSER: idle });
      await p.ready;
      p.child.kill('SIGINT');
      const r = await p.done;
      assert.ok(r.stderr.includes(`\n  ${e.idc.url}/from-services/authorize?response_type=code&client_id=${s.clientId}&`), dump(r));
      assert.equal(e.idc.requests.length, 0);
    } finally {
      await e.close();
    }
  });
});

describe('through the shell function', () => {
  test('login, logout and sso run the program in bash, zsh and fish (they are commands, not profiles)', async () => {
    const e = await setup();
    try {
      for (const shell of SHELLS) {
        const r = await runAsync(shell, e.sb, 'awsp logout --sso-session other; awsp sso frob', { strict: shell !== 'fish' });
        assert.match(r.stderr, /^awsp: not signed in to SSO session 'other': there is no token to remove\nawsp: unknown action 'frob'/, `${shell}: ${dump(r)}`);
      }
    } finally {
      await e.close();
    }
  });
});

describe('--login on exports and exec', () => {
  test('a missing session: the error names awsp login; --login signs in with awsp (no AWS CLI anywhere) and retries', async () => {
    const e = await setup();
    try {
      // No `aws` on this PATH at all: only awsp, node, and what the test browser and the child need.
      mkdirSync(join(e.sb.dir, 'tools'));
      for (const tool of ['/bin/sh', '/usr/bin/curl', process.execPath]) symlinkSync(tool, join(e.sb.dir, 'tools', tool.split('/').pop()!));
      const path = [join(e.sb.dir, 'bin'), join(e.sb.dir, 'tools')].join(':');
      assert.notEqual(spawnSync('sh', ['-c', 'command -v aws'], { env: { PATH: path } }).status, 0);
      const miss = await e.run(['exports', 'chained', '--format', 'json'], { PATH: path });
      assert.equal(miss.code, 1);
      assert.match(miss.stderr, /the SSO session for 'dev' is missing or expired; run: awsp login --sso-session corp \(or add --login\)\n$/);
      const r = await e.run(['exports', 'dev', '--format', 'json', '--login'], { PATH: path });
      assert.equal(r.code, 0, dump(r));
      assert.match(JSON.parse(r.stdout).AWS_ACCESS_KEY_ID, /^ASIAIDC/);
      assert.match(r.stderr, /signed in to SSO session 'corp' until/);
      const legacy = await e.run(['exports', 'legacy', '--format', 'json']);
      assert.match(legacy.stderr, /run: awsp login legacy \(or add --login\)/);
      e.idc.options.device = 'polls';
      const x = await e.run(['exec', 'legacy', '--login', '--', 'sh', '-c', 'printf %s "$AWS_ACCESS_KEY_ID"'], { PATH: path });
      assert.equal(x.code, 0, dump(x));
      assert.match(x.stdout, /^ASIAIDC\d+$/);
      noSecrets(e, miss, r, x);
    } finally {
      await e.close();
    }
  });
});
