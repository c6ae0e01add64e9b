// Where awsp sends its STS calls: botocore's order for a configured endpoint (configprovider.py,
// ConfiguredEndpointProvider): AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL, then the `sts`
// entry of the profile's services section, then the profile's endpoint_url. The fake STS is
// reachable by one of them only; every other names a closed port, so using it fails the call.
// botocore (python3) resolves each case too, so the order asserted is the real one.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { configuredEndpoint } from '../../src/config/endpoints.js';
import { awsPaths } from '../../src/config/paths.js';
import { loadProfiles } from '../../src/config/profiles.js';
import { NOWHERE, writeSsoToken } from '../helpers/aws-files.js';
import { type FakeAws, startFakeAws } from '../helpers/fakeaws.js';
import { dump, sandbox, type Sandbox } from '../helpers/sandbox.js';
import { awspAsync } from '../helpers/spawn.js';

let fake: FakeAws;
let sb: Sandbox;
before(async () => {
  fake = await startFakeAws({ ssoTokens: ['tok-corp'] });
  // No AWS_ENDPOINT_URL_* of the shared sandboxes: each case sets what it tests.
  sb = sandbox({ AWS_EC2_METADATA_DISABLED: 'true' });
  const role = (name: string, services: string) =>
    [`[profile ${name}]`, 'role_arn = arn:aws:iam::123456789012:role/r', 'source_profile = base', 'region = eu-west-1', `services = ${services}`, `endpoint_url = ${NOWHERE}`];
  sb.writeConfig(
    [
      // The services section's sts entry beats the profile's endpoint_url.
      ...role('via-services', 'local'),
      // Its sts entry leads nowhere: only an environment variable can reach the fake.
      ...role('services-nowhere', 'nowhere'),
      // Its services section has no sts entry (only s3, leading nowhere): the profile's endpoint_url reaches the fake.
      ...role('via-endpoint-url', 's3only').map((l) => (l.startsWith('endpoint_url = ') ? `endpoint_url = ${fake.url}` : l)),
      // The service's own endpoint; and a services section that is not there.
      '[profile plain]',
      'region = eu-west-1',
      '[profile missing-services]',
      'services = gone',
      // The portal (GetRoleCredentials) through the services section's sso entry.
      '[profile sso-via-services]',
      'sso_session = corp',
      'sso_account_id = 123456789012',
      'sso_role_name = Dev',
      'services = local',
      `endpoint_url = ${NOWHERE}`,
      '[sso-session corp]',
      'sso_start_url = https://corp.example/start',
      'sso_region = eu-west-1',
      '[services local]',
      'sso =',
      `  endpoint_url = ${fake.url}`,
      's3 =',
      `  endpoint_url = ${NOWHERE}`,
      'sts =',
      `  endpoint_url = ${fake.url}`,
      '[services nowhere]',
      'sts =',
      `  endpoint_url = ${NOWHERE}`,
      '[services s3only]',
      's3 =',
      `  endpoint_url = ${NOWHERE}`,
      '',
    ].join('\n'),
  );
  sb.writeCredentials('[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base/secret\n');
  writeSsoToken(sb, 'corp', 'tok-corp', new Date(Date.now() + 3600_000), { region: 'eu-west-1', startUrl: 'https://corp.example/start' });
});
after(async () => {
  sb.cleanup();
  await fake.close();
});

/** The python3 of the test's own PATH with a botocore that knows services sections (the CLI's own is older). */
function botocorePython(): string {
  const r = spawnSync('python3', ['-c', 'import sys, botocore.configprovider as c; c.ConfiguredEndpointProvider; print(sys.executable)'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `python3 with botocore >= 1.31 (services sections) is needed; this test does not skip: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * The endpoint botocore resolves for SERVICE (STS unless told) and PROFILE in the sandbox, with ENV
 * added; REGION as botocore's SSO credential provider passes its sso_region to create_client.
 */
function botocoreSts(profile: string, env: Record<string, string>, service = 'sts', region?: string): string {
  const script = 'import botocore.session,sys\ns=botocore.session.Session(profile=sys.argv[1])\nprint(s.create_client(sys.argv[2], region_name=sys.argv[3] or None).meta.endpoint_url)';
  const r = spawnSync(botocorePython(), ['-c', script, profile, service, region ?? ''], { env: { ...sb.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `botocore: ${r.stderr}`);
  return r.stdout.trim();
}

// profile, the environment, and which of them botocore takes: the fake each time.
const CASES: Array<[string, Record<string, string>, string]> = [
  ['via-services', {}, 'the services section (over the profile endpoint_url)'],
  ['services-nowhere', { AWS_ENDPOINT_URL: '' }, 'AWS_ENDPOINT_URL (over the services section)'],
  ['services-nowhere', { AWS_ENDPOINT_URL_STS: '', AWS_ENDPOINT_URL: NOWHERE }, 'AWS_ENDPOINT_URL_STS (over AWS_ENDPOINT_URL)'],
  ['via-endpoint-url', {}, "the profile's endpoint_url (its services section has no sts entry)"],
];
const withFake = (env: Record<string, string>) => Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' ? fake.url : v]));

describe('the STS endpoint', () => {
  for (const [profile, env, why] of CASES) {
    test(`${why}: botocore's choice, and awsp's for exports and exec`, async () => {
      const vars = withFake(env);
      assert.equal(botocoreSts(profile, vars).replace(/\/$/, ''), fake.url, 'botocore');
      const from = fake.requests.length;
      const r = await awspAsync(sb, ['exports', profile, '--format', 'json', '--no-cache'], { env: vars });
      assert.equal(r.code, 0, dump(r));
      assert.match((JSON.parse(r.stdout) as Record<string, string>).AWS_ACCESS_KEY_ID!, /^ASIAROLE/);
      const x = await awspAsync(sb, ['exec', profile, '--no-cache', '--', 'sh', '-c', 'printf %s "$AWS_ACCESS_KEY_ID"'], { env: vars });
      assert.equal(x.code, 0, dump(x));
      assert.match(x.stdout, /^ASIAROLE/);
      assert.equal(fake.count('AssumeRole', from), 2);
    });
  }

  test("SSO's portal too: the services section's sso entry", async () => {
    // botocore's SSO provider makes its portal client in the sso_session's region (eu-west-1).
    assert.equal(botocoreSts('sso-via-services', {}, 'sso', 'eu-west-1').replace(/\/$/, ''), fake.url, 'botocore');
    assert.equal(configuredEndpoint(loadProfiles(awsPaths(sb.env)), 'sso-via-services', sb.env, 'sso'), fake.url, 'awsp');
    const from = fake.requests.length;
    const r = await awspAsync(sb, ['exports', 'sso-via-services', '--format', 'json', '--no-cache']);
    assert.equal(r.code, 0, dump(r));
    assert.match((JSON.parse(r.stdout) as Record<string, string>).AWS_ACCESS_KEY_ID!, /^ASIASSO/);
    assert.equal(fake.requests.slice(from).filter((q) => q.service === 'sso').length, 1);
  });

  test("the profile asked for decides, not AWS_PROFILE's", async () => {
    const from = fake.requests.length;
    const r = await awspAsync(sb, ['exports', 'via-services', '--format', 'json', '--no-cache'], { env: { AWS_PROFILE: 'services-nowhere' } });
    assert.equal(r.code, 0, dump(r));
    assert.equal(fake.count('AssumeRole', from), 1);
  });

  test('configuredEndpoint agrees with botocore, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS and a missing section included', () => {
    const set = loadProfiles(awsPaths(sb.env));
    const cases: Array<[string, Record<string, string>]> = [
      ['via-services', {}],
      ['via-services', { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'TRUE', AWS_ENDPOINT_URL_STS: NOWHERE }],
      ['via-services', { AWS_ENDPOINT_URL: NOWHERE }],
      ['services-nowhere', {}],
      ['services-nowhere', { AWS_ENDPOINT_URL_STS: fake.url, AWS_ENDPOINT_URL: NOWHERE }],
      ['via-endpoint-url', {}],
      ['plain', {}],
    ];
    for (const [profile, env] of cases) {
      const ours = configuredEndpoint(set, profile, { ...sb.env, ...env }, 'sts');
      const theirs = botocoreSts(profile, env).replace(/\/$/, '');
      if (ours === undefined) assert.match(theirs, /^https:\/\/sts\.[a-z0-9-]+\.amazonaws\.com$/, `${profile} ${JSON.stringify(env)}`);
      else assert.equal(ours, theirs, `${profile} ${JSON.stringify(env)}`);
    }
    assert.throws(() => configuredEndpoint(set, 'missing-services', sb.env, 'sts'), /^UserError: profile 'missing-services' names services 'gone', but the config has no \[services gone\]$/);
  });

  test("a cached session is the endpoint's: another services section asks again", async () => {
    const from = fake.requests.length;
    for (let i = 0; i < 2; i++) assert.equal((await awspAsync(sb, ['exports', 'via-services', '--format', 'json'])).code, 0);
    assert.equal(fake.count('AssumeRole', from), 1, 'the second run took the cached session');
    const config = readFileSync(sb.config, 'utf8');
    try {
      // The same server by another URL: to awsp, another endpoint.
      sb.writeConfig(config.replace(`sts =\n  endpoint_url = ${fake.url}\n`, `sts =\n  endpoint_url = ${fake.url}/\n`));
      assert.notEqual(readFileSync(sb.config, 'utf8'), config);
      const r = await awspAsync(sb, ['exports', 'via-services', '--format', 'json']);
      assert.equal(r.code, 0, dump(r));
      assert.equal(fake.count('AssumeRole', from), 2);
    } finally {
      sb.writeConfig(config);
    }
  });

  test('without any of them that reaches it, the call fails: the guards are real', async () => {
    const r = await awspAsync(sb, ['exports', 'services-nowhere', '--format', 'json', '--no-cache']);
    assert.notEqual(r.code, 0, dump(r));
    assert.match(r.stderr, /^awsp: cannot reach AWS/, dump(r));
  });
});
