import { mkdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ProfileSet } from './config/profiles.js';

// The names cache lets the shell functions complete and validate without starting Node.
// Format (read by shell/awsp.*): a version line, then `+PATH` or `-PATH` for the config and
// the credentials file (there or not when the cache was built), then one name per line.
// The shell trusts the cache while the cache is strictly newer than each file that is there
// and each file's presence is unchanged.
export const CACHE_VERSION = 'awsp-names-v1';

const statMtime = (path: string): number | undefined => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
};

export function cacheText(set: ProfileSet, before: readonly (number | undefined)[]): string {
  const flag = (m: number | undefined, path: string) => `${m === undefined ? '-' : '+'}${path}`;
  return [
    CACHE_VERSION,
    flag(before[0], set.config.path),
    flag(before[1], set.credentials.path),
    ...set.profiles.map((p) => p.name),
    '',
  ].join('\n');
}

/** Stat the two files before reading them, so a change made while we read is noticed. */
export function statSources(paths: { config: string; credentials: string }): (number | undefined)[] {
  return [statMtime(paths.config), statMtime(paths.credentials)];
}

/**
 * Writes the cache atomically (a reader never sees half a file). Best effort: on failure the
 * shell falls back to asking Node, so the reason is returned for a warning, not thrown.
 */
export function writeCache(file: string, text: string, sources: readonly string[], before: readonly (number | undefined)[]): string | null {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* it was never written */
    }
    return `cannot write the profile cache ${file}: ${(e as Error).message}`;
  }
  // A file changed while we read it: drop the cache rather than keep stale names.
  if (sources.some((s, i) => statMtime(s) !== before[i])) {
    try {
      unlinkSync(file);
    } catch {
      /* another writer replaced it */
    }
  }
  return null;
}
