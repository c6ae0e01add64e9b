// awsp resolves the identity the AWS CLI resolves. For each odd profile (from botocore's own test
// fixtures and what the JS SDK reads differently), the real CLI (`/usr/bin/aws configure
// export-credentials`) and awsp run on the same files against the same kind of fake STS/SSO:
// where the CLI gets keys, awsp gets the same ones (or makes the same STS/SSO calls, signed by the
// same keys); where the CLI refuses, awsp refuses with one line that names the cause.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ACCOUNT, awsSandbox, processCommand, roleArn } from '../helpers/aws-files.js';
import { cliDataPath, type FakeAws, type FakeRequest, startFakeAws } from '../helpers/fakeaws.js';
import { dump, type Result, type Sandbox } from '../helpers/sandbox.js';
import { awspAsync, spawnAsync } from '../helpers/spawn.js';

const CLI = '/usr/bin/aws';

interface Case {
  name: string;
  config?: string;
  credentials?: string;
  profile: string;
  /** When the CLI refuses the profile: what awsp's one line must say. */
  refused?: RegExp;
  /** SSO: write the token cache entry the CLI would have written for this key. */
  ssoToken?: string;
}

const proc = (sb: Sandbox, id: string) => processCommand(sb, id, { AccessKeyId: id, SecretAccessKey: `${id}-secret` });

const CASES: Array<(sb: Sandbox) => Case> = [
  (sb) => ({
    name: 'keys and credential_process in the config file: the process (item 13)',
    config: `[profile p]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = s\ncredential_process = ${proc(sb, 'AKIAFROMPROC')}\n`,
    profile: 'p',
  }),
  (sb) => ({
    name: 'keys and credential_process in the credentials file: the keys',
    credentials: `[p]\naws_access_key_id = AKIACREDS\naws_secret_access_key = s\ncredential_process = ${proc(sb, 'AKIAFROMPROC')}\n`,
    profile: 'p',
  }),
  (sb) => ({
    name: 'keys in the config, credential_process in the credentials file: the process',
    config: '[profile p]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = s\n',
    credentials: `[p]\ncredential_process = ${proc(sb, 'AKIAFROMPROC')}\n`,
    profile: 'p',
  }),
  () => ({
    name: 'aws_security_token, the old name of the session token (item 14)',
    config: '[profile p]\naws_access_key_id = ASIAOLDNAME\naws_secret_access_key = s\naws_security_token = old-token\n',
    profile: 'p',
  }),
  () => ({
    name: 'both token names: the old one wins, as in botocore',
    credentials: '[p]\naws_access_key_id = ASIABOTH\naws_secret_access_key = s\naws_session_token = new-token\naws_security_token = old-token\n',
    profile: 'p',
  }),
  () => ({
    name: 'upper-case key names in the credentials file (item 15)',
    credentials: '[p]\nAWS_ACCESS_KEY_ID = AKIAUPPER\nAWS_SECRET_ACCESS_KEY = s\n',
    profile: 'p',
  }),
  () => ({
    name: 'mixed-case key names in the config file',
    config: '[profile p]\nAws_Access_Key_Id = AKIAMIXED\naws_SECRET_access_key = s\n',
    profile: 'p',
  }),
  () => ({
    name: 'only aws_access_key_id, config file (item 16)',
    config: '[profile p]\naws_access_key_id = AKIAONLY\n',
    profile: 'p',
    refused: /^awsp: profile 'p' has aws_access_key_id but no aws_secret_access_key in \S+\/config; add it/,
  }),
  () => ({
    name: 'only aws_access_key_id, credentials file (item 16)',
    credentials: '[p]\naws_access_key_id = AKIAONLY\n',
    profile: 'p',
    refused: /^awsp: profile 'p' has aws_access_key_id but no aws_secret_access_key in \S+\/credentials/,
  }),
  () => ({
    name: 'only aws_secret_access_key',
    credentials: '[p]\naws_secret_access_key = s\n',
    profile: 'p',
    refused: /^awsp: profile 'p' has no credentials: it needs aws_access_key_id and aws_secret_access_key/,
  }),
  () => ({
    name: 'the access key id in the credentials file, the secret in the config',
    config: '[profile p]\naws_secret_access_key = s\n',
    credentials: '[p]\naws_access_key_id = AKIASPLIT\n',
    profile: 'p',
    refused: /no aws_secret_access_key in \S+\/credentials/,
  }),
  () => ({
    name: 'values keep `#` and `;` (botocore has no inline comments)',
    credentials: '[p]\naws_access_key_id = AKIAHASH\naws_secret_access_key = abc #def ;ghi\n',
    profile: 'p',
  }),
  () => ({
    name: '[DEFAULT] of the credentials file supplies the keys',
    credentials: '[DEFAULT]\naws_access_key_id = AKIADEFAULTS\naws_secret_access_key = s\n[p]\nregion = eu-west-1\n',
    profile: 'p',
  }),
  () => ({
    name: 'a quoted profile name with a space',
    config: '[profile "my profile"]\naws_access_key_id = AKIASPACE\naws_secret_access_key = s\n',
    profile: 'my profile',
  }),
  () => ({
    name: 'a source_profile with keys beside its own role_arn: its keys, not its role',
    config:
      `[profile a]\nrole_arn = ${roleArn('A')}\nsource_profile = b\n` +
      `[profile b]\naws_access_key_id = AKIAB\naws_secret_access_key = s\nrole_arn = ${roleArn('B')}\nsource_profile = c\n` +
      '[profile c]\naws_access_key_id = AKIAC\naws_secret_access_key = s\n',
    profile: 'a',
  }),
  () => ({
    name: 'a chain of roles with external_id and role_session_name',
    config:
      `[profile a]\nrole_arn = ${roleArn('A')}\nsource_profile = b\nexternal_id = ext-a\nrole_session_name = me-a\n` +
      `[profile b]\nrole_arn = ${roleArn('B')}\nsource_profile = c\nrole_session_name = me-b\n` +
      '[profile c]\naws_access_key_id = AKIAC\naws_secret_access_key = s\n',
    profile: 'a',
  }),
  () => ({
    name: 'a role whose source_profile is itself, with keys',
    config: `[profile a]\nrole_arn = ${roleArn('A')}\nsource_profile = a\naws_access_key_id = AKIASELF\naws_secret_access_key = s\n`,
    profile: 'a',
  }),
  () => ({
    name: 'a role whose source_profile is itself, without keys',
    config: `[profile a]\nrole_arn = ${roleArn('A')}\nsource_profile = a\n`,
    profile: 'a',
    refused: /^awsp: source_profile loops: a -> a/,
  }),
  () => ({
    name: 'two roles that source each other',
    config: `[profile a]\nrole_arn = ${roleArn('A')}\nsource_profile = b\n[profile b]\nrole_arn = ${roleArn('B')}\nsource_profile = a\n`,
    profile: 'a',
    refused: /^awsp: source_profile loops: a -> b -> a/,
  }),
  () => ({
    name: 'a source_profile that does not exist',
    config: `[profile a]\nrole_arn = ${roleArn('A')}\nsource_profile = nope\n`,
    profile: 'a',
    refused: /^awsp: profile 'a' has source_profile 'nope', which does not exist/,
  }),
  () => ({
    name: 'a source_profile without credentials',
    config: `[profile a]\nrole_arn = ${roleArn('A')}\nsource_profile = b\n[profile b]\nregion = us-west-2\n`,
    profile: 'a',
    refused: /^awsp: profile 'b' is the source_profile of 'a' but has no credentials/,
  }),
  () => ({
    name: 'both source_profile and credential_source',
    config: `[profile a]\nrole_arn = ${roleArn('A')}\nsource_profile = b\ncredential_source = Environment\n[profile b]\naws_access_key_id = AKIAB\naws_secret_access_key = s\n`,
    profile: 'a',
    refused: /^awsp: profile 'a' has both source_profile and credential_source/,
  }),
  () => ({
    name: 'credential_source spelled in lower case',
    config: `[profile a]\nrole_arn = ${roleArn('A')}\ncredential_source = environment\n`,
    profile: 'a',
    refused: /^awsp: profile 'a' has credential_source 'environment'; it takes Environment, EcsContainer, Ec2InstanceMetadata/,
  }),
  (sb) => ({
    name: 'role_arn and credential_process without a source: refused, not the process',
    config: `[profile a]\nrole_arn = ${roleArn('A')}\ncredential_process = ${proc(sb, 'AKIAFROMPROC')}\n`,
    profile: 'a',
    refused: /^awsp: profile 'a' has role_arn but neither source_profile nor credential_source/,
  }),
  (sb) => ({
    name: 'a source_profile with keys and credential_process: the process signs AssumeRole',
    config: `[profile a]\nrole_arn = ${roleArn('A')}\nsource_profile = b\n[profile b]\naws_access_key_id = AKIAB\naws_secret_access_key = s\ncredential_process = ${proc(sb, 'AKIAFROMPROC')}\n`,
    profile: 'a',
  }),
  (sb) => ({
    name: 'role_arn, web_identity_token_file and source_profile: web identity',
    config:
      `[profile a]\nrole_arn = ${roleArn('web')}\nweb_identity_token_file = ${sb.write('token', 'eyJ.web.token')}\nsource_profile = b\n` +
      '[profile b]\naws_access_key_id = AKIAB\naws_secret_access_key = s\n',
    profile: 'a',
  }),
  () => ({
    name: 'sso settings in the config and keys in the credentials file: SSO',
    config: `[profile p]\nsso_start_url = https://start.example/\nsso_region = us-east-1\nsso_account_id = ${ACCOUNT}\nsso_role_name = Dev\n`,
    credentials: '[p]\naws_access_key_id = AKIACREDS\naws_secret_access_key = s\n',
    profile: 'p',
    ssoToken: 'https://start.example/',
  }),
  () => ({
    name: 'sso_start_url without account or role, and keys: the keys',
    config: '[profile p]\nsso_start_url = https://start.example/\nsso_region = us-east-1\naws_access_key_id = AKIANOTSSO\naws_secret_access_key = s\n',
    profile: 'p',
  }),
  () => ({
    name: 'an sso-session with upper-case keys in the profile',
    config:
      `[profile p]\nSSO_SESSION = corp\nSso_Account_Id = ${ACCOUNT}\nSSO_ROLE_NAME = Ops\n` +
      '[sso-session corp]\nsso_start_url = https://corp.example/\nsso_region = eu-west-1\n',
    profile: 'p',
    ssoToken: 'corp',
  }),
  () => ({
    name: 'sso settings that disagree with their sso-session',
    config:
      `[profile p]\nsso_session = corp\nsso_region = us-east-1\nsso_account_id = ${ACCOUNT}\nsso_role_name = Ops\n` +
      '[sso-session corp]\nsso_start_url = https://corp.example/\nsso_region = eu-west-1\n',
    profile: 'p',
    refused: /^awsp: profile 'p' and \[sso-session corp\] disagree on sso_region/,
  }),
  () => ({
    name: 'an incomplete SSO profile',
    config: `[profile p]\nsso_account_id = ${ACCOUNT}\nsso_role_name = Ops\n`,
    profile: 'p',
    refused: /^awsp: profile 'p' is set up for SSO but lacks sso_start_url, sso_region/,
  }),
  (sb) => ({
    name: 'credential_process is split as words, not run by a shell',
    config: `[profile p]\ncredential_process = ${proc(sb, 'AKIAFROMPROC')} # not a comment\n`,
    profile: 'p',
    refused: /^awsp: credential_process of profile 'p' failed: cat: /,
  }),
];

/** The calls the fake saw, as both tools should make them (generated key ids and session names set aside). */
const calls = (requests: FakeRequest[], configured: boolean) =>
  requests.map((q) => ({
    action: q.action,
    signedBy: q.signedBy?.replace(/\d+$/, '#') ?? null,
    role: q.params.RoleArn ?? q.params.role_name ?? null,
    account: q.params.account_id ?? null,
    externalId: q.params.ExternalId ?? null,
    sessionName: configured ? (q.params.RoleSessionName ?? null) : null,
    webToken: q.params.WebIdentityToken ?? null,
  }));

async function runCase(make: (sb: Sandbox) => Case): Promise<void> {
  const fake: FakeAws = await startFakeAws({ ssoTokens: ['sso-token'] });
  const sb = awsSandbox(fake.url);
  try {
    const c = make(sb);
    sb.writeConfig(c.config ?? '');
    sb.writeCredentials(c.credentials ?? '');
    if (c.ssoToken) {
      sb.write(`home/.aws/sso/cache/${createHash('sha1').update(c.ssoToken).digest('hex')}.json`, JSON.stringify({ accessToken: 'sso-token', expiresAt: '2099-01-01T00:00:00Z', region: 'us-east-1', startUrl: 'x' }));
    }
    const dataPath = cliDataPath(sb.dir, fake.url);
    assert.ok(dataPath, 'the AWS CLI data to point it at the fake');
    const cliEnv = { ...sb.env, AWS_DATA_PATH: dataPath, HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1' };
    const cli = await spawnAsync(CLI, ['configure', 'export-credentials', '--profile', c.profile], { cwd: sb.dir, env: cliEnv });
    const cliCalls = fake.requests.splice(0);
    rmSync(join(sb.home, '.aws', 'cli'), { recursive: true, force: true });
    const ours: Result = await awspAsync(sb, ['exports', c.profile, '--format', 'process', '--no-session', '--no-cache']);
    const ourCalls = fake.requests.splice(0);
    const what = `${c.name}\n--- aws\n${dump(cli)}\n--- awsp\n${dump(ours)}`;

    if (c.refused) {
      assert.notEqual(cli.code, 0, `the CLI accepted it:\n${what}`);
      assert.equal(ours.code, 1, what);
      assert.equal(ours.stdout, '', what);
      assert.match(ours.stderr, /^awsp: [^\n]+\n$/, what);
      assert.match(ours.stderr, c.refused, what);
      return;
    }
    assert.equal(cli.code, 0, `the CLI refused it:\n${what}`);
    assert.equal(ours.code, 0, what);
    const theirs = JSON.parse(cli.stdout) as Record<string, string>;
    const mine = JSON.parse(ours.stdout) as Record<string, string>;
    const configured = /role_session_name/.test(c.config ?? '');
    assert.deepEqual(calls(ourCalls, configured), calls(cliCalls, configured), `different calls to AWS:\n${what}`);
    if (cliCalls.length === 0) {
      // Keys straight from the files or a process: the very same ones.
      assert.deepEqual([mine.AccessKeyId, mine.SecretAccessKey, mine.SessionToken], [theirs.AccessKeyId, theirs.SecretAccessKey, theirs.SessionToken], what);
    } else {
      // From the fake: the same kind of credentials (ASIAROLE…, ASIASSO…, ASIAWEBID…).
      assert.equal(mine.AccessKeyId!.replace(/\d+$/, ''), theirs.AccessKeyId!.replace(/\d+$/, ''), what);
    }
  } finally {
    sb.cleanup();
    await fake.close();
  }
}

describe('the identity the AWS CLI resolves', () => {
  // Two at a time: the CLI takes most of a second to start.
  const queue = [...CASES];
  const names = CASES.map((make) => {
    const sb = awsSandbox();
    try {
      return make(sb).name;
    } finally {
      sb.cleanup();
    }
  });
  const results = new Map<number, Promise<void>>();
  let next = 0;
  const start = (): void => {
    const i = next++;
    if (i >= queue.length) return;
    const p = runCase(queue[i]!).finally(() => start());
    // Awaited by its own test; until then a failure must not count as unhandled.
    p.catch(() => {});
    results.set(i, p);
  };
  let started = false;
  names.forEach((name, i) =>
    test(name, async () => {
      if (!started) {
        started = true;
        start();
        start();
      }
      while (!results.has(i)) await new Promise((r) => setTimeout(r, 20));
      await results.get(i);
    }),
  );
});
