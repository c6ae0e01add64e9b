// The pure parts of SSO: the cache's file names and JSON against Python's own (botocore's code
// runs in python3), profile names made safe, the marked block, the plan, the diff.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { appendSection, blockBegin, blockEnd, findBlock, readBlock, replaceBlock } from '../../src/config/block.js';
import { parseIni } from '../../src/config/ini.js';
import type { SsoTarget } from '../../src/sso/config.js';
import { unifiedDiff } from '../../src/sso/diff.js';
import { checkTemplate, planProfiles, populateText, safeName, validAssignments } from '../../src/sso/populate.js';
import { cacheTime, pyJson, registrationKey, tokenKey, writeCacheFile } from '../../src/sso/tokens.js';
import { escapeText } from '../../src/text.js';

function python(code: string, input: unknown): unknown {
  const r = spawnSync('python3', ['-c', code], { input: JSON.stringify(input), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const target = (o: Partial<SsoTarget>): SsoTarget => ({ session: 'corp', profile: null, startUrl: 'https://corp.example/start', region: 'eu-west-1', scopes: null, ...o });

describe('the token cache, as botocore names and writes it', () => {
  const targets: SsoTarget[] = [
    target({}),
    target({ scopes: ['sso:account:access'] }),
    target({ scopes: ['sso:account:access', 'codewhisperer:completions'], region: 'us-gov-west-1' }),
    target({ session: null, startUrl: 'https://legacy.example/start' }),
    target({ session: 'naïve 😀 "q" \\ \x7f', startUrl: 'https://x.example/é?a=1&b=2' }),
  ];

  test('file names: sha1 of the session (or start URL), and botocore _registration_cache_key', () => {
    // botocore's own algorithm, run by Python: json.dumps(sort_keys=True), sha1.
    const expected = python(
      `import hashlib, json, sys
out = []
for t in json.load(sys.stdin):
    args = {'tool': 'botocore', 'startUrl': t['startUrl'], 'region': t['region'], 'scopes': t['scopes'], 'session_name': t['session']}
    token = hashlib.sha1((t['session'] if t['session'] is not None else t['startUrl']).encode('utf-8')).hexdigest()
    out.append([token, hashlib.sha1(json.dumps(args, sort_keys=True).encode('utf-8')).hexdigest()])
print(json.dumps(out))`,
      targets,
    );
    assert.deepEqual(
      targets.map((t) => [tokenKey(t), registrationKey(t)]),
      expected,
    );
  });

  test("pyJson is Python's json.dumps, byte for byte (ensure_ascii, separators)", () => {
    const value = fc.oneof(fc.string({ unit: 'binary' }), fc.array(fc.string({ unit: 'binary' }), { maxLength: 3 }), fc.integer(), fc.constant(null));
    const objects = fc
      .sample(fc.array(fc.tuple(fc.string({ unit: 'binary' }), value), { maxLength: 6 }), { numRuns: 200, seed: 42 })
      .map((entries) => Object.fromEntries(entries.filter(([k]) => k !== '__proto__')));
    // One Python for all of them: a JSON list in, one json.dumps per line out.
    const expected = python('import json, sys\nprint(json.dumps([json.dumps(o) for o in json.load(sys.stdin)]))', objects) as string[];
    assert.deepEqual(
      objects.map((o) => pyJson(o)),
      expected,
    );
  });

  test('written as the AWS files are: 0600, whole or not at all, a symlink refused, a failure in words', () => {
    const dir = mkdtempSync(join(tmpdir(), 'awsp-tokens-'));
    try {
      const file = writeCacheFile(dir, 'k', '{"a": 1}');
      assert.equal(readFileSync(file, 'utf8'), '{"a": 1}');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      symlinkSync(file, join(dir, 'link.json'));
      assert.throws(() => writeCacheFile(dir, 'link', '{}'), /is a symlink; awsp will not write a token through it/);
      const gone = join(dir, 'gone');
      assert.throws(() => writeCacheFile(gone, 'k', '{}'), { message: `cannot write ${join(gone, 'k.json')}: no such file or directory` });
      assert.deepEqual(readdirSync(dir).sort(), ['k.json', 'link.json'], 'no temporary file left');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('times as the CLI writes them: UTC, whole seconds, Z', () => {
    assert.equal(cacheTime(new Date('2026-01-02T03:04:05.678Z')), '2026-01-02T03:04:05Z');
  });
});

describe('profile names from names other people chose', () => {
  test('nothing a shell or an INI file would act on survives', () => {
    const hostile = ['$(touch /tmp/x)', '`id`', "it's", 'a "b"', 'x;y', '[profile z]', 'tab\there', 'new\nline', 'esc\x1b[31m', 'rtl\u202egnp.exe', 'back\\slash', '#comment', ';semi', 'a b', '-leading', 'trailing-', '..dots..', 'Produção', 'Ünïcødé', '日本'];
    for (const h of hostile) {
      const n = safeName(h);
      assert.match(n, /^[A-Za-z0-9_@+]([A-Za-z0-9_.@+-]*[A-Za-z0-9_@+])?$|^$/, `${JSON.stringify(h)} -> ${JSON.stringify(n)}`);
      assert.doesNotMatch(n, /--/);
    }
    assert.equal(safeName('Produção'), 'Producao');
    assert.equal(safeName('$(touch /tmp/x)'), 'touch-tmp-x');
    assert.equal(safeName('a  b;;c'), 'a-b-c');
    assert.equal(safeName('日本'), '');
  });

  test('property: any account and role name gives a name the AWS CLI, the JS SDK and every shell take as one word', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (account, role) => {
        const { profiles } = planProfiles([{ accountId: '123456789012', accountName: account, roleName: role }], '{account_name}.{role_name}', 's', new Set());
        const name = profiles[0]!.name;
        assert.match(name, /^[A-Za-z0-9_@+][A-Za-z0-9_.@+-]*$/);
        // The section parses back to the same profile name.
        const ini = parseIni(`[profile ${name}]\nregion = x\n`);
        assert.equal(ini.problems.length, 0);
        assert.equal(ini.sections[0]!.name, `profile ${name}`);
      }),
      { numRuns: 300 },
    );
  });

  test('collisions get a deterministic suffix; names outside the block and `default` are skipped, not duplicated', () => {
    const a = [
      { accountId: '222222222222', accountName: 'Prod!', roleName: 'Admin' },
      { accountId: '111111111111', accountName: 'Prod?', roleName: 'Admin' },
      { accountId: '111111111111', accountName: 'Prod?', roleName: 'Dev' },
      { accountId: '333333333333', accountName: 'Mine', roleName: 'Admin' },
      { accountId: '444444444444', accountName: 'default', roleName: 'x' },
    ];
    const run = (list: typeof a) => planProfiles(list, '{account_name}.{role_name}', 'corp', new Set(['Mine.Admin']));
    const r = run(a);
    assert.deepEqual(
      r.profiles.map((p) => [p.name, p.accountId, p.roleName]),
      [
        ['Prod.Admin', '111111111111', 'Admin'],
        ['Prod.Admin-222222222222', '222222222222', 'Admin'],
        ['Prod.Dev', '111111111111', 'Dev'],
        ['default.x', '444444444444', 'x'],
      ],
    );
    assert.deepEqual(r.skipped.map((s) => s.name), ['Mine.Admin']);
    // The same input in another order: the same names.
    assert.deepEqual(run([...a].reverse()).profiles, r.profiles);
    // `default` itself is never generated.
    const d = planProfiles([{ accountId: '444444444444', accountName: 'default', roleName: 'x' }], '{account_name}', 'corp', new Set());
    assert.deepEqual(d.profiles, []);
    assert.match(d.skipped[0]!.why, /default profile/);
  });

  test('templates: known fields only, safe literal text only', () => {
    checkTemplate('{account_name}.{role_name}');
    checkTemplate('sso-{sso_session}-{account_id}@{role_name}');
    assert.throws(() => checkTemplate('{account}'), /unknown field \{account\}/);
    assert.throws(() => checkTemplate('plain'), /names no field/);
    assert.throws(() => checkTemplate('{role_name} $(x)'), /own text may hold only/);
  });

  test('assignments in shapes AWS never sends are left out, with a reason that shows no raw control', () => {
    const { ok, bad } = validAssignments([
      { accountId: '123456789012', accountName: 'a', roleName: 'Admin' },
      { accountId: '12345\n', accountName: 'a', roleName: 'Admin' },
      { accountId: '123456789012', accountName: 'a', roleName: 'Ad\nmin = x\n[profile evil]' },
      { accountId: '123456789012', accountName: 'a', roleName: 'A\u202eB' },
    ]);
    assert.equal(ok.length, 1);
    assert.equal(bad.length, 3);
    for (const b of bad) assert.doesNotMatch(b, /[\n\u202e]/);
  });
});

describe('the marked block', () => {
  const body = ['[profile a]', 'region = x'];
  const block = (eol = '\n') => [blockBegin('corp'), ...body, blockEnd('corp')].map((l) => l + eol).join('');

  test('added at the end after a blank line, whatever the file ends with', () => {
    assert.equal(replaceBlock('', 'corp', body), block());
    assert.equal(replaceBlock('[x]\nk = v\n', 'corp', body), `[x]\nk = v\n\n${block()}`);
    assert.equal(replaceBlock('[x]\nk = v', 'corp', body), `[x]\nk = v\n\n${block()}`);
    assert.equal(replaceBlock('[x]\nk = v\n\n', 'corp', body), `[x]\nk = v\n\n${block()}`);
    assert.equal(replaceBlock('[x]\r\nk = v\r\n', 'corp', body), `[x]\r\nk = v\r\n\r\n${block('\r\n')}`);
  });

  test('replaced in place: every byte outside it kept, including CRLF, comments and no final line break', () => {
    const before = '# mine\r\n[profile x] ; odd\r\nk = v\r\n\r\n';
    const after = '\r\n[profile y]\r\n  continued\r\nk=1';
    const text = `${before}${block('\r\n')}${after}`;
    const next = replaceBlock(text, 'corp', ['[profile b]', 'region = y']);
    assert.ok(next.startsWith(before) && next.endsWith(after), next);
    assert.equal(readBlock(next, 'corp')!.join('|'), '[profile b]|region = y');
    assert.equal(replaceBlock(next, 'corp', ['[profile b]', 'region = y']), next);
    // At the very end without a final line break: still none.
    const tail = `[x]\n\n${block().slice(0, -1)}`;
    assert.equal(replaceBlock(tail, 'corp', body), tail);
  });

  test('removed with the blank line put before it; other blocks untouched', () => {
    const other = replaceBlock('[x]\nk = v\n', 'other', ['[profile o]']);
    const both = replaceBlock(other, 'corp', body);
    assert.equal(replaceBlock(both, 'corp', null), other);
    assert.equal(readBlock(both, 'other')!.join('|'), '[profile o]');
    assert.equal(replaceBlock('[x]\n', 'corp', null), '[x]\n');
  });

  test('a block without its end marker, or twice, is refused, not guessed at', () => {
    assert.throws(() => findBlock(`${blockBegin('corp')}\n[profile a]\n`, 'corp'), /has no matching '# <<< awsp sso corp <<<'/);
    assert.throws(() => findBlock(block() + block(), 'corp'), /appears twice/);
    // An indented marker is a continuation line, not a marker.
    assert.equal(findBlock(`[x]\nk =\n  ${blockBegin('corp')}\n`, 'corp'), null);
  });

  test('property: the text outside the block is kept byte for byte, and a second run changes nothing', () => {
    const line = fc.stringMatching(/^[^\r\n]*$/).filter((l) => !l.startsWith('# >>> awsp sso') && !l.startsWith('# <<< awsp sso'));
    const eol = fc.constantFrom('\n', '\r\n');
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.array(line, { maxLength: 8 }), eol, fc.array(line.filter((l) => l !== ''), { maxLength: 4 }), (pre, post, e, lines) => {
        const head = pre.map((l) => l + e).join('');
        const tail = post.map((l) => l + e).join('');
        const start = `${head}${head ? e : ''}${blockBegin('s')}${e}old${e}${blockEnd('s')}${e}${tail}`;
        const next = replaceBlock(start, 's', lines);
        assert.ok(next.startsWith(head) && next.endsWith(tail));
        assert.equal(replaceBlock(next, 's', lines), next);
        assert.deepEqual(readBlock(next, 's'), lines);
      }),
      { numRuns: 200 },
    );
  });

  test('appendSection adds a section after a blank line', () => {
    assert.equal(appendSection('', 'sso-session c', ['a = 1']), '[sso-session c]\na = 1\n');
    assert.equal(appendSection('[x]\n', 'sso-session c', ['a = 1']), '[x]\n\n[sso-session c]\na = 1\n');
  });
});

describe('populateText', () => {
  const assignments = [
    { accountId: '111111111111', accountName: 'Prod', roleName: 'Admin' },
    { accountId: '111111111111', accountName: 'Prod', roleName: 'ReadOnly' },
    { accountId: '222222222222', accountName: 'Dev', roleName: 'Admin' },
  ];
  const input = { session: 'corp', region: 'eu-west-1', template: '{account_name}.{role_name}', assignments, credentialNames: new Set<string>() };

  test("keeps the user's lines in the block's profiles, drops what went away upstream, and reports it", () => {
    const first = populateText('[sso-session corp]\nsso_region = eu-west-1\n', input);
    assert.deepEqual(first.report.added, ['Dev.Admin', 'Prod.Admin', 'Prod.ReadOnly']);
    // The user adds a key and a comment to one profile, and edits a generated key.
    const edited = first.text.replace('[profile Prod.Admin]\n', '[profile Prod.Admin]\n# mine\noutput = json\ns3 =\n  max_concurrent_requests = 20\n').replace('region = eu-west-1\n\n[profile Prod.ReadOnly]', 'region = us-east-1\n\n[profile Prod.ReadOnly]');
    const second = populateText(edited, { ...input, assignments: assignments.slice(0, 2) });
    assert.deepEqual(second.report.removed, ['Dev.Admin']);
    assert.deepEqual(second.report.added, []);
    const prod = readBlock(second.text, 'corp')!.join('\n');
    assert.match(prod, /\[profile Prod\.Admin\]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Admin\nregion = eu-west-1\n# mine\noutput = json\ns3 =\n {2}max_concurrent_requests = 20/);
    assert.doesNotMatch(prod, /us-east-1|Dev\.Admin/);
    assert.equal(parseIni(second.text).problems.length, 0);
    assert.equal(populateText(second.text, { ...input, assignments: assignments.slice(0, 2) }).text, second.text);
  });

  test('a name defined outside the block (or in the credentials file) is skipped', () => {
    const r = populateText('[profile Dev.Admin]\nregion = x\n', { ...input, credentialNames: new Set(['Prod.ReadOnly']) });
    assert.deepEqual(r.report.skipped.map((s) => s.name).sort(), ['Dev.Admin', 'Prod.ReadOnly']);
    assert.deepEqual(r.report.profiles.map((p) => p.name), ['Prod.Admin']);
  });
});

describe('unifiedDiff', () => {
  test('the same hunks as diff -u', () => {
    const dir = mkdtempSync(join(tmpdir(), 'awsp-diff-'));
    try {
      const cases: Array<[string, string]> = [
        ['a\nb\nc\n', 'a\nB\nc\n'],
        ['', 'x\ny\n'],
        [Array.from({ length: 30 }, (_, i) => `l${i}`).join('\n') + '\n', Array.from({ length: 30 }, (_, i) => (i === 3 || i === 25 ? `L${i}` : `l${i}`)).join('\n') + '\n'],
        ['1\n2\n3\n4\n5\n6\n7\n8\n', '1\n2\n3\nnew\n4\n5\n6\n7\n8\n9\n'],
      ];
      for (const [a, b] of cases) {
        writeFileSync(join(dir, 'a'), a);
        writeFileSync(join(dir, 'b'), b);
        const r = spawnSync('diff', ['-u', join(dir, 'a'), join(dir, 'b')], { encoding: 'utf8' });
        const hunks = (s: string) => s.split('\n').slice(2).join('\n');
        assert.equal(hunks(unifiedDiff(a, b, 'config')), hunks(r.stdout), `${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
      }
      assert.equal(unifiedDiff('same\n', 'same\n', 'x'), '');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('escapeText escapes C0, C1, DEL and bidi controls, and nothing else', () => {
  assert.equal(escapeText('a\x1b[31mb\u202ec\x85d\x7fé😀'), 'a\\x1b[31mb\\u202ec\\x85d\\x7fé😀');
});
