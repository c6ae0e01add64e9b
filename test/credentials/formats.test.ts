// Every format, evaluated by the program it is for: a secret with quotes, backslashes, `$`,
// backticks and a newline must arrive byte for byte.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { isoTime, render } from '../../src/formats.js';
import { awsSandbox, NASTY, processCommand } from '../helpers/aws-files.js';
import { dump, type Sandbox, SHELLS } from '../helpers/sandbox.js';
import { awspAsync, runAsync, spawnAsync } from '../helpers/spawn.js';

let sb: Sandbox;
before(() => {
  sb = awsSandbox();
  sb.writeConfig(
    [
      '[profile nasty]',
      `credential_process = ${processCommand(sb, 'nasty', { AccessKeyId: "ASIA'KEY", SecretAccessKey: NASTY, SessionToken: `tok\\'en$x\`y\``, Expiration: '2099-01-02T03:04:05Z' })}`,
      '[profile plain]',
      `credential_process = ${processCommand(sb, 'plain', { AccessKeyId: 'AKIAPLAIN', SecretAccessKey: 'a$b`c` "d" e#f' })}`,
      '[profile dollarless]',
      `credential_process = ${processCommand(sb, 'dollarless', { AccessKeyId: 'AKIAPLAIN', SecretAccessKey: 'a`c` "d" e#f=+/' })}`,
      '',
    ].join('\n'),
  );
});
after(() => sb.cleanup());

const NUL = '\0';
/** Prints the variables NUL-separated, `<unset>` for an unset one. */
const probe = (shell: string, names: string[]) =>
  shell === 'fish'
    ? names.map((n) => `if set -q ${n}; printf '%s\\0' "$${n}"; else; printf '<unset>\\0'; end`).join('\n')
    : names.map((n) => `if [ -n "\${${n}+x}" ]; then printf '%s\\0' "$${n}"; else printf '<unset>\\0'; fi`).join('\n');
const VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'AWSP_KEYS'];
const STALE = { AWS_SESSION_TOKEN: 'stale', AWS_SECURITY_TOKEN: 'stale', AWS_CREDENTIAL_EXPIRATION: 'stale' };

describe('shell formats in real shells', () => {
  for (const shell of SHELLS) {
    const load = shell === 'fish' ? 'awsp exports nasty | source' : 'eval "$(awsp exports nasty)"';
    test(`${shell}: through the integration (default format from AWSP_SHELL), strict`, async () => {
      const r = await runAsync(shell, sb, `${load}\n${probe(shell, VARS)}`, { strict: true, env: STALE });
      assert.equal(r.code, 0, dump(r));
      assert.equal(r.stderr, '');
      assert.deepEqual(r.stdout.split(NUL).slice(0, -1), ["ASIA'KEY", NASTY, "tok\\'en$x`y`", '<unset>', '2099-01-02T03:04:05Z', "ASIA'KEY"]);
    });

    test(`${shell}: --format ${shell} without the integration; no token and no expiration unset stale ones`, async () => {
      const cmd = `awsp exports plain --no-session --format ${shell}`;
      const script = shell === 'fish' ? `${cmd} | source\n${probe(shell, VARS)}` : `eval "$(${cmd})"\n${probe(shell, VARS)}`;
      const r = await runAsync(shell, sb, script, { load: false, strict: true, env: STALE });
      assert.equal(r.code, 0, dump(r));
      assert.match(r.stderr, /^awsp: exporting the long-term keys/);
      assert.deepEqual(r.stdout.split(NUL).slice(0, -1), ['AKIAPLAIN', 'a$b`c` "d" e#f', '<unset>', '<unset>', '<unset>', 'AKIAPLAIN']);
    });
  }

  test('the default format follows $SHELL when the integration has not declared one', async () => {
    const r = await awspAsync(sb, ['exports', 'plain', '--no-session'], { env: { SHELL: '/usr/bin/fish' } });
    assert.match(r.stdout, /^set -gx AWS_ACCESS_KEY_ID 'AKIAPLAIN'$/m, dump(r));
    const b = await awspAsync(sb, ['exports', 'plain', '--no-session'], { env: { SHELL: '/bin/sh' } });
    assert.match(b.stdout, /^\\builtin export AWS_ACCESS_KEY_ID='AKIAPLAIN'$/m, dump(b));
  });
});

describe('other formats', () => {
  test('env: NAME=value lines, read back as docker --env-file does (split at the first =)', async () => {
    const r = await awspAsync(sb, ['exports', 'plain', '--no-session', '--format', 'env']);
    assert.equal(r.code, 0, dump(r));
    const parsed = Object.fromEntries(r.stdout.trimEnd().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    assert.deepEqual(parsed, { AWS_ACCESS_KEY_ID: 'AKIAPLAIN', AWS_SECRET_ACCESS_KEY: 'a$b`c` "d" e#f' });
  });

  test('env and dotenv refuse values their readers cannot carry, with a one-line error', async () => {
    for (const format of ['env', 'dotenv']) {
      const r = await awspAsync(sb, ['exports', 'nasty', '--format', format]);
      assert.equal(r.code, 1, dump(r));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^awsp: AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY) holds .*; use --format json\n$/);
    }
  });

  test('dotenv: single-quoted, read back literally by sh (set -a; . file)', async () => {
    const r = await awspAsync(sb, ['exports', 'dollarless', '--no-session', '--format', 'dotenv']);
    assert.equal(r.code, 0, dump(r));
    const file = sb.write('plain.env', r.stdout);
    const sh = spawnSync('sh', ['-c', `set -a; . "${file}"; printf '%s\\0' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY"`], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
    assert.deepEqual(sh.stdout.split(NUL).slice(0, -1), ['AKIAPLAIN', 'a`c` "d" e#f=+/']);
  });

  test('dotenv refuses a dollar sign (python-dotenv expands ${X} even in single quotes)', async () => {
    const r = await awspAsync(sb, ['exports', 'plain', '--no-session', '--format', 'dotenv']);
    assert.equal(r.code, 1, dump(r));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /awsp: AWS_SECRET_ACCESS_KEY holds a quote, backslash, dollar sign or line break, .*; use --format json\n$/);
  });

  test('json and process: parsed back exactly', async () => {
    const j = await awspAsync(sb, ['exports', 'nasty', '--format', 'json']);
    assert.deepEqual(JSON.parse(j.stdout), {
      AWS_ACCESS_KEY_ID: "ASIA'KEY",
      AWS_SECRET_ACCESS_KEY: NASTY,
      AWS_SESSION_TOKEN: "tok\\'en$x`y`",
      AWS_CREDENTIAL_EXPIRATION: '2099-01-02T03:04:05Z',
    });
    const p = await awspAsync(sb, ['exports', 'nasty', '--format', 'process']);
    assert.deepEqual(JSON.parse(p.stdout), { Version: 1, AccessKeyId: "ASIA'KEY", SecretAccessKey: NASTY, SessionToken: "tok\\'en$x`y`", Expiration: '2099-01-02T03:04:05Z' });
  });

  test('process output works as another profile’s credential_process, read by the SDK', async () => {
    const s2 = awsSandbox();
    try {
      s2.writeConfig(
        [
          '[profile inner]',
          `credential_process = ${processCommand(s2, 'inner', { AccessKeyId: 'ASIAINNER', SecretAccessKey: NASTY, SessionToken: 't' })}`,
          '[profile outer]',
          'credential_process = awsp exports inner --format process',
          '',
        ].join('\n'),
      );
      const r = await awspAsync(s2, ['exports', 'outer', '--format', 'json']);
      assert.equal(r.code, 0, dump(r));
      assert.equal(JSON.parse(r.stdout).AWS_SECRET_ACCESS_KEY, NASTY);
    } finally {
      s2.cleanup();
    }
  });

  test('powershell (rendered only: no pwsh here): single quotes, quote characters doubled', () => {
    const out = render('powershell', { accessKeyId: 'AKIA', secretAccessKey: "it's ‘x’ $y `z`\nline", sessionToken: undefined, expiration: new Date('2030-01-02T03:04:05.678Z') });
    assert.equal(
      out,
      [
        "$Env:AWS_ACCESS_KEY_ID = 'AKIA'",
        "$Env:AWS_SECRET_ACCESS_KEY = 'it''s ‘‘x’’ $y `z`\nline'",
        'Remove-Item -Path Env:AWS_SESSION_TOKEN -ErrorAction SilentlyContinue',
        'Remove-Item -Path Env:AWS_SECURITY_TOKEN -ErrorAction SilentlyContinue',
        "$Env:AWS_CREDENTIAL_EXPIRATION = '2030-01-02T03:04:05Z'",
        "$Env:AWSP_KEYS = 'AKIA'",
        '',
      ].join('\n'),
    );
    assert.equal(isoTime(new Date('2030-01-02T03:04:05.678Z')), '2030-01-02T03:04:05Z');
  });
});

describe('not onto a terminal', () => {
  // `script` gives awsp a pseudo-terminal as stdout, as an interactive shell would.
  const onTty = (args: string) => spawnAsync('script', ['-qec', `awsp ${args}`, '/dev/null'], { cwd: sb.dir, env: sb.env });

  test('shell formats print nothing secret and say how to load them', async () => {
    for (const [args, hint] of [
      ['exports plain', 'eval "$(awsp exports plain)"'],
      ['exports plain --format fish', 'awsp exports plain | source'],
      ['exports plain --format powershell', 'Invoke-Expression'],
    ] as const) {
      const r = await onTty(args);
      assert.equal(r.code, 1, dump(r));
      assert.ok(!r.stdout.includes('AKIAPLAIN'), r.stdout);
      assert.ok(r.stdout.includes(hint), r.stdout);
      assert.match(r.stdout, /^awsp: not printing secret keys onto the terminal; .*--reveal/);
    }
  });

  test('the suggested command quotes the profile for the shell it is typed into', async () => {
    for (const [args, hint] of [
      [`exports "o'neil"`, `eval "$(awsp exports 'o'\\''neil')"`],
      [`exports "o'neil" --format fish`, `awsp exports 'o\\'neil' | source`],
      [`exports "o'neil" --format powershell`, `awsp exports 'o''neil' --format powershell | Invoke-Expression`],
    ] as const) {
      const r = await onTty(args);
      assert.equal(r.code, 1, dump(r));
      assert.ok(r.stdout.includes(hint), `${hint}\n${r.stdout}`);
    }
  });

  test('every other format holds the keys too: refused with how to use it, before any credentials are resolved', async () => {
    // Regression: env, dotenv and json printed the keys onto the terminal.
    for (const [format, hint] of [
      ['env', 'docker run --env-file <(awsp exports plain --format env)'],
      ['dotenv', 'awsp exports plain --format dotenv > .env'],
      ['json', 'awsp exports plain --format json | jq .'],
      ['process', 'credential_process = awsp exports plain --format process'],
    ] as const) {
      const r = await onTty(`exports plain --no-session --format ${format}`);
      assert.equal(r.code, 1, dump(r));
      assert.ok(!r.stdout.includes('AKIAPLAIN'), r.stdout);
      assert.ok(r.stdout.includes(hint), `${hint}\n${r.stdout}`);
      assert.match(r.stdout, /^awsp: not printing secret keys onto the terminal; .*--reveal/);
    }
  });

  test('a character device that is no terminal (/dev/null) is written to', async () => {
    // Told apart from a terminal without node:tty: the check must not take /dev/null for one.
    const r = await spawnAsync('sh', ['-c', 'awsp exports plain --no-session --format env >/dev/null; echo "rc=$?"'], { cwd: sb.dir, env: sb.env });
    assert.equal(r.stdout, 'rc=0\n', dump(r));
    assert.doesNotMatch(r.stderr, /not printing secret keys/, dump(r));
  });

  test('--reveal prints every format', async () => {
    const r = await onTty('exports plain --no-session --reveal --format bash');
    assert.equal(r.code, 0, dump(r));
    assert.match(r.stdout, /AWS_ACCESS_KEY_ID='AKIAPLAIN'/);
    const j = await onTty('exports plain --no-session --reveal --format json');
    assert.equal(j.code, 0, dump(j));
    assert.match(j.stdout, /"AWS_ACCESS_KEY_ID": "AKIAPLAIN"/);
    for (const format of ['env', 'process']) {
      const o = await onTty(`exports plain --no-session --reveal --format ${format}`);
      assert.equal(o.code, 0, dump(o));
      assert.match(o.stdout, /AKIAPLAIN/);
    }
  });
});
