// awsp sso populate and sso add against a fake portal whose account names are hostile: nothing
// they hold reaches a profile name unsafely or executes, the config still parses in the real
// AWS CLI (/usr/bin/aws) with the same names as `awsp list`, and every byte outside the block
// stays as it was.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NOWHERE } from '../helpers/aws-files.js';
import { type FakeAccount, type FakeIdc, startFakeIdc } from '../helpers/fakeidc.js';
import { AWSP_BIN, dump, type Result, run, type Sandbox, sandbox, SHELLS } from '../helpers/sandbox.js';
import { awspAsync, spawnAsync } from '../helpers/spawn.js';

let idc: FakeIdc;
let sb: Sandbox;
let canary: string;

const USER_TEXT = `# my own settings; awsp must keep every byte of this
[default]
region = eu-central-1
output=json

[profile Mine.Admin]   
role_arn = arn:aws:iam::888888888888:role/Admin
source_profile = default

[sso-session corp]
sso_start_url = https://corp.example/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access
[sso-session lonely]
sso_start_url = https://lonely.example/start
sso_region = us-east-1`;

function accounts(): FakeAccount[] {
  return [
    { accountId: '111111111111', accountName: 'Production', roles: ['AdministratorAccess', 'ReadOnlyAccess'] },
    { accountId: '222222222222', accountName: `$(touch ${canary})`, roles: ['Admin'] },
    { accountId: '333333333333', accountName: `\`touch ${canary}\`; rm -rf ~ "double" 'single'`, roles: ['Admin'] },
    { accountId: '444444444444', accountName: '[profile evil]\nrole_arn = arn:aws:iam::1:role/x', roles: ['Admin'] },
    { accountId: '555555555555', accountName: 'tab\tand\x1b[31mred\u202eevil', roles: ['Admin'] },
    { accountId: '666666666666', accountName: 'Produção', roles: ['Admin', 'Billing'] },
    { accountId: '777777777777', accountName: 'Production!', roles: ['AdministratorAccess'] },
    { accountId: '888888888888', accountName: 'Mine', roles: ['Admin'] },
    { accountId: '999999999999', accountName: '; ls # %s {account_id}', roles: ['Admin'] },
    { accountId: '12345', accountName: 'short id', roles: ['Admin'] },
    { accountId: '101010101010', accountName: 'odd role', roles: ['Ad min\n[profile x]'] },
  ];
}

const tokenFile = (name: string) => join(sb.home, '.aws', 'sso', 'cache', `${createHash('sha1').update(name).digest('hex')}.json`);

before(async () => {
  sb = sandbox({ AWS_EC2_METADATA_DISABLED: 'true', AWS_ENDPOINT_URL_STS: NOWHERE });
  canary = join(sb.dir, 'pwned');
  idc = await startFakeIdc({ accounts: accounts(), pageSize: 2, throttle: 3 });
  sb.env.AWS_ENDPOINT_URL_SSO = idc.url;
  sb.env.AWS_ENDPOINT_URL_SSO_OIDC = idc.url;
  sb.writeConfig(USER_TEXT);
  sb.write(`home/.aws/sso/cache/${createHash('sha1').update('corp').digest('hex')}.json`, JSON.stringify({ accessToken: idc.issueToken(), expiresAt: new Date(Date.now() + 3600_000).toISOString() }));
});
after(async () => {
  sb.cleanup();
  await idc.close();
});

const awsp = (args: string[], env: Record<string, string> = {}) => awspAsync(sb, args, { env, timeout: 60_000 });
const config = () => readFileSync(sb.config, 'utf8');

/** `aws configure list-profiles` of the real AWS CLI v2 on the sandbox's files. */
function cliProfiles(): { rc: number; names: string[]; stderr: string } {
  assert.ok(existsSync('/usr/bin/aws'), '/usr/bin/aws (AWS CLI v2) is needed; this test does not skip');
  const r = spawnSync('/usr/bin/aws', ['configure', 'list-profiles'], {
    env: { HOME: sb.home, PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', AWS_PAGER: '', AWS_CONFIG_FILE: sb.config, AWS_SHARED_CREDENTIALS_FILE: sb.credentials },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { rc: r.status ?? -1, names: r.stdout.split('\n').filter(Boolean), stderr: r.stderr };
}

describe('awsp sso populate', () => {
  let first: Result;
  before(async () => {
    first = await awsp(['sso', 'populate', '--sso-session', 'corp']);
  });

  test('writes one profile per account and role, paginated and through throttling, and says what it skipped', () => {
    assert.equal(first.code, 0, dump(first));
    assert.equal(first.stdout, '');
    // Eleven accounts in pages of two: six pages, and three 429 answers retried on top.
    assert.equal(idc.calls('/assignment/accounts').length + idc.calls('/assignment/roles').length, 6 + 11 + 3);
    assert.match(first.stderr, /awsp: skipped 'Mine\.Admin': a profile of that name exists outside the block\n/);
    assert.match(first.stderr, /awsp: left out an account id that is not 12 digits: "12345"\n/);
    assert.match(first.stderr, /awsp: left out a role name IAM does not allow in account 101010101010: "Ad min\\n\[profile x\]"\n/);
    assert.match(first.stderr, /holds 10 profiles \(10 added, 0 removed\)\n$/);
    for (const line of first.stderr.split('\n')) assert.doesNotMatch(line, /[\x1b\u202e\t]/);
  });

  test('the text outside the block is the user’s, byte for byte; the names are safe; nothing executed', () => {
    const text = config();
    assert.ok(text.startsWith(USER_TEXT), 'the user’s text is a prefix of the new file');
    const names = [...text.slice(USER_TEXT.length).matchAll(/^\[profile ([^\]]+)\]$/gm)].map((m) => m[1]!);
    const touch = `touch-${canary.slice(1).replace(/\//g, '-')}`;
    assert.deepEqual(names, [
      'Producao.Admin',
      'Producao.Billing',
      'Production.AdministratorAccess',
      'Production.AdministratorAccess-777777777777',
      'Production.ReadOnlyAccess',
      'ls-s-account_id.Admin',
      'profile-evil-role_arn-arn-aws-iam-1-role-x.Admin',
      'tab-and-31mred-evil.Admin',
      `${touch}-rm-rf-double-single.Admin`,
      `${touch}.Admin`,
    ]);
    for (const n of names) assert.match(n, /^[A-Za-z0-9_@+][A-Za-z0-9_.@+-]*$/, n);
    assert.equal(existsSync(canary), false);
  });

  test('the real AWS CLI parses the file and lists exactly what awsp lists', async () => {
    const cli = cliProfiles();
    assert.equal(cli.rc, 0, cli.stderr);
    const ours = await awsp(['list']);
    assert.deepEqual(ours.stdout.split('\n').filter(Boolean), cli.names);
    assert.ok(cli.names.includes('Production.AdministratorAccess-777777777777'));
  });

  test('switching to every new profile in bash, zsh and fish runs nothing the names hold', () => {
    for (const shell of SHELLS) {
      const script =
        shell === 'fish'
          ? 'for n in (awsp list); awsp $n; or exit 1; end; printf "%s\\n" $AWS_PROFILE'
          : 'for n in $(awsp list); do awsp "$n" || exit 1; done; printf "%s\\n" "$AWS_PROFILE"';
      const r = run(shell, sb, script, { strict: shell !== 'fish' });
      assert.equal(r.code, 0, `${shell}: ${dump(r)}`);
      assert.equal(existsSync(canary), false, shell);
    }
  });

  test('a re-run with nothing new upstream leaves the file byte-identical, unwritten', async () => {
    const before = config();
    const mtime = statSync(sb.config).mtimeMs;
    const r = await awsp(['sso', 'populate', '--sso-session', 'corp']);
    assert.equal(r.code, 0, dump(r));
    assert.match(r.stderr, /holds 10 profiles, unchanged\n$/);
    assert.equal(config(), before);
    assert.equal(statSync(sb.config).mtimeMs, mtime);
  });

  test('the profiles work: botocore and awsp exports get credentials for one through the portal', async () => {
    // Not spawnSync: the fake portal answers from this very process.
    const py = await spawnAsync('python3', ['-c', 'import boto3, sys\nprint(boto3.Session(profile_name=sys.argv[1]).get_credentials().get_frozen_credentials().access_key)', 'Production.ReadOnlyAccess'], {
      cwd: sb.dir,
      env: { ...sb.env, PATH: process.env.PATH! },
      timeout: 60_000,
    });
    assert.equal(py.code, 0, dump(py));
    assert.match(py.stdout, /^ASIAIDC/);
    const js = await awsp(['exports', 'Producao.Billing', '--format', 'json']);
    assert.equal(js.code, 0, dump(js));
    assert.equal(idc.calls('/federation/credentials').at(-1)!.query.role_name, 'Billing');
  });

  test('--dry-run prints the diff and writes nothing; upstream removals leave the block only; user lines in it stay', async () => {
    // The user adds a line to a generated profile, and edits outside the block.
    const withEdit = config().replace('sso_role_name = ReadOnlyAccess\nregion = eu-west-1\n', 'sso_role_name = ReadOnlyAccess\nregion = eu-west-1\ncli_pager =\n').replace('output=json', 'output=text');
    sb.writeConfig(withEdit);
    idc.options.accounts = accounts().filter((a) => a.accountId !== '777777777777').map((a) => (a.accountId === '666666666666' ? { ...a, roles: ['Admin'] } : a));
    const dry = await awsp(['sso', 'populate', '--sso-session', 'corp', '--dry-run']);
    assert.equal(dry.code, 0, dump(dry));
    assert.equal(config(), withEdit);
    assert.match(dry.stdout, new RegExp(`^--- ${sb.config}\\n\\+\\+\\+ ${sb.config}\\n@@ `));
    assert.match(dry.stdout, /^-\[profile Production\.AdministratorAccess-777777777777\]$/m);
    assert.match(dry.stdout, /^-\[profile Producao\.Billing\]$/m);
    assert.doesNotMatch(dry.stdout, /^\+(?!\+\+ )/m);
    assert.match(dry.stderr, /would hold 8 profiles \(0 added, 2 removed\); nothing was written \(--dry-run\)\n$/);

    const r = await awsp(['sso', 'populate', '--sso-session', 'corp']);
    assert.equal(r.code, 0, dump(r));
    const text = config();
    assert.ok(text.startsWith(USER_TEXT.replace('output=json', 'output=text')));
    assert.doesNotMatch(text, /777777777777|Producao\.Billing/);
    assert.match(text, /\[profile Production\.ReadOnlyAccess\]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = ReadOnlyAccess\nregion = eu-west-1\ncli_pager =\n/);
    assert.equal(cliProfiles().rc, 0);
  });

  test('--template and --region', async () => {
    idc.options.accounts = [{ accountId: '111111111111', accountName: 'Production', roles: ['ReadOnlyAccess'] }];
    const r = await awsp(['sso', 'populate', '--sso-session', 'corp', '--template', 'corp-{account_id}@{role_name}', '--region', 'ap-south-1']);
    assert.equal(r.code, 0, dump(r));
    assert.match(config(), /# >>> awsp sso corp >>>\n#[^\n]*\n\n\[profile corp-111111111111@ReadOnlyAccess\]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = ReadOnlyAccess\nregion = ap-south-1\n# <<< awsp sso corp <<<\n$/);
    const bad = await awsp(['sso', 'populate', '--template', '{nope}']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^awsp: the template has an unknown field \{nope\}/);
  });
});

describe('refusals', () => {
  const failsWith = (r: Result, pattern: RegExp, code = 1) => {
    assert.equal(r.code, code, dump(r));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^awsp: [^\n]+\n$/, dump(r));
    assert.match(r.stderr, pattern);
  };

  test('not signed in, an unknown session, a file the CLI would refuse: one line, nothing written, no call made', async () => {
    const before = config();
    const calls = idc.requests.length;
    failsWith(await awsp(['sso', 'populate', '--sso-session', 'lonely']), /^awsp: not signed in to SSO session 'lonely'; run: awsp login --sso-session lonely\n$/);
    failsWith(await awsp(['sso', 'populate', '--sso-session', 'nosuch']), /no sso-session 'nosuch' in .*; the sessions are 'corp', 'lonely'/);
    failsWith(await awsp(['sso', 'populate', 'corp']), /sso populate takes no name/, 2);
    failsWith(await awsp(['sso', 'populate', '--start-url', 'https://x']), /--start-url goes with awsp sso add, not populate/, 2);
    assert.equal(config(), before);
    sb.writeConfig(`${before}[default]\nregion = x\n`);
    try {
      const r = await awsp(['sso', 'populate', '--sso-session', 'corp']);
      assert.equal(r.code, 1, dump(r));
      // The warning every command gives for such a file, then the refusal.
      assert.match(r.stderr, /\nawsp: [^\n]*section \[default\] appears twice \(line \d+\), so the AWS CLI cannot read it and awsp will not write into it; fix the file first\n$/);
      assert.equal(readFileSync(sb.config, 'utf8'), `${before}[default]\nregion = x\n`);
    } finally {
      sb.writeConfig(before);
    }
    assert.equal(idc.requests.length, calls);
  });

  test('an expired token the portal refuses names the login; an expired one with a refresh token is renewed first', async () => {
    const file = tokenFile('corp');
    const saved = readFileSync(file, 'utf8');
    try {
      sb.write(`home/.aws/sso/cache/${file.split('/').pop()}`, JSON.stringify({ accessToken: 'revoked', expiresAt: new Date(Date.now() + 3600_000).toISOString() }));
      failsWith(await awsp(['sso', 'populate', '--sso-session', 'corp']), /IAM Identity Center no longer accepts the sign-in of SSO session 'corp'; run: awsp login --sso-session corp/);
      sb.write(`home/.aws/sso/cache/${file.split('/').pop()}`, JSON.stringify({ accessToken: 'old', expiresAt: '2020-01-01T00:00:00Z' }));
      failsWith(await awsp(['sso', 'populate', '--sso-session', 'corp']), /the sign-in has expired for SSO session 'corp'; run: awsp login --sso-session corp/);
      // With a refresh token, awsp renews it first (and writes it back), as the SDKs would.
      const session = idc.issueSession();
      sb.write(`home/.aws/sso/cache/${file.split('/').pop()}`, JSON.stringify({ startUrl: 'https://corp.example/start', region: 'eu-west-1', accessToken: 'old', expiresAt: '2020-01-01T00:00:00Z', ...session }));
      const r = await awsp(['sso', 'populate', '--sso-session', 'corp']);
      assert.equal(r.code, 0, dump(r));
      assert.equal(idc.calls('/token').at(-1)!.body.refreshToken, session.refreshToken);
      const renewed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      assert.ok(idc.accepts(renewed.accessToken!));
      assert.notEqual(renewed.refreshToken, session.refreshToken);
      assert.equal(renewed.clientSecret, session.clientSecret);
    } finally {
      sb.write(`home/.aws/sso/cache/${file.split('/').pop()}`, saved);
    }
  });
});

describe('interrupted', () => {
  test('Ctrl-C while the portal is listed: exit 130, the config untouched, no temporary or lock file left', async () => {
    const before = config();
    idc.options.delay = 300;
    try {
      const from = idc.requests.length;
      const child = spawn(process.execPath, [AWSP_BIN, 'sso', 'populate', '--sso-session', 'corp'], { cwd: sb.dir, env: sb.env, stdio: 'ignore' });
      const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      while (idc.requests.length === from) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGINT');
      assert.equal(await done, 130);
    } finally {
      idc.options.delay = 0;
    }
    assert.equal(config(), before);
    assert.deepEqual(readdirSync(dirname(sb.config)).filter((f) => /awsp|tmp/.test(f)), []);
  });
});

describe('awsp sso add', () => {
  test('writes the [sso-session] section through the same writer; once; a different one is refused', async () => {
    const before = config();
    const r = await awsp(['sso', 'add', 'team', '--start-url', 'https://team.example/start', '--region', 'eu-north-1']);
    assert.equal(r.code, 0, dump(r));
    assert.match(r.stderr, /added \[sso-session team\] to .*; next: awsp login --sso-session team, then: awsp sso populate --sso-session team\n$/);
    assert.equal(config(), `${before}\n[sso-session team]\nsso_start_url = https://team.example/start\nsso_region = eu-north-1\nsso_registration_scopes = sso:account:access\n`);
    const again = await awsp(['sso', 'add', 'team', '--start-url', 'https://team.example/start', '--region', 'eu-north-1']);
    assert.equal(again.code, 0);
    assert.match(again.stderr, /\[sso-session team\] is in .* already/);
    const other = await awsp(['sso', 'add', 'team', '--start-url', 'https://else.example/start', '--region', 'eu-north-1']);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /^awsp: \[sso-session team\] exists already in .* with other settings; edit it there\n$/);
    for (const [args, pattern] of [
      [['sso', 'add', 'a b', '--start-url', 'https://x', '--region', 'eu-west-1'], /an sso-session name may hold/],
      [['sso', 'add', 'x', '--start-url', 'https://x y', '--region', 'eu-west-1'], /--start-url takes the portal's URL/],
      [['sso', 'add', 'x', '--region', 'eu-west-1'], /sso add needs --start-url URL and --region REGION/],
      [['sso', 'add', 'x', '--start-url', 'https://x', '--region', 'nowhere'], /'nowhere' is not a region name/],
    ] as const) {
      const f = await awsp([...args]);
      assert.equal(f.code, 2, dump(f));
      assert.match(f.stderr, pattern);
    }
    assert.equal(cliProfiles().rc, 0);
  });
});
