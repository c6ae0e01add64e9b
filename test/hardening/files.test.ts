// Malformed and odd AWS files (issue 4, item 2). Each case writes down its expected outcome:
// the names `awsp list` prints (and the one warning it gives, if any), or the one error line
// every command fails with. Each case runs through `awsp list`, `awsp` (status), the switch
// validator `awsp __switch NAME`, and a real `awsp NAME` in bash with the integration loaded:
//   - never a stack trace (`    at `, `Error:`), every stderr line starts with `awsp: `, no
//     line repeats;
//   - a switch to a listed name sets AWS_PROFILE; any other switch exits non-zero and leaves
//     the shell's variables exactly as they were;
//   - where a file cannot be read, every command fails with the same one line.
// Decisions (following the AWS CLI where sensible): a missing file, a dangling symlink, a path
// through a regular file, an empty AWS_CONFIG_FILE, /dev/null and a FIFO are empty files; a
// directory or a symlink loop is empty with a warning; a file the CLI refuses (duplicates,
// lines outside sections, not `key = value`, a BOM, invalid UTF-8, a bad nested block) is read
// as far as possible with one warning; an unreadable file is an error ("cannot read PATH:
// permission denied") where the CLI would silently read nothing; names with control
// characters are skipped with a warning; an unwritable cache costs speed, not correctness.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, readFileSync, mkdirSync, openSync, closeSync, statSync, symlinkSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AWSP_BIN, namesCacheName, type Result, sandbox, type Sandbox } from '../helpers/sandbox.js';

const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];

interface Case {
  name: string;
  /** Writes the files; returns changes to the environment (undefined: unset). */
  setup?: (sb: Sandbox) => Record<string, string | undefined> | void;
  config?: string | Buffer;
  credentials?: string | Buffer;
  /** What `awsp list` prints, one name a line... */
  names?: string[];
  /** ...with exactly one warning line matching this (none when absent); */
  warn?: RegExp;
  /** or the one error line every command fails with. */
  error?: RegExp;
  /** The name to switch to (default: the first name, else 'nope'). */
  target?: string;
  /** Run as an unprivileged user (the suite runs as root in CI). */
  nobody?: boolean;
}

const REFUSED = /the AWS CLI refuses this file, awsp reads what it can$/;

const CASES: Case[] = [
  // Section headers
  { name: 'truncated header mid-file', config: '[profile a]\n[profile b\nregion = x\n', names: ['a'], warn: /line 2 is not "key = value"; the AWS CLI refuses/ },
  { name: 'truncated header at EOF', config: '[profile a]\n[prof', names: ['a'], warn: REFUSED },
  { name: 'header cut before ] but with =', config: '[profile a]\n[profile b=x\n', names: ['a'] },
  { name: 'lone [', config: '[\n[profile a]\n', names: ['a'], warn: /line 1 is outside any \[section\]/ },
  { name: 'empty header []', config: '[profile a]\n[]\n', names: ['a'], warn: REFUSED },
  { name: 'header with trailing text', config: '[profile a] extra ] stuff\n[profile b]   # x\n', names: ['b'] },
  { name: 'blank header [ ]', config: '[ ]\n[profile a]\n', names: ['a'] },
  { name: 'unclosed quote in a name (CLI skips it)', config: '[profile "a]\n[profile b]\n', names: ['b'] },
  { name: 'name with a tab (control character)', config: '[profile "a\tb"]\n[profile c]\n', names: ['c'], warn: /skipping a profile whose name has control characters: "a\\tb"/ },
  { name: 'name of 10,000 characters', config: `[profile ${'x'.repeat(10_000)}]\n`, names: ['x'.repeat(10_000)] },
  // Duplicates
  { name: 'duplicate section', config: '[profile a]\nregion = 1\n[profile b]\n[profile a]\nregion = 2\n', names: ['a', 'b'], warn: /section \[profile a\] appears twice \(line 4\)/ },
  { name: 'duplicate section in credentials', credentials: '[k]\n[k]\n[j]\n', names: ['k', 'j'], warn: /section \[k\] appears twice/ },
  { name: 'default and profile default (not a duplicate)', config: '[default]\n[profile default]\n[profile a]\n', names: ['default', 'a'] },
  { name: 'duplicate key', config: '[profile a]\nregion = x\nregion = y\n', names: ['a'], warn: /option region appears twice in \[profile a\]/ },
  { name: 'duplicate key differing in case', config: '[profile a]\nRegion = x\nregion = y\n', names: ['a'], warn: /option region appears twice/ },
  { name: 'duplicate DEFAULT sections (allowed)', config: '[DEFAULT]\n[profile a]\n[DEFAULT]\n', names: ['a'] },
  // Lines outside sections and not key = value
  { name: 'keys before any section', config: 'region = x\noutput = json\n[profile a]\n', names: ['a'], warn: /line 1 is outside any \[section\]; the AWS CLI refuses/ },
  { name: 'keys and no sections', config: 'region = x\n', credentials: '[k]\n', names: ['k'], warn: /outside any/ },
  { name: 'a line without =', config: '[profile a]\njust words\n[profile b]\n', names: ['a', 'b'], warn: /line 2 is not "key = value"/ },
  { name: 'empty key', config: '[profile a]\n= v\n', names: ['a'], warn: REFUSED },
  // Bytes
  { name: 'binary garbage (PNG header)', config: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0xff, 0x00]), names: [], warn: /not valid UTF-8/ },
  { name: 'garbage then a section', config: Buffer.concat([Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x0a]), Buffer.from('[profile a]\n')]), names: ['a'], warn: /not valid UTF-8/ },
  { name: 'NUL bytes in a value', config: '[profile a]\nregion = x\0y\n', names: ['a'] },
  { name: 'NUL byte in a name', config: '[profile a\0b]\n[profile c]\n', names: ['c'], warn: /skipping a profile whose name has control characters: "a\\u0000b"/ },
  { name: 'a file of NUL bytes', config: Buffer.alloc(4096), names: [], warn: /outside any/ },
  { name: 'invalid UTF-8 in a value', config: Buffer.from('[profile a]\nregion = \xe9\n', 'latin1'), names: ['a'], warn: /not valid UTF-8/ },
  { name: 'Latin-1 name (invalid UTF-8)', config: Buffer.from('[profile caf\xe9]\n[profile b]\n', 'latin1'), names: ['caf\ufffd', 'b'], warn: /not valid UTF-8/, target: 'b' },
  { name: 'UTF-8 BOM in config', config: '\ufeff[profile a]\n[profile b]\n', names: ['a', 'b'], warn: /starts with a byte order mark/ },
  { name: 'UTF-8 BOM in credentials', credentials: '\ufeff[k]\n', names: ['k'], warn: /starts with a byte order mark/ },
  { name: 'only a BOM', config: '\ufeff', names: [], warn: /byte order mark/ },
  { name: 'empty file', config: '', credentials: '', names: [] },
  { name: 'one line of 1 MB', config: `[profile a]\nregion = ${'y'.repeat(1 << 20)}\n`, names: ['a'] },
  // Line endings and indentation
  { name: 'CRLF', config: '[profile a]\r\nregion = x\r\n[default]\r\n', credentials: '[k]\r\n', names: ['a', 'default', 'k'] },
  { name: 'lone CR', config: '[profile a]\rregion = x\r[profile b]\r', names: ['a', 'b'] },
  { name: 'mixed line endings', config: '[profile a]\n[profile b]\r\n[profile c]\r', names: ['a', 'b', 'c'] },
  { name: 'mixed tabs and spaces in a value', config: '[profile a]\nregion = x\n\t  more\n  \tmore\n[profile b]\n', names: ['a', 'b'] },
  { name: 'indented headers', config: ' [profile a]\n\t[profile b]\n   [profile c]\n', names: ['a', 'b', 'c'] },
  { name: 'indented header after an option is a value', config: '[profile a]\nregion = x\n    [profile b]\n', names: ['a'], target: 'b' },
  { name: 'nested block with a bad line', config: '[profile a]\ns3 =\n  addressing_style = path\n  junk\n', names: ['a'], warn: /nested block of s3 in \[profile a\]/ },
  { name: 'comments everywhere', config: '# [profile x]\n; [profile y]\n[profile a]\n  # c\nregion = a ; b\n', names: ['a'] },
  // The file itself
  {
    name: 'a 50 MB config',
    setup: (sb) => {
      // 400,000 profiles of ~135 bytes (54 MB), written in chunks.
      const fd = openSync(sb.config, 'w');
      const pad = 'x'.repeat(90);
      for (let c = 0; c < 400; c++) {
        let chunk = '';
        for (let i = c * 1000; i < (c + 1) * 1000; i++) chunk += `[profile p${i}]\nregion = eu-west-1\nnote = ${pad}\n`;
        writeSync(fd, chunk);
      }
      closeSync(fd);
      assert.ok(statSync(sb.config).size >= 50 * 1024 * 1024);
    },
    names: ['many'],
    target: 'p399999',
  },
  // Too large to read (a sparse file: no disk used): one line, never "internal error".
  { name: 'a config of 600 MiB', setup: (sb) => void truncateSync(sb.write('home/.aws/config', ''), 600 * 1024 * 1024), credentials: '[k]\n', error: /^awsp: \S+\/config is too large to be an AWS file \(600 MiB; awsp reads up to 256 MiB\)$/ },
  { name: 'credentials of 2 GiB', config: '[profile a]\n', setup: (sb) => void truncateSync(sb.write('home/.aws/credentials', ''), 2048 * 1024 * 1024), error: /^awsp: \S+\/credentials is too large to be an AWS file/ },
  { name: 'config is a directory', setup: (sb) => void mkdirSync(sb.config), credentials: '[k]\n', names: ['k'], warn: /config is a directory, not a file; reading it as empty/ },
  { name: 'credentials is a directory', config: '[profile a]\n', setup: (sb) => void mkdirSync(sb.credentials), names: ['a'], warn: /credentials is a directory/ },
  { name: 'dangling symlink (a missing file)', setup: (sb) => void symlinkSync(join(sb.dir, 'gone'), sb.config), credentials: '[k]\n', names: ['k'] },
  { name: 'symlink loop', setup: (sb) => void symlinkSync(sb.config, sb.config), credentials: '[k]\n', names: ['k'], warn: /config is a symlink loop; reading it as empty/ },
  { name: 'two-link symlink loop', setup: (sb) => { symlinkSync(sb.config + '2', sb.config); symlinkSync(sb.config, sb.config + '2'); }, names: [], warn: /symlink loop/ },
  { name: 'symlink to a good file', setup: (sb) => { sb.write('real', '[profile a]\n'); symlinkSync(join(sb.dir, 'real'), sb.config); }, names: ['a'] },
  { name: 'unreadable config (mode 000)', nobody: true, setup: (sb) => { sb.writeConfig('[profile a]\n'); chmodSync(sb.config, 0); }, credentials: '[k]\n', error: /^awsp: cannot read \S+\/config: permission denied$/ },
  { name: 'unreadable credentials (mode 000)', nobody: true, config: '[profile a]\n', setup: (sb) => { sb.writeCredentials('[k]\n'); chmodSync(sb.credentials, 0); }, error: /^awsp: cannot read \S+\/credentials: permission denied$/ },
  { name: 'config in an unsearchable directory', nobody: true, setup: (sb) => { sb.write('locked/config', '[profile a]\n'); chmodSync(join(sb.dir, 'locked'), 0); return { AWS_CONFIG_FILE: join(sb.dir, 'locked', 'config') }; }, error: /^awsp: cannot read \S+\/locked\/config: permission denied$/ },
  // Where the files are
  { name: 'AWS_CONFIG_FILE pointing nowhere', setup: (sb) => ({ AWS_CONFIG_FILE: join(sb.dir, 'no', 'such', 'file') }), credentials: '[k]\n', names: ['k'] },
  { name: 'AWS_CONFIG_FILE pointing to a directory', setup: (sb) => ({ AWS_CONFIG_FILE: sb.dir }), credentials: '[k]\n', names: ['k'], warn: /is a directory/ },
  { name: 'AWS_CONFIG_FILE empty', setup: () => ({ AWS_CONFIG_FILE: '' }), credentials: '[k]\n', names: ['k'] },
  { name: 'AWS_CONFIG_FILE=/dev/null', setup: () => ({ AWS_CONFIG_FILE: '/dev/null' }), credentials: '[k]\n', names: ['k'] },
  { name: 'AWS_CONFIG_FILE is a FIFO (no hang)', setup: (sb) => { spawnSync('mkfifo', [join(sb.dir, 'fifo')]); return { AWS_CONFIG_FILE: join(sb.dir, 'fifo') }; }, credentials: '[k]\n', names: ['k'] },
  { name: 'AWS_CONFIG_FILE through a regular file', setup: (sb) => ({ AWS_CONFIG_FILE: sb.credentials + '/config' }), credentials: '[k]\n', names: ['k'] },
  { name: 'AWS_CONFIG_FILE with ~ and $VAR', setup: (sb) => { sb.write('home/x/cfg', '[profile tilde]\n'); return { AWS_CONFIG_FILE: '~/$SUB/cfg', SUB: 'x' }; }, names: ['tilde'] },
  { name: 'AWS_SHARED_CREDENTIALS_FILE pointing nowhere', config: '[profile a]\n', setup: (sb) => ({ AWS_SHARED_CREDENTIALS_FILE: join(sb.dir, 'nope') }), names: ['a'] },
  { name: 'empty HOME', setup: () => ({ HOME: '', AWS_CONFIG_FILE: undefined, AWS_SHARED_CREDENTIALS_FILE: undefined }), names: [] },
  { name: 'unset HOME, files named', nobody: true, config: '[profile a]\n', setup: () => ({ HOME: undefined }), names: ['a'] },
  { name: 'unset HOME, nothing named (passwd home)', nobody: true, setup: () => ({ HOME: undefined, AWS_CONFIG_FILE: undefined, AWS_SHARED_CREDENTIALS_FILE: undefined, XDG_CACHE_HOME: undefined }), names: [] },
  // The names cache
  { name: 'XDG_CACHE_HOME unwritable', nobody: true, config: '[profile a]\n', setup: (sb) => { mkdirSync(join(sb.dir, 'ro')); chmodSync(join(sb.dir, 'ro'), 0o555); return { XDG_CACHE_HOME: join(sb.dir, 'ro') }; }, names: ['a'], warn: /not using the profile cache: \S+\/ro belongs to another user \(uid 0\); awsp works/ },
  { name: 'XDG_CACHE_HOME read-only, the user’s own', nobody: true, config: '[profile a]\n', setup: (sb) => { mkdirSync(join(sb.dir, 'ro')); chownSync(join(sb.dir, 'ro'), 65534, 65534); chmodSync(join(sb.dir, 'ro'), 0o555); return { XDG_CACHE_HOME: join(sb.dir, 'ro') }; }, names: ['a'], warn: /cannot write the profile cache \S+: permission denied; awsp works/ },
  { name: 'XDG_CACHE_HOME is a file', config: '[profile a]\n', setup: (sb) => ({ XDG_CACHE_HOME: sb.write('cachefile', 'x') }), names: ['a'], warn: /cannot write the profile cache/ },
  { name: 'garbage in the cache file', config: '[profile a]\n', setup: (sb) => void sb.write('cache/awsp/' + namesCacheName(sb), Buffer.from([0xff, 0, 0x0a, 0x1b])), names: ['a'] },
];


function spawnAs(c: Case, env: Record<string, string | undefined>, argv: string[], cwd: string): Result {
  const full = c.nobody ? [...NOBODY, ...argv] : argv;
  const r = spawnSync(full[0]!, full.slice(1), { cwd, env: env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 26 });
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

const lines = (s: string) => (s === '' ? [] : s.replace(/\n$/, '').split('\n'));
const posixQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
let stackTraces = 0;

function checkStderr(label: string, r: Result): string[] {
  if (/^ {4}at |Error:/m.test(r.stderr)) stackTraces++;
  assert.doesNotMatch(r.stderr, /^ {4}at |Error:/m, `${label}: a stack trace\n${r.stderr}`);
  const ls = lines(r.stderr);
  for (const l of ls) assert.match(l, /^awsp: /, `${label}: a stderr line not from awsp: ${JSON.stringify(l)}`);
  assert.equal(new Set(ls).size, ls.length, `${label}: a warning repeated\n${r.stderr}`);
  return ls;
}

// The bash script: variables before, status, the switch, variables after.
const BASH = `
__t_snap() { \\builtin declare -px; \\builtin compgen -v | \\command grep -Ev '^(BASH_.*|FUNCNAME|LINENO|RANDOM|SECONDS|EPOCH.*|SRANDOM|PIPESTATUS|_|COLUMNS|LINES|OLDPWD)$'; }
export AWS_PROFILE=previous AWS_REGION=eu-west-3
__t_snap >"$T_DIR/before"
awsp >"$T_DIR/status.out" 2>"$T_DIR/status.err"
\\builtin echo "status=$?"
awsp "$T_NAME" 2>"$T_DIR/switch.err"
\\builtin echo "switch=$?"
__t_snap >"$T_DIR/after"
\\builtin printf 'AWS_PROFILE=%s\\n' "\${AWS_PROFILE-<unset>}"
`;

let tried = 0;
let damaged = 0;
const fileBytes = (p: string): Buffer | null => {
  try {
    return lstatSync(p).isFile() ? readFileSync(p) : null;
  } catch {
    return null;
  }
};

test(`malformed and odd files: ${CASES.length} cases through list, status, __switch and bash`, { timeout: 240_000 }, async (t) => {
  assert.ok(CASES.length >= 50);
  for (const c of CASES) {
    await t.test(c.name, () => runCase(t, c));
  }
  t.diagnostic(`odd files: ${tried} cases tried, ${stackTraces} stack traces seen, ${damaged} files damaged`);
  assert.equal(damaged, 0);
  assert.equal(tried, CASES.length);
});

function runCase(t: { diagnostic(m: string): void }, c: Case): void {
  {
    const sb = sandbox();
    try {
      if (c.config !== undefined) writeFileSync(sb.config, c.config);
      if (c.credentials !== undefined) writeFileSync(sb.credentials, c.credentials);
      const changes = c.setup?.(sb) ?? {};
      const env: Record<string, string | undefined> = { ...sb.env, ...changes };
      if (c.nobody) {
        // The sandbox must be reachable by the unprivileged user; the cache stays writable by it.
        chmodSync(sb.dir, 0o755);
        chmodSync(sb.home, 0o755);
        chmodSync(join(sb.home, '.aws'), 0o755);
        mkdirSync(join(sb.dir, 'cache'), { recursive: true });
        chownSync(join(sb.dir, 'cache'), 65534, 65534);
        chownSync(sb.home, 65534, 65534);
      }
      const before = [sb.config, sb.credentials].map(fileBytes);
      const big = c.names?.[0] === 'many';
      const label = c.name;

      // awsp list
      const started = Date.now();
      const list = spawnAs(c, env, [process.execPath, AWSP_BIN, 'list'], sb.dir);
      const elapsed = Date.now() - started;
      const listErr = checkStderr(`${label}: list`, list);
      if (c.error) {
        assert.notEqual(list.code, 0, `${label}: list should fail`);
        assert.equal(listErr.length, 1, `${label}: list: ${list.stderr}`);
        assert.match(listErr[0]!, c.error, label);
        assert.equal(list.stdout, '', label);
      } else {
        assert.equal(list.code, 0, `${label}: list: ${list.stderr}`);
        if (big) {
          const names = lines(list.stdout);
          assert.equal(names.length, 400_000, label);
          assert.equal(names[399_999], 'p399999', label);
          // Reported, not asserted: speed is the bench's job, and a busy machine is no failure.
          t.diagnostic(`50 MB config: awsp list took ${elapsed} ms for 400,000 profiles`);
        } else {
          assert.deepEqual(lines(list.stdout), c.names, `${label}: list`);
        }
        if (c.warn) {
          assert.equal(listErr.length, 1, `${label}: list: ${list.stderr}`);
          assert.match(listErr[0]!, c.warn, label);
        } else {
          assert.deepEqual(listErr, [], `${label}: list`);
        }
      }

      // awsp __switch NAME (the validator the shell asks)
      const target = c.target ?? (big ? 'p399999' : c.names?.[0]) ?? 'nope';
      const listed = !c.error && (big || c.names!.includes(target));
      const sw = spawnAs(c, { ...env, AWSP_SHELL: 'bash' }, [process.execPath, AWSP_BIN, '__switch', target], sb.dir);
      const swErr = checkStderr(`${label}: __switch`, sw);
      if (listed) {
        assert.equal(sw.code, 0, `${label}: __switch: ${sw.stderr}`);
        assert.equal(sw.stdout, `__awsp_use ${posixQuote(target)} ''\n`, label);
      } else {
        assert.notEqual(sw.code, 0, label);
        assert.equal(sw.stdout, '', label);
        // The file's warning, if any, then the one error line.
        assert.match(swErr.at(-1)!, c.error ?? /^awsp: no profile /, `${label}: __switch: ${sw.stderr}`);
        assert.ok(swErr.length <= (c.warn ? 2 : 1), `${label}: __switch: ${sw.stderr}`);
      }

      // awsp (status) and awsp NAME in a real bash with the integration loaded
      const out = join(sb.dir, 'out');
      mkdirSync(out);
      if (c.nobody) chownSync(out, 65534, 65534);
      const bash = spawnAs(
        c,
        { ...env, T_DIR: out, T_NAME: target },
        ['bash', '--noprofile', '--norc', '-c', `eval "$(awsp init bash)"\n${BASH}`],
        sb.dir,
      );
      assert.equal(bash.code, 0, `${label}: bash: ${bash.stdout}${bash.stderr}`);
      assert.equal(bash.stderr, '', `${label}: bash`);
      const read = (f: string) => readFileSync(join(out, f), 'utf8');
      const switchErr = checkStderr(`${label}: bash switch`, { code: 0, signal: null, stdout: '', stderr: read('switch.err') });
      // awsp (status), run by the integration.
      const statusErr = checkStderr(`${label}: status`, { code: 0, signal: null, stdout: '', stderr: read('status.err') });
      if (c.error) {
        assert.match(bash.stdout, /status=[1-9]/, `${label}: status`);
        assert.equal(statusErr.length, 1, `${label}: status: ${read('status.err')}`);
        assert.match(statusErr[0]!, c.error, label);
      } else {
        assert.match(bash.stdout, /status=0\n/, `${label}: status: ${read('status.err')}`);
        assert.match(read('status.out'), /^profile 'previous'/, `${label}: status`);
        // The file's warning (or the cache's), and the one about AWS_PROFILE=previous not being a profile.
        assert.ok(statusErr.length <= (c.warn ? 2 : 1), `${label}: status: ${read('status.err')}`);
      }
      if (listed) {
        assert.match(bash.stdout, /switch=0\n/, `${label}: bash: ${read('switch.err')}`);
        assert.ok(bash.stdout.endsWith(`AWS_PROFILE=${target}\n`), `${label}: bash: ${bash.stdout}`);
      } else {
        assert.match(bash.stdout, /switch=[1-9]/, `${label}: bash`);
        assert.equal(read('after'), read('before'), `${label}: the shell's variables changed on a failed switch`);
        assert.match(switchErr.at(-1)!, c.error ?? /^awsp: no profile /, `${label}: bash: ${read('switch.err')}`);
        assert.ok(switchErr.length <= (c.warn ? 2 : 1), `${label}: bash switch: ${read('switch.err')}`);
      }
      const after = [sb.config, sb.credentials].map(fileBytes);
      if (before.some((b, i) => (b === null) !== (after[i] === null) || (b !== null && !b.equals(after[i]!)))) damaged++;
      assert.deepEqual(after, before, `${label}: a file changed`);
      tried++;
    } finally {
      spawnSync('chmod', ['-R', 'u+rwX', sb.dir]);
      sb.cleanup();
    }
  }
}

test('a file too large to read: TAB (__cache) stays silent, --write-credentials says it in one line', () => {
  const sb = sandbox();
  try {
    sb.writeConfig('[profile a]\naws_access_key_id = A\naws_secret_access_key = s\n');
    truncateSync(sb.write('big', ''), 600 * 1024 * 1024);
    const run = (args: string[], env: Record<string, string>) => spawnSync(process.execPath, [AWSP_BIN, ...args], { cwd: sb.dir, env: { ...sb.env, ...env }, encoding: 'utf8' });
    const tab = run(['__cache'], { AWS_CONFIG_FILE: join(sb.dir, 'big') });
    assert.notEqual(tab.status, 0);
    assert.equal(tab.stderr, '');
    const w = run(['exports', 'a', '--no-session', '--write-credentials', 'x'], { AWS_SHARED_CREDENTIALS_FILE: join(sb.dir, 'big') });
    assert.equal(w.status, 1, w.stderr);
    assert.match(w.stderr, /^awsp: \S+\/big is too large to be an AWS file \(600 MiB; awsp reads up to 256 MiB\)\n$/);
  } finally {
    sb.cleanup();
  }
});
