// awsp_prompt in real bash, zsh and fish: `profile[@region]`, and, when keys in the environment
// override AWS_PROFILE, whose keys they are (never one identity while the keys are another's),
// and whether they have expired; without a fork (strace counts the processes it creates).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dump, q, REPO, run, sandbox, type Sandbox, SHELLS, type ShellName } from '../helpers/sandbox.js';

let sb: Sandbox;
before(() => {
  sb = sandbox();
  sb.writeConfig('[profile dev]\n[profile prod]\n');
});
after(() => sb.cleanup());

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const soon = iso(Date.now() + 10 * 60_000);
const past = iso(Date.now() - 2 * 60_000);

/** Environments and what the prompt shows in each. */
const CASES: Array<[name: string, env: Record<string, string>, want: string]> = [
  ['nothing set', {}, ''],
  ['a profile', { AWS_PROFILE: 'dev' }, 'dev'],
  ['a profile and a region', { AWS_PROFILE: 'dev', AWS_REGION: 'eu-west-1' }, 'dev@eu-west-1'],
  ['AWS_DEFAULT_REGION', { AWS_PROFILE: 'dev', AWS_DEFAULT_REGION: 'eu-west-2' }, 'dev@eu-west-2'],
  [
    'keys exported by awsp for the profile in use',
    { AWS_PROFILE: 'prod', AWS_ACCESS_KEY_ID: 'ASIA1', AWSP_KEYS: 'ASIA1', AWSP_KEYS_PROFILE: 'prod', AWS_CREDENTIAL_EXPIRATION: soon },
    'prod (keys)',
  ],
  [
    "another profile's keys",
    { AWS_PROFILE: 'dev', AWS_REGION: 'eu-central-1', AWS_ACCESS_KEY_ID: 'ASIA1', AWSP_KEYS: 'ASIA1', AWSP_KEYS_PROFILE: 'prod', AWS_CREDENTIAL_EXPIRATION: soon },
    'prod@eu-central-1 (keys, not dev)',
  ],
  ['expired keys', { AWS_ACCESS_KEY_ID: 'ASIA1', AWSP_KEYS: 'ASIA1', AWSP_KEYS_PROFILE: 'prod', AWS_CREDENTIAL_EXPIRATION: past }, 'prod (keys expired)'],
  [
    "expired keys of another profile",
    { AWS_PROFILE: 'dev', AWS_ACCESS_KEY_ID: 'ASIA1', AWSP_KEYS: 'ASIA1', AWSP_KEYS_PROFILE: 'prod', AWS_CREDENTIAL_EXPIRATION: '2001-02-03T04:05:06Z' },
    'prod (keys expired, not dev)',
  ],
  ['keys from elsewhere', { AWS_PROFILE: 'dev', AWS_ACCESS_KEY_ID: 'AKIAHAND' }, 'keys (not dev)'],
  ['stale mark: the keys changed since awsp exported', { AWS_ACCESS_KEY_ID: 'AKIAHAND', AWSP_KEYS: 'ASIA1', AWSP_KEYS_PROFILE: 'prod' }, 'keys'],
  ['control characters', { AWS_PROFILE: 'a\x1b[31mb\x07' }, 'a?[31mb?'],
  ['bidirectional controls', { AWS_PROFILE: 'ab\u202ecd\u2066e' }, 'ab?cd?e'],
  // As src/text.ts escapes: C1 (CSI), the other bidi marks and the line separators; é stays.
  ['C1 controls, bidi marks and line separators', { AWS_PROFILE: 'a\u009b31mb\u200fc\u061cd\u2028e\u00e9' }, 'a?31mb?c?d?e\u00e9'],
];

/** One script printing the prompt for every case, each between markers. */
function script(shell: ShellName, call: (i: number) => string): string {
  const vars = ['AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID', 'AWSP_KEYS', 'AWSP_KEYS_PROFILE', 'AWS_CREDENTIAL_EXPIRATION'];
  return CASES.map(([, env], i) => {
    const reset = shell === 'fish' ? `set -e ${vars.join(' ')}` : `unset ${vars.join(' ')}`;
    const set = Object.entries(env).map(([k, v]) => (shell === 'fish' ? `set -gx ${k} ${q(shell, v)}` : `export ${k}=${q(shell, v)}`));
    return [reset, ...set, `printf '<<'`, call(i), `printf '>>\\n'`].join('\n');
  }).join('\n');
}

const shown = (stdout: string) => [...stdout.matchAll(/<<([^]*?)>>\n/g)].map((m) => m[1]!);

describe('awsp_prompt', () => {
  for (const shell of SHELLS) {
    it(`${shell}: shows the identity in use`, () => {
      const r = run(shell, sb, script(shell, () => 'awsp_prompt'), { strict: true });
      assert.equal(r.code, 0, dump(r));
      assert.equal(r.stderr, '');
      const want = CASES.map(([, , w]) => (shell === 'zsh' ? w.replace(/%/g, '%%') : w));
      assert.deepEqual(
        shown(r.stdout).map((got, i) => [CASES[i]![0], got]),
        CASES.map(([name], i) => [name, want[i]]),
      );
    });

    it(`${shell}: the same in a locale without UTF-8 (LC_ALL=C)`, () => {
      const r = run(shell, sb, script(shell, () => 'awsp_prompt'), { strict: true, env: { LC_ALL: 'C' } });
      assert.equal(r.code, 0, dump(r));
      const want = CASES.map(([, , w]) => (shell === 'zsh' ? w.replace(/%/g, '%%') : w));
      assert.deepEqual(shown(r.stdout), want, dump(r));
    });

    it(`${shell}: takes a format, printed only when there is something to show`, () => {
      const call = shell === 'fish' ? () => `awsp_prompt ' [%s]'` : () => `awsp_prompt ' [%s]'`;
      const r = run(shell, sb, script(shell, call), { strict: true });
      assert.equal(r.code, 0, dump(r));
      const got = shown(r.stdout);
      assert.equal(got[0], '');
      assert.equal(got[1], ' [dev]');
    });
  }

  for (const shell of ['bash', 'zsh'] as const) {
    it(`${shell}: -v VAR stores it instead of printing (for PROMPT_COMMAND / precmd)`, () => {
      const r = run(shell, sb, script(shell, () => `awsp_prompt -v P '(%s)'; printf '%s' "$P"`), { strict: true });
      assert.equal(r.code, 0, dump(r));
      const got = shown(r.stdout);
      assert.equal(got[0], '');
      assert.equal(got[2], '(dev@eu-west-1)');
    });
  }

  it('zsh: a % in a name is doubled, so that prompt expansion shows it as it is', () => {
    const r = run('zsh', sb, `export AWS_PROFILE='50%off'\nprint -P -- "$(awsp_prompt)"`, { strict: true });
    assert.equal(r.stdout, '50%off\n', dump(r));
  });

  for (const shell of SHELLS) {
    it(`${shell}: creates no process, even when it checks the keys' expiration`, () => {
      // Loaded from the rendered file (no Node), then the prompt drawn 3 times with expiring keys.
      const load = shell === 'fish' ? `source ${q(shell, join(REPO, 'dist', 'awsp.fish'))}` : `. ${q(shell, join(REPO, 'dist', `awsp.${shell}`))}`;
      const env = { AWS_PROFILE: 'dev', AWS_ACCESS_KEY_ID: 'ASIA1', AWSP_KEYS: 'ASIA1', AWSP_KEYS_PROFILE: 'prod', AWS_CREDENTIAL_EXPIRATION: soon };
      const draw = shell === 'fish' ? 'awsp_prompt >/dev/null' : 'awsp_prompt -v P';
      const trace = join(sb.dir, `forks-${shell}`);
      const argv = { bash: ['bash', '--noprofile', '--norc', '-c'], zsh: ['zsh', '-f', '-c'], fish: ['fish', '--no-config', '-c'] }[shell];
      const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=fork,vfork,clone,clone3', '-o', trace, ...argv, `${load}\n__t_mark=1\n${[draw, draw, draw].join('\n')}`], {
        env: { ...sb.env, ...env },
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
      // Threads (fish has a few) are not processes.
      const forks = readFileSync(trace, 'utf8').split('\n').filter((l) => /\b(fork|vfork|clone3?)\(/.test(l) && !/CLONE_THREAD/.test(l));
      rmSync(trace);
      assert.deepEqual(forks, [], `${shell} forked`);
    });
  }
});
