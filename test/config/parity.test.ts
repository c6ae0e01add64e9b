// Parity with the real AWS CLI v2: `awsp list` prints exactly the names `aws configure
// list-profiles` prints, on generated and on hand-written odd files. Where the CLI refuses a
// file, awsp lists what it can, warns once about that file, and exits 0.
//
// Generated cases run in one Python process (aws-list-profiles.py, under the interpreter
// /usr/bin/aws names) through botocore's Session.available_profiles, the list the command
// prints, and through awsp's parser in this process: 1,000 cases do not start 2,000
// processes. The hand-written cases run the CLI's own entry point in that process too (and
// must agree with the fast mode) and the built awsp binary; a large generated pair and two
// refused files run the real /usr/bin/aws, which keeps the batch driver honest.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { loadProfiles, unsupportedNameReason } from '../../src/config/profiles.js';
import { awsp, dump, sandbox, type Sandbox } from '../helpers/sandbox.js';

const AWS = '/usr/bin/aws';
const SEED = Number(process.env.AWSP_PARITY_SEED ?? 20240611);
const RUNS = Number(process.env.AWSP_PARITY_RUNS ?? 1000);
const DRIVER = new URL('./aws-list-profiles.py', import.meta.url).pathname;

interface CliResult {
  rc: number;
  stdout: string;
  stderr: string;
}

/** The interpreter /usr/bin/aws runs under: the one whose awscli package is the real CLI. */
function awsPython(): string {
  assert.ok(existsSync(AWS), `${AWS} is missing: install the AWS CLI v2 (apt-get install -y awscli); this test does not skip`);
  const shebang = readFileSync(AWS, 'utf8').split('\n')[0]!;
  const m = /^#!\s*(\S+)/.exec(shebang);
  assert.ok(m, `${AWS} is not a Python script: ${shebang}`);
  return m[1]!;
}

const cliEnv = (sb: Sandbox) => ({ HOME: sb.home, PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', AWS_PAGER: '' });

/** `aws configure list-profiles` on each pair, in one Python process. */
function cliBatch(sb: Sandbox, pairs: { config: string; credentials: string }[], mode: '--cli' | '--session' = '--cli'): CliResult[] {
  const r = spawnSync(awsPython(), [DRIVER, mode], {
    input: pairs.map((p) => JSON.stringify(p)).join('\n') + '\n',
    env: cliEnv(sb),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    timeout: 120_000,
  });
  assert.equal(r.status, 0, `the CLI driver failed:\n${r.stderr}`);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as CliResult);
  assert.equal(out.length, pairs.length);
  return out;
}

/** The real /usr/bin/aws, started once. */
function cliReal(sb: Sandbox, config: string, credentials: string): CliResult {
  awsPython();
  const r = spawnSync(AWS, ['configure', 'list-profiles'], {
    env: { ...cliEnv(sb), AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { rc: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const REFUSES = 'the AWS CLI refuses this file';

/** What awsp must print given what the CLI printed: the same names, minus those awsp refuses (with a warning each). */
function expectedFrom(cli: CliResult): { names: string[]; skipped: string[] } {
  const names = cli.stdout === '' ? [] : cli.stdout.replace(/\n$/, '').split('\n');
  return { names: names.filter((n) => !unsupportedNameReason(n)), skipped: names.filter((n) => unsupportedNameReason(n)) };
}

/** Checks one case; `awspOut` is `awsp list` stdout, `warnings` its stderr lines. */
function compare(label: string, cli: CliResult, awspNames: string[], warnings: string[], paths: { config: string; credentials: string }): void {
  const refused = warnings.filter((w) => w.includes(REFUSES));
  if (cli.rc === 0) {
    const { names, skipped } = expectedFrom(cli);
    assert.deepEqual(awspNames, names, `${label}: names differ from aws configure list-profiles`);
    assert.deepEqual(refused, [], `${label}: the CLI reads these files, but awsp warned`);
    // A name the CLI lists but awsp refuses: one warning each; no other warnings at all.
    assert.equal(warnings.length, skipped.length, `${label}: unexpected warnings ${JSON.stringify(warnings)}`);
  } else {
    // The CLI refuses the first bad file it reads (config, then credentials): awsp warns about that file, once.
    const m = /Unable to parse config file: (.*)/.exec(cli.stderr);
    assert.ok(m, `${label}: the CLI failed for another reason: ${cli.stderr}`);
    assert.ok([paths.config, paths.credentials].includes(m[1]!.trim()), cli.stderr);
    const about = refused.filter((w) => w.includes(`${m[1]!.trim()}:`));
    assert.equal(about.length, 1, `${label}: expected one warning about ${m[1]}, got ${JSON.stringify(warnings)}`);
    assert.equal(new Set(refused).size, refused.length, `${label}: a warning repeated`);
  }
}

// ---- The generator: files built from the pieces botocore and configparser treat specially.

const NAME_CHARS = [
  ...'abcxyzABZ0189',
  ...'._-:/@+',
  ' ', '\t', '"', "'", '\\', '#', ';', '=', '[', ']', '$', '!', '*', '%', '&',
  'é', 'ß', 'Ω', '日本', '🙂', '\u00a0', '\u2028', '\u0085', '\x0b', '\x1c', '\x01', '\x7f',
];
const nameArb = fc
  .array(fc.constantFrom(...NAME_CHARS), { minLength: 0, maxLength: 6 })
  .map((cs) => cs.join(''));
const simpleName = fc.stringMatching(/^[a-z][a-z0-9._:/@+-]{0,8}$/);

const headerArb = fc.oneof(
  { weight: 6, arbitrary: simpleName.map((n) => `[profile ${n}]`) },
  { weight: 2, arbitrary: simpleName.map((n) => `[${n}]`) },
  { weight: 4, arbitrary: nameArb.map((n) => `[profile ${n}]`) },
  { weight: 2, arbitrary: nameArb.map((n) => `[profile "${n}"]`) },
  { weight: 1, arbitrary: nameArb.map((n) => `[profile '${n}']`) },
  { weight: 2, arbitrary: nameArb.map((n) => `[${n}]`) },
  { weight: 1, arbitrary: nameArb.map((n) => `[profiles ${n}]`) },
  { weight: 1, arbitrary: nameArb.map((n) => `[sso-session ${n}]`) },
  { weight: 1, arbitrary: nameArb.map((n) => `[services ${n}]`) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('[default]', '[profile default]', '[DEFAULT]', '[ default ]', '[profile]', '[profile ]', '[plugins]', '[preview]', '[x] trailing', '[a]b]', '[]', '[', 'profile x]'),
  },
);
const indentArb = fc.constantFrom('', '', '', ' ', '  ', '\t', ' \t', '\u00a0');
const valueArb = fc.constantFrom('', 'v', 'a;b', 'x # y', 'eu-west-1', 'arn:aws:iam::1:role/r', ' spaced ', '=', 'k = v', '[notasection]');
const keyArb = fc.constantFrom('region', 'output', 'role_arn', 'Region', 'sso_session', 's3', 'aws_access_key_id', 'a b', '');
// `messy` adds the pieces that make the CLI refuse a file (a stray line, a line that is not
// key = value, a BOM); without them most generated files are ones the CLI reads.
const lineArb = (messy: boolean) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.tuple(indentArb, keyArb, fc.constantFrom(' = ', '=', ': ', ' : ', ' =', '  =  '), valueArb).map(([i, k, d, v]) => `${i}${k}${d}${v}`) },
    { weight: 2, arbitrary: fc.tuple(indentArb, fc.constantFrom('# c', '; c', '#', ';[profile hidden]', '# [profile x]')).map(([i, c]) => i + c) },
    { weight: 2, arbitrary: fc.constantFrom('', '', '   ') },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(' ', '  ', '\t'), fc.constantFrom('a = 1', 'b=2', '[profile nested]', 'x: y', ...(messy ? ['nokey'] : []))).map(([i, l]) => i + l) },
    { weight: messy ? 1 : 0, arbitrary: fc.constantFrom('noequals', 'key', ' = novalue') },
  );
const sectionArb = (messy: boolean) =>
  fc.tuple(messy ? indentArb : fc.constant(''), headerArb, fc.array(lineArb(messy), { maxLength: 3 })).map(([i, h, ls]) => [i + h, ...ls]);
const fileArb = (messy: boolean) =>
  fc
    .record({
      bom: messy ? fc.constantFrom(false, false, false, true) : fc.constant(false),
      preamble: fc.array(fc.constantFrom('# comment', '; comment', '', ...(messy ? ['stray = 1'] : [])), { maxLength: 1 }),
      sections: fc.array(sectionArb(messy), { maxLength: 6 }),
      eol: fc.constantFrom('\n', '\n', '\n', '\r\n', '\r', 'mixed'),
      finalEol: fc.boolean(),
    })
    .map(({ bom, preamble, sections, eol, finalEol }) => {
      const lines = [...preamble, ...sections.flat()];
      const eols = ['\n', '\r\n', '\r'];
      const text = lines.map((l, i) => l + (i === lines.length - 1 && !finalEol ? '' : eol === 'mixed' ? eols[i % 3] : eol)).join('');
      return (bom ? '\ufeff' : '') + text;
    });
const fileOrNone = fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 5, arbitrary: fileArb(false) }, { weight: 3, arbitrary: fileArb(true) });
const pairArb = fc.record({ config: fileOrNone, credentials: fileOrNone });

test(`generated file pairs match aws configure list-profiles (seed ${SEED}, ${RUNS} pairs)`, (t) => {
  const sb = sandbox();
  try {
    const cases = fc.sample(pairArb, { seed: SEED, numRuns: RUNS });
    const pairs = cases.map((c, i) => {
      const dir = join(sb.dir, 'gen', String(i));
      mkdirSync(dir, { recursive: true });
      const config = join(dir, 'config');
      const credentials = join(dir, 'credentials');
      if (c.config !== null) writeFileSync(config, c.config);
      if (c.credentials !== null) writeFileSync(credentials, c.credentials);
      return { config, credentials };
    });
    const cli = cliBatch(sb, pairs, '--session');
    let refused = 0;
    let names = 0;
    const failures: string[] = [];
    pairs.forEach((p, i) => {
      const set = loadProfiles({ rawConfig: p.config, rawCredentials: p.credentials, ...p });
      if (cli[i]!.rc !== 0) refused++;
      names += set.profiles.length;
      try {
        compare(`case ${i}`, cli[i]!, set.profiles.map((x) => x.name), set.warnings, p);
      } catch (e) {
        failures.push(`${(e as Error).message}\n  config: ${JSON.stringify(cases[i]!.config)}\n  credentials: ${JSON.stringify(cases[i]!.credentials)}\n  cli: ${JSON.stringify(cli[i])}`);
      }
    });
    t.diagnostic(`parity: seed ${SEED}, ${pairs.length} file pairs, ${names} profile names, ${refused} pairs the CLI refuses, ${failures.length} divergences`);
    assert.equal(failures.length, 0, failures.slice(0, 5).join('\n\n'));
  } finally {
    sb.cleanup();
  }
});

// ---- Hand-written odd cases, each through the real /usr/bin/aws and the built awsp binary.

interface Odd {
  name: string;
  config?: string | Buffer;
  credentials?: string | Buffer;
}

const ODD: Odd[] = [
  { name: 'default and profile default', config: '[default]\nregion = a\n[profile default]\nregion = b\n[profile x]\n' },
  { name: 'profile default first', config: '[profile default]\n[profile a]\n[default]\n' },
  { name: 'quoted name with a space', config: '[profile "a b"]\n[profile \'c d\']\n' },
  { name: 'unquoted name with a space', config: '[profile a b]\n[profile ok]\n' },
  { name: 'profiles prefix', config: '[profiles x]\n[profilex y]\n[profile]\n[profile ]\n' },
  { name: 'spaces inside brackets', config: '[ default ]\n[ profile a]\n[profile  b ]\n' },
  { name: 'DEFAULT section', config: '[DEFAULT]\nregion = r\n[profile a]\n[DEFAULT]\noutput = json\n', credentials: '[DEFAULT]\n[k]\n' },
  { name: 'indented header after an option is a continuation', config: '[profile a]\nregion = x\n  [profile hidden]\n[profile b]\n' },
  { name: 'indented header with no option before it', config: '[profile a]\n  [profile b]\n    [profile c]\n' },
  { name: 'comments', config: '# [profile c1]\n; [profile c2]\n[profile a] ; not a comment\n  # indented comment\n[profile b] # x\nregion = us ; east\n' },
  { name: 'CRLF', config: '[default]\r\nregion = a\r\n[profile x]\r\n', credentials: '[k]\r\nkey = v\r\n' },
  { name: 'lone CR', config: '[default]\rregion = a\r[profile x]\r' },
  { name: 'mixed line endings', config: '[profile a]\r\n[profile b]\r[profile c]\n' },
  { name: 'BOM in config', config: '\ufeff[default]\n[profile a]\n' },
  { name: 'BOM in credentials', credentials: '\ufeff[k]\n[j]\n' },
  { name: 'names with punctuation', config: '[profile a.b]\n[profile a:b]\n[profile a/b]\n[profile a@b]\n[profile a+b]\n[profile a=b]\n[profile a,b]\n[profile -x]\n' },
  { name: 'non-ASCII names', config: '[profile é]\n[profile 日本]\n[profile 🙂]\n[profile "naïve user"]\n' },
  { name: 'unicode whitespace around a header', config: '\u00a0[profile nbsp]\u3000\n[profile x]\n' },
  { name: 'credentials-only profiles', config: '[profile a]\n', credentials: '[b]\n[a]\n[c]\n' },
  { name: 'profile x inside the credentials file', credentials: '[profile x]\n[default]\n' },
  { name: 'sso-session and services sections', config: '[sso-session corp]\nsso_start_url = u\n[services dev]\ns3 =\n  endpoint_url = x\n[profile a]\nsso_session = corp\n[plugins]\n[preview]\n' },
  { name: 'continuation lines', config: '[profile a]\nregion = x\n  more\n\n  after blank\n[profile b]\n' },
  { name: 'nested block', config: '[profile a]\ns3 =\n  max_concurrent_requests = 10\n  addressing_style = path\n[profile b]\n' },
  { name: 'nested block with a line without =', config: '[profile a]\ns3 =\n  no equals here\n[profile b]\n' },
  { name: 'nested block split by a unicode line separator', config: '[profile a]\ns3 =\n  a = 1\u2028b\n[profile b]\n' },
  { name: 'bad nested block in DEFAULT, with a section', config: '[DEFAULT]\ns3 =\n  bad\n[profile a]\n' },
  { name: 'bad nested block in DEFAULT, no section', config: '[DEFAULT]\ns3 =\n  bad\n', credentials: '[k]\n' },
  { name: 'duplicate section', config: '[profile a]\n[profile b]\n[profile a]\n' },
  { name: 'duplicate option', config: '[profile a]\nregion = x\nRegion = y\n[profile b]\n' },
  { name: 'duplicate section in credentials', config: '[profile a]\n', credentials: '[k]\n[k]\n[j]\n' },
  { name: 'line outside any section', config: 'region = x\n[profile a]\n' },
  { name: 'line that is not key = value', config: '[profile a]\njunk\n[profile b]\n' },
  { name: 'empty key', config: '[profile a]\n= v\n[profile b]\n' },
  { name: 'invalid UTF-8', config: Buffer.from('[profile a]\nregion = \xff\xfe\n[profile b]\n', 'latin1') },
  { name: 'NUL byte in a name', config: '[profile a\x00b]\n[profile c]\n' },
  { name: 'control character in a name', config: '[profile "a\tb"]\n[profile c\x01]\n[profile d]\n' },
  { name: 'empty quoted name', config: '[profile ""]\n[profile a]\n' },
  { name: 'unclosed quote', config: '[profile "a]\n[profile b\\]\n[profile c]\n' },
  { name: 'escaped quote', config: '[profile "a\\"b"]\n[profile a\\ b]\n[profile "a\\nb"]\n' },
  { name: 'greedy header', config: '[profile a]b]\n[profile c] ] x\n' },
  { name: 'empty files', config: '', credentials: '' },
  { name: 'only comments', config: '# x\n; y\n', credentials: '\n\n' },
  { name: 'no final newline', config: '[profile a]\n[profile b]', credentials: '[k]' },
  { name: 'same name in both files', config: '[profile a]\nregion = x\n[default]\n', credentials: '[default]\n[a]\n' },
];

test(`hand-written odd cases: awsp list equals /usr/bin/aws configure list-profiles (${ODD.length} cases)`, (t) => {
  const sb = sandbox();
  try {
    const pairs = ODD.map((c, i) => {
      const config = join(sb.dir, 'odd', String(i), 'config');
      const credentials = join(sb.dir, 'odd', String(i), 'credentials');
      mkdirSync(join(sb.dir, 'odd', String(i)), { recursive: true });
      if (c.config !== undefined) writeFileSync(config, c.config);
      if (c.credentials !== undefined) writeFileSync(credentials, c.credentials);
      return { config, credentials };
    });
    const cli = cliBatch(sb, pairs);
    const fast = cliBatch(sb, pairs, '--session');
    ODD.forEach((c, i) => {
      assert.equal(fast[i]!.stdout, cli[i]!.stdout, `${c.name}: the driver's two modes disagree`);
      assert.equal(fast[i]!.rc === 0, cli[i]!.rc === 0, `${c.name}: the driver's two modes disagree`);
    });
    let refused = 0;
    ODD.forEach((c, i) => {
      const p = pairs[i]!;
      const r = awsp(sb, ['list'], { env: { AWS_CONFIG_FILE: p.config, AWS_SHARED_CREDENTIALS_FILE: p.credentials } });
      assert.equal(r.code, 0, `${c.name}: ${dump(r)}`);
      assert.doesNotMatch(r.stderr, /^ {4}at |Error:/m, `${c.name}: ${dump(r)}`);
      const warnings = r.stderr === '' ? [] : r.stderr.replace(/\n$/, '').split('\n');
      for (const w of warnings) assert.match(w, /^awsp: /, `${c.name}: ${dump(r)}`);
      const names = r.stdout === '' ? [] : r.stdout.replace(/\n$/, '').split('\n');
      if (cli[i]!.rc !== 0) refused++;
      compare(c.name, cli[i]!, names, warnings, p);
    });
    t.diagnostic(`odd cases: ${ODD.length}, ${refused} refused by the CLI, 0 divergences`);
  } finally {
    sb.cleanup();
  }
});

test('the batch driver agrees with the real /usr/bin/aws, on a large generated pair and two refused files', () => {
  const sb = sandbox();
  try {
    // Many sections in one pair: the real CLI started a few times, not once per section.
    const clean = fc
      .tuple(headerArb, fc.uniqueArray(fc.constantFrom('region', 'output', 'role_arn', 'sso_session'), { maxLength: 3 }))
      .filter(([h]) => /^\[.+\]/.test(h))
      .map(([h, keys]) => [h, ...keys.map((k) => `${k} = v`)]);
    const big = fc.sample(fc.array(clean, { minLength: 300, maxLength: 300 }), { seed: SEED, numRuns: 2 });
    const texts = big.map((s) => s.flat().join('\n') + '\n');
    // Drop repeated headers (with their options) so that the CLI reads the files and the names are compared.
    const dedupe = (text: string) => {
      const seen = new Set<string>();
      let keep = true;
      return text.split('\n').filter((l) => {
        const h = /^\[(.+)\]/.exec(l);
        if (h) {
          keep = h[1] === 'DEFAULT' ? false : !seen.has(h[1]!);
          seen.add(h[1]!);
        }
        return keep;
      }).join('\n');
    };
    const files = [
      [sb.write('big/config', dedupe(texts[0]!)), sb.write('big/credentials', dedupe(texts[1]!))],
      [sb.write('bad1/config', '[profile a]\n[profile a]\n'), sb.write('bad1/credentials', '[k]\n')],
      [sb.write('bad2/config', '[profile a]\n'), sb.write('bad2/credentials', 'x = 1\n[k]\n')],
    ] as const;
    const batch = cliBatch(sb, files.map(([config, credentials]) => ({ config, credentials })));
    files.forEach(([config, credentials], i) => {
      const real = cliReal(sb, config, credentials);
      assert.equal(real.rc === 0, batch[i]!.rc === 0, `pair ${i}: real ${JSON.stringify(real)} batch ${JSON.stringify(batch[i])}`);
      assert.equal(real.stdout, batch[i]!.stdout, `pair ${i}`);
      const r = awsp(sb, ['list'], { env: { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials } });
      assert.equal(r.code, 0, dump(r));
      const warnings = r.stderr === '' ? [] : r.stderr.replace(/\n$/, '').split('\n');
      compare(`real pair ${i}`, real, r.stdout === '' ? [] : r.stdout.replace(/\n$/, '').split('\n'), warnings, { config, credentials });
    });
    assert.equal(batch[0]!.rc, 0, 'the large pair should be readable by the CLI');
    assert.ok(batch[0]!.stdout.split('\n').length > 100, 'the large pair should hold many profiles');
  } finally {
    sb.cleanup();
  }
});
