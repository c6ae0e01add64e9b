// `awsp exec --server`: the endpoint for one child, which lives exactly as long as the child.
import type { ProfileSet } from '../config/profiles.js';
import { type Env, readProfiles, warn } from '../context.js';
import { UserError } from '../errors.js';
import type { Resolved, Resolver } from '../credentials/resolve.js';
import { type Endpoint, endpointEnv, SHADOWING_VARS, startEndpoint } from './endpoint.js';

/** Settings that give a profile credentials of its own (what botocore's providers look for). */
const OWN_CREDENTIALS = ['aws_access_key_id', 'aws_secret_access_key', 'role_arn', 'web_identity_token_file', 'sso_account_id', 'sso_role_name', 'credential_process'];

/**
 * Why a client without AWS_PROFILE would not reach the endpoint: the SDKs and the CLI try the
 * `default` profile before container credentials, so credentials of its own win silently.
 */
export function defaultProfileShadows(set: ProfileSet): string | null {
  const p = set.profiles.find((q) => q.name === 'default');
  const found = p ? OWN_CREDENTIALS.filter((k) => p.options.has(k)) : [];
  if (found.length === 0) return null;
  return `the profile 'default' has credentials of its own (${found.join(', ')}), which the AWS SDKs and the CLI use before a credentials endpoint`;
}

/** Starts the endpoint and points CHILD_ENV at it (no keys, nothing that would be read before it). */
export async function serveChild(resolver: Resolver, first: Resolved, env: Env, childEnv: Env): Promise<Endpoint> {
  const shadow = defaultProfileShadows(readProfiles(env, { quiet: true }).set);
  if (shadow) throw new UserError(`${shadow}; use awsp exec without --server, or move those settings out of [default]`);
  const endpoint = await startEndpoint(
    async () => {
      const r = await resolver.resolve();
      return r.accountId !== undefined ? { credentials: r.credentials, accountId: r.accountId } : { credentials: r.credentials };
    },
    first.accountId !== undefined ? { credentials: first.credentials, accountId: first.accountId } : { credentials: first.credentials },
    { onError: (m) => warn(`cannot refresh the credentials of the endpoint: ${m}`) },
  );
  // The child has the terminal from now on: a refresh that needs an MFA code fails instead of prompting.
  resolver.interactive = false;
  for (const n of SHADOWING_VARS) delete childEnv[n];
  for (const [n, v] of endpointEnv(endpoint)) childEnv[n] = v;
  return endpoint;
}
