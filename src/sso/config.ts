// Which IAM Identity Center session a command means, read from the config as botocore reads it:
// `[sso-session NAME]` sections (named with shlex, like profiles), and legacy profiles that
// carry sso_start_url and sso_region themselves. Pure: no SDK, no network.
import type { IniFile } from '../config/ini.js';
import { closestNames, type Profile, type ProfileSet } from '../config/profiles.js';
import { shlexSplit } from '../config/shlex.js';
import { profileChain, findProfile, signsIn } from '../credentials/chain.js';
import { type Env, show } from '../context.js';
import { UserError } from '../errors.js';
import { escapeText } from '../text.js';

export interface SsoTarget {
  /** The sso-session's name; null for a legacy profile (sso_start_url in the profile itself). */
  session: string | null;
  /** The profile the session was reached through, when there was one. */
  profile: string | null;
  startUrl: string;
  region: string;
  /** sso_registration_scopes, split as the AWS CLI splits them; null when the setting is absent. */
  scopes: string[] | null;
}

/** The sso-session sections of the config file, by name, with [DEFAULT]'s options as botocore applies them. */
export function ssoSessions(set: ProfileSet): Map<string, Map<string, string>> {
  return iniSessions(set.config.ini);
}

export function iniSessions(ini: IniFile): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const s of ini.sections) {
    if (!s.name.startsWith('sso-session')) continue;
    const parts = shlexSplit(s.name);
    if (!parts || parts.length !== 2 || parts[0] !== 'sso-session') continue;
    out.set(parts[1]!, new Map([...ini.defaults, ...s.options]));
  }
  return out;
}

/** The CLI's parse_sso_registration_scopes: comma-separated, stripped, empty ones dropped. */
export const parseScopes = (raw: string): string[] =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

const REGION = /^[a-z]{2,}(-[a-z0-9]+)+$/;

function checked(where: string, startUrl: string | undefined, region: string | undefined, fix: string): { startUrl: string; region: string } {
  const missing = [startUrl ? '' : 'sso_start_url', region ? '' : 'sso_region'].filter(Boolean);
  if (missing.length > 0) throw new UserError(`${where} has no ${missing.join(' and no ')}; ${fix}`);
  if (!REGION.test(region!)) throw new UserError(`${where} has sso_region = ${show(region!)}, which is not a region name (e.g. eu-west-1)`);
  return { startUrl: startUrl!, region: region! };
}

/** The session named NAME; one line naming what is wrong otherwise. */
export function sessionTarget(set: ProfileSet, name: string, profile: string | null = null): SsoTarget {
  const sessions = ssoSessions(set);
  const s = sessions.get(name);
  if (!s) {
    const near = closestNames(name, [...sessions.keys()]);
    const via = profile !== null ? ` (named by profile ${show(profile)})` : '';
    const hint = near.length > 0 ? `; did you mean ${near.map(show).join(', ')}?` : sessions.size > 0 ? `; the sessions are ${[...sessions.keys()].map(show).join(', ')}` : `; add one with: awsp sso add ${/^[\w.@+-]+$/.test(name) ? name : 'NAME'} --start-url URL --region REGION`;
    throw new UserError(`no sso-session ${show(name)} in ${set.config.path}${via}${hint}`);
  }
  const where = `[sso-session ${name}] in ${set.config.path}`;
  const { startUrl, region } = checked(where, s.get('sso_start_url'), s.get('sso_region'), 'add both (see awsp sso --help)');
  const scopes = s.has('sso_registration_scopes') ? parseScopes(s.get('sso_registration_scopes')!) : null;
  return { session: name, profile, startUrl, region, scopes };
}

/** The SSO session behind a profile (directly, or at the end of its source_profile chain). */
export function profileTarget(set: ProfileSet, name: string): SsoTarget {
  findProfile(set, name);
  const sso = profileChain(set, name).find(signsIn);
  if (!sso) throw new UserError(`profile ${show(name)} does not sign in through IAM Identity Center (it has no sso_session or sso_start_url)`);
  const session = sso.options.get('sso_session');
  if (session !== undefined) return sessionTarget(set, session, sso.name);
  return legacyTarget(sso);
}

/** The sign-in of a legacy profile, one with sso_start_url and no sso_session. */
export function legacyTarget(sso: Profile): SsoTarget {
  const { startUrl, region } = checked(`profile ${show(sso.name)}`, sso.options.get('sso_start_url'), sso.options.get('sso_region'), 'or give it an sso_session');
  return { session: null, profile: sso.name, startUrl, region, scopes: null };
}

/**
 * What `awsp login`, `logout` and `sso populate` act on: --sso-session NAME, else PROFILE, else
 * the active profile ($AWS_PROFILE, else `default` when it uses SSO), else the one sso-session there is.
 */
export function chooseTarget(set: ProfileSet, env: Env, want: { profile?: string | undefined; session?: string | undefined }): SsoTarget {
  if (want.session !== undefined && want.profile !== undefined) {
    throw new UserError('give a profile or --sso-session NAME, not both', 2);
  }
  if (want.session !== undefined) return sessionTarget(set, want.session);
  if (want.profile !== undefined) return profileTarget(set, want.profile);
  if (env.AWS_PROFILE) return profileTarget(set, env.AWS_PROFILE);
  const dflt = set.profiles.find((p) => p.name === 'default');
  if (dflt && profileChain(set, 'default').some(signsIn)) return profileTarget(set, 'default');
  const sessions = [...ssoSessions(set).keys()];
  if (sessions.length === 1) return sessionTarget(set, sessions[0]!);
  if (sessions.length === 0) {
    throw new UserError(`no SSO session to use: ${set.config.path} has no [sso-session] section and no profile is active; add one with: awsp sso add NAME --start-url URL --region REGION`);
  }
  throw new UserError(`which SSO session? give --sso-session NAME (one of ${sessions.map(show).join(', ')}) or a profile`, 2);
}

/** The command that signs in to this session, as a user types it. */
export function loginCommand(t: SsoTarget): string {
  // A word to copy into a shell; control characters are shown escaped instead (such a name cannot be typed anyway).
  // eslint-disable-next-line no-control-regex
  const word = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : /[\x00-\x1f\x7f]/.test(s) ? JSON.stringify(s) : `'${s.replace(/'/g, `'\\''`)}'`);
  return escapeText(t.session !== null ? `awsp login --sso-session ${word(t.session)}` : `awsp login ${word(t.profile!)}`);
}

/** How a session is called in messages. */
export const targetName = (t: SsoTarget): string => escapeText(t.session !== null ? `SSO session ${show(t.session)}` : `the SSO sign-in of profile ${show(t.profile!)}`);
