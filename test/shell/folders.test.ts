// Per-folder profiles (AWSP_FOLDERS=1): a `.awsprofile` switches the shell on entering its
// folder or one below, and leaving gives back what was before, once `awsp allow` has recorded
// it. Run in real bash (the hook called after each cd, as PROMPT_COMMAND calls it; and once
// through a real interactive bash), zsh (chpwd) and fish (PWD event), clean, strict (set -u)
// and hostile; each step's variables and stderr are checked, and the variables the hook
// leaves behind are exactly its own. Also: `awsp allow` refusing bad files, and no process
// started on a cd that crosses no file (strace).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  AWSP_BIN,
  AWSP_VARS,
  awsp,
  diffDumps,
  dump,
  type Mode,
  MODES,
  parseDump,
  prelude,
  probes,
  q,
  REPO,
  run,
  sandbox,
  type Sandbox,
  SHELLS,
  type ShellName,
  defaultLoad,
  hardenedLoad,
} from '../helpers/sandbox.js';
import { parseFolderFile } from '../../src/folders.js';

const CONFIG = '[profile dev]\n[profile prod]\n[profile me@corp]\n[profile gone]\n';
const WATCH = ['AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWSP_REGION'];
/** The hook's own globals: the only variables it may leave besides awsp's. */
const FOLDER_VARS = /^__awsp_folder_(pwd|file|name|before|said)$/;
/** What cd itself changes (and AWSP_FOLDERS, which the script sets). */
const CD_VARS = /^(PWD|OLDPWD|dirstack|dirprev|dirnext|__fish_cd_direction|AWSP_FOLDERS)$/;

/** The folders: `my proj` (prod@eu-west-1; a space in the path), with sub/ (no file) and inner/ (dev); gone/; out/. */
function folders(sb: Sandbox): { proj: string; out: string; gone: string; late: string; data: string } {
  sb.writeConfig(CONFIG);
  const proj = join(sb.dir, 'my proj');
  sb.write('my proj/.awsprofile', 'prod@eu-west-1\n');
  mkdirSync(join(proj, 'sub'));
  mkdirSync(join(proj, 'line\nbreak', 'deeper'), { recursive: true });
  sb.write('my proj/inner/.awsprofile', 'dev\n');
  sb.write('gone/.awsprofile', 'gone\n');
  sb.write('late/.awsprofile', 'dev\n');
  mkdirSync(join(sb.dir, 'out'));
  return { proj, out: join(sb.dir, 'out'), gone: join(sb.dir, 'gone'), late: join(sb.dir, 'late'), data: join(sb.dir, 'data') };
}

/** The allow record of `file` under the data folder `data`: `%` then `/` encoded, as src/folders.ts recordPath does. */
const record = (data: string, file: string) => join(data, 'awsp', 'allow', file.replace(/%/g, '%25').replace(/\//g, '%2F'));

interface Step {
  id: string;
  code: (s: ShellName) => string;
}

const set = (s: ShellName, name: string, value: string) => (s === 'fish' ? `set -gx ${name} ${q(s, value)}` : `\\builtin export ${name}=${q(s, value)}`);
/** A cd as the user makes it: bash's hook runs at the next prompt, so it is called here. */
// (fish: its builtin, as its cd function calls count and printf, which the hostile prelude shadows.)
const cd = (s: ShellName, dir: string) => `${s === 'fish' ? 'builtin ' : ''}cd ${q(s, dir)}${s === 'bash' ? '\n__awsp_folder_hook' : ''}`;

function steps(f: ReturnType<typeof folders>, sb: Sandbox): Step[] {
  return [
    // Off: not even a warning.
    { id: 'off', code: (s) => cd(s, f.proj) },
    { id: 'on-unallowed', code: (s) => `${cd(s, f.out)}\n${set(s, 'AWSP_FOLDERS', '1')}\n${cd(s, f.proj)}` },
    { id: 'unallowed-said-once', code: (s) => `${cd(s, f.out)}\n${cd(s, f.proj)}` },
    { id: 'allow', code: () => 'awsp allow' },
    { id: 'leave', code: (s) => cd(s, f.out) },
    { id: 'nested', code: (s) => cd(s, join(f.proj, 'sub')) },
    // A line break in the path (fish walks it another way).
    { id: 'line-break', code: (s) => cd(s, join(f.proj, 'line\nbreak', 'deeper')) },
    { id: 'inner-allow', code: (s) => `${cd(s, join(f.proj, 'inner'))}\nawsp allow` },
    { id: 'back-to-outer', code: (s) => cd(s, join(f.proj, 'sub')) },
    { id: 'inner-direct', code: (s) => cd(s, join(f.proj, 'inner')) },
    { id: 'leave-from-inner', code: (s) => cd(s, f.out) },
    { id: 'before-profile', code: (s) => `awsp dev --region us-west-2\n${cd(s, f.proj)}` },
    { id: 'restore-profile', code: (s) => cd(s, f.out) },
    { id: 'before-hand-region', code: (s) => `awsp -u\n${set(s, 'AWS_REGION', 'ap-south-1')}\n${cd(s, f.proj)}` },
    { id: 'restore-hand-region', code: (s) => cd(s, f.out) },
    { id: 'hand-switch', code: (s) => `${s === 'fish' ? 'set -e -g AWS_REGION' : '\\builtin unset AWS_REGION'}\n${cd(s, f.proj)}\nawsp dev\n${cd(s, f.out)}` },
    {
      id: 'changed',
      code: (s) => `awsp -u\n${s === 'fish' ? 'builtin printf' : '\\builtin printf'} 'prod\\n' >${s === 'fish' ? '' : '|'}${q(s, join(f.proj, '.awsprofile'))}\n${cd(s, f.proj)}`,
    },
    { id: 'changed-allowed', code: () => 'awsp allow' },
    { id: 'deny', code: () => 'awsp deny' },
    {
      // Allowed while the profile was there, then gone from the config.
      id: 'unknown',
      code: (s) => `${cd(s, f.out)}\n${s === 'fish' ? 'builtin printf' : '\\builtin printf'} '[profile dev]\\n' >${s === 'fish' ? '' : '|'}${q(s, sb.config)}\n${cd(s, f.gone)}`,
    },
    { id: 'unknown-said-once', code: (s) => `${cd(s, f.out)}\n${cd(s, f.gone)}` },
    // Off again: allowing records the file but switches nothing, and says how to turn it on.
    { id: 'off-allow', code: (s) => `${s === 'fish' ? 'set -e -g AWSP_FOLDERS' : '\\builtin unset AWSP_FOLDERS'}\n${cd(s, f.late)}\nawsp allow` },
  ];
}

interface Outcome {
  state: Map<string, string | null>;
  stderr: string;
}

function scenario(shell: ShellName, mode: Mode) {
  const sb = sandbox({ SHELL: `/usr/bin/${shell}` });
  const f = folders(sb);
  // `gone` is allowed while its profile is there (the config loses it in the script).
  const pre = awsp(sb, ['allow', f.gone], { env: { XDG_DATA_HOME: f.data } });
  assert.equal(pre.code, 0, dump(pre));
  const list = steps(f, sb);
  const lines = [probes(shell), prelude(shell, mode)];
  lines.push(hardenedLoad(shell));
  lines.push(`__t_dump ${q(shell, join(sb.dir, 'd-start'))}`);
  // Each step's stderr is what the session's stderr holds up to the step's marker (fish runs
  // event handlers outside a block's redirections, so a block's own 2> would miss the hook's).
  list.forEach((st, i) => {
    lines.push(st.code(shell));
    const mark = `${shell === 'fish' ? '' : '\\'}builtin printf '@@ %s\\n' ${i}`;
    lines.push(mark, `${mark} >&2`);
    lines.push(`__t_state ${WATCH.join(' ')}`);
    if (i === 0) lines.push(`__t_dump ${q(shell, join(sb.dir, 'd-off'))}`);
  });
  lines.push(`__t_dump ${q(shell, join(sb.dir, 'd-end'))}`);
  lines.push(`${shell === 'fish' ? '' : '\\'}builtin printf '@@end\\n'`);
  const r = run(shell, sb, lines.join('\n'), { load: false, timeout: 120_000, env: { XDG_DATA_HOME: f.data } });
  const out = new Map<string, Outcome>();
  const errs = r.stderr.split(/^@@ \d+\n/m);
  for (const b of r.stdout.split(/^@@ /m).slice(1)) {
    const [head, ...rest] = b.split('\n');
    const i = Number(head);
    const state = new Map<string, string | null>();
    for (const l of rest) {
      const m = /^([A-Z_]+)(!|=(.*))$/.exec(l);
      if (m) state.set(m[1]!, m[2] === '!' ? null : m[3]!);
    }
    out.set(list[i]!.id, { state, stderr: errs[i] ?? '' });
  }
  return { sb, f, r, out };
}

for (const shell of SHELLS) {
  describe(`${shell}: a .awsprofile switches on entering and gives back on leaving`, () => {
    for (const mode of MODES) {
      it(`cd in and out, nested, unallowed, changed, unknown, deny (${mode})`, () => {
        const { sb, f, r, out } = scenario(shell, mode);
        try {
          const ctx = `${shell} ${mode}\n${dump(r)}`;
          assert.ok(r.stdout.includes('@@end'), `the session stopped early, after ${[...out.keys()].pop()}\n${ctx}`);
          const get = (id: string) => {
            const o = out.get(id);
            assert.ok(o, `step ${id} did not run\n${ctx}`);
            return o;
          };
          const is = (id: string, want: Partial<Record<string, string | null>>) => {
            const got = Object.fromEntries(WATCH.map((n) => [n, get(id).state.get(n) ?? null]));
            assert.deepEqual(got, { ...Object.fromEntries(WATCH.map((n) => [n, null])), ...want }, `${shell} ${mode} ${id}: ${get(id).stderr}\n${ctx}`);
          };
          const said = (id: string, text: string) => assert.equal(get(id).stderr, text, `${shell} ${mode} ${id}`);
          for (const id of out.keys()) assert.doesNotMatch(get(id).stderr, /HIJACKED|unbound|parameter not set|not found|no such|syntax error/, `${shell} ${mode} ${id}`);
          const pf = join(f.proj, '.awsprofile');
          const prod = { AWS_PROFILE: 'prod', AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1', AWSP_REGION: 'eu-west-1' };

          is('off', {});
          said('off', '');
          is('on-unallowed', {});
          said('on-unallowed', `awsp: ${pf} is not allowed; run: awsp allow\n`);
          said('unallowed-said-once', '');
          // allow applies at once, without a cd.
          is('allow', prod);
          assert.match(get('allow').stderr, /^awsp: allowed .*my proj\/\.awsprofile: profile 'prod' with region 'eu-west-1'\n$/);
          is('leave', {});
          said('leave', '');
          is('nested', prod);
          said('nested', '');
          is('line-break', prod);
          said('line-break', '');
          is('inner-allow', { AWS_PROFILE: 'dev' });
          // Entered before it is allowed: refused, then allowed (and obeyed at once).
          const inner = join(f.proj, 'inner', '.awsprofile');
          said('inner-allow', `awsp: ${inner} is not allowed; run: awsp allow\nawsp: allowed ${inner}: profile 'dev'\n`);
          is('back-to-outer', prod);
          said('back-to-outer', '');
          is('inner-direct', { AWS_PROFILE: 'dev' });
          said('inner-direct', '');
          // From inner/ straight out: what was before the first file, not prod.
          is('leave-from-inner', {});
          said('leave-from-inner', '');
          is('before-profile', prod);
          said('before-profile', '');
          is('restore-profile', { AWS_PROFILE: 'dev', AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'us-west-2', AWSP_REGION: 'us-west-2' });
          said('restore-profile', '');
          is('before-hand-region', prod);
          said('before-hand-region', '');
          is('restore-hand-region', { AWS_REGION: 'ap-south-1' });
          said('restore-hand-region', '');
          // Switched by hand inside: leaving keeps the user's choice.
          is('hand-switch', { AWS_PROFILE: 'dev' });
          said('hand-switch', '');
          is('changed', {});
          said('changed', `awsp: ${pf} has changed since it was allowed; run: awsp allow\n`);
          is('changed-allowed', { AWS_PROFILE: 'prod' });
          said('changed-allowed', `awsp: allowed ${pf}: profile 'prod'\n`);
          // Denied: no longer obeyed, so what it switched to goes.
          is('deny', {});
          said('deny', `awsp: denied ${pf}: the shell no longer obeys it\n`);
          is('unknown', {});
          said('unknown', `awsp: ${join(f.gone, '.awsprofile')} names no profile 'gone'\n`);
          said('unknown-said-once', '');
          is('off-allow', {});
          assert.match(get('off-allow').stderr, /^awsp: allowed .*late\/\.awsprofile: profile 'dev' \(the shell obeys it once AWSP_FOLDERS=1 is in its environment\)\n$/);

          // Variables: off, the hook leaves none; on, only its own and awsp's.
          const start = parseDump(shell, readFileSync(join(sb.dir, 'd-start'), 'utf8'));
          const off = diffDumps(start, parseDump(shell, readFileSync(join(sb.dir, 'd-off'), 'utf8')));
          assert.deepEqual(off.added.filter((n) => !/^__t_/.test(n) && !CD_VARS.test(n)), [], `${shell} ${mode}: variables added while off`);
          const end = diffDumps(start, parseDump(shell, readFileSync(join(sb.dir, 'd-end'), 'utf8')));
          const foreign = [...end.added, ...end.changed].filter((n) => !/^__t_/.test(n) && !AWSP_VARS.test(n) && !FOLDER_VARS.test(n) && !CD_VARS.test(n));
          assert.deepEqual(foreign, [], `${shell} ${mode}: variables left behind`);
          assert.ok(end.added.some((n) => FOLDER_VARS.test(n)), `${shell}: the check above can fail`);
        } finally {
          sb.cleanup();
        }
      });
    }
  });
}

describe('bash: the hook in PROMPT_COMMAND of a real interactive bash', () => {
  for (const kind of ['string', 'array'] as const) {
    it(`runs first, keeps $? and the user's ${kind}, and is added once`, () => {
      const sb = sandbox();
      const f = folders(sb);
      try {
        const data = join(sb.dir, 'data');
        const a = awsp(sb, ['allow', f.proj], { env: { XDG_DATA_HOME: data } });
        assert.equal(a.code, 0, dump(a));
        const user = kind === 'array' ? `PROMPT_COMMAND=('__t_pc="$?:\${AWS_PROFILE-none}"')` : `PROMPT_COMMAND='__t_pc="$?:\${AWS_PROFILE-none}"'`;
        const script = [
          'set -u',
          user,
          // As ~/.bashrc read twice: the file install.sh's line sources.
          defaultLoad('bash'),
          defaultLoad('bash'),
          'declare -p PROMPT_COMMAND',
          `cd ${q('bash', join(f.proj, 'sub'))}`,
          'builtin printf "IN=%s %s\\n" "${AWS_PROFILE-none}" "$__t_pc"',
          'false',
          'builtin printf "STATUS=%s\\n" "$__t_pc"',
          `cd ${q('bash', f.out)}`,
          'builtin printf "OUT=%s\\n" "${AWS_PROFILE-none}"',
          'exit',
        ].join('\n');
        const r = spawnSync('bash', ['--noprofile', '--norc', '-i'], { cwd: sb.dir, env: { ...sb.env, AWSP_FOLDERS: '1', XDG_DATA_HOME: data, PS1: '$ ' }, input: script + '\n', encoding: 'utf8', timeout: 30_000 });
        const ctx = `${r.stdout}\n${r.stderr}`;
        // First, and once although loaded twice; a string stays a string, an array an array.
        const want =
          kind === 'array'
            ? 'declare -a PROMPT_COMMAND=([0]="__awsp_folder_hook" [1]="__t_pc=\\"\\$?:\\${AWS_PROFILE-none}\\"")\n'
            : `declare -- PROMPT_COMMAND=$'__awsp_folder_hook\\n__t_pc="$?:\${AWS_PROFILE-none}"'\n`;
        assert.ok(r.stdout.includes(want), ctx);
        // The user's prompt code sees the switch made at the same prompt.
        assert.match(r.stdout, /^IN=prod 0:prod$/m, ctx);
        assert.match(r.stdout, /^STATUS=1:prod$/m, ctx);
        assert.match(r.stdout, /^OUT=none$/m, ctx);
        assert.doesNotMatch(r.stderr, /unbound|not found|syntax error/, ctx);
      } finally {
        sb.cleanup();
      }
    });
  }
});

describe('zsh and fish: loaded twice, the hook is registered once', () => {
  for (const shell of ['zsh', 'fish'] as const) {
    it(shell, () => {
      const sb = sandbox();
      try {
        const load = shell === 'fish' ? 'awsp init fish | source' : 'eval "$(awsp init zsh)"';
        const show = shell === 'fish' ? 'functions --handlers-type variable | string match -e __awsp_folder_hook' : 'print -l -- $chpwd_functions';
        const r = run(shell, sb, `${load}\n${load}\n${show}`, { load: false });
        assert.equal(r.stdout.split('\n').filter((l) => l.includes('__awsp_folder_hook')).length, 1, dump(r));
      } finally {
        sb.cleanup();
      }
    });
  }
});

describe('the shells read a .awsprofile as Node does', () => {
  // Only a region code after the last @ is a region.
  const TEXTS = ['me@corp', 'a@b@us-gov-west-1', 'x@eusc-de-east-1\n', 'odd@us-east-1x', 'with space@eu-west-1', '@us-east-1', 'q@EU-WEST-1'];
  for (const shell of SHELLS) {
    it(shell, () => {
      const sb = sandbox();
      try {
        const want = TEXTS.map((t) => parseFolderFile(t)!);
        // Each name a profile, in the credentials file (which takes any name).
        sb.writeCredentials(want.map((w) => `[${w.name}]\naws_access_key_id = A\naws_secret_access_key = s\n`).join(''));
        const data = join(sb.dir, 'data');
        const dirs = TEXTS.map((t, i) => {
          sb.write(`t${i}/.awsprofile`, t);
          const a = awsp(sb, ['allow', join(sb.dir, `t${i}`)], { env: { XDG_DATA_HOME: data } });
          assert.equal(a.code, 0, dump(a));
          return join(sb.dir, `t${i}`);
        });
        const show = shell === 'fish' ? 'builtin printf "<%s|%s>\\n" "$AWS_PROFILE" "$AWS_REGION"' : '\\builtin printf "<%s|%s>\\n" "${AWS_PROFILE-}" "${AWS_REGION-}"';
        const r = run(shell, sb, dirs.map((d) => `${cd(shell, sb.dir)}\n${cd(shell, d)}\n${show}`).join('\n'), { env: { XDG_DATA_HOME: data, AWSP_FOLDERS: '1' } });
        assert.deepEqual(r.stdout.trim().split('\n'), want.map((w) => `<${w.name}|${w.region}>`), dump(r));
      } finally {
        sb.cleanup();
      }
    });
  }
});

describe('without XDG_DATA_HOME, the records are in ~/.local/share/awsp/allow', () => {
  for (const shell of SHELLS) {
    it(shell, () => {
      const sb = sandbox();
      const f = folders(sb);
      try {
        assert.equal(awsp(sb, ['allow', f.proj]).code, 0);
        assert.ok(existsSync(record(join(sb.home, '.local', 'share'), join(f.proj, '.awsprofile'))));
        const show = shell === 'fish' ? 'builtin printf "<%s>\\n" "$AWS_PROFILE"' : '\\builtin printf "<%s>\\n" "${AWS_PROFILE-}"';
        const r = run(shell, sb, `${cd(shell, f.proj)}\n${show}`, { env: { AWSP_FOLDERS: '1' } });
        assert.equal(r.stdout, '<prod>\n', dump(r));
      } finally {
        sb.cleanup();
      }
    });
  }
});

describe('what the hook says', () => {
  for (const shell of SHELLS) {
    it(`${shell}: awsp deny says it once; a folder's name cannot drive the terminal`, () => {
      const sb = sandbox();
      const f = folders(sb);
      try {
        const data = join(sb.dir, 'data');
        assert.equal(awsp(sb, ['allow', f.proj], { env: { XDG_DATA_HOME: data } }).code, 0);
        const odd = join(sb.dir, 'bidi \u202e x \x1b[31m \u009b\u200f\u2028');
        sb.write('bidi \u202e x \x1b[31m \u009b\u200f\u2028/.awsprofile', 'dev\n');
        const mark = `${shell === 'fish' ? '' : '\\'}builtin printf '@@\\n' >&2`;
        const r = run(shell, sb, [cd(shell, f.proj), 'awsp deny', mark, cd(shell, odd)].join('\n'), { env: { XDG_DATA_HOME: data, AWSP_FOLDERS: '1' } });
        const [deny, odds] = r.stderr.split('@@\n');
        assert.equal(deny, `awsp: denied ${join(f.proj, '.awsprofile')}: the shell no longer obeys it\n`, dump(r));
        assert.equal(odds, `awsp: ${sb.dir}/bidi ? x ?[31m ???/.awsprofile is not allowed; run: awsp allow\n`, dump(r));
      } finally {
        sb.cleanup();
      }
    });
  }
});

describe('a record the user does not own, or in a shared folder, is not trusted', () => {
  // Another user (the tests run as root, so files can be given away).
  const OTHER = 65534;
  for (const shell of SHELLS) {
    it(shell, () => {
      const sb = sandbox();
      const f = folders(sb);
      try {
        const data = join(sb.dir, 'data');
        const dir = join(data, 'awsp', 'allow');
        assert.equal(awsp(sb, ['allow', f.proj], { env: { XDG_DATA_HOME: data } }).code, 0);
        const rec = record(data, join(f.proj, '.awsprofile'));
        const probe = () => {
          const show = shell === 'fish' ? 'builtin printf "<%s>\\n" "$AWS_PROFILE"' : '\\builtin printf "<%s>\\n" "${AWS_PROFILE-}"';
          const r = run(shell, sb, `${cd(shell, f.out)}\n${cd(shell, f.proj)}\n${show}`, { env: { XDG_DATA_HOME: data, AWSP_FOLDERS: '1' } });
          return `${r.stdout.trim()} ${r.stderr.includes('is not allowed') ? 'refused' : ''}`.trim();
        };
        assert.equal(probe(), '<prod>', 'the check below can fail');
        chownSync(rec, OTHER, OTHER);
        assert.equal(probe(), '<> refused', 'a record of another user');
        chownSync(rec, process.getuid!(), process.getgid!());
        chmodSync(dir, 0o1777);
        assert.equal(probe(), '<> refused', 'a shared folder (sticky bit)');
        chmodSync(dir, 0o700);
        chownSync(dir, OTHER, OTHER);
        assert.equal(probe(), '<> refused', "another user's folder");
      } finally {
        sb.cleanup();
      }
    });
  }
});

describe('awsp allow and deny', () => {
  it('refuse what they cannot obey: one line, non-zero, nothing recorded', () => {
    const sb = sandbox();
    try {
      sb.writeConfig(CONFIG);
      const data = join(sb.dir, 'data');
      const env = { XDG_DATA_HOME: data };
      mkdirSync(join(sb.dir, 'none'));
      const cases: Array<[string, string | null, RegExp]> = [
        ['none', null, /^awsp: no file .*\/none\/\.awsprofile\n$/],
        ['empty', '', /must hold one line/],
        ['two-lines', 'dev\nprod\n', /must hold one line/],
        ['control', 'de\x1bv\n', /must hold one line/],
        ['unknown', 'nope\n', /names no profile 'nope'/],
        ['close', 'prdo@eu-west-1\n', /names no profile 'prdo'; did you mean 'prod'\?/],
        // A region code after the last @ is a region: `me@us-east-1` asks for profile `me`.
        ['at-region', 'me@us-east-1\n', /names no profile 'me'/],
      ];
      for (const [name, text, want] of cases) {
        if (text !== null) sb.write(`${name}/.awsprofile`, text);
        const r = awsp(sb, ['allow', join(sb.dir, name)], { env });
        assert.notEqual(r.code, 0, `${name}: ${dump(r)}`);
        assert.match(r.stderr, want, name);
        assert.match(r.stderr, /^awsp: [^\n]*\n$/, `${name}: one line`);
        assert.equal(r.stdout, '');
      }
      const missing = awsp(sb, ['allow', join(sb.dir, 'nowhere', '.awsprofile')], { env });
      assert.match(missing.stderr, /^awsp: no file .*nowhere\/\.awsprofile\n$/);
      const other = sb.write('other/profile.txt', 'dev\n');
      assert.match(awsp(sb, ['allow', other], { env }).stderr, /is not a \.awsprofile file/);
      assert.match(awsp(sb, ['allow', join(sb.dir, 'nowhere')], { env }).stderr, /^awsp: no folder .*\/nowhere\n$/);
      const none = spawnSync(AWSP_BIN, ['allow'], { cwd: join(sb.dir, 'none'), env: { ...sb.env, ...env, PWD: join(sb.dir, 'none') }, encoding: 'utf8' });
      assert.notEqual(none.status, 0);
      assert.match(none.stderr, /^awsp: no \.awsprofile in .*\/none or a folder above it; write one holding a profile name first\n$/);
      assert.equal(existsSync(join(data, 'awsp', 'allow')) ? readdirSync(join(data, 'awsp', 'allow')).length : 0, 0, 'nothing recorded');

      // A name with an @ that is no region, allowed; the record is the exact content, in a 0700 folder.
      sb.write('corp/.awsprofile', 'me@corp\n');
      const ok = awsp(sb, ['allow', join(sb.dir, 'corp')], { env });
      assert.equal(ok.code, 0, dump(ok));
      assert.match(ok.stderr, /profile 'me@corp'/);
      assert.match(ok.stderr, /AWSP_FOLDERS=1/, 'says that it is off');
      const dir = join(data, 'awsp', 'allow');
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      const rec = record(data, join(sb.dir, 'corp', '.awsprofile'));
      assert.equal(readFileSync(rec, 'utf8'), 'me@corp\n');
      assert.equal(statSync(rec).mode & 0o777, 0o600);
      // Run as a program (stdout not the shell's), it prints no code.
      assert.equal(ok.stdout, '');
      const deny = awsp(sb, ['deny', join(sb.dir, 'corp')], { env });
      assert.equal(deny.code, 0, dump(deny));
      assert.equal(existsSync(rec), false);
      assert.match(awsp(sb, ['deny', join(sb.dir, 'corp')], { env }).stderr, /was not allowed/);
    } finally {
      sb.cleanup();
    }
  });

  it("a folder's name cannot drive the terminal through their messages", () => {
    const sb = sandbox();
    try {
      sb.writeConfig(CONFIG);
      const env = { XDG_DATA_HOME: join(sb.dir, 'data') };
      const odd = 'x\x1b]2;PWNED\x07\u202ey';
      sb.write(`${odd}/.awsprofile`, 'dev\n');
      sb.write(`${odd}-bad/.awsprofile`, 'nope\n');
      const rs = [
        awsp(sb, ['allow', join(sb.dir, odd)], { env }),
        awsp(sb, ['allow', join(sb.dir, `${odd}-bad`)], { env }),
        awsp(sb, ['allow', join(sb.dir, `${odd}-none`)], { env }),
        awsp(sb, ['deny', join(sb.dir, odd)], { env }),
        awsp(sb, ['deny', join(sb.dir, odd)], { env }),
      ];
      for (const r of rs) {
        assert.match(r.stderr, /x\\x1b\]2;PWNED\\x07\\u202ey/, dump(r));
        assert.doesNotMatch(r.stderr, /[\x1b\x07\u202e]/, dump(r));
      }
      assert.deepEqual(rs.map((r) => r.code), [0, 1, 1, 0, 0]);
    } finally {
      sb.cleanup();
    }
  });

  it('refuse a record folder that is not the user\'s own', () => {
    const sb = sandbox();
    try {
      sb.writeConfig(CONFIG);
      sb.write('p/.awsprofile', 'dev\n');
      const data = join(sb.dir, 'data');
      mkdirSync(join(data, 'awsp', 'allow'), { recursive: true, mode: 0o777 });
      spawnSync('chmod', ['0777', join(data, 'awsp', 'allow')]);
      const r = awsp(sb, ['allow', join(sb.dir, 'p')], { env: { XDG_DATA_HOME: data } });
      assert.notEqual(r.code, 0, dump(r));
      assert.match(r.stderr, /^awsp: cannot keep the allowed files: .* has mode 0777; it must be 0700\n$/);
      assert.deepEqual(readdirSync(join(data, 'awsp', 'allow')), []);
    } finally {
      sb.cleanup();
    }
  });
});

describe('the hook starts no process on a cd that crosses no .awsprofile', () => {
  for (const shell of SHELLS) {
    it(`${shell}`, () => {
      const sb = sandbox();
      const f = folders(sb);
      try {
        const data = join(sb.dir, 'data');
        assert.equal(awsp(sb, ['allow', f.proj], { env: { XDG_DATA_HOME: data } }).code, 0);
        mkdirSync(join(sb.dir, 'out', 'a', 'b'), { recursive: true });
        const load = shell === 'fish' ? `source ${q(shell, join(REPO, 'dist', 'awsp.fish'))}` : `. ${q(shell, join(REPO, 'dist', `awsp.${shell}`))}`;
        const cds = (dirs: string[]) => dirs.map((d) => cd(shell, d)).join('\n');
        const count = (dirs: string[]): number => {
          const trace = join(sb.dir, `forks-${shell}`);
          const argv = { bash: ['bash', '--noprofile', '--norc', '-c'], zsh: ['zsh', '-f', '-c'], fish: ['fish', '--no-config', '-c'] }[shell];
          const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=fork,vfork,clone,clone3', '-o', trace, ...argv, `${load}\n${cds(dirs)}`], {
            env: { ...sb.env, AWSP_FOLDERS: '1', XDG_DATA_HOME: data },
            cwd: sb.dir,
            encoding: 'utf8',
          });
          assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
          // Threads (fish has a few) are not processes.
          const forks = readFileSync(trace, 'utf8').split('\n').filter((l) => /\b(fork|vfork|clone3?)\(/.test(l) && !/CLONE_THREAD/.test(l));
          rmSync(trace);
          return forks.length;
        };
        const out = join(sb.dir, 'out');
        assert.equal(count([out, join(out, 'a'), join(out, 'a', 'b'), out, '/', join(out, 'a')]), 0, `${shell} started a process`);
        // It would count: entering an allowed folder checks the profile, through Node without a names cache.
        rmSync(sb.env.XDG_CACHE_HOME!, { recursive: true, force: true });
        assert.ok(count([out, f.proj]) > 0, `${shell}: the check above can fail`);
      } finally {
        sb.cleanup();
      }
    });
  }
});

// The README shows the feature with one example.
it('README documents .awsprofile, awsp allow and AWSP_FOLDERS', () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  for (const w of ['.awsprofile', 'awsp allow', 'awsp deny', 'AWSP_FOLDERS=1']) assert.ok(readme.includes(w), w);
});

describe("a folder's SSO profile warns when its session needs a login, as awsp NAME does", () => {
  for (const shell of SHELLS) {
    it(shell, () => {
      const sb = sandbox();
      try {
        sb.writeConfig('[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n[profile lab]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = R\n');
        // Files changed in the cache's own second keep it stale until the next (by design).
        const old = new Date(Date.now() - 3_600_000);
        for (const p of [sb.config, join(sb.home, '.aws')]) utimesSync(p, old, old);
        sb.write('lab/.awsprofile', 'lab\n');
        const data = join(sb.dir, 'data');
        assert.equal(awsp(sb, ['allow', join(sb.dir, 'lab')], { env: { XDG_DATA_HOME: data } }).code, 0);
        const cache = join(sb.env.XDG_CACHE_HOME!, 'awsp');
        rmSync(cache, { recursive: true, force: true });
        // After the first entry, awsp is a stub that says so if Node is asked.
        const stub = join(sb.write('stub/awsp', '#!/bin/sh\necho ASKED-NODE >&2\nexit 1\n', 0o755), '..');
        const stubFirst = shell === 'fish' ? `set -gx PATH ${q(shell, stub)} $PATH` : `\\builtin export PATH=${q(shell, stub)}:"$PATH"`;
        const show = shell === 'fish' ? 'builtin printf "<%s>\\n" "$AWS_PROFILE"' : '\\builtin printf "<%s>\\n" "${AWS_PROFILE-}"';
        // In twice: first with no names cache (Node builds it), then from the cache alone.
        const script = [cd(shell, join(sb.dir, 'lab')), show, stubFirst, cd(shell, sb.dir), cd(shell, join(sb.dir, 'lab')), show];
        const r = run(shell, sb, script.join('\n'), { env: { XDG_DATA_HOME: data, AWSP_FOLDERS: '1' } });
        assert.equal(r.stdout, '<lab>\n<lab>\n', dump(r));
        assert.ok(readdirSync(cache).some((n) => n.startsWith('names-')), `the first entry built the names cache\n${dump(r)}`);
        assert.doesNotMatch(r.stderr, /ASKED-NODE/, dump(r));
        const lines = r.stderr.trimEnd().split('\n');
        assert.equal(lines.length, 2, dump(r));
        assert.equal(lines[0], lines[1], dump(r));
        assert.match(lines[0]!, /^awsp: .*corp.*; run: awsp login --sso-session corp$/, dump(r));
        const warn = "awsp: SSO session 'corp' has expired or is not signed in; run: awsp login --sso-session corp\n";
        assert.equal(r.stderr, warn + warn, dump(r));
      } finally {
        sb.cleanup();
      }
    });
  }
});

describe('awsp allow or deny of another file leaves a hand switch alone', () => {
  for (const shell of SHELLS) {
    it(shell, () => {
      const sb = sandbox();
      try {
        const f = folders(sb);
        const env = { XDG_DATA_HOME: f.data, AWSP_FOLDERS: '1' };
        for (const dir of [f.proj, f.late]) assert.equal(awsp(sb, ['allow', dir], { env }).code, 0);
        const show = shell === 'fish' ? 'builtin printf "%s=%s\\n"' : '\\builtin printf "%s=%s\\n"';
        const script = [
          cd(shell, f.proj),
          `${show} entered "$AWS_PROFILE"`,
          'awsp dev',
          `awsp allow ${q(shell, f.late)}`,
          `${show} other-allowed "$AWS_PROFILE"`,
          `awsp deny ${q(shell, f.gone)}`,
          `${show} other-denied "$AWS_PROFILE"`,
          // This folder's own file, allowed again: obeyed again.
          'awsp allow',
          `${show} own-allowed "$AWS_PROFILE"`,
        ].join('\n');
        const r = run(shell, sb, script, { env });
        assert.deepEqual(r.stdout.trim().split('\n'), ['entered=prod', 'other-allowed=dev', 'other-denied=dev', 'own-allowed=prod'], dump(r));
      } finally {
        sb.cleanup();
      }
    });
  }
});

it('bash: with AWSP_FOLDERS=1 and no .awsprofile from here up, the hook reads nothing more than the start-up file', () => {
  const sb = sandbox();
  try {
    const f = folders(sb);
    const env = { XDG_DATA_HOME: f.data, AWSP_FOLDERS: '1' };
    assert.equal(awsp(sb, ['allow', f.proj], { env }).code, 0);
    const script = [
      cd('bash', f.out),
      '\\builtin declare -F __awsp_switch >/dev/null && echo read-early || echo not-read',
      cd('bash', f.proj),
      'echo "P=$AWS_PROFILE"',
      '\\builtin declare -F __awsp_switch >/dev/null && echo read || echo not-read',
    ].join('\n');
    const r = run('bash', sb, script, { env });
    assert.deepEqual(r.stdout.trim().split('\n'), ['not-read', 'P=prod', 'read'], dump(r));
    assert.equal(r.stderr, '', dump(r));
  } finally {
    sb.cleanup();
  }
});
