// The AWS files' writer (src/config/write.ts), as --write-credentials uses it: only its own
// section's lines change, every other byte stays.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { rewriteAwsFile, sectionNameProblem, type SectionValues, setConfigRegion, setSection } from '../../src/config/write.js';
import { UserError } from '../../src/errors.js';
import { awsSandbox } from '../helpers/aws-files.js';
import { dump, type Sandbox } from '../helpers/sandbox.js';
import { awspAsync } from '../helpers/spawn.js';

const VALUES: SectionValues = [
  ['aws_access_key_id', 'ASIANEW'],
  ['aws_secret_access_key', 'new/secret+key='],
  ['aws_session_token', 'tok=='],
  ['aws_credential_expiration', '2030-01-01T00:00:00Z'],
  ['awsp_managed', 'true'],
];
const BLOCK = (eol: string) =>
  ['aws_access_key_id = ASIANEW', 'aws_secret_access_key = new/secret+key=', 'aws_session_token = tok==', 'aws_credential_expiration = 2030-01-01T00:00:00Z', 'awsp_managed = true']
    .map((l) => l + eol)
    .join('');

/** setSection as --write-credentials calls it. */
const updateSection = (text: string, name: string, values: SectionValues, force: boolean) => setSection(text, name, values, { force, file: 'the credentials file' });
const writeCredentialsSection = (path: string, name: string, values: SectionValues, force: boolean) =>
  rewriteAwsFile(path, (text) => updateSection(text, name, values, force));

describe('setSection', () => {
  const original = '# my keys\r\n[default]\r\naws_access_key_id = AKIAUSER\r\n;  note = kept\r\naws_secret_access_key = s\r\n\r\n\r\n[other]  \r\nregion=eu-west-1\r\n';

  test('appends a new section and keeps every byte before it, CRLF included', () => {
    const out = updateSection(original, 'tmp', VALUES, false);
    assert.equal(out, `${original}\r\n[tmp]\r\n${BLOCK('\r\n')}`);
  });

  test('a file without a final newline gets one before the new section, and an empty file gets no blank line', () => {
    assert.equal(updateSection('[a]\nx = 1', 'tmp', VALUES, false), `[a]\nx = 1\n\n[tmp]\n${BLOCK('\n')}`);
    assert.equal(updateSection('', 'tmp', VALUES, false), `[tmp]\n${BLOCK('\n')}`);
  });

  test('replaces only the lines of its own keys in a managed section, keeping comments, other keys and order', () => {
    const text =
      '[a]\nx = 1\n\n# before tmp\n[tmp]\n# a comment inside\naws_access_key_id = OLD\nregion = us-west-2\naws_secret_access_key = OLD\naws_session_token = OLD\n  continued\nawsp_managed = true\n\n[z]\ny = 2';
    const out = updateSection(text, 'tmp', VALUES, false);
    assert.equal(
      out,
      '[a]\nx = 1\n\n# before tmp\n[tmp]\n# a comment inside\naws_access_key_id = ASIANEW\nregion = us-west-2\naws_secret_access_key = new/secret+key=\naws_session_token = tok==\nawsp_managed = true\naws_credential_expiration = 2030-01-01T00:00:00Z\n\n[z]\ny = 2',
    );
  });

  test('removes the token and expiration when the new keys have none', () => {
    const text = '[tmp]\naws_access_key_id = OLD\naws_secret_access_key = OLD\naws_session_token = OLD\naws_credential_expiration = 2020-01-01T00:00:00Z\nawsp_managed = true\n';
    const vals: SectionValues = [
      ['aws_access_key_id', 'AKIA2'],
      ['aws_secret_access_key', 's2'],
      ['aws_session_token', null],
      ['aws_credential_expiration', null],
      ['awsp_managed', 'true'],
    ];
    assert.equal(updateSection(text, 'tmp', vals, false), '[tmp]\naws_access_key_id = AKIA2\naws_secret_access_key = s2\nawsp_managed = true\n');
  });

  test('a last section without a final newline keeps ending without one', () => {
    const out = updateSection('[tmp]\nawsp_managed = true\naws_access_key_id = OLD', 'tmp', VALUES, false);
    assert.equal(
      out,
      '[tmp]\nawsp_managed = true\naws_access_key_id = ASIANEW\naws_secret_access_key = new/secret+key=\naws_session_token = tok==\naws_credential_expiration = 2030-01-01T00:00:00Z',
    );
  });

  test('refuses a section holding keys awsp did not write, unless forced', () => {
    assert.throws(() => updateSection(original, 'default', VALUES, false), (e: unknown) => e instanceof UserError && /did not write.*--force/.test(e.message));
    const forced = updateSection(original, 'default', VALUES, true);
    assert.equal(
      forced,
      '# my keys\r\n[default]\r\naws_access_key_id = ASIANEW\r\n;  note = kept\r\naws_secret_access_key = new/secret+key=\r\naws_session_token = tok==\r\naws_credential_expiration = 2030-01-01T00:00:00Z\r\nawsp_managed = true\r\n\r\n\r\n[other]  \r\nregion=eu-west-1\r\n',
    );
  });

  test('a section without keys (say, only a region) may be written', () => {
    assert.equal(updateSection('[tmp]\nregion = x\n', 'tmp', VALUES, false), `[tmp]\nregion = x\n${BLOCK('\n')}`);
  });

  test('a duplicated section is refused', () => {
    assert.throws(() => updateSection('[tmp]\nawsp_managed = true\n[tmp]\n', 'tmp', VALUES, false), /more than once/);
  });

  test('a value ending in = is written bare (the ini package would quote it)', () => {
    assert.match(updateSection('', 'tmp', VALUES, false), /^aws_secret_access_key = new\/secret\+key=$/m);
  });
});

describe('rewriteAwsFile', () => {
  let sb: Sandbox;
  before(() => {
    sb = awsSandbox();
  });
  after(() => sb.cleanup());

  test('writes atomically with mode 0600 and leaves no temp or lock file', () => {
    const path = join(sb.dir, 'plain', 'credentials');
    writeCredentialsSection(path, 'a', VALUES, false);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(readFileSync(path, 'utf8'), `[a]\n${BLOCK('\n')}`);
    assert.deepEqual(readdirSync(join(sb.dir, 'plain')), ['credentials']);
  });

  test('follows a symlinked file: the target changes, the link stays', () => {
    const target = sb.write('dotfiles/aws-credentials', '[keep]\r\nx = 1\r\n', 0o644);
    const link = join(sb.dir, 'link-credentials');
    symlinkSync('dotfiles/aws-credentials', link);
    writeCredentialsSection(link, 'tmp', VALUES, false);
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.equal(readlinkSync(link), 'dotfiles/aws-credentials');
    assert.equal(readFileSync(target, 'utf8'), `[keep]\r\nx = 1\r\n\r\n[tmp]\r\n${BLOCK('\r\n')}`);
    assert.equal(statSync(target).mode & 0o777, 0o600);
  });

  test('refuses invalid UTF-8 rather than rewrite bytes it cannot read', () => {
    const path = sb.write('bad/credentials', Buffer.from([0x5b, 0x61, 0x5d, 0x0a, 0xff, 0x0a]));
    assert.throws(() => writeCredentialsSection(path, 'tmp', VALUES, false), /not valid UTF-8/);
    assert.deepEqual([...readFileSync(path)], [0x5b, 0x61, 0x5d, 0x0a, 0xff, 0x0a]);
  });

  test('names the SDK or the file format cannot hold are refused', () => {
    for (const name of ['', 'a b', 'a]b', 'DEFAULT', '#x']) assert.notEqual(sectionNameProblem(name), null, name);
    assert.equal(sectionNameProblem('ok-name@x.y'), null);
  });
});

describe('awsp exports --write-credentials', () => {
  let sb: Sandbox;
  before(() => {
    sb = awsSandbox();
    sb.writeConfig('[profile other]\nregion = eu-west-1\n');
  });
  after(() => sb.cleanup());

  const creds = '# top comment\n[src]\naws_access_key_id = AKIASRC\naws_secret_access_key = src/secret\n\n[mine]\naws_access_key_id = AKIAMINE\naws_secret_access_key = m\n';

  test('writes a section, refuses a foreign one, and replaces it with --force', async () => {
    sb.writeCredentials(creds);
    const ok = await awspAsync(sb, ['exports', 'src', '--no-session', '--write-credentials', 'src-temporary']);
    assert.equal(ok.code, 0, dump(ok));
    assert.equal(ok.stdout, '');
    assert.match(ok.stderr, /wrote \[src-temporary\]/);
    assert.equal(readFileSync(sb.credentials, 'utf8'), `${creds}\n[src-temporary]\naws_access_key_id = AKIASRC\naws_secret_access_key = src/secret\nawsp_managed = true\n`);

    const again = await awspAsync(sb, ['exports', 'src', '--no-session', '--write-credentials', 'src-temporary']);
    assert.equal(again.code, 0, dump(again));

    const refused = await awspAsync(sb, ['exports', 'src', '--no-session', '--write-credentials', 'mine']);
    assert.equal(refused.code, 1, dump(refused));
    assert.match(refused.stderr, /^awsp: \[mine\] in the credentials file holds keys that awsp did not write; .*--force to replace them\n$/);
    assert.match(readFileSync(sb.credentials, 'utf8'), /\[mine\]\naws_access_key_id = AKIAMINE\n/);

    const forced = await awspAsync(sb, ['exports', 'src', '--no-session', '--write-credentials', 'mine', '--force']);
    assert.equal(forced.code, 0, dump(forced));
    assert.match(readFileSync(sb.credentials, 'utf8'), /\[mine\]\naws_access_key_id = AKIASRC\naws_secret_access_key = src\/secret\nawsp_managed = true\n/);

    // What was written reads back as a profile, through the SDK.
    const back = await awspAsync(sb, ['exports', 'src-temporary', '--no-session', '--format', 'json']);
    assert.equal(JSON.parse(back.stdout).AWS_ACCESS_KEY_ID, 'AKIASRC', dump(back));
  });

  test('100 concurrent writers, to different sections and to the same one, lose nothing', { timeout: 60_000 }, async () => {
    sb.writeCredentials(creds);
    const runs = Array.from({ length: 100 }, (_, i) =>
      awspAsync(sb, ['exports', 'src', '--no-session', '--write-credentials', i % 2 === 0 ? `w${i}` : 'shared'], { timeout: 60_000 }),
    );
    const results = await Promise.all(runs);
    for (const r of results) assert.equal(r.code, 0, dump(r));
    const text = readFileSync(sb.credentials, 'utf8');
    assert.ok(text.startsWith(creds), 'the original bytes come first, unchanged');
    for (let i = 0; i < 100; i += 2) assert.equal(text.split(`\n[w${i}]\n`).length, 2, `[w${i}] once:\n${text}`);
    assert.equal(text.split('\n[shared]\n').length, 2, text);
    assert.equal((text.match(/^\[/gm) ?? []).length, 2 + 50 + 1);
    assert.equal(statSync(sb.credentials).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(join(sb.home, '.aws')).filter((f) => /awsp/.test(f)), [], 'no lock or temp file left');
  });
});

describe('setConfigRegion', () => {
  test('appends [profile NAME], or [default], with the file’s line endings', () => {
    assert.equal(setConfigRegion('', 'prod', 'eu-west-1'), '[profile prod]\nregion = eu-west-1\n');
    assert.equal(setConfigRegion('[profile a]\r\nregion = x\r\n', 'default', 'us-east-2'), '[profile a]\r\nregion = x\r\n\r\n[default]\r\nregion = us-east-2\r\n');
  });

  test('finds the section however its header is written, and changes only the region line', () => {
    const text = '# top\n[profile "my prod"]\nrole_arn = arn:aws:iam::1:role/r\nregion = us-east-1 ; old\n  \n[profile b]\n';
    assert.equal(setConfigRegion(text, 'my prod', 'eu-central-1'), '# top\n[profile "my prod"]\nrole_arn = arn:aws:iam::1:role/r\nregion = eu-central-1\n  \n[profile b]\n');
    // A profile with static keys in the config file: setting its region is no reason to refuse.
    assert.equal(setConfigRegion('[default]\naws_access_key_id = A\n', 'default', 'x-1'), '[default]\naws_access_key_id = A\nregion = x-1\n');
    // [default] and [profile default] both name default; the later one is what the CLI reads.
    assert.equal(setConfigRegion('[default]\nregion = a\n[profile default]\nregion = b\n', 'default', 'c'), '[default]\nregion = a\n[profile default]\nregion = c\n');
  });

  test('what it writes is what the AWS CLI reads', () => {
    const sb = awsSandbox();
    try {
      sb.writeConfig('[profile "odd name"]\noutput = json\n[profile plain]\n');
      for (const [profile, region] of [['odd name', 'ap-south-1'], ['plain', 'eu-north-1'], ['new-one', 'sa-east-1'], ['default', 'us-west-2']] as const) {
        rewriteAwsFile(sb.config, (text) => setConfigRegion(text, profile, region));
        const r = spawnSync('/usr/bin/aws', ['configure', 'get', 'region', '--profile', profile], { env: sb.env, encoding: 'utf8' });
        assert.equal(r.stdout.trim(), region, `${profile}: ${r.stderr}`);
      }
      // Nothing to change: nothing written (not even the mtime moves).
      const before = statSync(sb.config).mtimeMs;
      assert.equal(rewriteAwsFile(sb.config, (text) => setConfigRegion(text, 'plain', 'eu-north-1')), sb.config);
      assert.equal(statSync(sb.config).mtimeMs, before);
    } finally {
      sb.cleanup();
    }
  });
});
