import { cacheLocation, cacheText, refreshCache } from '../cache.js';
import { closestNames, type ProfileSet } from '../config/profiles.js';
import { type Env, readProfiles, show, warn } from '../context.js';
import { UserError } from '../errors.js';
import { err, out } from '../output.js';
import { ssoSwitchWarning } from '../sso/state.js';
import { currentShell, renderEnv } from '../shells/index.js';
import { unknownRegionWarning } from '../regions.js';
import { type Parsed, usageError } from './parse.js';

/** A validated switch: the profile (null: `awsp --region R` alone keeps the profile) and the region ('' for none). */
export interface Switch {
  name: string | null;
  region: string;
}

/** Validates a switch and returns it; throws the one-line error otherwise. */
export function resolveSwitch(a: Parsed, env: Env, set?: ProfileSet): Switch {
  const region = a.value('region') ?? '';
  // A region the SDK does not know is set all the same (regions appear before awsp knows them).
  const unknown = region === '' ? null : unknownRegionWarning(region);
  const name = a.args[0];
  if (name === undefined) {
    if (region === '') throw usageError(a.spec, 'a switch needs a profile, or --region R alone to change only the region');
    if (unknown) warn(unknown);
    return { name: null, region };
  }
  set ??= readProfiles(env).set;
  const names = set.profiles.map((p) => p.name);
  if (!names.includes(name)) {
    const near = closestNames(name, names);
    const hint = near.length > 0 ? `; did you mean ${near.map(show).join(', ')}?` : names.length === 0 ? `; no profiles in ${set.config.path} or ${set.credentials.path}` : '';
    throw new UserError(`no profile ${show(name)}${hint}`);
  }
  if (unknown) warn(unknown);
  return { name, region };
}

/** `__switch`: what the shell function evals when its own fast check could not decide. */
export function switchCommand(a: Parsed, env: Env): Promise<number> {
  const { set } = readProfiles(env);
  // The shell asked Node because its cache did not know the name, or could not be used: rebuilt,
  // so that the next switch and TAB do without Node (and why it cannot be, said here).
  const why = refreshCache(env, set);
  if (why) warn(`${why}; switching and TAB completion start Node each time`);
  const { name, region } = resolveSwitch(a, env, set);
  const shell = currentShell(env);
  // The region alone: the same variables and mark as a switch with --region, nothing else touched.
  if (name === null) {
    out(renderEnv(shell, [['AWS_REGION', region], ['AWS_DEFAULT_REGION', region], ['AWSP_REGION', region]]));
  } else {
    // The switch happens all the same; the line is the one the shells print from the cache.
    const sso = ssoSwitchWarning(set, env, name);
    if (sso !== null) err(`${sso}\n`);
    out(shell.call('__awsp_use', [name, region]) + '\n');
  }
  return Promise.resolve(0);
}

/** `__cache`: the names cache, rebuilt. */
export function cacheCommand(env: Env): Promise<number> {
  // Silent even on errors: it runs during TAB completion, and the shell falls back to
  // `awsp __switch`, which explains. Exit non-zero so the shell does not trust the output.
  // For a switch (the shell names the profile in AWSP_NAME) to a profile that is there, the
  // files' warnings are said, since the shell switches without asking more: a file the AWS CLI
  // refuses leaves no cache, so this runs at each switch until the file is fixed. (For any
  // other name the shell runs `awsp __switch`, which says them.)
  try {
    const { set } = readProfiles(env, { quiet: true });
    refreshCache(env, set);
    if (env.AWSP_NAME !== undefined && set.profiles.some((p) => p.name === env.AWSP_NAME)) for (const w of set.warnings) warn(w);
    out(cacheText(set, cacheLocation(env), env));
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
