import { cacheText, unchanged, writeCache } from './cache.js';
import { awsPaths, type AwsPaths, cacheFile } from './config/paths.js';
import { loadProfiles, type ProfileSet } from './config/profiles.js';
import { err } from './output.js';
import { escapeText } from './text.js';

export type Env = Record<string, string | undefined>;

/**
 * Prints a message line on stderr, the way every awsp message looks. Messages quote file names,
 * section names, keys and other programs' output: escaped, so none of it drives the terminal.
 */
export const warn = (message: string): void => {
  err(`awsp: ${escapeText(message)}\n`);
};

/** Shows a value from the user's files or environment in a message: quoted, controls escaped. */
export const show = (value: string): string => `'${escapeText(value)}'`;

export interface ReadOptions {
  /** Print nothing: the shell's `__cache` runs during TAB completion, where output would garble the prompt. */
  quiet?: boolean;
  /** Say when the names cache cannot be written (only where the user asked about the setup: list, status). */
  cacheWarning?: boolean;
  /** Leave the names cache alone: exports and exec are no part of switching or TAB, and are timed. */
  keepCache?: boolean;
}

/**
 * Reads the profiles, prints the files' warnings once, and refreshes the names cache as a
 * side effect (the commands of the everyday path keep the shell's cache honest).
 */
export function readProfiles(env: Env, opts: ReadOptions = {}): { set: ProfileSet; paths: AwsPaths; cache: string } {
  const paths = awsPaths(env);
  const set = loadProfiles(paths);
  if (!opts.quiet) for (const w of set.warnings) warn(w);
  const text = cacheText(set);
  const file = cacheFile(env, paths);
  if (file !== null && !opts.keepCache) {
    const failed = writeCache(file, text, () => unchanged(set.config) && unchanged(set.credentials));
    if (failed && opts.cacheWarning && !opts.quiet) warn(`${failed}; awsp works, but TAB completion and switching start Node each time`);
  }
  return { set, paths, cache: text };
}
