// Every credential source, resolved by the real SDK against the fake STS and SSO portal.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ACCOUNT, fakeAwsSandbox, NASTY, roleArn } from '../helpers/aws-files.js';
import type { FakeAws } from '../helpers/fakeaws.js';
import { dump, type Result, type Sandbox } from '../helpers/sandbox.js';
import { awspAsync } from '../helpers/spawn.js';

let fake: FakeAws;
let sb: Sandbox;
let close: () => Promise<void>;
before(async () => ({ fake, sb, close } = await fakeAwsSandbox()));
after(() => close());

const json = (r: Result): Record<string, string> => {
  assert.equal(r.code, 0, dump(r));
  return JSON.parse(r.stdout) as Record<string, string>;
};

/** Runs exports and returns the output together with the requests the fake endpoints saw meanwhile. */
async function exportsJson(args: string[], env: Record<string, string> = {}) {
  const from = fake.requests.length;
  // Without the session cache: each case shows the calls its source makes (test/sessions/ covers the cache).
  const r = await awspAsync(sb, ['exports', ...args, '--format', 'json', '--no-cache'], { env });
  return { out: json(r), requests: fake.requests.slice(from), r };
}

describe('sources', () => {
  test('static long-term keys become a GetSessionToken session, signed with those keys', async () => {
    const { out, requests } = await exportsJson(['base']);
    assert.deepEqual(
      requests.map((q) => [q.action, q.signedBy, q.params.DurationSeconds]),
      [['GetSessionToken', 'AKIABASE', '3600']],
    );
    assert.match(out.AWS_ACCESS_KEY_ID!, /^ASIASESSION/);
    assert.match(out.AWS_SESSION_TOKEN!, /^token-session-/);
    assert.match(out.AWS_CREDENTIAL_EXPIRATION!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  test('--duration sets the session length', async () => {
    const { requests } = await exportsJson(['base', '--duration', '7200']);
    assert.equal(requests[0]?.params.DurationSeconds, '7200');
  });

  test('--no-session exports long-term keys as they are, with a warning and no STS call', async () => {
    const { out, requests, r } = await exportsJson(['base', '--no-session']);
    assert.deepEqual(out, { AWS_ACCESS_KEY_ID: 'AKIABASE', AWS_SECRET_ACCESS_KEY: 'base/secret' });
    assert.deepEqual(requests, []);
    assert.match(r.stderr, /^awsp: exporting the long-term keys of 'base' as they are/);
  });

  test('keys that already carry a session token are exported as they are, with their expiration', async () => {
    const { out, requests } = await exportsJson(['temp']);
    assert.deepEqual(requests, []);
    assert.deepEqual(out, {
      AWS_ACCESS_KEY_ID: 'ASIATEMP',
      AWS_SECRET_ACCESS_KEY: 'temp/secret',
      AWS_SESSION_TOKEN: 'temp-token=',
      AWS_CREDENTIAL_EXPIRATION: '2099-05-06T07:08:09Z',
    });
  });

  test('assume-role through source_profile, in the profile region', async () => {
    const { out, requests } = await exportsJson(['role']);
    assert.deepEqual(
      requests.map((q) => [q.action, q.params.RoleArn, q.signedBy, q.region]),
      [['AssumeRole', roleArn('r'), 'AKIABASE', 'eu-west-1']],
    );
    assert.match(out.AWS_ACCESS_KEY_ID!, /^ASIAROLE/);
  });

  test('a chain of two roles: the second is assumed with the first one’s credentials', async () => {
    const { requests } = await exportsJson(['role2']);
    assert.deepEqual(
      requests.map((q) => [q.params.RoleArn, q.signedBy?.replace(/\d+$/, 'N')]),
      [
        [roleArn('r'), 'AKIABASE'],
        [roleArn('r2'), 'ASIAROLEN'],
      ],
    );
  });

  test('credential_source = Environment uses the keys in the environment (and only then)', async () => {
    const { requests } = await exportsJson(['envrole'], { AWS_ACCESS_KEY_ID: 'AKIAFROMENV', AWS_SECRET_ACCESS_KEY: 'env/secret' });
    assert.deepEqual(
      requests.map((q) => [q.params.RoleArn, q.signedBy]),
      [[roleArn('env'), 'AKIAFROMENV']],
    );
  });

  test('ambient keys in awsp’s environment are ignored for every other source', async () => {
    const { out, requests } = await exportsJson(['role'], { AWS_ACCESS_KEY_ID: 'AKIASTALE', AWS_SECRET_ACCESS_KEY: 'stale', AWS_SESSION_TOKEN: 'stale' });
    assert.equal(requests[0]?.signedBy, 'AKIABASE');
    assert.notEqual(out.AWS_ACCESS_KEY_ID, 'AKIASTALE');
    const staticOut = await exportsJson(['base', '--no-session'], { AWS_ACCESS_KEY_ID: 'AKIASTALE', AWS_SECRET_ACCESS_KEY: 'stale', AWS_SESSION_TOKEN: 'stale' });
    assert.deepEqual(staticOut.out, { AWS_ACCESS_KEY_ID: 'AKIABASE', AWS_SECRET_ACCESS_KEY: 'base/secret' });
  });

  test('credential_process, any bytes in the secret kept', async () => {
    const { out, requests } = await exportsJson(['proc']);
    assert.deepEqual(requests, []);
    assert.deepEqual(out, {
      AWS_ACCESS_KEY_ID: 'ASIAPROC',
      AWS_SECRET_ACCESS_KEY: NASTY,
      AWS_SESSION_TOKEN: 'tok-proc',
      AWS_CREDENTIAL_EXPIRATION: '2099-01-02T03:04:05Z',
      // The profile's region goes with the keys.
      AWS_REGION: 'ap-south-1',
      AWS_DEFAULT_REGION: 'ap-south-1',
    });
  });

  test('SSO (legacy sso_start_url): GetRoleCredentials with the cached token', async () => {
    fake.options.ssoTokens = ['tok-legacy', 'tok-corp'];
    const { out, requests } = await exportsJson(['sso-legacy']);
    assert.deepEqual(
      requests.map((q) => [q.action, q.params.account_id, q.params.role_name]),
      [['GetRoleCredentials', ACCOUNT, 'Admin']],
    );
    assert.match(out.AWS_ACCESS_KEY_ID!, /^ASIASSO/);
  });

  test('SSO (sso-session)', async () => {
    fake.options.ssoTokens = ['tok-legacy', 'tok-corp'];
    const { requests } = await exportsJson(['sso-new']);
    assert.deepEqual(
      requests.map((q) => [q.action, q.params.role_name]),
      [['GetRoleCredentials', 'Dev']],
    );
  });

  test('a role whose source is an SSO profile', async () => {
    fake.options.ssoTokens = ['tok-corp'];
    const { requests } = await exportsJson(['sso-role']);
    assert.deepEqual(
      requests.map((q) => q.action),
      ['GetRoleCredentials', 'AssumeRole'],
    );
    assert.match(requests[1]!.signedBy!, /^ASIASSO/);
  });

  test('web identity: AssumeRoleWithWebIdentity with the token file', async () => {
    const { out, requests } = await exportsJson(['webid']);
    assert.deepEqual(
      requests.map((q) => [q.action, q.params.RoleArn, q.params.WebIdentityToken]),
      [['AssumeRoleWithWebIdentity', roleArn('web'), 'eyJ.fake.jwt']],
    );
    assert.match(out.AWS_ACCESS_KEY_ID!, /^ASIAWEBID/);
  });

  test('PROFILE defaults to $AWS_PROFILE, then default', async () => {
    const { out } = await exportsJson(['--no-session'], { AWS_PROFILE: 'temp' });
    assert.equal(out.AWS_ACCESS_KEY_ID, 'ASIATEMP');
    const none = await awspAsync(sb, ['exports', '--format', 'json']);
    assert.equal(none.code, 1, dump(none));
    assert.match(none.stderr, /^awsp: no profile 'default'/);
  });
});
