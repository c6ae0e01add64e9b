import { refreshCache } from '../cache.js';
import { type Profile, profileKind } from '../config/profiles.js';
import { type Env, readProfiles, warn } from '../context.js';
import { out, stdoutIsTerminal } from '../output.js';
import { escapeText } from '../text.js';
import type { Parsed } from './parse.js';

const files = (p: Profile): string[] => [...(p.inConfig ? ['config'] : []), ...(p.inCredentials ? ['credentials'] : [])];

/** `awsp list`: names for scripts, a table for people, JSON for programs. */
export function listMain(a: Parsed, env: Env): Promise<number> {
  out(listCommand(a.flag('json'), env, stdoutIsTerminal()));
  return Promise.resolve(0);
}

export function listCommand(json: boolean, env: Env, isTty: boolean): string {
  const { set } = readProfiles(env);
  // `awsp list` is how a user rebuilds the names cache; they hear why it cannot be used.
  const why = refreshCache(env, set);
  if (why) warn(`${why}; awsp works, but TAB completion and switching start Node each time`);
  const active = env.AWS_PROFILE;
  if (json) {
    const rows = set.profiles.map((p) => ({
      name: p.name,
      kind: profileKind(p),
      region: p.options.get('region') ?? null,
      files: files(p),
      active: p.name === active,
    }));
    return JSON.stringify(rows, null, 2) + '\n';
  }
  // Piped: the names exactly, as `aws configure list-profiles` prints them.
  if (!isTty) return set.profiles.map((p) => `${p.name}\n`).join('');
  // On a terminal, what came from the files is escaped: a name or region must not drive it.
  if (set.profiles.length === 0) return `no profiles in ${escapeText(set.config.path)} or ${escapeText(set.credentials.path)}\n`;
  const rows = [
    ['', 'PROFILE', 'KIND', 'REGION', 'FILE'],
    ...set.profiles.map((p) => [p.name === active ? '*' : '', escapeText(p.name), profileKind(p), escapeText(p.options.get('region') ?? '-'), files(p).join('+')]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join(' ').trimEnd() + '\n').join('');
}
