// The names cache, attacked (issue 8, items 6 and 7).
//   6. Another user plants a cache (in a shared XDG_CACHE_HOME, or a file in the user's folder):
//      no shell accepts a planted name or offers it on TAB; Node writes only into a folder of
//      the user's own, and says why once.
//   7. The cache is keyed on the absolute path the AWS CLI would open, so a relative
//      AWS_CONFIG_FILE in another folder, a `$VAR` path or a path with a newline never gets
//      another file's names; Node and the three shells compute the same key (checked on many
//      odd paths), and the shells' fast path does use the cache Node writes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CACHE_VERSION, cacheKeyPath } from '../../src/cache.js';
import { dump, namesCacheName, q, sandbox, type Sandbox, SHELLS, type ShellName } from '../helpers/sandbox.js';
import { runAsync } from '../helpers/spawn.js';

const OTHER = 65534; // the other user: nobody

/** Shell code: TAB's names for `awsp `, one a line (the completion function as each shell calls it). */
const TAB: Record<ShellName, string> = {
  bash: `COMP_LINE='awsp '; COMP_POINT=5; COMP_WORDS=(awsp ''); COMP_CWORD=1; COMPREPLY=(); __awsp_complete awsp '' awsp; \\builtin printf '%s\\n' "\${COMPREPLY[@]}"`,
  zsh: `compadd() { \\builtin printf '%s\\n' "$@"; }; CURRENT=2; PREFIX=''; words=(awsp ''); __awsp_complete; \\builtin unfunction compadd`,
  fish: `complete -C 'awsp ' | string replace -r '\\t.*' ''`,
};
const state = (shell: ShellName) => (shell === 'fish' ? `builtin printf '<%s|%s>\\n' $status "$AWS_PROFILE"` : `\\builtin printf '<%s|%s>\\n' "$?" "\${AWS_PROFILE-}"`);

describe('a planted cache is never trusted', () => {
  let sb: Sandbox;
  let shared: string;
  before(() => {
    sb = sandbox();
    sb.writeConfig('[profile real]\n');
    sb.writeCredentials('');
    // A shared folder as XDG_CACHE_HOME, where another user made awsp/ (0777) first, and a cache
    // whose header is right about the files and which names a planted profile.
    shared = join(sb.dir, 'shared');
    mkdirSync(join(shared, 'awsp'), { recursive: true });
    chmodSync(shared, 0o1777);
    chmodSync(join(shared, 'awsp'), 0o777);
    chownSync(join(shared, 'awsp'), OTHER, OTHER);
  });
  after(() => sb.cleanup());

  const plant = (folder: string, owner: number) => {
    const file = join(folder, namesCacheName(sb));
    // A header that is right about the files, and newer than both: only the names are false.
    writeFileSync(file, `${CACHE_VERSION}\n+${sb.config}\n+${sb.credentials}\nplanted-name\n`);
    const later = new Date(Date.now() + 60_000);
    utimesSync(file, later, later);
    chownSync(file, owner, owner);
    return file;
  };

  for (const shell of SHELLS) {
    test(`${shell}: neither a folder nor a file of another user's is read`, async () => {
      // 1. The folder is another user's (and the file too).
      plant(join(shared, 'awsp'), OTHER);
      const script = [`awsp planted-name 2>err1`, state(shell), TAB[shell], `awsp real`, state(shell)].join('\n');
      const r = await runAsync(shell, sb, script, { env: { XDG_CACHE_HOME: shared } });
      assert.match(r.stdout, /^<1\|>$/m, dump(r));
      assert.doesNotMatch(r.stdout, /planted/, dump(r));
      assert.match(r.stdout, /^real$/m, `TAB offers the real names: ${dump(r)}`);
      assert.match(r.stdout, /^<0\|real>$/m, dump(r));
      assert.match(readFileSync(join(sb.dir, 'err1'), 'utf8'), /^awsp: no profile 'planted-name'/m);
      // 2. The user's own folder, but a file planted in it (it was left open to others).
      const own = join(sb.dir, `own-${shell}`);
      mkdirSync(join(own, 'awsp'), { recursive: true, mode: 0o777 });
      chmodSync(join(own, 'awsp'), 0o777);
      plant(join(own, 'awsp'), OTHER);
      const r2 = await runAsync(shell, sb, [`awsp planted-name 2>/dev/null`, state(shell), TAB[shell]].join('\n'), { env: { XDG_CACHE_HOME: own } });
      assert.match(r2.stdout, /^<1\|>$/m, dump(r2));
      assert.doesNotMatch(r2.stdout, /planted/, dump(r2));
      // 3. The user's own folder and file, in a shared folder with the sticky bit (like /tmp).
      const sticky = join(sb.dir, `sticky-${shell}`);
      mkdirSync(join(sticky, 'awsp'), { recursive: true });
      chmodSync(join(sticky, 'awsp'), 0o1777);
      plant(join(sticky, 'awsp'), process.getuid!());
      const r3 = await runAsync(shell, sb, [`awsp planted-name 2>/dev/null`, state(shell), TAB[shell]].join('\n'), { env: { XDG_CACHE_HOME: sticky } });
      assert.match(r3.stdout, /^<1\|>$/m, dump(r3));
      assert.doesNotMatch(r3.stdout, /planted/, dump(r3));
    });
  }

  test('Node writes no cache into a folder that is not the user’s own, and says why once', async () => {
    const r = await runAsync('bash', sb, 'awsp list', { load: false, env: { XDG_CACHE_HOME: shared } });
    assert.equal(r.code, 0, dump(r));
    assert.equal(r.stderr, `awsp: not using the profile cache: ${shared}/awsp belongs to another user (uid ${OTHER}); awsp works, but TAB completion and switching start Node each time\n`);
    assert.match(readFileSync(join(shared, 'awsp', namesCacheName(sb)), 'utf8'), /planted-name/, 'the planted file was left as it was');
    // A folder it creates is 0700.
    const fresh = join(sb.dir, 'fresh-cache');
    const ok = await runAsync('bash', sb, 'awsp list', { load: false, env: { XDG_CACHE_HOME: fresh } });
    assert.equal(ok.stderr, '', dump(ok));
    const { statSync } = await import('node:fs');
    assert.equal(statSync(join(fresh, 'awsp')).mode & 0o7777, 0o700);
    assert.equal(statSync(fresh).mode & 0o7777, 0o700);
  });
});

describe('what Node leaves in the cache folder', () => {
  test('as root with a user’s HOME, no cache folder of root’s is made in their home', async () => {
    const sb = sandbox();
    try {
      sb.writeConfig('[profile a]\n');
      chownSync(sb.home, OTHER, OTHER);
      const r = await runAsync('bash', sb, 'awsp list', { load: false, env: { XDG_CACHE_HOME: '' } });
      assert.equal(r.stdout, 'a\n', dump(r));
      assert.equal(r.stderr, `awsp: not using the profile cache: ${sb.home} belongs to another user (uid ${OTHER}); awsp works, but TAB completion and switching start Node each time\n`);
      assert.equal(existsSync(join(sb.home, '.cache')), false);
    } finally {
      sb.cleanup();
    }
  });

  test('a temporary cache file of a writer that died is removed by the next one', async () => {
    const sb = sandbox();
    try {
      sb.writeConfig('[profile a]\n');
      const folder = join(sb.dir, 'cache', 'awsp');
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      const dead = Number(String(spawnSync('sh', ['-c', 'echo $$']).stdout).trim());
      const left = join(folder, `names-x%%y.${dead}.abc123.tmp`);
      const live = join(folder, `names-x%%y.${process.pid}.abc123.tmp`);
      writeFileSync(left, 'awsp-names-v3\n');
      writeFileSync(live, 'awsp-names-v3\n');
      const r = await runAsync('bash', sb, 'awsp list', { load: false });
      assert.equal(r.code, 0, dump(r));
      assert.equal(existsSync(left), false, 'the dead writer’s file is gone');
      assert.equal(existsSync(live), true, 'a live writer’s file stays');
    } finally {
      sb.cleanup();
    }
  });
});

describe('the key is the absolute path the AWS CLI opens', () => {
  let sb: Sandbox;
  before(() => {
    sb = sandbox();
    sb.write('a/awsconfig', '[profile a-only]\n');
    sb.write('b/awsconfig', '[profile b-only]\n');
    sb.writeCredentials('');
  });
  after(() => sb.cleanup());

  for (const shell of SHELLS) {
    test(`${shell}: a relative path, a $VAR path and a path with a newline never get another file's names`, async () => {
      const cd = (d: string) => `cd ${q(shell, join(sb.dir, d))}`;
      const setVar = (n: string, v: string) => (shell === 'fish' ? `set -gx ${n} ${q(shell, v)}` : `\\builtin export ${n}=${q(shell, v)}`);
      const nl = join(sb.dir, 'a', 'awsconfig') + '\n-x';
      const script = [
        // A relative AWS_CONFIG_FILE: the names of project A, then a switch and TAB in project B.
        setVar('AWS_CONFIG_FILE', 'awsconfig'),
        cd('a'),
        'awsp list >/dev/null',
        cd('b'),
        'awsp a-only 2>/dev/null',
        state(shell),
        TAB[shell],
        // A path with a variable in it: botocore expands it, so the cache must not stand for it.
        setVar('AWS_CONFIG_FILE', '$PROJ/awsconfig'),
        cd(''),
        setVar('PROJ', join(sb.dir, 'a')),
        'awsp list >/dev/null',
        setVar('PROJ', join(sb.dir, 'b')),
        'awsp a-only 2>/dev/null',
        state(shell),
        // A newline in the path shifted the header: the credentials path became a "name".
        setVar('AWS_CONFIG_FILE', nl),
        'awsp list >/dev/null 2>&1',
        `awsp ${q(shell, `+${sb.credentials}`)} 2>/dev/null`,
        state(shell),
      ].join('\n');
      const r = await runAsync(shell, sb, script);
      const states = [...r.stdout.matchAll(/^<(\d+)\|(.*)>$/gm)].map((m) => `${m[1]}|${m[2]}`);
      assert.deepEqual(states, ['1|', '1|', '1|'], dump(r));
      assert.match(r.stdout, /^b-only$/m, dump(r));
      assert.doesNotMatch(r.stdout, /^a-only$/m, dump(r));
    });

    test(`${shell}: after awsp list, switching needs no Node for relative, ~ and odd paths (the keys agree)`, async () => {
      // awsp on PATH replaced by a stub after loading: a switch that asks Node fails visibly.
      sb.write('stub/awsp', '#!/bin/sh\necho ASKED-NODE >&2\nexit 1\n', 0o755);
      const odd = 'dir with space/%41 * ? [x] \' " \\ é\u0085/awsconfig';
      sb.write(`b/${odd}`, '[profile odd]\n');
      sb.write('home/cfg-tilde', '[profile tilde]\n');
      // Files and folders changed in the cache's own second keep it stale until the next (by design).
      const old = new Date(Date.now() - 3_600_000);
      for (const p of ['b', `b/${odd}`, `b/${odd}/..`, 'b/awsconfig', 'home', 'home/cfg-tilde', 'home/.aws']) utimesSync(join(sb.dir, p), old, old);
      const setVar = (n: string, v: string) => (shell === 'fish' ? `set -gx ${n} ${q(shell, v)}` : `\\builtin export ${n}=${q(shell, v)}`);
      const stub = shell === 'fish' ? `set -gx PATH ${q(shell, join(sb.dir, 'stub'))} $PATH` : `\\builtin export PATH=${q(shell, join(sb.dir, 'stub'))}:"$PATH"`;
      const unstub = shell === 'fish' ? 'set -e PATH[1]' : `\\builtin export PATH="\${PATH#*:}"`;
      const script = [
        `cd ${q(shell, join(sb.dir, 'b'))}`,
        ...[
          ['awsconfig', 'b-only'],
          [odd, 'odd'],
          ['~/cfg-tilde', 'tilde'],
        ].flatMap(([path, name]) => [setVar('AWS_CONFIG_FILE', path!), 'awsp list >/dev/null', stub, `awsp ${name}`, state(shell), unstub]),
      ].join('\n');
      const r = await runAsync(shell, sb, script);
      assert.doesNotMatch(r.stderr, /ASKED-NODE/, dump(r));
      const states = [...r.stdout.matchAll(/^<(\d+)\|(.*)>$/gm)].map((m) => `${m[1]}|${m[2]}`);
      assert.deepEqual(states, ['0|b-only', '0|odd', '0|tilde'], dump(r));
    });
  }

  test('Node and bash, zsh and fish compute the same key for odd paths, HOMEs and folders', async () => {
    // The current folder is reached through a symlink: $PWD (what the shells know) is not the physical path.
    mkdirSync(join(sb.dir, 'real', 'sub'), { recursive: true });
    symlinkSync(join(sb.dir, 'real'), join(sb.dir, 'link'));
    const cwd = join(sb.dir, 'link', 'sub');
    const UNSET = '\u0000unset';
    const homes = ['/h', '/h/', '/h//', '', '/', UNSET, '/h o/m e'];
    const raws = [
      '/abs/config', 'rel', './rel', '../up/x', 'a/b/../c', '~', '~/', '~/.aws/config', '~//x', '~root/x', '~x', '',
      '$HOME/x', '${X}/y', 'a$', '%41%%', 'sp ace', '*?[a]', "q'\"\\", 'é日本', 'c1\u0085x', 'bidi\u202ex',
      'nl\nx', 'tab\tx', 'del\x7fx', '/trailing/', '//double', '-', '-n', '+p',
    ];
    const cases = homes.flatMap((home) => raws.map((raw) => ({ home, raw })));
    // Node, in this process: the same folder, the same PWD.
    const here = process.cwd();
    process.chdir(cwd);
    const want = cases.map(({ home, raw }) => cacheKeyPath(raw, 'config', { PWD: cwd, ...(home === UNSET ? {} : { HOME: home }) }) ?? '<none>');
    process.chdir(here);
    const body: Record<ShellName, string> = {
      bash: `while IFS= \\builtin read -r -d '' h && IFS= \\builtin read -r -d '' p; do if [[ $h == $'\\001unset' ]]; then \\builtin unset HOME; else HOME=$h; fi; if __awsp_path "$p"; then \\builtin printf '%s\\0' "$__awsp_p"; else \\builtin printf '<none>\\0'; fi; done <"$T_CASES" >"$T_OUT"`,
      zsh: `while IFS= \\builtin read -r -d '' h && IFS= \\builtin read -r -d '' p; do if [[ $h == $'\\001unset' ]]; then \\builtin unset HOME; else HOME=$h; fi; if __awsp_path "$p"; then \\builtin printf '%s\\0' "$__awsp_p"; else \\builtin printf '<none>\\0'; fi; done <"$T_CASES" >"$T_OUT"`,
      fish: `while read -z h; and read -z p; if test "$h" = (builtin printf '\\001unset'); set -e HOME; else; set HOME $h; end; set -l IFS \\n; set -l k (__awsp_path "$p"); and builtin printf '%s\\0' "$k"; or builtin printf '<none>\\0'; end <$T_CASES >$T_OUT`,
    };
    writeFileSync(join(sb.dir, 'cases'), cases.map(({ home, raw }) => `${home === UNSET ? '\u0001unset' : home}\0${raw}\0`).join(''));
    for (const shell of SHELLS) {
      const out = join(sb.dir, `keys-${shell}`);
      const r = await runAsync(shell, sb, `cd ${q(shell, cwd)}\n${body[shell]}`, { env: { T_CASES: join(sb.dir, 'cases'), T_OUT: out }, load: 'init' });
      assert.equal(r.code, 0, dump(r));
      const got = readFileSync(out, 'utf8').split('\0').slice(0, -1);
      const diff = cases.flatMap((c, i) => (got[i] === want[i] ? [] : [`HOME=${JSON.stringify(c.home)} raw=${JSON.stringify(c.raw)}: node ${JSON.stringify(want[i])}, ${shell} ${JSON.stringify(got[i])}`]));
      assert.deepEqual(diff, [], `${shell} disagrees with Node`);
    }
    // The rule itself, on a few: absolute against $PWD, ~ with HOME, the bypasses.
    const at = (raw: string, home?: string) => want[cases.findIndex((c) => c.raw === raw && c.home === (home ?? '/h'))];
    assert.equal(at('rel'), `${cwd}/rel`);
    assert.equal(at('~/.aws/config', '/h//'), '/h/.aws/config');
    assert.equal(at('~', ''), '/');
    assert.equal(at('~/.aws/config', UNSET), '<none>');
    for (const raw of ['$HOME/x', '~root/x', 'nl\nx', 'del\x7fx', '']) assert.equal(at(raw), '<none>', raw);
  });
});
