// Terminal escapes from the AWS files and from other processes (issue 8, item 4). Text that
// came from a file or another process is shown on a terminal with every C0/C1 control, DEL and
// bidi control escaped visibly (`\x1b`, `\u202e`); piped machine output (`awsp list` in a pipe,
// `--json`) stays exact. A name with a C1 or bidi control is not offered by TAB (menus show it
// raw) but can still be switched to.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { awsSandbox } from '../helpers/aws-files.js';
import { dump, q, type Sandbox, SHELLS } from '../helpers/sandbox.js';
import { awspAsync, runAsync, spawnAsync } from '../helpers/spawn.js';
import { escapeText } from '../../src/text.js';

const ESC = '\x1b';
const C1 = '\u009b'; // CSI as one character: `\xc2\x9b` in UTF-8
const RLO = '\u202e';
const REGION = `eu-west-1${ESC}]2;PWNED\x07${ESC}[2J`;
const C1_NAME = `c1${C1}31mred`;
const BIDI_NAME = `bidi${RLO}dorp`;
/** Anything a terminal would act on, raw. */
const RAW = /[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

let sb: Sandbox;
before(() => {
  sb = awsSandbox();
  sb.writeConfig(
    [
      '[profile plain]',
      `region = ${REGION}`,
      `[profile ${C1_NAME}]`,
      'region = us-east-1',
      `[profile ${BIDI_NAME}]`,
      '[profile dup]',
      `[profile a${ESC}[2Jb]`,
      `[profile a${ESC}[2Jb]`,
      '[profile keys]',
      `k${ESC}[2J = 1`,
      `k${ESC}[2J = 2`,
      '[profile proc]',
      `credential_process = sh -c 'printf "bad${RLO}news\\033[2J\\n" >&2; exit 3'`,
      '',
    ].join('\n'),
  );
  sb.writeCredentials('');
});
after(() => sb.cleanup());

/** awsp with a pseudo-terminal as stdout and stderr (`script`), as in an interactive shell. */
const onTty = (args: string, env: Record<string, string> = {}) =>
  spawnAsync('script', ['-qec', `awsp ${args}`, '/dev/null'], { cwd: sb.dir, env: { ...sb.env, ...env } });

describe('nothing from a file drives the terminal', () => {
  test('awsp list on a terminal: names, regions and warnings escaped', async () => {
    const r = await onTty('list');
    assert.equal(r.code, 0, dump(r));
    assert.doesNotMatch(r.stdout, RAW, dump(r));
    assert.ok(r.stdout.includes('eu-west-1\\x1b]2;PWNED\\x07\\x1b[2J'), r.stdout);
    assert.ok(r.stdout.includes('c1\\x9b31mred'), r.stdout);
    assert.ok(r.stdout.includes('bidi\\u202edorp'), r.stdout);
    // The file's problems: a section named with ESC twice, a key with ESC twice.
    assert.match(r.stdout, /awsp: .*section \[profile a\\x1b\[2Jb\] appears twice/);
  });

  test('piped list and --json stay exact (parity with aws configure list-profiles)', async () => {
    const r = await awspAsync(sb, ['list']);
    assert.equal(r.code, 0, dump(r));
    assert.deepEqual(r.stdout.split('\n').slice(0, -1), ['plain', C1_NAME, BIDI_NAME, 'dup', 'keys', 'proc']);
    const j = await awspAsync(sb, ['list', '--json']);
    const rows = JSON.parse(j.stdout) as Array<{ name: string; region: string | null }>;
    assert.equal(rows[0]!.region, REGION);
    assert.equal(rows[1]!.name, C1_NAME);
    // stderr is for people: escaped even when stdout is a pipe.
    assert.doesNotMatch(r.stderr, RAW, r.stderr);
  });

  test('status: the profile, its region and the warnings escaped', async () => {
    for (const name of ['plain', C1_NAME, BIDI_NAME, `nope${ESC}[2J`]) {
      const r = await onTty('', { AWS_PROFILE: name, AWS_REGION: `x${ESC}[2J` });
      assert.equal(r.code, 0, dump(r));
      assert.doesNotMatch(r.stdout, RAW, dump(r));
      assert.ok(r.stdout.includes(`'${escapeText(name)}'`), r.stdout);
    }
  });

  test('did you mean, and the rest of the error lines, escaped', async () => {
    const r = await awspAsync(sb, ['__switch', `bidi${RLO}dorq`], { env: { AWSP_SHELL: 'bash' } });
    assert.equal(r.code, 1, dump(r));
    assert.doesNotMatch(r.stderr, RAW, r.stderr);
    assert.match(r.stderr, /no profile 'bidi\\u202edorq'; did you mean 'bidi\\u202edorp'/);
  });

  test("a credential_process's stderr is escaped", async () => {
    const r = await awspAsync(sb, ['exports', 'proc', '--format', 'json']);
    assert.equal(r.code, 1, dump(r));
    assert.doesNotMatch(r.stderr, RAW, r.stderr);
    assert.match(r.stderr, /bad\\u202enews\\x1b\[2J/);
  });
});

describe('TAB leaves out names with C1 or bidi controls; switching to them still works', () => {
  const tab: Record<(typeof SHELLS)[number], string> = {
    bash: `COMP_LINE='awsp '; COMP_POINT=5; COMP_WORDS=(awsp ''); COMP_CWORD=1; COMPREPLY=(); __awsp_complete awsp '' awsp; builtin printf '%s\\n' "\${COMPREPLY[@]}"`,
    zsh: `compadd() { builtin printf '%s\\n' "$@"; }; CURRENT=2; PREFIX=''; words=(awsp ''); __awsp_complete`,
    fish: `complete -C 'awsp '`,
  };
  for (const shell of SHELLS) {
    test(`${shell}`, async () => {
      const r = await runAsync(shell, sb, tab[shell], { env: { AWS_PROFILE: 'plain' } });
      assert.equal(r.code, 0, dump(r));
      assert.doesNotMatch(r.stdout, RAW, dump(r));
      assert.match(r.stdout, /^plain\b/m, dump(r));
      const show = shell === 'fish' ? 'builtin printf "%s" "$AWS_PROFILE"' : 'builtin printf "%s" "$AWS_PROFILE"';
      for (const name of [C1_NAME, BIDI_NAME]) {
        const s = await runAsync(shell, sb, `awsp ${q(shell, name)}\n${show}`);
        assert.equal(s.code, 0, dump(s));
        assert.equal(s.stdout, name, dump(s));
      }
    });
  }
});
