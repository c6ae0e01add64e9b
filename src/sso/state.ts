// Whether each IAM Identity Center session is signed in, for `awsp` (status) and `awsp list`:
// read from the token cache alone, no network, no SDK.
import type { ProfileSet } from '../config/profiles.js';
import { profileChain, profilesByName, signsIn } from '../credentials/chain.js';
import { type Env, show } from '../context.js';
import { isoTime } from '../formats.js';
import { legacyTarget, loginCommand, profileTarget, sessionTarget, type SsoTarget, ssoSessions, targetName } from './config.js';
import { escapeText } from '../text.js';
import { type SessionState, sessionState, ssoCacheDir, tokenKey } from './tokens.js';

/** The SSO session behind a profile, or null when it has none or its settings are incomplete (login says why). */
export function profileSso(set: ProfileSet, name: string): SsoTarget | null {
  if (!profileChain(set, name).some(signsIn)) return null;
  try {
    return profileTarget(set, name);
  } catch {
    return null;
  }
}

/**
 * profileSso for every profile at once, in one pass: the names cache and `awsp list` ask for
 * all of them, and profileSso alone reads the whole set for each (quadratic at 10,000 profiles).
 */
export function ssoTargets(set: ProfileSet): Map<string, SsoTarget | null> {
  const byName = profilesByName(set);
  const sessions = new Map<string, SsoTarget | null>();
  const out = new Map<string, SsoTarget | null>();
  const attempt = (f: () => SsoTarget): SsoTarget | null => {
    try {
      return f();
    } catch {
      return null; // incomplete: login says why
    }
  };
  for (const { name } of set.profiles) {
    const p = profileChain(set, name, byName).find(signsIn);
    if (!p) {
      out.set(name, null);
      continue;
    }
    const session = p.options.get('sso_session');
    if (session === undefined) {
      out.set(name, attempt(() => legacyTarget(p)));
      continue;
    }
    if (!sessions.has(session)) sessions.set(session, attempt(() => sessionTarget(set, session)));
    const t = sessions.get(session)!;
    out.set(name, t && { ...t, profile: p.name });
  }
  return out;
}

/**
 * The line a switch prints on stderr while T has no live sign-in. Built here only: `awsp
 * __switch` prints it, and the names cache holds it for the shells, which print it as it is.
 * It names the session, not the profile (just typed), so the cache holds it once per session.
 * Escaped (targetName, loginCommand): it holds no control character, not even a tab.
 */
export const switchWarning = (t: SsoTarget): string => `awsp: ${targetName(t)} has expired or is not signed in; run: ${loginCommand(t)}`;

/** For `awsp __switch`: the warning when profile NAME's session needs a login (not when the SDKs can renew it), or null. */
export function ssoSwitchWarning(set: ProfileSet, env: Env, name: string, now = Date.now()): string | null {
  const t = profileSso(set, name);
  if (!t) return null;
  const { state } = sessionState(ssoCacheDir(env), t, now);
  return state === 'expired' || state === 'signed-out' ? switchWarning(t) : null;
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
  const targets = ssoTargets(set);
  for (const p of set.profiles) {
    const t = targets.get(p.name);
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
