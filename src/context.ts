import { awsPaths, type AwsPaths } from './config/paths.js';
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
  /** No effect: reading never touches the names cache (src/cache.ts refreshCache does). */
  keepCache?: boolean;
}

/** Reads the profiles and prints the files' warnings once. Only reads: the names cache is src/cache.ts's. */
export function readProfiles(env: Env, opts: ReadOptions = {}): { set: ProfileSet; paths: AwsPaths } {
  const paths = awsPaths(env);
  const set = loadProfiles(paths);
  if (!opts.quiet) for (const w of set.warnings) warn(w);
  return { set, paths };
}
