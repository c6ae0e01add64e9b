// Switching to a profile whose IAM Identity Center session needs a login prints one warning
// line naming `awsp login ...`, and switches all the same. The shells judge the token file with
// builtins (the cache holds its path and the line); `awsp __switch` judges it with
// sessionState. Each state, in each shell, through three routes: the fresh cache (with awsp
// replaced by a stub that fails loudly, so no Node), a stale cache (awsp __cache) and Node
// (--region goes through awsp __switch). The lines must be the same on every route.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ssoTokenFile, writeSsoToken } from '../helpers/aws-files.js';
import { dump, hardenedLoad, namesCachePath, prelude, q, sandbox, type Sandbox, SHELLS, type ShellName } from '../helpers/sandbox.js';
import { runAsync } from '../helpers/spawn.js';

const FUTURE = new Date('2099-01-01T00:00:00Z');
const PAST = new Date('2001-01-01T00:00:00Z');
const HOSTILE_SESSION = '$(touch canary) `touch canary2` \x1b[31mred';

const sessionBlock = (name: string) => `[sso-session ${name}]\nsso_start_url = https://${name.replace(/\W/g, '') || 'x'}.example/start\nsso_region = eu-west-1\n`;
const ssoProfile = (profile: string, session: string) => `[profile ${profile}]\nsso_session = ${session}\nsso_account_id = 111111111111\nsso_role_name = r\n`;

// profile -> its session; each session holds the token state the profile is named after.
const SESSIONS: [string, string][] = [
  ['in', 's-in'],
  ['in-ms', 's-in-ms'],
  ['in-utc', 's-in-utc'],
  ['expired', 's-expired'],
  ['renew', 's-renew'],
  ['renew-dead', 's-renew-dead'],
  ['no-refresh', 's-no-refresh'],
  ['missing', 's-missing'],
  ['fifo', 's-fifo'],
  ['garbage', 's-garbage'],
  ['offset', 's-offset'],
];

const CONFIG = [
  ...SESSIONS.map(([p, s]) => ssoProfile(p, s)),
  // A role whose source is an SSO profile needs that session too.
  '[profile role-in]\nrole_arn = arn:aws:iam::111111111111:role/x\nsource_profile = in\n',
  '[profile role-expired]\nrole_arn = arn:aws:iam::111111111111:role/x\nsource_profile = expired\n',
  // A legacy profile: sso_start_url in the profile itself, signed out.
  '[profile legacy]\nsso_start_url = https://legacy.example/start\nsso_region = us-east-1\nsso_account_id = 111111111111\nsso_role_name = r\n',
  `[profile evil]\nsso_session = ${HOSTILE_SESSION}\nsso_account_id = 111111111111\nsso_role_name = r\n`,
  '[profile plain]\nregion = us-east-1\n',
  ...SESSIONS.map(([, s]) => sessionBlock(s)),
  `[sso-session "${HOSTILE_SESSION}"]\nsso_start_url = https://evil.example/start\nsso_region = eu-west-1\n`,
].join('');


function files(sb: Sandbox): void {
  sb.writeConfig(CONFIG);
  sb.writeCredentials('');
  const refresh = { refreshToken: 'rt', clientId: 'cid', clientSecret: 'cs' };
  writeSsoToken(sb, 's-in', 'a', FUTURE);
  // The JS SDK's form (milliseconds) and the old CLI's (`UTC`), spaced as Python writes JSON.
  sb.write(ssoTokenFile('s-in-ms'), `{"accessToken": "a", "expiresAt": "2099-01-01T00:00:00.000Z"}`);
  sb.write(ssoTokenFile('s-in-utc'), `{\n  "startUrl": "x",\n  "accessToken": "a",\n  "expiresAt": "2099-01-01T00:00:00UTC"\n}\n`);
  writeSsoToken(sb, 's-expired', 'a', PAST);
  writeSsoToken(sb, 's-renew', 'a', PAST, { ...refresh, registrationExpiresAt: '2099-01-01T00:00:00Z' });
  writeSsoToken(sb, 's-renew-dead', 'a', PAST, { ...refresh, registrationExpiresAt: '2001-06-01T00:00:00Z' });
  writeSsoToken(sb, 's-no-refresh', 'a', PAST, { clientId: 'cid', clientSecret: 'cs', refreshToken: '', registrationExpiresAt: '2099-01-01T00:00:00Z' });
  const fifo = join(sb.dir, ssoTokenFile('s-fifo'));
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  sb.write(ssoTokenFile('s-garbage'), 'not json "accessToken"');
  // An offset neither Node nor the shells read: both count the token as unreadable.
  sb.write(ssoTokenFile('s-offset'), `{"accessToken": "a", "expiresAt": "2099-01-01T00:00:00+02:00"}`);
  // Files and folders changed in the cache's own second keep it stale until the next (by design).
  const old = new Date(Date.now() - 3_600_000);
  for (const p of [sb.config, sb.credentials, join(sb.home, '.aws')]) utimesSync(p, old, old);
}

const line = (session: string) => `awsp: SSO session '${session}' has expired or is not signed in; run: awsp login --sso-session ${session}`;
const EVIL = `awsp: SSO session '$(touch canary) \`touch canary2\` \\x1b[31mred' has expired or is not signed in; run: awsp login --sso-session "$(touch canary) \`touch canary2\` \\u001b[31mred"`;
const EXPECTED: Record<string, string | null> = {
  in: null,
  'in-ms': null,
  'in-utc': null,
  expired: line('s-expired'),
  renew: null,
  'renew-dead': line('s-renew-dead'),
  'no-refresh': line('s-no-refresh'),
  missing: line('s-missing'),
  fifo: line('s-fifo'),
  garbage: line('s-garbage'),
  offset: line('s-offset'),
  'role-in': null,
  'role-expired': line('s-expired'),
  legacy: "awsp: the SSO sign-in of profile 'legacy' has expired or is not signed in; run: awsp login legacy",
  evil: EVIL,
  plain: null,
};
const NAMES = Object.keys(EXPECTED);

type Route = 'fast' | 'stale' | 'node';

/** One shell session: every profile switched to through `route`, each with its own stdout/stderr files. */
function script(shell: ShellName, route: Route, stub: string): string {
  const fish = shell === 'fish';
  const b = fish ? '' : '\\';
  const out: string[] = [];
  // Builds the cache; then (fast) awsp is a stub that says so if Node is asked.
  out.push(`${b}command mkdir -p e-${route}`, 'awsp list >/dev/null');
  if (route === 'fast') out.push(fish ? `set -gx PATH ${q(shell, stub)} $PATH` : `\\builtin export PATH=${q(shell, stub)}:"$PATH"`);
  NAMES.forEach((n) => {
    // A stale cache: the config file newer than it.
    if (route === 'stale') out.push(`${b}command touch -- ${fish ? '$AWS_CONFIG_FILE' : '"$AWS_CONFIG_FILE"'}`);
    const args = route === 'node' ? `${q(shell, n)} --region eu-west-1` : q(shell, n);
    const redir = fish ? '>' : '>|';
    out.push(`awsp ${args} 2${redir}e-${route}/${n}`);
    out.push(fish ? `builtin printf '@%s %s %s\\n' ${q(shell, n)} $status "$AWS_PROFILE"` : `\\builtin printf '@%s %s %s\\n' ${q(shell, n)} "$?" "\${AWS_PROFILE-}"`);
  });
  return out.join('\n');
}

for (const shell of SHELLS) {
  describe(`${shell}: a switch to an SSO profile warns when its session needs a login`, () => {
    for (const mode of ['clean', 'hostile'] as const) {
      test(`every state, through the cache, a stale cache and Node (${mode})`, async () => {
        const sb = sandbox();
        try {
          files(sb);
          sb.write('stub/awsp', '#!/bin/sh\necho ASKED-NODE >&2\nexit 1\n', 0o755);
          const got: Record<Route, Map<string, string>> = { fast: new Map(), stale: new Map(), node: new Map() };
          for (const route of ['fast', 'stale', 'node'] as const) {
            // The prelude first, then the integration, as an rc file would (by the program's path: `awsp` may be an alias).
            const load = hardenedLoad(shell);
            const r = await runAsync(shell, sb, `${prelude(shell, mode)}\n${load}\n${script(shell, route, join(sb.dir, 'stub'))}`, { load: false, timeout: 120_000 });
            const ctx = `${shell} ${mode} ${route}\n${dump(r)}`;
            assert.equal(r.stderr, '', ctx);
            const rows = [...r.stdout.matchAll(/^@(\S+) (\d+) (.*)$/gm)];
            assert.deepEqual(rows.map((m) => m[1]), NAMES, `every switch ran: ${ctx}`);
            for (const m of rows) {
              // The switch happens whatever the session's state.
              assert.equal(m[2], '0', `${m[1]}: ${ctx}`);
              assert.equal(m[3], m[1], `${m[1]}: ${ctx}`);
            }
            for (const n of NAMES) got[route].set(n, readFileSync(join(sb.dir, `e-${route}`, n), 'utf8'));
          }
          for (const n of NAMES) {
            const want = EXPECTED[n] === null ? '' : `${EXPECTED[n]}\n`;
            for (const route of ['fast', 'stale', 'node'] as const) {
              assert.equal(got[route].get(n), want, `${shell} ${mode} ${route} ${n}`);
            }
          }
          // The hostile session name is shown escaped, and nothing in it ran.
          assert.doesNotMatch(got.fast.get('evil')!, /\x1b/);
          assert.equal(existsSync(join(sb.dir, 'canary')), false);
          assert.equal(existsSync(join(sb.dir, 'canary2')), false);
        } finally {
          sb.cleanup();
        }
      });
    }

    test('times are compared in UTC, whatever the time zone', async () => {
      const sb = sandbox();
      try {
        sb.writeConfig(`${ssoProfile('soon', 's-soon')}${ssoProfile('just', 's-just')}${sessionBlock('s-soon')}${sessionBlock('s-just')}`);
        // Three hours either side of now: a shell that took local time for UTC would be off by nine.
        writeSsoToken(sb, 's-soon', 'a', new Date(Date.now() + 3 * 3_600_000));
        writeSsoToken(sb, 's-just', 'a', new Date(Date.now() - 3 * 3_600_000));
        for (const TZ of ['XXX-9', 'YYY+9']) {
          const r = await runAsync(shell, sb, 'awsp list >/dev/null\nawsp soon\nawsp just', { env: { TZ } });
          assert.equal(r.code, 0, dump(r));
          assert.equal(r.stderr, `${line('s-just')}\n`, `${shell} TZ=${TZ}: ${dump(r)}`);
        }
      } finally {
        sb.cleanup();
      }
    });

    test('a profile without SSO reads no token; an SSO one is judged only at its switch', async () => {
      const sb = sandbox();
      try {
        files(sb);
        // __awsp_sso replaced after loading, to see when it is called.
        const spy = shell === 'fish' ? 'function __awsp_sso; builtin printf "JUDGED %s\\n" $argv[1]; end' : '__awsp_sso() { \\builtin printf "JUDGED %s\\n" "$1"; }';
        const r = await runAsync(shell, sb, ['awsp list >/dev/null', spy, 'awsp plain', 'awsp in'].join('\n'));
        assert.equal(r.code, 0, dump(r));
        assert.deepEqual(r.stdout.split('\n').filter(Boolean), [`JUDGED ${join(sb.dir, ssoTokenFile('s-in'))}`], dump(r));
      } finally {
        sb.cleanup();
      }
    });
  });
}

test('the cache holds the token file and the line for SSO profiles only; awsp list and TAB show names alone', async () => {
  const sb = sandbox();
  try {
    files(sb);
    const r = await runAsync('bash', sb, 'awsp list', { load: false });
    assert.equal(r.code, 0, dump(r));
    assert.doesNotMatch(r.stdout, /\t|sso\/cache/, 'list shows names');
    const cache = readFileSync(namesCachePath(sb), 'utf8').split('\n');
    assert.equal(cache[0], 'awsp-names-v3');
    assert.equal(cache.find((l) => l.startsWith('plain')), 'plain');
    // expired and role-expired share one record, after the names: its line number follows the name.
    const at = Number(cache.find((l) => l.startsWith('expired\t'))!.split('\t')[1]);
    assert.equal(cache[at - 1], `\t${join(sb.dir, ssoTokenFile('s-expired'))}\t${EXPECTED.expired}`);
    assert.equal(cache.find((l) => l.startsWith('role-expired\t')), `role-expired\t${at}`);
    assert.equal(cache.filter((l) => l.startsWith('\t')).length, SESSIONS.length + 2, 'one record per session');
    assert.ok(cache.findIndex((l) => l.startsWith('\t')) > cache.findIndex((l) => l === 'plain'), 'records after the names');
    // No control character anywhere past the tabs that separate the fields.
    for (const l of cache) assert.doesNotMatch(l.replace(/\t/g, ' '), /[\x00-\x1f\x7f]/, JSON.stringify(l));
    // TAB offers the names without their record numbers, and no record, in every shell.
    for (const shell of SHELLS) {
      for (const word of ['exp', '']) {
        const tab: Record<ShellName, string> = {
          bash: `COMP_LINE='awsp ${word}'; COMP_POINT=${5 + word.length}; COMP_WORDS=(awsp '${word}'); COMP_CWORD=1; COMPREPLY=(); __awsp_complete awsp '${word}' awsp; \\builtin printf '%s\\n' "\${COMPREPLY[@]}"`,
          zsh: `compadd() { \\builtin printf '%s\\n' "$@"; }; CURRENT=2; PREFIX='${word}'; words=(awsp '${word}'); __awsp_complete; \\builtin unfunction compadd`,
          fish: `complete -C 'awsp ${word}' | string replace -r '\\t.*' ''`,
        };
        const t = await runAsync(shell, sb, tab[shell]);
        const got = t.stdout.split('\n').slice(0, -1);
        assert.ok(got.includes('expired'), `${shell} ${word}: ${dump(t)}`);
        if (word === '') for (const n of NAMES) assert.ok(got.includes(n), `${shell}: ${n} offered: ${dump(t)}`);
        assert.deepEqual(got.filter((l) => l === '' || /sso\/cache|\t|^\d+$/.test(l)), [], `${shell} ${word}: ${dump(t)}`);
      }
    }
  } finally {
    sb.cleanup();
  }
});

test('a cache record line is no profile name: awsp with it as the name switches to nothing', async () => {
  const sb = sandbox();
  try {
    files(sb);
    const list = await runAsync('bash', sb, 'awsp list', { load: false });
    assert.equal(list.code, 0, dump(list));
    const record = readFileSync(namesCachePath(sb), 'utf8').split('\n').find((l) => l.startsWith('\t'))!;
    assert.ok(record, 'the cache holds records');
    for (const shell of SHELLS) {
      const state = shell === 'fish' ? 'set -q AWS_PROFILE; and echo "P=$AWS_PROFILE"; or echo P-unset' : 'echo "P=${AWS_PROFILE-unset}"';
      const r = await runAsync(shell, sb, `awsp ${q(shell, record)}; echo "rc=${shell === 'fish' ? '$status' : '$?'}"\n${state}`);
      assert.match(r.stdout, /^rc=1\nP(=unset|-unset)\n$/, `${shell}: ${dump(r)}`);
      assert.match(r.stderr, /^awsp: /, `${shell}: awsp's own refusal: ${dump(r)}`);
    }
  } finally {
    sb.cleanup();
  }
});
