import { refreshCache } from '../cache.js';
import type { Profile, ProfileSet } from '../config/profiles.js';
import { profileKind } from '../credentials/plan.js';
import { type Env, readProfiles, show, warn } from '../context.js';
import { isoTime } from '../formats.js';
import { out, stdoutIsTerminal } from '../output.js';
import { describe, sessionLabel, shortState, ssoStates } from '../sso/state.js';
import { escapeText } from '../text.js';
import type { Parsed } from './parse.js';

const files = (p: Profile): string[] => [...(p.inConfig ? ['config'] : []), ...(p.inCredentials ? ['credentials'] : [])];

/** The account and role a profile signs in as, where its settings say: role_arn, or sso_account_id and sso_role_name. */
export function profileIdentity(p: Profile): { account: string | null; role: string | null } {
  const arn = p.options.get('role_arn');
  if (arn !== undefined) {
    // arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME
    const m = /^arn:[^:]*:iam::(\d{12}):role\/(.+)$/.exec(arn.trim());
    return m ? { account: m[1]!, role: m[2]! } : { account: null, role: null };
  }
  return { account: p.options.get('sso_account_id')?.trim() || null, role: p.options.get('sso_role_name')?.trim() || null };
}

/** The kind of credentials, with a word for a profile that has none of its own (region, output...): never a bare `-`. */
export function listKind(set: ProfileSet, p: Profile): string {
  const kind = profileKind(set, p.name);
  return kind === '-' ? 'settings-only' : kind;
}

/** `awsp list FILTER`: the profiles whose name contains FILTER, ignoring case. */
export function filterProfiles(profiles: readonly Profile[], filter: string | undefined): Profile[] {
  if (filter === undefined) return [...profiles];
  const f = filter.toLowerCase();
  return profiles.filter((p) => p.name.toLowerCase().includes(f));
}

/** `awsp list`: names for scripts, a table for people, JSON for programs. */
export function listMain(a: Parsed, env: Env): Promise<number> {
  out(listCommand(a.flag('json'), env, stdoutIsTerminal(), a.args[0]));
  return Promise.resolve(0);
}

export function listCommand(json: boolean, env: Env, isTty: boolean, filter?: string): string {
  const { set } = readProfiles(env);
  // `awsp list` is how a user rebuilds the names cache; they hear why it cannot be used.
  const why = refreshCache(env, set);
  if (why) warn(`${why}; awsp works, but TAB completion and switching start Node each time`);
  const active = env.AWS_PROFILE;
  const profiles = filterProfiles(set.profiles, filter);
  if (json) {
    const sso = ssoStates(set, env);
    const rows = profiles.map((p) => ({
      name: p.name,
      kind: listKind(set, p),
      ...profileIdentity(p),
      region: p.options.get('region') ?? null,
      files: files(p),
      active: p.name === active,
      sso: ssoJson(sso.get(p.name) ?? null),
    }));
    return JSON.stringify(rows, null, 2) + '\n';
  }
  // Piped: the names exactly, as `aws configure list-profiles` prints them.
  if (!isTty) return profiles.map((p) => `${p.name}\n`).join('');
  // On a terminal, what came from the files is escaped: a name or region must not drive it.
  if (profiles.length === 0) {
    return filter === undefined || set.profiles.length === 0
      ? `no profiles in ${escapeText(set.config.path)} or ${escapeText(set.credentials.path)}\n`
      : `no profile name contains ${show(filter)} (${set.profiles.length} profiles in all)\n`;
  }
  const sso = ssoStates(set, env);
  const withSso = [...sso.values()].some((v) => v !== null);
  const rows = [
    ['', 'PROFILE', 'KIND', 'ACCOUNT', 'ROLE', 'REGION', ...(withSso ? ['SSO'] : []), 'FILE'],
    ...profiles.map((p) => {
      const { account, role } = profileIdentity(p);
      return [
        p.name === active ? '*' : '',
        escapeText(p.name),
        listKind(set, p),
        escapeText(account ?? '-'),
        escapeText(role ?? '-'),
        escapeText(p.options.get('region') ?? '-'),
        ...(withSso ? [ssoCell(sso.get(p.name) ?? null)] : []),
        files(p).join('+'),
      ];
    }),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join(' ').trimEnd() + '\n').join('');
  return table + ssoFooter(sso);
}

type SsoOfProfile = ReturnType<typeof ssoStates> extends Map<string, infer V> ? V : never;

/** The SSO column: how long the session has left, or that it needs a login. */
const ssoCell = (s: SsoOfProfile): string => (s === null ? '-' : shortState(s.state));

/** Under the table, each session that needs a login, with the command. */
function ssoFooter(sso: ReturnType<typeof ssoStates>): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const s of sso.values()) {
    if (s === null || s.state.state === 'signed-in') continue;
    const label = sessionLabel(s.target);
    if (seen.has(label)) continue;
    seen.add(label);
    lines.push(`${label}: ${describe(s.target, s.state)}\n`);
  }
  return lines.length > 0 ? `\n${lines.join('')}` : '';
}

/** The SSO part of a profile in --json: its session and the token's state; null without SSO. */
const ssoJson = (s: SsoOfProfile) =>
  s === null
    ? null
    : {
        session: s.target.session,
        startUrl: s.target.startUrl,
        state: s.state.state,
        expiresAt: s.state.state === 'signed-out' ? null : isoTime(s.state.expiresAt),
      };
