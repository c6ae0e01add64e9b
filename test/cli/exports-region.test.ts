// `awsp exports` carries the profile's region: a tool that reads only the environment cannot
// read the config's region either. Into a shell with the AWSP_REGION mark (so the next switch
// or --unset removes it only while unchanged), never over a region set by hand; into env,
// dotenv and json files always, without awsp's marks. Whose keys they are goes along
// (AWSP_KEYS_PROFILE, for awsp_prompt). The real AWS CLI, given only what was exported, signs
// for that region, and without it refuses to run.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { processCommand } from '../helpers/aws-files.js';
import { startFakeAws, type FakeAws } from '../helpers/fakeaws.js';
import { dump, q, type Sandbox, sandbox, SHELLS, type ShellName } from '../helpers/sandbox.js';
import { awspAsync, runAsync, spawnAsync } from '../helpers/spawn.js';

let sb: Sandbox;
let fake: FakeAws;
const EXPIRES = '2099-01-02T03:04:05Z';
before(async () => {
  fake = await startFakeAws();
  sb = sandbox({ AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9', AWS_EC2_METADATA_DISABLED: 'true' });
  const creds = { AccessKeyId: 'ASIAREGION', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: EXPIRES };
  sb.writeConfig(
    [
      '[profile r]',
      `credential_process = ${processCommand(sb, 'r', creds)}`,
      'region = eu-central-1',
      '[profile noregion]',
      `credential_process = ${processCommand(sb, 'noregion', { ...creds, AccessKeyId: 'ASIANOREGION' })}`,
      '[profile dev]',
      'region = us-east-1',
      '',
    ].join('\n'),
  );
});
after(async () => {
  sb.cleanup();
  await fake.close();
});

const VARS = ['AWS_ACCESS_KEY_ID', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWSP_REGION', 'AWSP_KEYS', 'AWSP_KEYS_PROFILE'];
const probe = (shell: ShellName) =>
  shell === 'fish'
    ? VARS.map((n) => `if set -q ${n}; printf '%s=%s\\n' ${n} "$${n}"; else; printf '%s!\\n' ${n}; end`).join('\n')
    : VARS.map((n) => `if [ -n "\${${n}+x}" ]; then printf '%s=%s\\n' ${n} "$${n}"; else printf '%s!\\n' ${n}; fi`).join('\n');
const load = (shell: ShellName, profile: string) => (shell === 'fish' ? `awsp exports ${profile} | source` : `eval "$(awsp exports ${profile})"`);
const state = (out: string) => Object.fromEntries(out.trim().split('\n').map((l) => (l.endsWith('!') ? [l.slice(0, -1), null] : [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])));

describe('exports sets the region in the shell', () => {
  for (const shell of SHELLS) {
    test(`${shell}: the profile's region, with the mark; the next switch takes it away`, async () => {
      const sep = `echo ---`;
      const r = await runAsync(shell, sb, [load(shell, 'r'), probe(shell), sep, 'awsp dev', probe(shell)].join('\n'), { strict: true });
      assert.equal(r.code, 0, dump(r));
      assert.equal(r.stderr, '');
      const [afterExports, afterSwitch] = r.stdout.split('---\n').map(state);
      assert.deepEqual(afterExports, {
        AWS_ACCESS_KEY_ID: 'ASIAREGION',
        AWS_REGION: 'eu-central-1',
        AWS_DEFAULT_REGION: 'eu-central-1',
        AWSP_REGION: 'eu-central-1',
        AWSP_KEYS: 'ASIAREGION',
        AWSP_KEYS_PROFILE: 'r',
      });
      assert.deepEqual(afterSwitch, { AWS_ACCESS_KEY_ID: null, AWS_REGION: null, AWS_DEFAULT_REGION: null, AWSP_REGION: null, AWSP_KEYS: null, AWSP_KEYS_PROFILE: null });
    });

    test(`${shell}: a region set by hand stays; one awsp set is replaced`, async () => {
      const byHand = shell === 'fish' ? 'set -gx AWS_REGION us-west-2' : 'export AWS_REGION=us-west-2';
      const r = await runAsync(shell, sb, [byHand, load(shell, 'r'), probe(shell), 'echo ---', 'awsp --unset', 'awsp dev --region ap-south-1', load(shell, 'r'), probe(shell)].join('\n'), { strict: true });
      assert.equal(r.code, 0, dump(r));
      const [hand, replaced] = r.stdout.split('---\n').map(state);
      assert.equal(hand!.AWS_REGION, 'us-west-2', dump(r));
      assert.equal(hand!.AWS_DEFAULT_REGION, null);
      assert.equal(hand!.AWSP_REGION, null);
      // `awsp --unset` kept the hand-set region; `awsp dev --region` replaced it (the user asked) and marked it.
      assert.equal(replaced!.AWS_REGION, 'eu-central-1', dump(r));
      assert.equal(replaced!.AWSP_REGION, 'eu-central-1');
    });
  }

  test('a profile without a region leaves the region alone', async () => {
    const r = await awspAsync(sb, ['exports', 'noregion', '--format', 'bash', '--reveal']);
    assert.equal(r.code, 0, dump(r));
    assert.doesNotMatch(r.stdout, /AWS_REGION|AWS_DEFAULT_REGION|AWSP_REGION/);
    assert.match(r.stdout, /^\\builtin export AWSP_KEYS_PROFILE='noregion'$/m);
  });
});

describe('exports writes the region for other programs', () => {
  test('env, dotenv and json carry AWS_REGION and AWS_DEFAULT_REGION, and none of awsp\'s marks', async () => {
    for (const format of ['env', 'dotenv', 'json']) {
      // Even with a region of the user's in awsp's environment: the file is for another program.
      const r = await awspAsync(sb, ['exports', 'r', '--format', format], { env: { AWS_REGION: 'us-west-2' } });
      assert.equal(r.code, 0, dump(r));
      const vars: Record<string, string> =
        format === 'json'
          ? JSON.parse(r.stdout)
          : Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).replace(/^'(.*)'$/, '$1')]));
      assert.equal(vars.AWS_REGION, 'eu-central-1', `${format}: ${r.stdout}`);
      assert.equal(vars.AWS_DEFAULT_REGION, 'eu-central-1');
      assert.deepEqual(Object.keys(vars).filter((k) => k.startsWith('AWSP_')), [], `${format}: ${r.stdout}`);
    }
    const p = await awspAsync(sb, ['exports', 'r', '--format', 'process']);
    assert.doesNotMatch(p.stdout, /eu-central-1/);
  });
});

/** An endpoint ruleset for EC2 (the CLI 2.9 predates AWS_ENDPOINT_URL_*) sending every call to the fake server. */
function ec2DataPath(url: string): string {
  return ec2DataPathIn(sb.dir, url);
}

function ec2DataPathIn(root: string, url: string): string {
  const original = '/usr/lib/python3/dist-packages/awscli/botocore/data/ec2/2016-11-15/endpoint-rule-set-1.json';
  const rules = JSON.parse(readFileSync(original, 'utf8')) as { rules: unknown[] };
  rules.rules = [{ conditions: [], endpoint: { url, properties: {}, headers: {} }, type: 'endpoint' }];
  const dir = join(root, 'aws-data');
  mkdirSync(join(dir, 'ec2', '2016-11-15'), { recursive: true });
  writeFileSync(join(dir, 'ec2', '2016-11-15', 'endpoint-rule-set-1.json'), JSON.stringify(rules));
  return dir;
}

describe('the real AWS CLI, given only what exports put in the environment', () => {
  test('signs for the exported region; without one, it refuses to run', async () => {
    const data = ec2DataPath(fake.url);
    // No AWS files for the CLI: only the environment, as in a container.
    const cli = `AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_DATA_PATH=${q('bash', data)} /usr/bin/aws ec2 describe-regions`;
    const script = [load('bash', 'r'), `${cli} || echo "exit $?"`, 'echo ---', 'awsp --unset', load('bash', 'noregion'), `${cli} || echo "exit $?"`].join('\n');
    const before = fake.requests.length;
    const r = await spawnAsync('bash', ['--noprofile', '--norc', '-c', `eval "$(awsp init bash)"\n${script}`], {
      cwd: sb.dir,
      env: { ...sb.env, HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1', AWS_EC2_METADATA_DISABLED: 'true' },
      timeout: 60_000,
    });
    const calls = fake.requests.slice(before);
    // The fake answers EC2's query call as an unknown action: what matters is how it was signed.
    assert.deepEqual(
      calls.map((c) => [c.action, c.signedBy, c.region]),
      [['DescribeRegions', 'ASIAREGION', 'eu-central-1']],
      dump(r),
    );
    assert.match(r.stderr, /You must specify a region/, dump(r));
  });
});

describe('awsp exec through the shell function', () => {
  test("the command inherits none of the integration's variables (AWSP_SHELL, marks)", async () => {
    // A shell where awsp set a region and exported keys, then runs exec.
    const script = ['awsp dev --region ap-south-1', load('bash', 'r'), 'awsp exec r -- env'].join('\n');
    const r = await runAsync('bash', sb, script, { strict: true });
    assert.equal(r.code, 0, dump(r));
    const env = r.stdout.split('\n');
    assert.deepEqual(env.filter((l) => l.startsWith('AWSP_')), [], r.stdout);
    assert.ok(env.includes('AWS_ACCESS_KEY_ID=ASIAREGION') && env.includes('AWS_REGION=eu-central-1'), r.stdout);
  });
});

describe('--write-credentials NAME: the region goes into the config file', () => {
  test("NAME gets the profile's region with awsp's mark, every other byte kept; aws --profile NAME then needs nothing else", async () => {
    const s2 = sandbox({ AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9', AWS_EC2_METADATA_DISABLED: 'true' });
    try {
      const creds = { AccessKeyId: 'ASIAWRITTEN', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: EXPIRES };
      const config = `# mine\r\n[profile r]\r\ncredential_process = ${processCommand(s2, 'r', creds)}\r\nregion = eu-central-1\r\n`;
      s2.writeConfig(config);
      const r = await awspAsync(s2, ['exports', 'r', '--write-credentials', 'tmp']);
      assert.equal(r.code, 0, dump(r));
      assert.match(r.stderr, /wrote region 'eu-central-1' for 'tmp'/);
      assert.equal(readFileSync(s2.config, 'utf8'), `${config}\r\n[profile tmp]\r\nregion = eu-central-1\r\nawsp_managed = true\r\n`);
      // The real AWS CLI, with only the profile name: the region from the config, the keys from the credentials file.
      const env = { ...s2.env, AWS_DATA_PATH: ec2DataPathIn(s2.dir, fake.url), HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1' };
      const get = await spawnAsync('/usr/bin/aws', ['configure', 'get', 'region', '--profile', 'tmp'], { cwd: s2.dir, env });
      assert.equal(get.stdout, 'eu-central-1\n', dump(get));
      const before = fake.requests.length;
      const call = await spawnAsync('/usr/bin/aws', ['ec2', 'describe-regions', '--profile', 'tmp'], { cwd: s2.dir, env, timeout: 60_000 });
      assert.doesNotMatch(call.stderr, /You must specify a region/, dump(call));
      assert.deepEqual(fake.requests.slice(before).map((c) => [c.action, c.signedBy, c.region]), [['DescribeRegions', 'ASIAWRITTEN', 'eu-central-1']], dump(call));
      // Again: nothing more to write.
      const again = await awspAsync(s2, ['exports', 'r', '--write-credentials', 'tmp']);
      assert.doesNotMatch(again.stderr, /wrote region/, dump(again));
    } finally {
      s2.cleanup();
    }
  });

  test("a [profile NAME] of the user's keeps its region, unless --force", async () => {
    const s2 = sandbox({ AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9', AWS_EC2_METADATA_DISABLED: 'true' });
    try {
      const creds = { AccessKeyId: 'ASIAWRITTEN', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: EXPIRES };
      const config = `[profile r]\ncredential_process = ${processCommand(s2, 'r', creds)}\nregion = eu-central-1\n[profile tmp]\nregion = us-west-2\n`;
      s2.writeConfig(config);
      const r = await awspAsync(s2, ['exports', 'r', '--write-credentials', 'tmp']);
      assert.equal(r.code, 0, dump(r));
      assert.match(r.stderr, /'tmp' in .* is not awsp's: its region is left as it is/);
      assert.equal(readFileSync(s2.config, 'utf8'), config);
      const forced = await awspAsync(s2, ['exports', 'r', '--write-credentials', 'tmp', '--force']);
      assert.equal(forced.code, 0, dump(forced));
      assert.equal(readFileSync(s2.config, 'utf8'), config.replace('region = us-west-2\n', 'region = eu-central-1\nawsp_managed = true\n'));
    } finally {
      s2.cleanup();
    }
  });
});
