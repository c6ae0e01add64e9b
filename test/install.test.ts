// install.sh for real: a temporary HOME, then new interactive bash, zsh and fish that read
// their rc files and run `awsp dev`; a second run changes nothing; --uninstall gives back
// every rc file byte for byte.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AWSP_BIN, REPO, SHELLS, type ShellName } from './helpers/sandbox.js';

const dir = mkdtempSync(join(tmpdir(), 'awsp-install-'));
const home = join(dir, 'home');
const binDir = join(dir, 'bin');
// No awsp on this PATH: the rc block must add it.
const PATH = [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':');
const env = { HOME: home, PATH, LANG: 'C.UTF-8', TERM: 'dumb' };

const rc: Record<ShellName, string> = {
  bash: join(home, '.bashrc'),
  zsh: join(home, '.zshrc'),
  fish: join(home, '.config', 'fish', 'conf.d', 'awsp.fish'),
};
// The user's own rc files: one without a final newline, one with CRLF, fish's absent.
const original: Partial<Record<ShellName, string>> = {
  bash: '# my bashrc\nalias ll="ls -l"',
  zsh: 'setopt autocd\r\nbindkey -e\r\n',
};

function install(...args: string[]) {
  const r = spawnSync('sh', [join(REPO, 'install.sh'), ...args], { env, encoding: 'utf8', input: '' });
  assert.equal(r.status, 0, `install.sh ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

function interactive(shell: ShellName, script: string) {
  const argv = { bash: ['bash', '-i', '-c', script], zsh: ['zsh', '-i', '-c', script], fish: ['fish', '-i', '-c', script] }[shell];
  return spawnSync(argv[0]!, argv.slice(1), {
    env: { ...env, XDG_CACHE_HOME: join(dir, 'cache') },
    encoding: 'utf8',
    input: '',
    cwd: dir,
    timeout: 30_000,
  });
}

describe('install.sh', () => {
  before(() => {
    mkdirSync(join(home, '.aws'), { recursive: true });
    writeFileSync(join(home, '.aws', 'config'), '[profile dev]\nregion = eu-west-1\n');
    writeFileSync(rc.bash, original.bash!);
    writeFileSync(rc.zsh, original.zsh!);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('links awsp and adds one block per shell, saying what it changed', () => {
    const out = install('--bin-dir', binDir);
    assert.equal(readlinkSync(join(binDir, 'awsp')), AWSP_BIN);
    for (const shell of SHELLS) {
      const text = readFileSync(rc[shell], 'utf8');
      assert.equal(text.split('# >>> awsp >>>').length, 2, `${shell}: one block`);
      assert.match(out, new RegExp(`added the awsp init line to ${rc[shell].replace(/[.]/g, '\\.')}`));
    }
    assert.ok(readFileSync(rc.bash, 'utf8').startsWith(original.bash! + '\n# >>> awsp >>>'), 'bash: the original bytes stay first');
    assert.ok(readFileSync(rc.zsh, 'utf8').startsWith(original.zsh!), 'zsh: CRLF lines untouched');
  });

  for (const shell of SHELLS) {
    it(`makes \`awsp dev\` work in a new interactive ${shell}`, () => {
      const script = shell === 'fish' ? 'awsp dev; and echo "AWS_PROFILE=$AWS_PROFILE"' : 'awsp dev && echo "AWS_PROFILE=$AWS_PROFILE"';
      const r = interactive(shell, script);
      assert.match(r.stdout, /^AWS_PROFILE=dev$/m, `${shell}:\n${r.stdout}${r.stderr}`);
    });
  }

  it('is idempotent: a second run changes no rc file', () => {
    const before = SHELLS.map((s) => readFileSync(rc[s]));
    const out = install('--bin-dir', binDir);
    SHELLS.forEach((s, i) => assert.deepEqual(readFileSync(rc[s]), before[i], `${s} changed`));
    assert.match(out, /already loads awsp/);
  });

  it('--uninstall removes exactly what it added', () => {
    install('--uninstall', '--bin-dir', binDir);
    assert.equal(readFileSync(rc.bash, 'utf8'), original.bash);
    assert.equal(readFileSync(rc.zsh, 'utf8'), original.zsh);
    assert.equal(existsSync(rc.fish), false, 'the fish conf.d file it created is gone');
    assert.equal(existsSync(join(binDir, 'awsp')), false);
  });

  it('--uninstall with a broken block (no end marker) changes nothing, says where, and fails', () => {
    install('--bin-dir', binDir);
    // The user deleted the end marker by hand, and has lines of their own after the block.
    const broken = readFileSync(rc.bash, 'utf8').replace('# <<< awsp <<<\n', '') + 'alias mine="kept"\n';
    writeFileSync(rc.bash, broken);
    const before = SHELLS.map((s) => readFileSync(rc[s]));
    const r = spawnSync('sh', [join(REPO, 'install.sh'), '--uninstall', '--bin-dir', binDir], { env, encoding: 'utf8', input: '' });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const line = broken.split('\n').findIndex((l) => l.startsWith('# >>> awsp >>>')) + 1;
    assert.equal(r.stderr, `awsp install: error: ${rc.bash}: line ${line} opens the awsp block (# >>> awsp >>>) but no # <<< awsp <<< closes it; nothing was changed: remove the block by hand\n`);
    SHELLS.forEach((s, i) => assert.deepEqual(readFileSync(rc[s]), before[i], `${s} changed`));
    assert.ok(lstatSync(join(binDir, 'awsp')).isSymbolicLink(), 'the link stays too');
    // Mended by hand, uninstall goes through and keeps the user's line.
    writeFileSync(rc.bash, broken.replace('alias mine="kept"\n', '# <<< awsp <<<\nalias mine="kept"\n'));
    install('--uninstall', '--bin-dir', binDir);
    assert.equal(readFileSync(rc.bash, 'utf8'), `${original.bash}\nalias mine="kept"\n`);
    writeFileSync(rc.bash, original.bash!);
  });

  it('falls back to ~/.local/bin without root when npm’s global prefix is not writable', () => {
    const r = spawnSync('sh', [join(REPO, 'install.sh'), '--no-modify-rc'], {
      env: { ...env, NPM_CONFIG_PREFIX: join(dir, 'no-such-prefix') },
      encoding: 'utf8',
      input: '',
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.ok(lstatSync(join(home, '.local', 'bin', 'awsp')).isSymbolicLink());
    assert.equal(readFileSync(rc.bash, 'utf8'), original.bash, '--no-modify-rc left the rc file alone');
    spawnSync('sh', [join(REPO, 'install.sh'), '--uninstall', '--no-modify-rc'], { env: { ...env, NPM_CONFIG_PREFIX: join(dir, 'no-such-prefix') } });
    assert.equal(existsSync(join(home, '.local', 'bin', 'awsp')), false);
  });

  it('replaces the link of an earlier install (bin/awsp.js), and leaves a foreign awsp alone', () => {
    const old = join(dir, 'old-bin');
    mkdirSync(old);
    symlinkSync(join(REPO, 'bin', 'awsp.js'), join(old, 'awsp'));
    const out = install('--bin-dir', old, '--no-modify-rc');
    assert.equal(readlinkSync(join(old, 'awsp')), AWSP_BIN);
    assert.match(out, /relinked/);
    install('--uninstall', '--bin-dir', old, '--no-modify-rc');
    assert.equal(existsSync(join(old, 'awsp')), false);

    writeFileSync(join(old, 'awsp'), '#!/bin/sh\n');
    const r = spawnSync('sh', [join(REPO, 'install.sh'), '--bin-dir', old, '--no-modify-rc'], { env, encoding: 'utf8', input: '' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /exists and is not awsp's link/);
    assert.equal(readFileSync(join(old, 'awsp'), 'utf8'), '#!/bin/sh\n');
  });

  it('refuses an unknown option with a clear error', () => {
    const r = spawnSync('sh', [join(REPO, 'install.sh'), '--frobnicate'], { env, encoding: 'utf8', input: '' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /unknown option: --frobnicate/);
  });
});
