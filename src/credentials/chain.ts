import { closestNames, type Profile, type ProfileSet } from '../config/profiles.js';
import { show } from '../context.js';
import { UserError } from '../errors.js';

/** The profiles by name: built once by a caller that walks many chains. */
export const profilesByName = (set: ProfileSet): Map<string, Profile> => new Map(set.profiles.map((p) => [p.name, p]));

/** Whether the profile itself signs in through IAM Identity Center (a session, or a legacy start URL). */
export const signsIn = (p: Profile): boolean => p.options.has('sso_session') || p.options.has('sso_start_url');

/**
 * The profile and its source_profile links (stops at a cycle or a missing name). Which source
 * actually gives the credentials is the plan's business (plan.ts); this is for showing state.
 */
export function profileChain(set: ProfileSet, name: string, byName: ReadonlyMap<string, Profile> = profilesByName(set)): Profile[] {
  const chain: Profile[] = [];
  let p = byName.get(name);
  while (p && !chain.includes(p)) {
    chain.push(p);
    // botocore ignores source_profile on a profile without role_arn.
    const src = p.options.has('role_arn') ? p.options.get('source_profile') : undefined;
    p = src === undefined ? undefined : byName.get(src);
  }
  return chain;
}

export function findProfile(set: ProfileSet, name: string): Profile {
  const p = set.profiles.find((q) => q.name === name);
  if (p) return p;
  const names = set.profiles.map((q) => q.name);
  const near = closestNames(name, names);
  const hint =
    near.length > 0
      ? `; did you mean ${near.map(show).join(', ')}?`
      : names.length === 0
        ? `; no profiles in ${set.config.path} or ${set.credentials.path}`
        : '; see awsp list';
  throw new UserError(`no profile ${show(name)}${hint}`);
}

/** The variable that carries the profiles being resolved, down through credential_process children. */
export const GUARD = 'AWSP_RESOLVING';

/**
 * Stops a credential_process that runs awsp for a profile already being resolved further up
 * (directly, or through a chain of profiles), which would otherwise fork without end.
 */
export function enterGuard(env: Record<string, string | undefined>, name: string): string {
  const outer = env[GUARD] ? env[GUARD].split('\n') : [];
  if (outer.includes(name)) {
    throw new UserError(
      `profile ${show(name)} needs its own credentials to get them (credential_process loop: ${[...outer, name].join(' -> ')}); point its credential_process elsewhere`,
    );
  }
  // Profile names never hold control characters (the parser skips those), so a newline separates.
  return [...outer, name].join('\n');
}
