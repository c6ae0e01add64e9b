// `awsp console [PROFILE]`: the AWS console in the browser, signed in as the profile.
import { configuredEndpoint } from '../config/endpoints.js';
import { credentialOptions } from '../credentials/args.js';
import { findProfile } from '../credentials/chain.js';
import { profileKind } from '../credentials/plan.js';
import { PRIVATE_VARS, resolveCredentials } from '../credentials/resolve.js';
import { openInBrowser } from '../console/browser.js';
import { federationEndpoint, federationToken, loginUrl, signinToken } from '../console/federate.js';
import { destination, partitionFor } from '../console/partition.js';
import { type Env, readProfiles, show, warn } from '../context.js';
import { UserError } from '../errors.js';
import { out, stdoutIsTerminal } from '../output.js';
import type { Parsed } from './parse.js';

/** A role's console session: 15 minutes to 12 hours. */
const MAX_ROLE_SESSION = 43_200;
const DEFAULT_SECONDS = 3600;

export async function consoleCommand(a: Parsed, env: Env): Promise<number> {
  const name = a.args[0] ?? (env.AWS_PROFILE || 'default');
  const printUrl = a.flag('url');
  if (a.flag('reveal') && !printUrl) throw new UserError('--reveal only goes with --url; see awsp console --help', 2);
  // Checked before anything is resolved: no MFA prompt or STS call for output that would be refused.
  if (printUrl && !a.flag('reveal') && stdoutIsTerminal()) {
    throw new UserError(
      'not printing the sign-in URL onto the terminal: anyone who sees it is signed in for 15 minutes; pipe it (awsp console --url | xclip), open it with awsp console, or add --reveal',
    );
  }
  const { set } = readProfiles(env, { keepCache: true });
  const profile = findProfile(set, name);
  const region = a.value('region') ?? profile.options.get('region') ?? '';
  const partition = partitionFor(region, profile.options.get('role_arn'));
  const landing = destination(a.value('service'), region, partition);
  const endpoint = federationEndpoint(env, partition.signin);
  const seconds = a.seconds('duration');
  const kind = profileKind(set, profile.name);
  // Only credentials of AssumeRole* take SessionDuration; for others the session lasts as long as they do.
  const fromAssumeRole = kind === 'role' || kind === 'web-identity';
  if (fromAssumeRole && seconds !== undefined && seconds > MAX_ROLE_SESSION) {
    throw new UserError(`a console session as a role lasts at most 12h, not ${a.value('duration')}; see awsp console --help`, 2);
  }

  // Long-term keys are asked for as they are (not as a GetSessionToken session, which the
  // sign-in endpoint refuses), then turned into a federation session below: they never leave awsp.
  const { credentials, longTerm } = await resolveCredentials({ ...credentialOptions(a, env), profile: name, noSession: true, keysStayInside: true }, env);
  let temporary = credentials;
  let sessionDuration: number | undefined;
  if (longTerm || credentials.sessionToken === undefined) {
    temporary = await federationToken(credentials, name, region || partition.stsRegion, seconds ?? DEFAULT_SECONDS, configuredEndpoint(set, profile.name, env, 'sts'));
  } else if (fromAssumeRole) {
    sessionDuration = seconds ?? DEFAULT_SECONDS;
  } else if (seconds !== undefined) {
    warn(`--duration does not apply to ${show(name)} (${kind === 'static' ? 'session keys' : kind}): its console session lasts as long as its credentials`);
  }
  const token = await signinToken(endpoint, temporary, sessionDuration);
  const url = loginUrl(endpoint, token, landing);
  if (printUrl) {
    out(`${url}\n`);
    return 0;
  }
  const childEnv: Env = { ...env };
  for (const n of PRIVATE_VARS) delete childEnv[n];
  await openInBrowser(url, env, childEnv);
  return 0;
}
