// `awsp login` and `awsp logout`: IAM Identity Center sign-in into the AWS CLI's token cache.
import { type Env, readProfiles, warn } from '../context.js';
import { isoTime } from '../formats.js';
import { chooseTarget, targetName } from '../sso/config.js';
import { login } from '../sso/login.js';
import { portalLogout } from '../sso/portal.js';
import { forgetSessions } from '../sessions/cache.js';
import { readToken, registrationKey, removeCacheFile, ssoCacheDir, tokenKey, tokenTime } from '../sso/tokens.js';
import { parse, type Parsed } from './parse.js';
import { findCommand } from './table.js';

const target = (a: Parsed, env: Env) => chooseTarget(readProfiles(env).set, env, { profile: a.args[0], session: a.value('sso-session') });

export async function loginCommand(a: Parsed, env: Env): Promise<number> {
  const t = target(a, env);
  const until = await login(t, { deviceCode: a.flag('use-device-code'), noBrowser: a.flag('no-browser') }, env);
  warn(`signed in to ${targetName(t)} until ${isoTime(until)}`);
  return 0;
}

/** `--login` of exports and exec: the login that an error message named (`login --sso-session S` or `login PROFILE`). */
export async function loginFromArgs(args: readonly string[], env: Env): Promise<void> {
  const spec = findCommand('login')!;
  await loginCommand(parse(spec, args[0] === 'login' ? args.slice(1) : args), env);
}

export async function logoutCommand(a: Parsed, env: Env): Promise<number> {
  const t = target(a, env);
  const dir = ssoCacheDir(env);
  const token = readToken(dir, t);
  if (!token) {
    removeCacheFile(dir, registrationKey(t));
    warn(`not signed in to ${targetName(t)}: there is no token to remove`);
    return 0;
  }
  // Only a live token can be revoked; an expired one is removed all the same.
  const failed = (tokenTime(token.expiresAt) ?? 0) > Date.now() ? await portalLogout(t, token.accessToken) : null;
  removeCacheFile(dir, tokenKey(t));
  removeCacheFile(dir, registrationKey(t));
  // Credentials awsp obtained through this sign-in (SSO roles, roles assumed from them) go too.
  const { set } = readProfiles(env, { quiet: true });
  const users = set.profiles.filter((p) => (t.session !== null ? p.options.get('sso_session') === t.session : p.options.get('sso_start_url') === t.startUrl));
  forgetSessions(env, users.map((p) => p.name));
  warn(`signed out of ${targetName(t)}${failed ? `; the local token is removed, but IAM Identity Center was not told: ${failed}` : ''}`);
  return 0;
}
