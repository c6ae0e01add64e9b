import { parseArgs } from 'node:util';
import { type Profile, profileKind } from '../config/profiles.js';
import { type Env, readProfiles } from '../context.js';
import { UserError } from '../errors.js';

const files = (p: Profile): string[] => [...(p.inConfig ? ['config'] : []), ...(p.inCredentials ? ['credentials'] : [])];

/** `awsp list`: names for scripts, a table for people, JSON for programs. */
export function listCommand(args: string[], env: Env, isTty: boolean): string {
  let json = false;
  try {
    json = parseArgs({ args, strict: true, options: { json: { type: 'boolean' } } }).values.json ?? false;
  } catch (e) {
    throw new UserError(`${(e as Error).message.split('\n')[0]}; usage: awsp list [--json]`, 2);
  }
  const { set } = readProfiles(env, { cacheWarning: true });
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
  if (!isTty) return set.profiles.map((p) => `${p.name}\n`).join('');
  if (set.profiles.length === 0) return `no profiles in ${set.config.path} or ${set.credentials.path}\n`;
  const rows = [
    ['', 'PROFILE', 'KIND', 'REGION', 'FILE'],
    ...set.profiles.map((p) => [p.name === active ? '*' : '', p.name, profileKind(p), p.options.get('region') ?? '-', files(p).join('+')]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join(' ').trimEnd() + '\n').join('');
}
