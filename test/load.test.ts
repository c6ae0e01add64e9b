// dist/ as the build leaves it (src/load.ts, scripts/build.mjs): the bundles and their code caches
// exist, V8 accepts each cache on the path it was made for, and the bundles are what load.ts reads.
// Speed itself is for `npm run bench`; a cache V8 turns down only makes awsp slower, so this is
// where it shows.
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fakeAwsSandbox } from './helpers/aws-files.js';
import { dump, REPO, type Sandbox } from './helpers/sandbox.js';
import { awspAsync, spawnAsync } from './helpers/spawn.js';

const DIST = join(REPO, 'dist');

describe('dist/ and its code caches', () => {
  let sb: Sandbox;
  let close: () => Promise<void>;
  before(async () => ({ sb, close } = await fakeAwsSandbox({ ssoTokens: ['tok-corp'] })));
  after(() => close());

  it('holds each bundle, wrapped and ASCII, and a cache for each path', () => {
    const files = readdirSync(DIST).sort();
    assert.deepEqual(files, [
      // The shell integration, rendered from the command table (src/shells/render.ts).
      'awsp-lazy.bash',
      'awsp-lazy.fish',
      'awsp-lazy.zsh',
      'awsp.bash',
      'awsp.fish',
      'awsp.zsh',
      'cli.cjs',
      'cli.v8cache',
      'execa.cjs',
      'execa.v8cache',
      'load.cjs',
      'node-version',
      'sdk.cjs',
      'sdk.login.v8cache',
      'sdk.role.v8cache',
      'sdk.session.v8cache',
    ]);
    for (const f of ['cli.cjs', 'sdk.cjs', 'execa.cjs']) {
      const text = readFileSync(join(DIST, f), 'latin1');
      assert.ok(text.startsWith('(function (exports, require, module, __filename, __dirname) {"use strict";'), `${f}: in Node's wrapper, strict`);
      assert.ok(text.trimEnd().endsWith('})'), `${f}: the wrapper closes`);
      assert.equal(/[^\x00-\x7f]/.test(text), false, `${f}: ASCII only, so latin1 reads it exactly`);
    }
  });

  // Each command loads the caches of its path; AWSP_DEBUG reports a missing or rejected one.
  // --no-cache: a session kept by an earlier run would skip the SDK.
  const paths: Array<[string, string[]]> = [
    ['static keys as they are (no SDK)', ['exports', 'base', '--no-session', '--format', 'json']],
    ['static keys made a session (sdk.session)', ['exports', 'base', '--format', 'json', '--no-cache']],
    ['a role (sdk.role)', ['exports', 'role', '--format', 'json', '--no-cache']],
    ['SSO (sdk.role)', ['exports', 'sso-new', '--format', 'json', '--no-cache']],
    ['exec (execa)', ['exec', 'base', '--no-session', '--', process.execPath, '-e', '0']],
    ['list (cli)', ['list']],
  ];
  for (const [what, args] of paths) {
    it(`V8 takes every cache on the path of ${what}`, async () => {
      const r = await awspAsync(sb, args, { env: { AWSP_DEBUG: '1' } });
      assert.equal(r.code, 0, dump(r));
      assert.doesNotMatch(r.stderr, /code cache/, dump(r));
    });
  }

  it('V8 takes every cache on the path of an SSO login (sdk.login)', async () => {
    const r = await awspAsync(sb, ['login', '--sso-session', 'corp', '--no-browser'], { env: { AWSP_DEBUG: '1', AWS_ENDPOINT_URL_SSO_OIDC: 'http://127.0.0.1:9' } });
    assert.match(r.stderr, /^awsp: cannot reach IAM Identity Center/m, dump(r));
    assert.doesNotMatch(r.stderr, /code cache/, dump(r));
  });

  it('a broken, missing or foreign cache costs speed only', async () => {
    // A copy of the package, so the other tests keep the real dist/.
    const copy = sb.write('pkg/package.json', readFileSync(join(REPO, 'package.json'), 'utf8'));
    const pkg = dirname(copy);
    cpSync(join(REPO, 'bin'), join(pkg, 'bin'), { recursive: true });
    cpSync(DIST, join(pkg, 'dist'), { recursive: true });
    cpSync(join(REPO, 'shell'), join(pkg, 'shell'), { recursive: true });
    writeFileSync(join(pkg, 'dist', 'sdk.role.v8cache'), readFileSync(join(DIST, 'sdk.role.v8cache')).subarray(0, 1000));
    rmSync(join(pkg, 'dist', 'cli.v8cache'));
    // The static path's cache in place of the SDK's own for a role: V8 checks it against the source and takes it.
    writeFileSync(join(pkg, 'dist', 'sdk.session.v8cache'), readFileSync(join(DIST, 'cli.v8cache')));
    for (const args of [['exports', 'role', '--format', 'json', '--no-cache'], ['exports', 'base', '--format', 'json', '--no-cache']]) {
      const r = await spawnAsync(process.execPath, [join(pkg, 'bin', 'awsp.cjs'), ...args], { cwd: sb.dir, env: { ...sb.env, AWSP_DEBUG: '1' } });
      assert.equal(r.code, 0, dump(r));
      assert.match(JSON.parse(r.stdout).AWS_SESSION_TOKEN, /^token-/);
      assert.match(r.stderr, /awsp: debug: no code cache cli\.v8cache/);
      assert.match(r.stderr, /awsp: debug: V8 rejected the code cache sdk\.(role|session)\.v8cache/);
    }
  });
});
