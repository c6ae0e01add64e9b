// `awsp pick` in real bash, zsh and fish, on a real terminal (tmux): typing, arrows, Enter, Esc,
// Ctrl-C, a resize, a narrow and short terminal, nounset, NO_COLOR, SIGTERM, fzf.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, beforeEach, describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AWSP_BIN, diffDumps, parseDump, prelude, probes, sandbox, type Sandbox, shellArgs, SHELLS, type ShellName } from '../helpers/sandbox.js';
import { Tmux } from '../helpers/tmux.js';

const SECRET = 'SECRETpick/Key+never-on-screen';
const EVIL = 'evil\u202egnp.exe\u009b';

const CONFIG = [
  '[default]',
  'region = us-east-1',
  '[profile prod]',
  'role_arn = arn:aws:iam::111122223333:role/Admin',
  'source_profile = base',
  'region = eu-west-1',
  '[profile prod-eu]',
  'role_arn = arn:aws:iam::111122223333:role/Admin',
  'source_profile = base',
  'region = eu-central-1',
  '[profile dev]',
  'sso_session = corp',
  'sso_account_id = 444455556666',
  'sso_role_name = Developer',
  '[profile staging]',
  'role_arn = arn:aws:iam::777788889999:role/team/ReadOnly',
  'source_profile = base',
  `[profile "it's"]`,
  'region = us-west-2',
  `[profile ${EVIL}]`,
  'region = us-west-2',
  ...Array.from({ length: 6 }, (_, i) => [`[profile zz-filler-${i}]`, 'region = ap-south-1']).flat(),
  '[sso-session corp]',
  'sso_start_url = https://corp.example/start',
  'sso_region = eu-west-1',
  '',
].join('\n');
const PROFILES = 14;

/** The command line that picks and then prints what the test checks, in each shell's syntax. */
function pickLine(shell: ShellName, args: string): string {
  if (shell === 'fish') {
    return (
      `awsp ${args}; set __r $status; ` +
      `builtin printf '@@rc=%s P=%s R=%s K=%s@@\\n' $__r (set -q AWS_PROFILE; and builtin printf %s $AWS_PROFILE; or builtin printf '<unset>') ` +
      `(set -q AWS_REGION; and builtin printf %s $AWS_REGION; or builtin printf '<unset>') (set -q AWS_ACCESS_KEY_ID; and builtin printf set; or builtin printf '<unset>')`
    );
  }
  return `awsp ${args}; __r=$?; builtin printf '@@rc=%s P=%s R=%s K=%s@@\\n' "$__r" "\${AWS_PROFILE-<unset>}" "\${AWS_REGION-<unset>}" "\${AWS_ACCESS_KEY_ID+set}"`;
}

interface Outcome {
  rc: number;
  profile: string;
  region: string;
  keys: boolean;
  screen: string;
}

function outcome(t: Tmux): Outcome {
  const screen = t.waitFor((s) => /@@rc=\d+ P=.* R=.* K=.*@@/.test(s), 'the picker to end');
  const m = /@@rc=(\d+) P=(.*) R=(.*) K=(.*)@@/.exec(screen)!;
  return { rc: Number(m[1]), profile: m[2]!, region: m[3]!, keys: m[4] === 'set', screen };
}

/** Waits for the list, with `matches` profiles matching. */
const frame = (t: Tmux, matches?: number) =>
  t.waitFor((s) => (matches === undefined ? new RegExp(`^> .*\\d+/${PROFILES}\\s*$`, 'm') : new RegExp(`^> .* ${matches}/${PROFILES}\\s*$`, 'm')).test(s), 'the list');

/** The profiles listed on the screen (under the prompt and the header), by name. */
const listed = (screen: string): string[] =>
  screen
    .split('\n')
    .slice(2)
    .filter((l) => /^[> ][ *]\S/.test(l))
    .map((l) => l.slice(2).split(/\s+/)[0]!);

/** The terminal is in its normal mode again: line editing and echo, the main screen, a cursor. */
function assertRestored(t: Tmux): void {
  assert.equal(t.pane('#{alternate_on}'), '0', 'the alternate screen is left');
  assert.equal(t.pane('#{cursor_flag}'), '1', 'the cursor is shown');
  t.line('clear; stty -a | tr -s " \\n" "  "; builtin printf "@@%s@@\\n" stty');
  const s = t.waitFor((x) => x.includes('@@stty@@'), 'stty');
  assert.match(s, /(^|\s)icanon(\s|$)/, s);
  assert.match(s, /(^|\s)echo(\s|$)/, s);
}

const strict: Record<ShellName, string> = { bash: 'set -u', zsh: 'setopt nounset ksh_arrays', fish: ':' };

for (const shell of SHELLS) {
  describe(`${shell}: awsp pick`, () => {
    let sb: Sandbox;
    let t: Tmux;
    before(() => {
      sb = sandbox();
      sb.writeConfig(CONFIG);
      sb.writeCredentials(`[base]\naws_access_key_id = AKIAPICKTEST\naws_secret_access_key = ${SECRET}\n`);
      t = new Tmux(shell, sb, { setup: strict[shell] }).start();
    });
    after(() => {
      t.stop();
      sb.cleanup();
    });
    // Each test starts at a prompt of its own size, whatever the one before left running.
    beforeEach(() => {
      t.settle();
      t.resize(80, 12);
    });
    const run = (args: string) => {
      t.line('clear');
      t.line(pickLine(shell, args));
    };
    const set = (name: string, value: string) => t.done(shell === 'fish' ? `set -gx ${name} ${value}` : `export ${name}=${value}`);

    test('typing filters, arrows and Ctrl-N/Ctrl-P move, Enter switches as awsp NAME does', () => {
      set('AWS_ACCESS_KEY_ID', 'AKIAHANDSET');
      run('pick');
      let s = frame(t);
      assert.ok(!s.includes(SECRET), 'no secret on the screen');
      t.type('prd');
      s = frame(t, 2);
      assert.deepEqual(listed(s), ['prod', 'prod-eu'], s);
      t.keys('Down');
      t.waitFor((x) => /^>.prod-eu /m.test(x), 'the second row selected');
      t.keys('C-p');
      t.waitFor((x) => /^>.prod /m.test(x), 'the first row selected');
      t.keys('C-n');
      t.waitFor((x) => /^>.prod-eu /m.test(x), 'the second row selected');
      t.keys('Enter');
      const o = outcome(t);
      assert.equal(o.rc, 0, o.screen);
      assert.equal(o.profile, 'prod-eu');
      assert.equal(o.keys, false, 'keys that would override AWS_PROFILE are cleared');
      assert.match(o.screen, /awsp: cleared AWS_ACCESS_KEY_ID/);
      assertRestored(t);
    });

    test('Esc and Ctrl-C change nothing and exit 130', () => {
      t.line('awsp prod-eu');
      for (const key of ['Escape', 'C-c']) {
        run('pick');
        frame(t);
        t.type('dev');
        frame(t, 1);
        t.keys(key);
        const o = outcome(t);
        assert.equal(o.rc, 130, o.screen);
        assert.equal(o.profile, 'prod-eu');
      }
      assertRestored(t);
    });

    test('a query on the command line, -i, --region; account ids and roles match too', () => {
      run('-i 44445 --region ap-south-1');
      const s = frame(t, 1);
      assert.match(s, /^>.dev\s+sso\s+-\s+444455556666\s+Developer/m);
      t.keys('Enter');
      const o = outcome(t);
      assert.deepEqual([o.rc, o.profile, o.region], [0, 'dev', 'ap-south-1'], o.screen);
    });

    test("names are shown with controls escaped, and switched to exactly", () => {
      run('pick');
      const s = frame(t);
      assert.ok(s.includes('evil\\u202egnp.exe\\x9b'), s);
      assert.ok(!s.includes('\u202e'), 'no raw bidi control reaches the terminal');
      t.type("it'");
      frame(t, 1);
      t.keys('Enter');
      const o = outcome(t);
      assert.deepEqual([o.rc, o.profile], [0, "it's"], o.screen);
    });

    test('40 columns and 10 rows, then resized while the list is up', () => {
      t.resize(40, 10);
      t.line('clear');
      run('pick');
      let s = frame(t);
      const lines = s.split('\n');
      assert.ok(lines.every((l) => l.length <= 40), s);
      assert.equal(listed(s).length, 8, `8 profiles under the prompt and the header:\n${s}`);
      assert.ok(!s.includes('ROLE'), 'columns that do not fit are left out');
      // The last one is below the fold: the list scrolls to it.
      t.keys('End');
      s = t.waitFor((x) => /^>.base /m.test(x), 'the last profile');
      t.resize(80, 12);
      s = t.waitFor((x) => /ROLE/.test(x) && /^>.base /m.test(x), 'the list redrawn at 80 columns');
      t.resize(30, 5);
      s = t.waitFor((x) => !/ROLE/.test(x) && /^>.base /m.test(x) && x.split('\n').every((l) => l.length <= 30), 'the list redrawn at 30x5');
      t.keys('Up');
      t.waitFor((x) => /^>.zz-filler-5/m.test(x), 'the one before');
      t.keys('Enter');
      const o = outcome(t);
      assert.deepEqual([o.rc, o.profile], [0, 'zz-filler-5'], o.screen);
      t.resize(80, 12);
      assertRestored(t);
    });

    test('NO_COLOR and --no-color: attributes, but no colors', () => {
      const colors = /\x1b\[[0-9;]*(3[0-7]|9[0-7]|38;|4[0-7]|10[0-7])[0-9;]*m/;
      run('pick prod');
      frame(t, 2);
      assert.match(t.screen(true), colors, 'colors by default');
      t.keys('Escape');
      outcome(t);
      for (const how of ['NO_COLOR', '--no-color']) {
        if (how === 'NO_COLOR') set('NO_COLOR', '1');
        run(how === 'NO_COLOR' ? 'pick prod' : 'pick prod --no-color');
        frame(t, 2);
        const s = t.screen(true);
        assert.doesNotMatch(s, colors, s);
        assert.match(s, /\x1b\[[0-9;]*7m/, 'the selected row is still shown in reverse');
        t.keys('Escape');
        assert.equal(outcome(t).rc, 130);
        t.line(shell === 'fish' ? 'set -e NO_COLOR' : 'unset NO_COLOR');
      }
    });

    test('SIGUSR1 opens no inspector; SIGTERM while the list is up: the terminal is restored, the shell unchanged', () => {
      t.line('awsp zz-filler-5');
      const err = join(sb.dir, 'pick.err');
      run(`pick 2>${err}`);
      frame(t);
      const procs = t.processes();
      const p = procs.find((x) => x.args.includes(AWSP_BIN) || /awsp(\.cjs)?( --)? pick/.test(x.args));
      assert.ok(p, `the awsp process among ${JSON.stringify(procs)}`);
      // SIGUSR1 would open Node's inspector to any local user: awsp ignores it.
      process.kill(p.pid, 'SIGUSR1');
      t.keys('d');
      t.waitFor((x) => /^> d /m.test(x), 'the list to take a key after SIGUSR1');
      assert.equal(readFileSync(err, 'utf8'), '', 'nothing on stderr (Node says "Debugger listening" there)');
      process.kill(p.pid, 'SIGTERM');
      const o = outcome(t);
      assert.equal(o.rc, 143, o.screen);
      assert.equal(o.profile, 'zz-filler-5');
      assertRestored(t);
    });

    test('a profile deleted while the list is up: the one-line error of awsp NAME, no change', () => {
      t.line('awsp zz-filler-5');
      run('pick staging');
      frame(t, 1);
      // The rows parsed from the files (not only the names from the cache) are on the screen.
      t.waitFor((x) => /^>.staging\s+role\s/m.test(x), 'the parsed rows');
      sb.writeConfig(CONFIG.replace(/\[profile staging\][^[]*/, ''));
      t.keys('Enter');
      const o = outcome(t);
      sb.writeConfig(CONFIG);
      assert.equal(o.rc, 1, o.screen);
      assert.equal(o.profile, 'zz-filler-5');
      assert.match(o.screen, /^awsp: no profile 'staging'/m);
    });

    if (shell === 'bash') {
      test('AWSP_PICKER=fzf: fzf shows the list; Enter switches, Esc changes nothing', () => {
        set('AWSP_PICKER', 'fzf');
        run('pick prod-eu');
        t.waitFor((s) => /prod-eu\s+role\s+eu-central-1/.test(s) && /\b1\/14\b/.test(s), 'fzf');
        t.keys('Enter');
        let o = outcome(t);
        assert.deepEqual([o.rc, o.profile], [0, 'prod-eu'], o.screen);
        run('pick');
        t.waitFor((s) => /\b14\/14\b/.test(s), 'fzf');
        t.keys('Escape');
        o = outcome(t);
        assert.deepEqual([o.rc, o.profile], [130, 'prod-eu'], o.screen);
        t.line('unset AWSP_PICKER');
        assertRestored(t);
      });

      test('run as a program, it says how to load the integration', () => {
        t.line('clear; command awsp pick; builtin printf "@@rc=%s@@\\n" "$?"');
        const s = t.waitFor((x) => /@@rc=\d+@@/.test(x), 'awsp to end');
        assert.match(s, /@@rc=1@@/);
        assert.match(s, /awsp: the shell integration is not loaded/);
      });
    }
  });
}

test('without a terminal: one line, exit 1', () => {
  const sb = sandbox();
  try {
    sb.writeConfig(CONFIG);
    // A session of its own has no controlling terminal, so /dev/tty cannot be opened.
    const r = spawnSync('setsid', ['--wait', process.execPath, AWSP_BIN, 'pick'], { env: { ...sb.env, AWSP_SHELL: 'bash' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^awsp: pick needs a terminal to show the list on, and there is none/);
    assert.equal(r.stderr.split('\n').length, 2);
  } finally {
    sb.cleanup();
  }
});

for (const shell of SHELLS) {
  test(`${shell}: the pick route under hostile aliases and strict options, without a terminal: one line, nothing changed`, () => {
    const sb = sandbox();
    try {
      sb.writeConfig(CONFIG);
      const rc = shell === 'fish' ? '$status' : '$?';
      const script = [
        probes(shell),
        prelude(shell, 'hostile'),
        shell === 'fish' ? 'command awsp init fish | source' : `\\builtin eval "$(\\command awsp init ${shell})"`,
        '__t_dump before',
        shell === 'fish' ? 'awsp pick 2>err; set __t_rc $status' : `awsp pick 2>|err && __t_rc=0 || __t_rc=${rc}`,
        '__t_dump after',
        `${shell === 'fish' ? '' : '\\'}builtin printf '@@rc=%s\\n' $__t_rc`,
      ].join('\n');
      const [cmd, ...args] = shellArgs(shell, `${shell === 'fish' ? '' : '__t_rc=0\n'}${script}`, { load: false });
      // setsid: no controlling terminal, whoever runs the tests.
      const r = spawnSync('setsid', ['--wait', cmd!, ...args], { cwd: sb.dir, env: sb.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
      assert.match(r.stdout, /@@rc=1$/m, `${r.stdout}${r.stderr}`);
      assert.equal(readFileSync(join(sb.dir, 'err'), 'utf8').replace(/^awsp: pick needs a terminal.*\n/, ''), '');
      assert.doesNotMatch(r.stderr, /HIJACKED|unbound|parameter not set/);
      const d = diffDumps(parseDump(shell, readFileSync(join(sb.dir, 'before'), 'utf8')), parseDump(shell, readFileSync(join(sb.dir, 'after'), 'utf8')));
      assert.deepEqual([...d.added, ...d.changed, ...d.removed].filter((n) => n !== '__t_rc'), []);
    } finally {
      sb.cleanup();
    }
  });
}
