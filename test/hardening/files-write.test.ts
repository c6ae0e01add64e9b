// --write-credentials never damages the credentials file (issue 4, item 3): a read-only file,
// a read-only folder, and a write that fails half-way (a file size limit) each give one clear
// line, a non-zero exit, and the file byte for byte as it was, with no temp or lock file left.
// Permissions are checked as an unprivileged user (root ignores them).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, test } from 'node:test';
import { AWSP_BIN, type Result, sandbox, type Sandbox } from '../helpers/sandbox.js';

const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
// Over 1 KiB, so that `ulimit -f 1` stops the temporary copy part-way.
const ORIGINAL = `# my keys\r\n[other]\r\naws_access_key_id = AKIAOTHER\r\naws_secret_access_key = ${'s'.repeat(3000)}\r\n\r\n[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base/secret\n`;

let sb: Sandbox;
before(() => {
  sb = sandbox();
  sb.writeConfig('');
});
after(() => {
  spawnSync('chmod', ['-R', 'u+rwX', sb.dir]);
  sb.cleanup();
});

function reset(): void {
  chmodSync(dirname(sb.credentials), 0o755);
  sb.writeCredentials(ORIGINAL);
  chmodSync(sb.credentials, 0o600);
  for (const p of [sb.dir, sb.home, dirname(sb.credentials), sb.credentials, sb.config]) chownSync(p, 65534, 65534);
}

function write(prefix: string[]): Result {
  const argv = [...prefix, process.execPath, AWSP_BIN, 'exports', 'base', '--no-session', '--write-credentials', 'fresh'];
  const r = spawnSync(argv[0]!, argv.slice(1), { env: sb.env, cwd: '/', encoding: 'utf8', input: '' });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function assertUntouched(r: Result, message: RegExp): void {
  assert.notEqual(r.code, 0, r.stderr);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('awsp: cannot'));
  assert.equal(errors.length, 1, r.stderr);
  assert.match(errors[0]!, message);
  assert.match(errors[0]!, /it was not changed$/);
  assert.doesNotMatch(r.stderr, /\n\s+at |base\/secret/);
  assert.equal(readFileSync(sb.credentials, 'utf8'), ORIGINAL, 'the credentials file changed');
  assert.deepEqual(readdirSync(dirname(sb.credentials)).filter((f) => f.includes('awsp')), [], 'a temp or lock file was left');
}

test('a read-only credentials file is refused, not replaced by the rename', () => {
  reset();
  chmodSync(sb.credentials, 0o444);
  assertUntouched(write(NOBODY), /cannot write \S+credentials: it is read-only/);
});

test('a read-only folder: the lock cannot be made, nothing changes', () => {
  reset();
  chmodSync(dirname(sb.credentials), 0o555);
  assertUntouched(write(NOBODY), /cannot write \S+credentials: permission denied/);
});

test('a write that fails half-way (file size limit) leaves the original whole', () => {
  reset();
  // Regression: writeSync's short write was not checked, and a 1 KiB copy replaced the file.
  assertUntouched(write(['sh', '-c', 'ulimit -f 1; exec "$@"', 'sh']), /cannot write \S+credentials: the file would exceed the file size limit/);
});

test('the same write succeeds once nothing stands in the way, keeping every other byte', () => {
  reset();
  const r = write(NOBODY);
  assert.equal(r.code, 0, r.stderr);
  const text = readFileSync(sb.credentials, 'utf8');
  assert.ok(text.startsWith(ORIGINAL), 'the original bytes come first, unchanged');
  // It follows the file's own line endings (CRLF, from its first line).
  assert.match(text.slice(ORIGINAL.length), /^(\r\n)?\[fresh\]\r\n/);
});
