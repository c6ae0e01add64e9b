// A new shell with awsp installed starts no Node: install.sh's rc block sources the integration
// the build rendered (dist/awsp.*). Checked with strace in real interactive bash, zsh and fish.
// The block also survives what happens to a checkout: an older block is replaced in place, a
// moved checkout is found again by ./install.sh, and --uninstall still gives every byte back.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO, SHELLS, type ShellName } from './helpers/sandbox.js';

const dir = mkdtempSync(join(tmpdir(), 'awsp-startup-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the checkout (its built dist/ and sources, node_modules linked), as a user's clone. */
function checkout(name: string): string {
  const root = join(dir, name);
  mkdirSync(root);
  for (const f of ['install.sh', 'package.json', 'package-lock.json', 'bin', 'dist', 'shell', 'src', 'scripts']) {
    // preserveTimestamps: install.sh rebuilds only what is older than its sources.
    cpSync(join(REPO, f), join(root, f), { recursive: true, preserveTimestamps: true });
  }
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  return root;
}

function home(name: string) {
  const h = join(dir, name);
  mkdirSync(join(h, '.aws'), { recursive: true });
  writeFileSync(join(h, '.aws', 'config'), '[profile dev]\nregion = eu-west-1\n');
  // Older than any cache built now: the names cache is trusted only when strictly newer, in whole seconds.
  for (const p of [join(h, '.aws', 'config'), join(h, '.aws')]) utimesSync(p, new Date(Date.now() - 5000), new Date(Date.now() - 5000));
  const env = { HOME: h, PATH: [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'), LANG: 'C.UTF-8', TERM: 'dumb', XDG_CACHE_HOME: join(h, 'cache') };
  const rc: Record<ShellName, string> = { bash: join(h, '.bashrc'), zsh: join(h, '.zshrc'), fish: join(h, '.config', 'fish', 'conf.d', 'awsp.fish') };
  return { home: h, env, rc, bin: join(h, 'bin') };
}

function install(root: string, env: Record<string, string>, ...args: string[]): string {
  const r = spawnSync('sh', [join(root, 'install.sh'), ...args], { env, encoding: 'utf8', input: '' });
  assert.equal(r.status, 0, `install.sh ${args.join(' ')}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

const interactiveArgs = (shell: ShellName, script: string) => [shell, '-i', '-c', script];

/** Runs `script` in a new interactive shell, which reads its rc file; with a trace of every execve. */
function interactive(shell: ShellName, env: Record<string, string>, script: string) {
  const trace = join(dir, `trace-${shell}-${Math.random().toString(36).slice(2)}`);
  const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=execve', '-o', trace, ...interactiveArgs(shell, script)], { env, encoding: 'utf8', input: '', cwd: dir, timeout: 60_000 });
  if (r.error) throw new Error(`cannot run strace: ${r.error.message}`);
  // The programs that ran (`/usr/bin/env node` also tries node in each PATH folder before: those fail).
  const execs = readFileSync(trace, 'utf8')
    .split('\n')
    .filter((l) => !/ = -1 /.test(l))
    .map((l) => /execve\("([^"]*)"/.exec(l)?.[1])
    .filter((p): p is string => p !== undefined);
  rmSync(trace, { force: true });
  return { ...r, execs };
}

const isNode = (path: string) => /(^|\/)node$/.test(path) || path === process.execPath;

describe('shell start-up with the installed rc block', () => {
  const h = home('h1');
  const root = checkout('awsp');

  it('install.sh writes a block that sources dist/awsp.SHELL, with awsp init as the fallback', () => {
    install(root, h.env, '--bin-dir', h.bin);
    for (const shell of SHELLS) {
      const text = readFileSync(h.rc[shell], 'utf8');
      assert.ok(text.includes(join(root, 'dist', `awsp.${shell}`)), `${shell}: ${text}`);
      assert.match(text, shell === 'fish' ? /awsp init fish \| source/ : new RegExp(`eval "\\$\\(awsp init ${shell}\\)"`));
    }
  });

  for (const shell of SHELLS) {
    it(`a new interactive ${shell} starts no Node, and awsp works in it`, () => {
      // `type`/`functions` only: running awsp itself would start Node (the switch does not, while the cache is fresh).
      const probe = shell === 'fish' ? 'functions -q awsp awsp_prompt; and echo LOADED' : 'typeset -f awsp awsp_prompt >/dev/null && echo LOADED';
      const r = interactive(shell, h.env, probe);
      assert.match(r.stdout, /^LOADED$/m, `${shell}:\n${r.stdout}${r.stderr}`);
      assert.deepEqual(r.execs.filter(isNode), [], `${shell} started Node while starting:\n${r.execs.join('\n')}`);
      // It would have, through the fallback line: the check above can fail.
      const moved = join(dir, `dist-away-${shell}`);
      renameSync(join(root, 'dist'), moved);
      try {
        const r2 = interactive(shell, { ...h.env, PATH: `${h.bin}:${h.env.PATH}` }, probe);
        assert.ok(r2.execs.some(isNode), `${shell}: without dist/, the fallback runs awsp init`);
      } finally {
        renameSync(moved, join(root, 'dist'));
      }
    });
  }

  it('the switch after start-up works without Node too (fresh cache)', () => {
    for (const shell of SHELLS) {
      const script = shell === 'fish' ? 'awsp list >/dev/null; awsp dev; and echo "P=$AWS_PROFILE"' : 'awsp list >/dev/null; awsp dev && echo "P=$AWS_PROFILE"';
      const r = interactive(shell, h.env, script);
      assert.match(r.stdout, /^P=dev$/m, `${shell}: ${r.stdout}${r.stderr}`);
      // One Node: `awsp list`, which builds the cache; the switch reads it.
      assert.equal(r.execs.filter(isNode).length, 1, `${shell}: ${r.execs.join(" ; ")}`);
    }
  });
});

describe("bash reads the switch and TAB at first use", () => {
  const h = home('h-lazy');
  const root = checkout('awsp-lazy');
  const file = join(root, 'dist', 'awsp.bash');
  const bash = (script: string, env: Record<string, string> = {}) =>
    spawnSync('bash', ['--noprofile', '--norc', '-c', script], { env: { ...h.env, PATH: `${h.bin}:${h.env.PATH}`, ...env }, encoding: 'utf8', input: '', cwd: dir });
  const fns = "declare -F | { n=0; while read -r _ _ f; do [[ $f == *awsp* ]] && n=$((n + 1)); done; echo \"$1$n\"; }";
  // The awsp functions defined, sorted, one `fn=NAME` line each.
  const names = "declare -F | while read -r _ _ f; do [[ $f == *awsp* ]] && echo \"fn=$f\"; done | LC_ALL=C sort";
  install(root, h.env, '--bin-dir', h.bin);

  it('a new shell defines the prompt, the hook and stubs only; the first awsp reads the rest and the stubs go', () => {
    const r = bash(`count() { ${fns}; }\n. '${file}'\ncount start=\n${names}\ndeclare -F __awsp_switch || echo no-switch\nawsp dev && echo "P=$AWS_PROFILE"\ncount after=\ndeclare -F __awsp_load || echo no-loader`);
    assert.equal(r.status, 0, r.stderr);
    const start = Number(/^start=(\d+)$/m.exec(r.stdout)?.[1]);
    const afterUse = Number(/^after=(\d+)$/m.exec(r.stdout)?.[1]);
    assert.match(r.stdout, /^no-switch$/m, r.stdout);
    assert.match(r.stdout, /^P=dev$/m, r.stdout);
    assert.match(r.stdout, /^no-loader$/m, r.stdout);
    assert.ok(start > 0 && afterUse > start + 10, `functions at start ${start}, after the first awsp ${afterUse}`);
    // Exactly these, by name: the prompt, the folder hook, TAB's and awsp's stubs, and the loader.
    const defined = r.stdout.split('\n').filter((l) => l.startsWith('fn=')).map((l) => l.slice(3));
    assert.deepEqual(defined, ['__awsp_complete', '__awsp_folder_check', '__awsp_folder_hook', '__awsp_load', '__awsp_read', '__awsp_safe', 'awsp', 'awsp_prompt'], r.stdout);
    assert.equal(defined.length, start, 'the names are the functions counted at start');
    // awsp init prints both halves in one: everything at once, no loader.
    const i = bash(`eval "$(awsp init bash)"\ndeclare -F __awsp_switch __awsp_complete_kind >/dev/null && echo whole\ndeclare -F __awsp_load || echo no-loader`);
    assert.match(i.stdout, /^whole\nno-loader$/m, i.stdout + i.stderr);
  });

  // Read with aliases on, `if` would not parse and __awsp_fresh would be replaced.
  it("aliases made after start-up do not reach the switch it reads later, and alias expansion stays as it was", () => {
    for (const [on, want] of [['shopt -s expand_aliases', 'on'], ['shopt -u expand_aliases', 'off']]) {
      const r = bash(`. '${file}'\n${on}\nalias if='echo HIJACKED-if; false;' __awsp_fresh='echo HIJACKED-fresh; false' local='echo HIJACKED-local; false'\nawsp dev\necho "P=\${AWS_PROFILE-unset}"\nshopt -q expand_aliases && echo on || echo off`);
      assert.match(r.stdout, new RegExp(`^P=dev\n${want}$`, 'm'), `${want}: ${r.stdout}${r.stderr}`);
      assert.doesNotMatch(r.stdout + r.stderr, /HIJACKED/);
    }
  });

  it('without awsp-lazy.bash beside it: one line naming the file, status 1, nothing changed; TAB says nothing', () => {
    const lone = join(dir, 'lone');
    mkdirSync(lone, { recursive: true });
    cpSync(file, join(lone, 'awsp.bash'));
    const r = bash(`set -u\n. '${join(lone, 'awsp.bash')}'\nAWS_PROFILE=keep\nawsp dev; echo "rc=$? P=$AWS_PROFILE"\nCOMP_LINE='awsp d' COMP_POINT=6; COMP_WORDS=(awsp d); COMP_CWORD=1; __awsp_complete awsp d awsp 2>&1; echo "tab=$?"`);
    assert.match(r.stdout, /^rc=1 P=keep\ntab=1$/m, r.stdout + r.stderr);
    assert.equal(r.stderr, `awsp: cannot read ${join(lone, 'awsp-lazy.bash')}; run install.sh again\n`);
  });
});

describe('the rc block over time', () => {
  it('an older block (eval "$(awsp init bash)") is replaced where it stands; --uninstall gives the file back', () => {
    const h = home('h2');
    const root = checkout('awsp2');
    const user = '# mine\nalias ll="ls -l"\n';
    const tail = 'export AFTER=1';
    const old = `${user}# >>> awsp >>>\neval "$(awsp init bash)"\n# <<< awsp <<<\n${tail}`;
    writeFileSync(h.rc.bash, old);
    const out = install(root, h.env, '--bin-dir', h.bin);
    assert.match(out, /updated the awsp init line in .*\.bashrc/);
    const text = readFileSync(h.rc.bash, 'utf8');
    assert.ok(text.startsWith(`${user}# >>> awsp >>>\n`), text);
    assert.ok(text.endsWith(`# <<< awsp <<<\n${tail}`), `the lines after the block stay, without a final newline: ${JSON.stringify(text)}`);
    assert.ok(text.includes(`. '${join(root, 'dist', 'awsp.bash')}'`), text);
    // A second run: nothing to do.
    assert.match(install(root, h.env, '--bin-dir', h.bin), /\.bashrc already loads awsp/);
    install(root, h.env, '--uninstall', '--bin-dir', h.bin);
    assert.equal(readFileSync(h.rc.bash, 'utf8'), `${user}${tail}`);
  });

  it('a block without its end marker is left alone', () => {
    const h = home('h3');
    const root = checkout('awsp3');
    const broken = '# >>> awsp >>>\neval "$(awsp init bash)"\nexport MINE=1\n';
    writeFileSync(h.rc.bash, broken);
    const out = install(root, h.env, '--bin-dir', h.bin);
    assert.match(out, /without its end marker/);
    assert.equal(readFileSync(h.rc.bash, 'utf8'), broken);
  });

  it('a moved checkout: ./install.sh from the new place relinks awsp and points the block there', () => {
    const h = home('h4');
    const first = checkout('awsp-old');
    install(first, h.env, '--bin-dir', h.bin);
    const moved = join(dir, 'awsp-new');
    renameSync(first, moved);
    const out = install(moved, h.env, '--bin-dir', h.bin);
    assert.match(out, /relinked/);
    assert.equal(readlinkSync(join(h.bin, 'awsp')), join(moved, 'bin', 'awsp.cjs'));
    for (const shell of SHELLS) {
      const text = readFileSync(h.rc[shell], 'utf8');
      assert.ok(text.includes(join(moved, 'dist', `awsp.${shell}`)) && !text.includes(`${first}/`), `${shell}: ${text}`);
      const script = shell === 'fish' ? 'awsp dev; and echo "P=$AWS_PROFILE"' : 'awsp dev && echo "P=$AWS_PROFILE"';
      const r = interactive(shell, h.env, script);
      assert.match(r.stdout, /^P=dev$/m, `${shell}: ${r.stdout}${r.stderr}`);
    }
  });
});
