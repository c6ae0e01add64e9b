// `awsp list`: account and role, a kind for every profile, a filter, the same fields in --json;
// and a file the AWS CLI refuses is said at the switch too, not only by list and status.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { listCommand } from '../../src/commands/list.js';
import { processCommand } from '../helpers/aws-files.js';
import { awsp, dump, run, sandbox, type Sandbox, SHELLS } from '../helpers/sandbox.js';

let sb: Sandbox;
before(() => {
  sb = sandbox();
  sb.writeConfig(
    [
      '[default]',
      'region = us-east-1',
      '[profile prod-admin]',
      'role_arn = arn:aws:iam::111122223333:role/ops/Admin',
      'source_profile = default',
      'region = eu-west-1',
      '[profile prod-sso]',
      'sso_session = corp',
      'sso_account_id = 444455556666',
      'sso_role_name = ReadOnly',
      '[profile gov]',
      'role_arn = arn:aws-us-gov:iam::777788889999:role/Deploy',
      'credential_source = Environment',
      '[profile tool]',
      'credential_process = /bin/true',
      '[profile plain]',
      'output = json',
      '[sso-session corp]',
      'sso_start_url = https://example.awsapps.com/start',
      'sso_region = us-east-1',
      '',
    ].join('\n'),
  );
  sb.writeCredentials('[default]\naws_access_key_id = AKIAX\naws_secret_access_key = s\n');
});
after(() => sb.cleanup());

/** botocore's credential method -> awsp's kind; an exception is awsp's `invalid`, no credentials its `settings-only`. */
const BOTOCORE_KIND: Record<string, string> = {
  'shared-credentials-file': 'static',
  'config-file': 'static',
  'custom-process': 'process',
  'assume-role-with-web-identity': 'web-identity',
  'assume-role': 'role',
  sso: 'sso',
};

/**
 * The kind a real client gives each of PROFILES in the sandbox: botocore's get_credentials().method.
 * No network: the metadata service is off, and role and web-identity credentials are fetched
 * lazily (only .method is read). The python3 of the test's own PATH (the sandbox's may lack botocore).
 */
function botocoreKinds(s: Sandbox, profiles: string[]): string[] {
  const py = spawnSync('python3', ['-c', 'import sys, botocore.session; print(sys.executable)'], { encoding: 'utf8' });
  assert.equal(py.status, 0, `python3 with botocore is needed; this test does not skip: ${py.stderr}`);
  const script = [
    'import botocore.session, json, sys',
    'out = []',
    'for name in sys.argv[1:]:',
    '    try:',
    '        c = botocore.session.Session(profile=name).get_credentials()',
    '        out.append(None if c is None else c.method)',
    '    except Exception as e:',
    '        out.append("!" + type(e).__name__)',
    'print(json.dumps(out))',
  ].join('\n');
  // The sandbox's HOME, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE: never the machine's ~/.aws.
  const r = spawnSync(py.stdout.trim(), ['-c', script, ...profiles], { env: { ...s.env, AWS_EC2_METADATA_DISABLED: 'true' }, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `botocore: ${r.stderr}`);
  return (JSON.parse(r.stdout) as Array<string | null>).map((m) =>
    m === null ? 'settings-only' : m.startsWith('!') ? 'invalid' : (BOTOCORE_KIND[m] ?? `unmapped botocore method ${m}`),
  );
}

describe('awsp list', () => {
  it('a table with kind, account and role for every profile', () => {
    const table = listCommand(false, { ...sb.env, AWS_PROFILE: 'prod-sso' }, true);
    const rows = table.split('\n').slice(0, 7).map((l) => l.split(/ +/).filter(Boolean));
    assert.deepEqual(rows[0], ['PROFILE', 'KIND', 'ACCOUNT', 'ROLE', 'REGION', 'SSO', 'FILE'], table);
    assert.deepEqual(
      rows.slice(1).map((r) => (r[0] === '*' ? r.slice(1) : r).slice(0, 4)),
      [
        ['default', 'static', '-', '-'],
        ['prod-admin', 'role', '111122223333', 'ops/Admin'],
        ['prod-sso', 'sso', '444455556666', 'ReadOnly'],
        ['gov', 'role', '777788889999', 'Deploy'],
        ['tool', 'process', '-', '-'],
        ['plain', 'settings-only', '-', '-'],
      ],
      table,
    );
    assert.match(table, /^\* prod-sso /m);
  });

  it('a filter: names containing it, ignoring case, in every output', () => {
    assert.match(listCommand(false, sb.env, true, 'PROD'), /^ *PROFILE .*\n *prod-admin .*\n *prod-sso .*\n/);
    assert.doesNotMatch(listCommand(false, sb.env, true, 'PROD'), /^ *(default|gov|tool|plain) /m);
    assert.equal(listCommand(false, sb.env, true, 'nothing'), "no profile name contains 'nothing' (6 profiles in all)\n");
    const r = awsp(sb, ['list', 'prod']);
    assert.equal(r.code, 0, dump(r));
    assert.equal(r.stdout, 'prod-admin\nprod-sso\n');
  });

  it('--json carries the same fields', () => {
    const r = awsp(sb, ['list', '--json', 'sso'], { env: { AWS_PROFILE: 'prod-sso' } });
    assert.equal(r.code, 0, dump(r));
    const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    assert.equal(rows.length, 1);
    const { sso: _sso, ...fields } = rows[0]!;
    assert.deepEqual(fields, { name: 'prod-sso', kind: 'sso', account: '444455556666', role: 'ReadOnly', region: null, files: ['config'], active: true });
    const all = JSON.parse(awsp(sb, ['list', '--json']).stdout) as Array<{ kind: string; account: string | null }>;
    assert.deepEqual(
      all.map((p) => p.kind),
      ['static', 'role', 'sso', 'role', 'process', 'settings-only'],
    );
  });

  it("the kind is the source the resolver uses (the AWS CLI's order), and the same in status", () => {
    const s = sandbox();
    try {
      s.writeConfig(
        [
          // Keys in the credentials file come before credential_process (aws configure list: shared-credentials-file).
          // The process works (botocore would run it if it came first), so only the order decides.
          '[profile creds-over-process]',
          `credential_process = ${processCommand(s, 'creds', { AccessKeyId: 'ASIAPROC1', SecretAccessKey: 's' })}`,
          // In the config file, credential_process comes before the keys (custom-process).
          '[profile process-over-keys]',
          'aws_access_key_id = AKIACONF',
          'aws_secret_access_key = s',
          `credential_process = ${processCommand(s, 'keys', { AccessKeyId: 'ASIAPROC2', SecretAccessKey: 's' })}`,
          // role_arn with web_identity_token_file is AssumeRoleWithWebIdentity.
          '[profile web]',
          'role_arn = arn:aws:iam::111122223333:role/Web',
          'web_identity_token_file = /nonexistent',
          // An sso_session alone gives no credentials: the keys do (config-file).
          '[profile keys-beside-sso-session]',
          'sso_session = corp',
          'aws_access_key_id = AKIASSO',
          'aws_secret_access_key = s',
          // The resolver refuses it: a role with nothing to assume it with.
          '[profile broken]',
          'role_arn = arn:aws:iam::111122223333:role/Nothing',
          '[sso-session corp]',
          'sso_start_url = https://example.awsapps.com/start',
          'sso_region = us-east-1',
          '',
        ].join('\n'),
      );
      s.writeCredentials('[creds-over-process]\naws_access_key_id = AKIACREDS\naws_secret_access_key = s\n');
      const want = ['static', 'process', 'web-identity', 'static', 'invalid'];
      const all = JSON.parse(awsp(s, ['list', '--json']).stdout) as Array<{ name: string; kind: string }>;
      assert.deepEqual(all.map((p) => p.kind), want, JSON.stringify(all));
      // A real client, botocore, resolves every profile in the same sandbox to awsp's kind.
      const names = all.map((p) => p.name);
      assert.deepEqual(
        botocoreKinds(s, names).map((kind, i) => [names[i], kind]),
        all.map((p) => [p.name, p.kind]),
        'botocore (left) and awsp list (right)',
      );
      const r = awsp(s, [], { env: { AWS_PROFILE: 'creds-over-process' } });
      assert.match(r.stdout, /^profile 'creds-over-process' \(static;/m, dump(r));
    } finally {
      s.cleanup();
    }
  });

  it('a reader that stops early (awsp list | head -1): exit 0, nothing on stderr', () => {
    const s = sandbox();
    try {
      // More than a pipe holds (64 KiB), so awsp is still writing when head leaves.
      s.writeConfig(Array.from({ length: 6000 }, (_, i) => `[profile a-rather-long-profile-name-${i}]\n`).join(''));
      const r = run('bash', s, 'awsp list | head -n 1; echo "status=${PIPESTATUS[0]}"', { load: false });
      assert.equal(r.stdout, 'a-rather-long-profile-name-0\nstatus=0\n', dump(r));
      assert.equal(r.stderr, '', dump(r));
    } finally {
      s.cleanup();
    }
  });

  it('a filter is one argument', () => {
    const r = awsp(sb, ['list', 'a', 'b']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^awsp: list takes one filter at most, not 'a' 'b' \(usage: awsp list \[FILTER\] \[options\]\); see awsp list --help\n$/);
  });
});

describe('a config file the AWS CLI refuses', () => {
  for (const shell of SHELLS) {
    it(`${shell}: status and every switch say so, in one line; the switch still happens`, () => {
      const s = sandbox();
      try {
        s.writeConfig('[profile a]\nregion = eu-west-1\n[profile b]\n[profile a]\n');
        const show = shell === 'fish' ? 'printf "P=%s\\n" $AWS_PROFILE' : 'printf "P=%s\\n" "$AWS_PROFILE"';
        const r = run(shell, s, ['awsp b', show, 'awsp a', show, 'awsp'].join('\n'));
        assert.equal(r.code, 0, dump(r));
        assert.match(r.stdout, /^P=b\nP=a\nprofile 'a' \(settings-only, eu-west-1;/, dump(r));
        const lines = r.stderr.trimEnd().split('\n');
        // One line per switch and one for status, each naming the file and the CLI's refusal.
        assert.equal(lines.length, 3, dump(r));
        for (const l of lines) assert.match(l, /^awsp: .*config: section \[profile a\] appears twice .*the AWS CLI refuses this file/, dump(r));
      } finally {
        s.cleanup();
      }
    });
  }

  it('TAB still completes the names', () => {
    const s = sandbox();
    try {
      s.writeConfig('[profile zalpha]\n[profile beta]\n[profile zalpha]\n');
      const r = run('fish', s, "complete -C 'awsp za'");
      assert.deepEqual(r.stdout.split('\n').filter(Boolean), ['zalpha'], dump(r));
      assert.equal(r.stderr, '');
    } finally {
      s.cleanup();
    }
  });
});
