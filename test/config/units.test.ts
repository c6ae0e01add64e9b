// Unit tests for the ports: shlex.split (against Python's own, on generated strings), the
// configparser reader, botocore's profile naming, paths and the credentials-file merge.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseIni, pyStrip } from '../../src/config/ini.js';
import { awsPaths, expandUser, expandVars } from '../../src/config/paths.js';
import { cacheLocation } from '../../src/cache.js';
import { configProfileName, loadProfiles, unsupportedNameReason } from '../../src/config/profiles.js';
import { shlexSplit } from '../../src/config/shlex.js';
import { sandbox } from '../helpers/sandbox.js';

const SEED = Number(process.env.AWSP_PARITY_SEED ?? 20240611);

test('shlexSplit: hand cases', () => {
  assert.deepEqual(shlexSplit('profile a'), ['profile', 'a']);
  assert.deepEqual(shlexSplit('profile "a b"'), ['profile', 'a b']);
  assert.deepEqual(shlexSplit("profile 'a \\ b'"), ['profile', 'a \\ b']);
  assert.deepEqual(shlexSplit('profile "a\\"b\\c"'), ['profile', 'a"b\\c']);
  assert.deepEqual(shlexSplit('profile ""'), ['profile', '']);
  assert.deepEqual(shlexSplit('profile a\\ b'), ['profile', 'a b']);
  assert.equal(shlexSplit('profile "a'), null);
  assert.equal(shlexSplit('profile a\\'), null);
  assert.deepEqual(shlexSplit('  '), []);
});

test(`shlexSplit equals Python's shlex.split on generated strings (seed ${SEED})`, (t) => {
  const chars = fc.constantFrom(...'ab "\'\\\t\r\n#;é日\u00a0\x0b', 'x');
  const inputs = fc.sample(fc.array(chars, { maxLength: 12 }).map((a) => a.join('')), { seed: SEED, numRuns: 2000 });
  const py = `
import json, shlex, sys
for line in sys.stdin:
    s = json.loads(line)
    try:
        print(json.dumps(shlex.split(s)))
    except ValueError:
        print('null')
`;
  const r = spawnSync('/usr/bin/python3', ['-c', py], { input: inputs.map((s) => JSON.stringify(s)).join('\n') + '\n', encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const want = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as string[] | null);
  inputs.forEach((s, i) => assert.deepEqual(shlexSplit(s), want[i], JSON.stringify(s)));
  t.diagnostic(`shlex: ${inputs.length} strings, 0 differences`);
});

test('configProfileName follows build_profile_map', () => {
  const cases: [string, string | null][] = [
    ['default', 'default'],
    ['profile default', 'default'],
    ['profile a', 'a'],
    ['profiles x', 'x'],
    ['profilex y', 'y'],
    ['profile', null],
    ['profile a b', null],
    ['profile "a b"', 'a b'],
    [' default ', null],
    ['DEFAULT', null],
    ['sso-session x', null],
    ['services x', null],
    ['plugins', null],
  ];
  for (const [section, name] of cases) assert.equal(configProfileName(section), name, section);
});

test('parseIni: comments, continuations, DEFAULT, line endings, problems', () => {
  const ini = parseIni('# c\n[DEFAULT]\nregion = d\n[profile a]\nRole_Arn : x ; y\n  more\n\n  after\n; c\n[b]\r\nk=v\r[c]');
  assert.deepEqual(ini.sections.map((s) => s.name), ['profile a', 'b', 'c']);
  assert.equal(ini.sections[0]!.options.get('role_arn'), 'x ; y\nmore\n\nafter');
  assert.equal(ini.defaults.get('region'), 'd');
  assert.deepEqual(ini.problems, []);
  assert.match(parseIni('[a]\n[a]\n').problems[0]!, /appears twice/);
  assert.match(parseIni('k = v\n[a]\n').problems[0]!, /outside any/);
  assert.match(parseIni('[a]\nk\n').problems[0]!, /not "key = value"/);
  assert.match(parseIni('\ufeff[a]\n').problems[0]!, /byte order mark/);
  assert.match(parseIni('[a]\ns3 =\n  x = 1\u2028y\n').problems[0]!, /nested block/);
  assert.match(parseIni('[DEFAULT]\ns3 =\n  y\n[a]\n').problems[0]!, /nested block/);
  assert.deepEqual(parseIni('[DEFAULT]\ns3 =\n  y\n').problems, []);
  // Indented header after an option continues the value.
  assert.deepEqual(parseIni('[a]\nk = v\n  [b]\n').sections.map((s) => s.name), ['a']);
  assert.equal(pyStrip('\u3000\x1c a \x85'), 'a');
  assert.equal(pyStrip('\ufeffa'), '\ufeffa');
});

test('loadProfiles: config order, credentials merged after, defaults, unsupported names', () => {
  const sb = sandbox();
  try {
    sb.writeConfig('[profile b]\nregion = x\n[default]\n[profile default]\nregion = y\n[profile "c\td"]\n');
    sb.writeCredentials('[DEFAULT]\noutput = json\n[z]\n[b]\nregion = k\n');
    const set = loadProfiles(awsPaths(sb.env));
    assert.deepEqual(set.profiles.map((p) => p.name), ['b', 'default', 'z']);
    const b = set.profiles[0]!;
    assert.equal(b.options.get('region'), 'k');
    assert.equal(b.inConfig && b.inCredentials, true);
    assert.equal(set.profiles[1]!.options.get('region'), 'y');
    assert.equal(set.profiles[2]!.options.get('output'), 'json');
    assert.deepEqual(set.warnings, ['skipping a profile whose name has control characters: "c\\td"']);
    assert.equal(unsupportedNameReason(''), 'an empty name');
  } finally {
    sb.cleanup();
  }
});

test('paths: expandvars, expanduser, HOME unset or empty, cache location', () => {
  assert.equal(expandVars('$A/${B}/$C/${}', { A: 'a', B: 'b' }), 'a/b/$C/${}');
  assert.equal(expandUser('~/x', '/h/'), '/h/x');
  assert.equal(expandUser('~', ''), '/');
  assert.equal(expandUser('~other/x', '/h'), '~other/x');
  const p = awsPaths({ HOME: '' });
  assert.equal(p.config, '/.aws/config');
  assert.equal(p.rawConfig, '/.aws/config');
  const unset = awsPaths({});
  assert.equal(unset.rawConfig, '/.aws/config');
  assert.match(unset.config, /\/\.aws\/config$/);
  assert.equal(cacheLocation({ HOME: '' }).file, null);
  assert.equal(cacheLocation({ HOME: '/h', AWS_CONFIG_FILE: '/a%b/c' }).file, '/h/.cache/awsp/names-%2Fa%25b%2Fc%%%2Fh%2F.aws%2Fcredentials');
});
