// Secrets stay secret (issue 4, item 4): while awsp exports and exec run, no process on the
// machine has a secret on its command line (every /proc/*/cmdline is read, over and over);
// no error or warning holds one; and no file is written with one except where asked.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fakeAwsSandbox, roleArn } from '../helpers/aws-files.js';
import { dump, type Sandbox } from '../helpers/sandbox.js';
import { awspAsync } from '../helpers/spawn.js';

const FAKE_SECRET = 'FAKE-STS-SECRET-c4n4ry';
// The static secrets of writeAllSources, and what the fake STS and SSO portal hand out.
const SECRETS = [FAKE_SECRET, 'base/secret', 'temp/secret', 'temp-token='];
const TOKEN = /token-[A-Za-z]+-\d+/;
const leaks = (text: string): string[] => [...SECRETS.filter((s) => text.includes(s)), ...(TOKEN.exec(text) ?? [])];

let sb: Sandbox;
let close: () => Promise<void>;
before(async () => ({ sb, close } = await fakeAwsSandbox({ secret: FAKE_SECRET, denyRoles: [roleArn('r2')], ssoTokens: ['tok-legacy', 'tok-corp'] })));
after(() => close());

/** Every regular file under dir, with its bytes. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (st?.isDirectory()) walk(p);
      else if (st?.isFile()) files.set(p, readFileSync(p, 'latin1'));
    }
  };
  walk(dir);
  return files;
}

/** The command lines of every process now, read from /proc. */
function commandLines(): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      out.push(readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' '));
    } catch {
      /* gone already */
    }
  }
  return out;
}

describe('secrets stay secret', () => {
  test('no process on the machine has a secret on its command line while exports and exec run', async () => {
    const before = snapshot(sb.dir);
    const runs = [
      ...['role', 'sso-new', 'sso-role', 'webid', 'base', 'temp', 'proc'].map((p) => awspAsync(sb, ['exec', p, '--', 'sh', '-c', 'sleep 0.4'])),
      ...['role', 'base', 'sso-legacy'].map((p) => awspAsync(sb, ['exports', p, '--format', 'json'])),
    ];
    let scans = 0;
    const seen = new Set<string>();
    let done = false;
    const all = Promise.all(runs).finally(() => (done = true));
    while (!done) {
      for (const line of commandLines()) for (const l of leaks(line)) seen.add(`${l} in: ${line.slice(0, 200)}`);
      scans++;
      await new Promise((r) => setTimeout(r, 5));
    }
    const results = await all;
    results.forEach((r, i) => assert.equal(r.code, 0, `run ${i}: ${dump(r)}`));
    assert.ok(scans >= 5, `only ${scans} scans of /proc while awsp ran`);
    assert.deepEqual([...seen], []);
    // The json exports did carry the keys: the scan looked for the right strings.
    assert.ok(results.slice(-3).some((r) => leaks(r.stdout).length > 0), 'the secrets to look for never appeared in any output');
    // Nothing secret was written anywhere in the sandbox (HOME, the names cache) by these runs,
    // except the temporary credentials of the session cache, in files only the user can read.
    const sessions = join(sb.dir, 'cache', 'awsp', 'sessions');
    const written = [...snapshot(sb.dir)].filter(([p, text]) => before.get(p) !== text);
    assert.deepEqual(
      written.filter(([p, text]) => leaks(text).length > 0 && !p.startsWith(`${sessions}/`)).map(([p]) => p),
      [],
    );
    const cached = written.filter(([p]) => p.startsWith(`${sessions}/`));
    assert.ok(cached.length > 0, 'the runs kept sessions');
    assert.equal(statSync(sessions).mode & 0o777, 0o700);
    for (const [p, text] of cached) {
      assert.equal(statSync(p).mode & 0o777, 0o600, p);
      // Temporary credentials only: long-term keys are never cached.
      assert.deepEqual(
        ['base/secret', 'temp/secret'].filter((k) => text.includes(k)),
        [],
        p,
      );
    }
  });

  test('errors and warnings never hold a secret', async () => {
    const cases: [string[], RegExp][] = [
      [['exports', 'role2', '--format', 'json'], /AccessDenied|not authorized|denied/i], // AssumeRole refused, after a role hop
      [['exports', 'base', '--no-session', '--format', 'json'], /long-term keys/], // the --no-session warning
      [['exec', 'temp', '--', 'no-such-command-awsp'], /no-such-command-awsp/], // 127
      [['exports', 'nope'], /no profile/],
    ];
    for (const [args, expected] of cases) {
      const r = await awspAsync(sb, args, { env: { AWSP_DEBUG: '1' } });
      assert.match(r.stderr, expected, dump(r));
      assert.deepEqual(leaks(r.stderr), [], `${args.join(' ')} printed a secret on stderr:\n${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, `a stack trace:\n${r.stderr}`);
    }
  });
});
