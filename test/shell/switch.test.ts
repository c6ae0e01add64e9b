// The everyday loop of shell/awsp.{bash,zsh,fish}, run in real, clean shells: switch, use,
// --region, stale keys, unset, status, list, init, the program without the integration,
// cache staleness, and hostile profile names. Each shell runs every step in one session, in
// three modes (clean; strict options; strict plus hostile aliases and functions), and after
// each step the whole variable table is compared with the one before it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeSsoToken } from '../helpers/aws-files.js';
import {
  AWSP_VARS,
  diffDumps,
  dump,
  type Mode,
  MODES,
  parseDump,
  prelude,
  probes,
  q,
  type Result,
  run,
  sandbox,
  type Sandbox,
  SHELLS,
  type ShellName,
  hardenedLoad,
} from '../helpers/sandbox.js';

const CONFIG = `[default]
region = us-east-1
[profile dev]
[profile prod]
[profile list]
[profile a.b]
[profile acme:prod]
[profile team/x]
[profile me@corp]
[profile p+q]
[profile gone]
[profile sso-live]
sso_session = live
sso_account_id = 111111111111
sso_role_name = r
[profile sso-out]
sso_session = out
sso_account_id = 111111111111
sso_role_name = r
[sso-session live]
sso_start_url = https://live.example/start
sso_region = eu-west-1
[sso-session out]
sso_start_url = https://out.example/start
sso_region = eu-west-1
`;

const SSO_OUT = "awsp: SSO session 'out' has expired or is not signed in; run: awsp login --sso-session out\n";

/** Names only the credentials file can hold (the config file's headers go through shlex). */
export const HOSTILE = ['with space', '$(touch canary1)', '`touch canary2`', "it's", 'a"b', 'x\\y', '$HOME', 'semi;colon', 'ü-prod', 'a=b', '*', '~root', '!x', '%s%n'];

const CREDENTIALS = HOSTILE.map((n) => `[${n}]\naws_access_key_id = AKIAFILE\naws_secret_access_key = s\n`).join('');

const KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_CREDENTIAL_EXPIRATION'];
const WATCH = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWSP_REGION', 'AWSP_KEYS', ...KEYS];

interface Step {
  id: string;
  /** Shell code run before the step, outside the comparison (the user's own doing). */
  before?: (s: ShellName) => string;
  /** The awsp command under test. */
  cmd: (s: ShellName) => string;
  fail?: boolean;
}

const setVar = (s: ShellName, name: string, value: string) => (s === 'fish' ? `set -gx ${name} ${q(s, value)}` : `\\builtin export ${name}=${q(s, value)}`);
const unsetVars = (s: ShellName, ...names: string[]) => (s === 'fish' ? `set -e -g ${names.join(' ')}` : `\\builtin unset ${names.join(' ')}`);
const ALL_UNSET = (s: ShellName) => unsetVars(s, ...WATCH);

const STEPS: Step[] = [
  { id: 'switch', cmd: () => 'awsp dev' },
  // SSO profiles: the token is judged at the switch (signed in: silent; none: one warning line).
  { id: 'sso-signed-in', cmd: () => 'awsp sso-live' },
  { id: 'sso-signed-out', cmd: () => 'awsp sso-out' },
  { id: 'sso-signed-out-node', cmd: () => 'awsp use sso-out --region eu-west-1' },
  { id: 'use-subcommand-name', cmd: () => 'awsp use list' },
  { id: 'use', cmd: () => 'awsp use prod' },
  { id: 'region', cmd: () => 'awsp dev --region eu-west-1' },
  { id: 'region-dropped-at-switch', cmd: () => 'awsp prod' },
  { id: 'region-short', cmd: () => 'awsp use dev -r eu-west-2' },
  { id: 'region-dropped-at-unset', cmd: () => 'awsp --unset' },
  { id: 'hand-region-kept', before: (s) => setVar(s, 'AWS_REGION', 'us-west-2'), cmd: () => 'awsp dev' },
  { id: 'hand-region-kept-unset', cmd: () => 'awsp -u' },
  { id: 'region-then-hand', before: (s) => `${ALL_UNSET(s)}\nawsp dev --region eu-west-1\n${setVar(s, 'AWS_REGION', 'us-east-2')}`, cmd: () => 'awsp prod' },
  {
    id: 'awsp-keys-silent',
    before: (s) => [ALL_UNSET(s), setVar(s, 'AWS_ACCESS_KEY_ID', 'ASIAOURS'), setVar(s, 'AWS_SECRET_ACCESS_KEY', 's'), setVar(s, 'AWS_SESSION_TOKEN', 't'), setVar(s, 'AWS_CREDENTIAL_EXPIRATION', '2030-01-01T00:00:00Z'), setVar(s, 'AWSP_KEYS', 'ASIAOURS')].join('\n'),
    cmd: () => 'awsp dev',
  },
  { id: 'hand-keys-named', before: (s) => [setVar(s, 'AWS_ACCESS_KEY_ID', 'AKIAHAND'), setVar(s, 'AWS_SECRET_ACCESS_KEY', 's'), setVar(s, 'AWS_SECURITY_TOKEN', 'x')].join('\n'), cmd: () => 'awsp prod' },
  { id: 'stale-marker', before: (s) => [setVar(s, 'AWSP_KEYS', 'ASIAOLD'), setVar(s, 'AWS_ACCESS_KEY_ID', 'AKIANEW')].join('\n'), cmd: () => 'awsp dev' },
  { id: 'marker-without-key', before: (s) => [setVar(s, 'AWSP_KEYS', ''), setVar(s, 'AWS_SECRET_ACCESS_KEY', 'hand')].join('\n'), cmd: () => 'awsp dev' },
  { id: 'default-profile', before: (s) => setVar(s, 'AWS_DEFAULT_PROFILE', 'prod'), cmd: () => 'awsp dev' },
  { id: 'unknown', before: (s) => [setVar(s, 'AWS_REGION', 'hand'), setVar(s, 'AWS_ACCESS_KEY_ID', 'AKIAHAND'), setVar(s, 'AWS_DEFAULT_PROFILE', 'x')].join('\n'), cmd: () => 'awsp nope', fail: true },
  { id: 'unknown-close', cmd: () => 'awsp prdo', fail: true },
  { id: 'unknown-use', cmd: () => 'awsp use nope --region eu-west-1', fail: true },
  { id: 'bad-region', cmd: () => 'awsp dev --region "not a region"', fail: true },
  { id: 'unset-extra-arg', cmd: () => 'awsp -u dev', fail: true },
  { id: 'unset-hand-keys-kept', before: (s) => unsetVars(s, 'AWS_REGION', 'AWS_DEFAULT_PROFILE'), cmd: () => 'awsp -u' },
  { id: 'unset-empty', before: (s) => `${ALL_UNSET(s)}\n${setVar(s, 'AWS_PROFILE', '')}`, cmd: () => 'awsp --unset' },
  { id: 'unset-when-unset', cmd: () => 'awsp -u' },
  { id: 'status-none', cmd: () => 'awsp' },
  { id: 'status', before: () => 'awsp dev', cmd: () => 'awsp' },
  { id: 'status-overrides', before: (s) => [setVar(s, 'AWS_ACCESS_KEY_ID', 'AKIAHAND'), setVar(s, 'AWS_DEFAULT_PROFILE', 'prod')].join('\n'), cmd: () => 'awsp' },
  { id: 'list', before: (s) => ALL_UNSET(s), cmd: () => 'awsp list' },
  { id: 'list-json', cmd: () => 'awsp list --json' },
  { id: 'init-unknown', cmd: () => 'awsp init tcsh', fail: true },
  { id: 'not-loaded', cmd: (s) => `${s === 'fish' ? '' : '\\'}command awsp dev`, fail: true },
  { id: 'not-loaded-unset', cmd: (s) => `${s === 'fish' ? '' : '\\'}command awsp -u`, fail: true },
  // The cache: an edit between two switches is seen at once, in both directions.
  { id: 'cache-prime', cmd: () => 'awsp dev' },
  { id: 'cache-new-profile', before: (s) => (s === 'fish' ? `builtin printf '[profile fresh]\\n' >>$AWS_CONFIG_FILE` : `\\builtin printf '[profile fresh]\\n' >>"$AWS_CONFIG_FILE"`), cmd: () => 'awsp fresh' },
  { id: 'cache-removed-profile', before: (s) => (s === 'fish' ? `builtin printf '[profile dev]\\n' >$AWS_CONFIG_FILE` : `\\builtin printf '[profile dev]\\n' >|"$AWS_CONFIG_FILE"`), cmd: () => 'awsp gone', fail: true },
  { id: 'cache-credentials-there', cmd: (s) => `awsp ${q(s, 'with space')}` },
  { id: 'cache-credentials-deleted', before: (s) => (s === 'fish' ? 'command rm -- $AWS_SHARED_CREDENTIALS_FILE' : '\\command rm -- "$AWS_SHARED_CREDENTIALS_FILE"'), cmd: (s) => `awsp ${q(s, 'with space')}`, fail: true },
  { id: 'cache-files-missing', before: (s) => (s === 'fish' ? 'command rm -- $AWS_CONFIG_FILE' : '\\command rm -- "$AWS_CONFIG_FILE"'), cmd: () => 'awsp dev', fail: true },
  { id: 'cache-files-back', before: (s) => (s === 'fish' ? `builtin printf '[back]\\n' >$AWS_SHARED_CREDENTIALS_FILE` : `\\builtin printf '[back]\\n' >|"$AWS_SHARED_CREDENTIALS_FILE"`), cmd: () => 'awsp back' },
];

/** Hostile names: switched to through the cache, through `use`, and through Node (--region). */
const hostileSteps = (): Step[] =>
  HOSTILE.flatMap((n, i) => [
    { id: `name-${i}-fast`, cmd: (s: ShellName) => `awsp ${q(s, n)}` },
    { id: `name-${i}-use`, cmd: (s: ShellName) => `awsp use ${q(s, n)}` },
    { id: `name-${i}-node`, cmd: (s: ShellName) => `awsp ${q(s, n)} --region eu-west-1` },
  ]);

interface Outcome {
  rc: number;
  state: Map<string, string | null>;
  stdout: string;
  stderr: string;
  added: string[];
  changed: string[];
}

function scenario(shell: ShellName, mode: Mode, steps: Step[], setup: (sb: Sandbox) => void): { sb: Sandbox; r: Result; out: Map<string, Outcome> } {
  const sb = sandbox({ SHELL: `/usr/bin/${shell}` });
  setup(sb);
  const redir = shell === 'fish' ? '>' : '>|';
  const rc = shell === 'fish' ? '$status' : '$?';
  const lines = [probes(shell), prelude(shell, mode)];
  // With `alias awsp=...` in place, the rc line must call the program by its path.
  lines.push(hardenedLoad(shell));
  steps.forEach((st, i) => {
    if (st.before) lines.push(st.before(shell));
    lines.push(`__t_dump d/${i}.a`);
    // An expected failure is caught with ||; an expected success runs bare, so that strict
    // mode's errexit stays in force inside the functions.
    const call = `${st.cmd(shell)} ${redir}o/${i} 2${redir}e/${i}`;
    if (shell === 'fish') lines.push(`${call}; set __t_rc $status`);
    else lines.push(st.fail ? `${call} && __t_rc=0 || __t_rc=${rc}` : `${call}; __t_rc=${rc}`);
    lines.push(`__t_dump d/${i}.b`);
    lines.push(`${shell === 'fish' ? '' : '\\'}builtin printf '@@ %s %s\\n' ${i} $__t_rc`);
    lines.push(`__t_state ${WATCH.join(' ')}`);
  });
  lines.push(`${shell === 'fish' ? '' : '\\'}builtin printf '@@end\\n'`);
  const script = lines.join('\n');
  const r = run(shell, sb, `mkdir d o e\n${shell === 'fish' ? '' : '__t_rc=0\n'}${script}`, { load: false, timeout: 120_000 });
  const out = new Map<string, Outcome>();
  const blocks = r.stdout.split(/^@@ /m).slice(1);
  for (const b of blocks) {
    const [head, ...rest] = b.split('\n');
    const [idx, code] = head!.split(' ');
    const i = Number(idx);
    const state = new Map<string, string | null>();
    for (const l of rest) {
      const m = /^([A-Z_]+)(!|=(.*))$/.exec(l);
      if (m) state.set(m[1]!, m[2] === '!' ? null : m[3]!);
    }
    const before = parseDump(shell, readFileSync(join(sb.dir, 'd', `${i}.a`), 'utf8'));
    const after = parseDump(shell, readFileSync(join(sb.dir, 'd', `${i}.b`), 'utf8'));
    const d = diffDumps(before, after);
    out.set(steps[i]!.id, {
      rc: Number(code),
      state,
      stdout: readFileSync(join(sb.dir, 'o', String(i)), 'utf8'),
      stderr: readFileSync(join(sb.dir, 'e', String(i)), 'utf8'),
      added: d.added.filter((n) => n !== '__t_rc'),
      changed: [...d.changed, ...d.removed].filter((n) => n !== '__t_rc'),
    });
  }
  return { sb, r, out };
}

function files(sb: Sandbox): void {
  sb.writeConfig(CONFIG);
  sb.writeCredentials(CREDENTIALS);
  writeSsoToken(sb, 'live', 'token', new Date(Date.now() + 3_600_000));
}

for (const shell of SHELLS) {
  describe(`${shell}: switch, unset, status, list`, () => {
    for (const mode of MODES) {
      it(`every step (${mode})`, () => {
        const steps = [...hostileSteps(), ...STEPS];
        const { sb, r, out } = scenario(shell, mode, steps, files);
        try {
          const ctx = `${shell} ${mode}\n${dump(r)}`;
          assert.ok(r.stdout.includes('@@end'), `the session stopped early, after step ${[...out.keys()].pop()}\n${r.stderr}`);
          assert.equal(r.stderr.replace(/^awsp: .*\n/gm, ''), '', `unexpected stderr\n${ctx}`);
          const get = (id: string): Outcome => {
            const o = out.get(id);
            assert.ok(o, `step ${id} did not run\n${ctx}`);
            return o;
          };
          const v = (id: string, name: string) => get(id).state.get(name);
          const why = (id: string) => `${shell} ${mode} step ${id}: ${JSON.stringify({ ...get(id), state: Object.fromEntries(get(id).state) })}`;

          for (const st of steps) {
            const o = get(st.id);
            if (st.fail) {
              assert.notEqual(o.rc, 0, why(st.id));
              // One line, and the environment exactly as it was.
              assert.match(o.stderr, /^awsp: [^\n]+\n$/, why(st.id));
              assert.deepEqual([...o.added, ...o.changed], [], why(st.id));
            } else {
              assert.equal(o.rc, 0, why(st.id));
              const foreign = [...o.added, ...o.changed].filter((n) => !AWSP_VARS.test(n));
              assert.deepEqual(foreign, [], `variables other than awsp's changed: ${why(st.id)}`);
            }
            assert.doesNotMatch(o.stderr, /HIJACKED|not found|unbound|parameter not set|no match|command not found|Unknown command|syntax error/, why(st.id));
          }

          assert.equal(v('switch', 'AWS_PROFILE'), 'dev');
          assert.equal(get('switch').stderr, '');
          assert.equal(v('sso-signed-in', 'AWS_PROFILE'), 'sso-live');
          assert.equal(get('sso-signed-in').stderr, '', why('sso-signed-in'));
          for (const id of ['sso-signed-out', 'sso-signed-out-node']) {
            assert.equal(v(id, 'AWS_PROFILE'), 'sso-out', why(id));
            assert.equal(get(id).stderr, SSO_OUT, why(id));
          }
          assert.equal(v('use-subcommand-name', 'AWS_PROFILE'), 'list');
          assert.equal(v('use', 'AWS_PROFILE'), 'prod');
          for (const n of ['AWS_REGION', 'AWS_DEFAULT_REGION']) {
            assert.equal(v('region', n), 'eu-west-1', why('region'));
            assert.equal(v('region-dropped-at-switch', n), null, why('region-dropped-at-switch'));
            assert.equal(v('region-short', n), 'eu-west-2', why('region-short'));
            assert.equal(v('region-dropped-at-unset', n), null, why('region-dropped-at-unset'));
          }
          assert.equal(v('region', 'AWS_PROFILE'), 'dev');
          assert.equal(v('region-short', 'AWS_PROFILE'), 'dev');
          assert.equal(v('region-dropped-at-unset', 'AWS_PROFILE'), null);
          assert.equal(v('region-dropped-at-unset', 'AWSP_REGION'), null);
          assert.equal(v('hand-region-kept', 'AWS_REGION'), 'us-west-2', why('hand-region-kept'));
          assert.equal(v('hand-region-kept-unset', 'AWS_REGION'), 'us-west-2');
          assert.equal(v('region-then-hand', 'AWS_REGION'), 'us-east-2', why('region-then-hand'));
          assert.equal(v('region-then-hand', 'AWS_DEFAULT_REGION'), null, why('region-then-hand'));

          for (const k of [...KEYS, 'AWSP_KEYS']) assert.equal(v('awsp-keys-silent', k), null, why('awsp-keys-silent'));
          assert.equal(get('awsp-keys-silent').stderr, '', why('awsp-keys-silent'));
          for (const k of KEYS) assert.equal(v('hand-keys-named', k), null, why('hand-keys-named'));
          assert.match(get('hand-keys-named').stderr, /^awsp: cleared.*AWS_ACCESS_KEY_ID.*AWS_SECRET_ACCESS_KEY.*AWS_SECURITY_TOKEN[^\n]*\n$/, why('hand-keys-named'));
          assert.doesNotMatch(get('hand-keys-named').stderr, /SESSION_TOKEN|EXPIRATION/, why('hand-keys-named'));
          assert.equal(v('stale-marker', 'AWS_ACCESS_KEY_ID'), null);
          assert.match(get('stale-marker').stderr, /AWS_ACCESS_KEY_ID/, why('stale-marker'));
          assert.match(get('marker-without-key').stderr, /AWS_SECRET_ACCESS_KEY/, why('marker-without-key'));
          assert.equal(v('default-profile', 'AWS_DEFAULT_PROFILE'), null);
          assert.equal(v('default-profile', 'AWS_PROFILE'), 'dev');

          assert.match(get('unknown').stderr, /^awsp: no profile 'nope'(;[^\n]*)?\n$/);
          assert.equal(v('unknown', 'AWS_PROFILE'), 'dev');
          assert.equal(v('unknown', 'AWS_ACCESS_KEY_ID'), 'AKIAHAND');
          assert.match(get('unknown-close').stderr, /no profile 'prdo'; did you mean .*'prod'/);
          assert.match(get('unknown-use').stderr, /no profile 'nope'/);
          assert.match(get('unset-extra-arg').stderr, /takes no arguments/);

          assert.equal(v('unset-hand-keys-kept', 'AWS_PROFILE'), null);
          assert.equal(v('unset-hand-keys-kept', 'AWS_ACCESS_KEY_ID'), 'AKIAHAND');
          assert.equal(v('unset-empty', 'AWS_PROFILE'), null, 'unset, not empty');
          assert.equal(v('unset-when-unset', 'AWS_PROFILE'), null);

          assert.match(get('status-none').stdout, /no profile set/);
          assert.match(get('status').stdout, /profile 'dev'/);
          assert.match(get('status-overrides').stderr, /AWS_DEFAULT_PROFILE/);
          assert.match(get('status-overrides').stderr, /AWS_ACCESS_KEY_ID/);

          assert.deepEqual(get('list').stdout.split('\n').slice(0, 3), ['default', 'dev', 'prod']);
          assert.ok(get('list').stdout.split('\n').includes('with space'));
          const json = JSON.parse(get('list-json').stdout) as { name: string }[];
          assert.deepEqual(json.map((p) => p.name), get('list').stdout.trimEnd().split('\n'));

          assert.match(get('init-unknown').stderr, /tcsh.*bash, zsh, fish/);
          const rc = { bash: '~/.bashrc', zsh: '~/.zshrc', fish: '~/.config/fish/conf.d/awsp.fish' }[shell];
          const line = shell === 'fish' ? 'awsp init fish | source' : `eval "$(awsp init ${shell})"`;
          for (const id of ['not-loaded', 'not-loaded-unset']) {
            assert.ok(get(id).stderr.includes(rc) && get(id).stderr.includes(line), why(id));
            assert.equal(v(id, 'AWS_PROFILE'), null, why(id));
          }

          assert.equal(v('cache-new-profile', 'AWS_PROFILE'), 'fresh', why('cache-new-profile'));
          assert.match(get('cache-removed-profile').stderr, /no profile 'gone'/);
          assert.equal(v('cache-credentials-there', 'AWS_PROFILE'), 'with space');
          assert.match(get('cache-files-missing').stderr, /no profile 'dev'; no profiles in/, why('cache-files-missing'));
          assert.equal(v('cache-files-back', 'AWS_PROFILE'), 'back', why('cache-files-back'));
        } finally {
          sb.cleanup();
        }
      });
    }

    it('hostile names switch exactly and never run', () => {
      const steps = hostileSteps();
      const { sb, r, out } = scenario(shell, 'clean', steps, files);
      try {
        assert.ok(r.stdout.includes('@@end'), dump(r));
        HOSTILE.forEach((n, i) => {
          for (const how of ['fast', 'use', 'node']) {
            const o = out.get(`name-${i}-${how}`)!;
            assert.equal(o.rc, 0, `${shell} ${how} ${JSON.stringify(n)}: ${o.stderr}`);
            assert.equal(o.state.get('AWS_PROFILE'), n, `${shell} ${how} ${JSON.stringify(n)}`);
          }
          assert.equal(out.get(`name-${i}-node`)!.state.get('AWS_REGION'), 'eu-west-1');
        });
        for (const c of ['canary1', 'canary2']) assert.equal(existsSync(join(sb.dir, c)), false, `${c} was created`);
      } finally {
        sb.cleanup();
      }
    });
  });
}
