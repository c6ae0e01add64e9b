// The session state the switch warning rests on (src/sso/state.ts, src/sso/tokens.ts): token
// times in the one grammar the shells read too, the SSO target of every profile found in one
// pass exactly as profileSso finds it one at a time, the warning line, and a token file that is
// a FIFO (read by nobody: it would block).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readCache } from '../../src/cache.js';
import { awsPaths } from '../../src/config/paths.js';
import { loadProfiles } from '../../src/config/profiles.js';
import { profileSso, ssoSwitchWarning, ssoTargets } from '../../src/sso/state.js';
import { sessionState, ssoCacheDir, tokenTime } from '../../src/sso/tokens.js';
import { awsp, dump, sandbox } from '../helpers/sandbox.js';

test('tokenTime reads UTC as the CLI and SDKs write it, and nothing else', () => {
  const at = Date.UTC(2026, 11, 3, 5, 0, 0);
  for (const s of ['2026-12-03T05:00:00Z', '2026-12-03T05:00:00.000Z', '2026-12-03T05:00:00UTC', '2026-12-03T05:00:00+00:00']) assert.equal(tokenTime(s), at, s);
  assert.equal(tokenTime('2026-12-03T05:00:00.123456Z'), at + 123);
  // Local times, other offsets, other shapes: the shells cannot read them, so neither does Node.
  for (const s of ['2026-12-03T05:00:00', '2026-12-03T05:00:00+02:00', '2026-12-03 05:00:00Z', '2026-12-03T05:00Z', 'soon', '', '2026-13-03T05:00:00Z']) assert.equal(tokenTime(s), null, s);
  for (const v of [undefined, null, 1796274000, {}]) assert.equal(tokenTime(v), null, String(v));
});

test('ssoTargets gives each profile what profileSso gives it', () => {
  const sb = sandbox();
  try {
    sb.writeConfig(
      [
        '[profile a]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = r',
        '[profile role]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = a',
        '[profile role2]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = role',
        // source_profile without role_arn is ignored, as botocore ignores it.
        '[profile no-role]\nsource_profile = a',
        '[profile cycle1]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = cycle2',
        '[profile cycle2]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = cycle1',
        '[profile dangling]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = nowhere',
        '[profile legacy]\nsso_start_url = https://legacy.example/start\nsso_region = us-east-1',
        '[profile legacy-bad]\nsso_start_url = https://legacy.example/start',
        '[profile via-legacy]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = legacy',
        '[profile both]\nsso_session = corp\nsso_start_url = https://other.example/start\nsso_region = us-east-1',
        '[profile incomplete]\nsso_session = half',
        '[profile unknown-session]\nsso_session = nope',
        '[profile plain]\nregion = eu-west-1',
        '[sso-session corp]\nsso_start_url = https://corp.example/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access',
        '[sso-session half]\nsso_start_url = https://half.example/start',
        '',
      ].join('\n'),
    );
    sb.writeCredentials('[plain]\naws_access_key_id = A\naws_secret_access_key = s\n');
    const set = loadProfiles(awsPaths(sb.env));
    const all = ssoTargets(set);
    assert.deepEqual([...all.keys()], set.profiles.map((p) => p.name));
    for (const p of set.profiles) assert.deepEqual(all.get(p.name), profileSso(set, p.name), p.name);
    // A few, spelled out.
    assert.equal(all.get('role2')?.session, 'corp');
    assert.equal(all.get('role2')?.profile, 'a');
    assert.equal(all.get('via-legacy')?.profile, 'legacy');
    for (const n of ['no-role', 'cycle1', 'dangling', 'legacy-bad', 'incomplete', 'unknown-session', 'plain']) assert.equal(all.get(n), null, n);
  } finally {
    sb.cleanup();
  }
});

test('the warning: only when a login is needed; a FIFO as the token is not read; Node reads the cache as names', () => {
  const sb = sandbox();
  try {
    sb.writeConfig('[profile dev]\nsso_session = corp\n[profile plain]\n[sso-session corp]\nsso_start_url = https://corp.example/start\nsso_region = eu-west-1\n');
    const set = loadProfiles(awsPaths(sb.env));
    const token = (text: string) => sb.write(`home/.aws/sso/cache/${createHash('sha1').update('corp').digest('hex')}.json`, text);
    const want = "awsp: SSO session 'corp' has expired or is not signed in; run: awsp login --sso-session corp";
    assert.equal(ssoSwitchWarning(set, sb.env, 'dev'), want, 'no token');
    assert.equal(ssoSwitchWarning(set, sb.env, 'plain'), null);
    token('{"accessToken": "a", "expiresAt": "2099-01-01T00:00:00UTC"}');
    assert.equal(ssoSwitchWarning(set, sb.env, 'dev'), null, 'the old CLI form is read');
    token('{"accessToken": "a", "expiresAt": "2001-01-01T00:00:00Z", "refreshToken": "r", "clientId": "c", "clientSecret": "s", "registrationExpiresAt": "2099-01-01T00:00:00Z"}');
    assert.equal(ssoSwitchWarning(set, sb.env, 'dev'), null, 'renewable');
    token('{"accessToken": "a", "expiresAt": "2001-01-01T00:00:00Z", "refreshToken": "", "clientId": "c", "clientSecret": "s", "registrationExpiresAt": "2099-01-01T00:00:00Z"}');
    assert.equal(ssoSwitchWarning(set, sb.env, 'dev'), want, 'an empty refresh token renews nothing');

    const file = join(ssoCacheDir(sb.env), `${createHash('sha1').update('corp').digest('hex')}.json`);
    spawnSync('rm', ['-f', file]);
    assert.equal(spawnSync('mkfifo', [file]).status, 0);
    // The cache is trusted only when the files are older than its second.
    const old = new Date(Date.now() - 3_600_000);
    for (const p of [sb.config, join(sb.home, '.aws')]) utimesSync(p, old, old);
    // awsp (status) and list, which read the same file through sessionState, do not hang. They
    // run first, as programs with a timeout: a blocking read would fail them here, where the
    // in-process call below would hang the whole file.
    for (const args of [[], ['list']]) {
      const r = awsp(sb, args, { env: { AWS_PROFILE: 'dev' } });
      assert.equal(r.signal, null, dump(r));
      assert.equal(r.code, 0, dump(r));
    }
    const t = profileSso(set, 'dev')!;
    assert.deepEqual(sessionState(ssoCacheDir(sb.env), t), { state: 'signed-out' });
    // The cache now holds dev's token file and line: Node's reader gives names alone.
    assert.deepEqual(readCache(sb.env), ['dev', 'plain']);
  } finally {
    sb.cleanup();
  }
});
