// The names the picker shows first: from the names cache, when it is fresh by the shell's own
// rule (strictly newer than each AWS file and its folder), so the list is on the screen
// before the files are parsed. Parsing 1,000 profiles takes about as long as Node's start; the
// kinds, regions, accounts and roles follow a moment later, and the choice is validated
// against the files as `awsp NAME` validates it, so a wrong cache can only show wrong names
// for that moment.
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { CACHE_VERSION } from '../cache.js';
import { awsPaths, cacheFile } from '../config/paths.js';
import type { Env } from '../context.js';

const newer = (a: bigint, path: string): boolean => a > statSync(path, { bigint: true }).mtimeNs;

/** The profile names in the cache, or null when there is none to trust. */
export function cachedNames(env: Env): string[] | null {
  try {
    const paths = awsPaths(env);
    const file = cacheFile(env, paths);
    if (file === null) return null;
    const st = statSync(file, { bigint: true });
    // Only a cache of the user's own that nobody else may have written.
    if (st.uid !== BigInt(process.getuid?.() ?? -1) || (st.mode & 0o022n) !== 0n) return null;
    const lines = readFileSync(file, 'utf8').split('\n');
    if (lines[0] !== CACHE_VERSION || lines.at(-1) !== '') return null;
    for (const [flag, path] of [
      [lines[1], paths.config],
      [lines[2], paths.credentials],
    ] as const) {
      if (flag?.slice(1) !== path) return null;
      if (flag.startsWith('+')) {
        if (!newer(st.mtimeNs, path) || !newer(st.mtimeNs, dirname(path))) return null;
      } else if (!flag.startsWith('-') || exists(path)) {
        return null;
      }
    }
    const names = lines.slice(3, -1);
    return names.length > 0 ? names : null;
  } catch {
    return null;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
