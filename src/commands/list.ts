import { type Profile, profileKind } from '../config/profiles.js';
import { type Env, readProfiles } from '../context.js';
import { isoTime } from '../formats.js';
import { out, stdoutIsTerminal } from '../output.js';
import { describe, sessionLabel, shortState, ssoStates } from '../sso/state.js';
import type { Parsed } from './parse.js';

const files = (p: Profile): string[] => [...(p.inConfig ? ['config'] : []), ...(p.inCredentials ? ['credentials'] : [])];

/** `awsp list`: names for scripts, a table for people, JSON for programs. */
export function listMain(a: Parsed, env: Env): Promise<number> {
  out(listCommand(a.flag('json'), env, stdoutIsTerminal()));
  return Promise.resolve(0);
}

export function listCommand(json: boolean, env: Env, isTty: boolean): string {
  const { set } = readProfiles(env, { cacheWarning: true });
  const active = env.AWS_PROFILE;
  if (json) {
    const sso = ssoStates(set, env);
    const rows = set.profiles.map((p) => ({
      name: p.name,
      kind: profileKind(p),
      region: p.options.get('region') ?? null,
      files: files(p),
      active: p.name === active,
      sso: ssoJson(sso.get(p.name) ?? null),
    }));
    return JSON.stringify(rows, null, 2) + '\n';
  }
  if (!isTty) return set.profiles.map((p) => `${p.name}\n`).join('');
  if (set.profiles.length === 0) return `no profiles in ${set.config.path} or ${set.credentials.path}\n`;
  const sso = ssoStates(set, env);
  const withSso = [...sso.values()].some((v) => v !== null);
  const rows = [
    ['', 'PROFILE', 'KIND', 'REGION', ...(withSso ? ['SSO'] : []), 'FILE'],
    ...set.profiles.map((p) => [
      p.name === active ? '*' : '',
      p.name,
      profileKind(p),
      p.options.get('region') ?? '-',
      ...(withSso ? [ssoCell(sso.get(p.name) ?? null)] : []),
      files(p).join('+'),
    ]),
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
