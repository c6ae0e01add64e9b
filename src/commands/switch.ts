import { cacheLocation, cacheText, refreshCache } from '../cache.js';
import { closestNames, type ProfileSet } from '../config/profiles.js';
import { type Env, readProfiles, show, warn } from '../context.js';
import { UserError } from '../errors.js';
import { out } from '../output.js';
import { currentShell } from '../shells/index.js';
import type { Parsed } from './parse.js';

/** Validates a switch and returns the profile; throws the one-line error otherwise. */
export function resolveSwitch(a: Parsed, env: Env, set: ProfileSet = readProfiles(env).set): { name: string; region: string } {
  const name = a.args[0]!;
  const names = set.profiles.map((p) => p.name);
  if (!names.includes(name)) {
    const near = closestNames(name, names);
    const hint = near.length > 0 ? `; did you mean ${near.map(show).join(', ')}?` : names.length === 0 ? `; no profiles in ${set.config.path} or ${set.credentials.path}` : '';
    throw new UserError(`no profile ${show(name)}${hint}`);
  }
  return { name, region: a.value('region') ?? '' };
}

/** `__switch`: what the shell function evals when its own fast check could not decide. */
export function switchCommand(a: Parsed, env: Env): Promise<number> {
  const { set } = readProfiles(env);
  // The shell asked Node because its cache did not know the name, or could not be used: rebuilt,
  // so that the next switch and TAB do without Node (and why it cannot be, said here).
  const why = refreshCache(env, set);
  if (why) warn(`${why}; switching and TAB completion start Node each time`);
  const { name, region } = resolveSwitch(a, env, set);
  out(currentShell(env).call('__awsp_use', [name, region]) + '\n');
  return Promise.resolve(0);
}

/** `__cache`: the names cache, rebuilt. */
export function cacheCommand(env: Env): Promise<number> {
  // Silent even on errors: it runs during TAB completion, and the shell falls back to
  // `awsp __switch`, which explains. Exit non-zero so the shell does not trust the output.
  try {
    const { set } = readProfiles(env, { quiet: true });
    refreshCache(env, set);
    out(cacheText(set, cacheLocation(env)));
    return Promise.resolve(0);
  } catch (e) {
    if (e instanceof UserError) return Promise.resolve(e.exitCode);
    throw e;
  }
}

/** `awsp dev` run as a program: a bad name is still worth its own message first. */
export function notLoadedSwitch(a: Parsed, env: Env): Promise<number> {
  resolveSwitch(a, env);
  throw notLoaded(env);
}

/** `awsp dev` run as a program: it cannot change its parent shell, so say how to load the integration. */
export function notLoaded(env: Env): UserError {
  const shell = currentShell(env);
  return new UserError(
    `the shell integration is not loaded, so awsp cannot change this shell; add this line to ${shell.rcFile} and open a new shell: ${shell.initLine}`,
  );
}
