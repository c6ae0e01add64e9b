import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { decodeUtf8, type IniFile, parseIni } from './ini.js';
import type { AwsPaths } from './paths.js';
import { shlexSplit } from './shlex.js';

export type ProfileKind = 'role' | 'sso' | 'web-identity' | 'process' | 'static' | '-';

export interface Profile {
  name: string;
  /** Which files define it. */
  inConfig: boolean;
  inCredentials: boolean;
  /** Config options, updated by the credentials file's, as botocore merges them. */
  options: Map<string, string>;
}

export interface LoadedFile {
  path: string;
  /** Whether something was there to read (false: missing, so empty). */
  exists: boolean;
  ini: IniFile;
}

export interface ProfileSet {
  profiles: Profile[];
  config: LoadedFile;
  credentials: LoadedFile;
  /** One line each, for stderr: files the AWS CLI would refuse, names awsp cannot use. */
  warnings: string[];
}

const EMPTY: IniFile = { sections: [], defaults: new Map(), problems: [] };

/** Reads a file the way botocore does: a missing file is an empty file. */
export function loadIni(path: string, warnings: string[]): LoadedFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { path, exists: false, ini: EMPTY };
    if (code === 'EISDIR') {
      warnings.push(`${path} is a directory, not a file; reading it as empty`);
      return { path, exists: true, ini: EMPTY };
    }
    if (code === 'ELOOP') {
      warnings.push(`${path} is a symlink loop; reading it as empty`);
      return { path, exists: true, ini: EMPTY };
    }
    if (code === 'EACCES' || code === 'EPERM') throw new UserError(`cannot read ${path}: permission denied`);
    throw new UserError(`cannot read ${path}: ${(e as Error).message}`);
  }
  const problems: string[] = [];
  const text = decodeUtf8(bytes, problems);
  const ini = parseIni(text);
  ini.problems.unshift(...problems);
  if (ini.problems.length > 0) {
    const more = ini.problems.length > 1 ? ` (and ${ini.problems.length - 1} more problem${ini.problems.length > 2 ? 's' : ''})` : '';
    warnings.push(`${path}: ${ini.problems[0]}${more}; the AWS CLI refuses this file, awsp reads what it can`);
  }
  return { path, exists: true, ini };
}

/** The profile name a config-file section defines, as botocore's build_profile_map decides. */
export function configProfileName(section: string): string | null {
  if (section === 'default') return 'default';
  if (!section.startsWith('profile')) return null;
  const parts = shlexSplit(section);
  return parts && parts.length === 2 ? parts[1]! : null;
}

/** Names awsp refuses to handle: empty, or holding control characters (they would corrupt terminals and lists). */
export function unsupportedNameReason(name: string): string | null {
  if (name === '') return 'an empty name';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) return 'control characters';
  return null;
}

/** All profiles, in the order `aws configure list-profiles` prints them. */
export function loadProfiles(paths: AwsPaths): ProfileSet {
  const warnings: string[] = [];
  const config = loadIni(paths.config, warnings);
  const credentials = loadIni(paths.credentials, warnings);
  const byName = new Map<string, Profile>();
  const withDefaults = (ini: IniFile, options: Map<string, string>) => new Map([...ini.defaults, ...options]);
  for (const section of config.ini.sections) {
    const name = configProfileName(section.name);
    if (name === null) continue;
    const existing = byName.get(name);
    const options = withDefaults(config.ini, section.options);
    // `[default]` and `[profile default]` are both the profile `default`: the later section wins, the first keeps its place.
    if (existing) existing.options = options;
    else byName.set(name, { name, inConfig: true, inCredentials: false, options });
  }
  for (const section of credentials.ini.sections) {
    const existing = byName.get(section.name);
    const options = withDefaults(credentials.ini, section.options);
    if (existing) {
      existing.inCredentials = true;
      for (const [k, v] of options) existing.options.set(k, v);
    } else {
      byName.set(section.name, { name: section.name, inConfig: false, inCredentials: true, options });
    }
  }
  const profiles: Profile[] = [];
  for (const p of byName.values()) {
    const why = unsupportedNameReason(p.name);
    if (why) warnings.push(`skipping a profile whose name has ${why}: ${JSON.stringify(p.name)}`);
    else profiles.push(p);
  }
  return { profiles, config, credentials, warnings };
}

export function profileKind(p: Profile): ProfileKind {
  const o = p.options;
  if (o.has('role_arn')) return 'role';
  if (o.has('sso_session') || o.has('sso_start_url')) return 'sso';
  if (o.has('web_identity_token_file')) return 'web-identity';
  if (o.has('credential_process')) return 'process';
  if (o.has('aws_access_key_id')) return 'static';
  return '-';
}

/** Up to three existing names close to `name`, best first, for "did you mean". */
export function closestNames(name: string, names: readonly string[]): string[] {
  const lower = name.toLowerCase();
  const scored = names
    .map((n) => ({ n, d: editDistance(lower, n.toLowerCase()) }))
    .filter(({ n, d }) => d <= Math.max(2, Math.floor(name.length / 3)) || n.toLowerCase().includes(lower))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n));
  return scored.slice(0, 3).map(({ n }) => n);
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
