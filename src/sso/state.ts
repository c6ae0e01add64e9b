// Whether each IAM Identity Center session is signed in, for `awsp` (status) and `awsp list`:
// read from the token cache alone, no network, no SDK.
import type { ProfileSet } from '../config/profiles.js';
import { profileChain } from '../credentials/chain.js';
import { type Env, show } from '../context.js';
import { isoTime } from '../formats.js';
import { loginCommand, profileTarget, sessionTarget, type SsoTarget, ssoSessions } from './config.js';
import { escapeText } from '../text.js';
import { type SessionState, sessionState, ssoCacheDir, tokenKey } from './tokens.js';

/** The SSO session behind a profile, or null when it has none or its settings are incomplete (login says why). */
export function profileSso(set: ProfileSet, name: string): SsoTarget | null {
  if (!profileChain(set, name).some((p) => p.options.has('sso_session') || p.options.has('sso_start_url'))) return null;
  try {
    return profileTarget(set, name);
  } catch {
    return null;
  }
}

/** Every session of the config: the sso-sessions, then the start URLs of legacy profiles, each once. */
export function allSessions(set: ProfileSet): SsoTarget[] {
  const out = new Map<string, SsoTarget>();
  for (const name of ssoSessions(set).keys()) {
    try {
      const t = sessionTarget(set, name);
      out.set(tokenKey(t), t);
    } catch {
      // incomplete: `awsp login --sso-session NAME` says what is missing
    }
  }
  for (const p of set.profiles) {
    if (p.options.has('sso_session') || !p.options.has('sso_start_url')) continue;
    const t = profileSso(set, p.name);
    if (t && !out.has(tokenKey(t))) out.set(tokenKey(t), t);
  }
  return [...out.values()];
}

const left = (ms: number): string => {
  const m = Math.max(0, Math.floor(ms / 60_000));
  return m >= 60 ? `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m` : `${m}m`;
};

/** One phrase: signed in until when, or expired with the command to run. */
export function describe(t: SsoTarget, s: SessionState, now = Date.now()): string {
  switch (s.state) {
    case 'signed-in':
      return `signed in until ${isoTime(s.expiresAt)} (${left(s.expiresAt.getTime() - now)} left)`;
    case 'renewable':
      return `token expired at ${isoTime(s.expiresAt)}; the AWS CLI and SDKs renew it with its refresh token (if that fails, run: ${loginCommand(t)})`;
    case 'expired':
      return `expired at ${isoTime(s.expiresAt)}; run: ${loginCommand(t)}`;
    case 'signed-out':
      return `not signed in; run: ${loginCommand(t)}`;
  }
}

/** A word for a table column. */
export function shortState(s: SessionState, now = Date.now()): string {
  switch (s.state) {
    case 'signed-in':
      return left(s.expiresAt.getTime() - now);
    case 'renewable':
      return 'renewable';
    case 'expired':
      return 'expired';
    case 'signed-out':
      return 'signed out';
  }
}

export const sessionLabel = (t: SsoTarget): string => escapeText(t.session !== null ? `sso-session ${show(t.session)}` : `sso_start_url ${show(t.startUrl)}`);

/** Status lines, one per session of the config. */
export function ssoStatusLines(set: ProfileSet, env: Env, now = Date.now()): string[] {
  const dir = ssoCacheDir(env);
  return allSessions(set).map((t) => `${sessionLabel(t)}: ${describe(t, sessionState(dir, t, now), now)}`);
}

/** For `awsp list`: each profile's session state (null for a profile without SSO). */
export function ssoStates(set: ProfileSet, env: Env, now = Date.now()): Map<string, { target: SsoTarget; state: SessionState } | null> {
  const dir = ssoCacheDir(env);
  const byKey = new Map<string, SessionState>();
  const out = new Map<string, { target: SsoTarget; state: SessionState } | null>();
  for (const p of set.profiles) {
    const t = profileSso(set, p.name);
    if (!t) {
      out.set(p.name, null);
      continue;
    }
    const k = tokenKey(t);
    if (!byKey.has(k)) byKey.set(k, sessionState(dir, t, now));
    out.set(p.name, { target: t, state: byKey.get(k)! });
  }
  return out;
}
