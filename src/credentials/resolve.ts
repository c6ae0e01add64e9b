// Resolution through the AWS SDK's own providers (loaded here, on the exports/exec path only).
import { type Profile, profileKind } from '../config/profiles.js';
import { type Env, readProfiles, show, warn } from '../context.js';
import { UserError } from '../errors.js';
import { loadBundle } from '../load.js';
import type { Credentials } from '../formats.js';
import type { CredentialOptions } from './args.js';
import { enterGuard, findProfile, GUARD, profileChain } from './chain.js';
import { type ErrorContext, explain, SsoLoginNeeded } from './errors.js';
import type * as Sdk from './sdk.js';
import { askTerminal } from './tty.js';

export interface Resolved {
  credentials: Credentials;
  /** The profile's own region, for `exec`. */
  region: string | undefined;
  /** Whether these are an IAM user's long-term keys (only with --no-session). */
  longTerm: boolean;
}

/** Keys in awsp's own environment: stale exports must never be resolved and re-exported. */
export const AMBIENT_KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_CREDENTIAL_EXPIRATION'];

/** Variables awsp sets for its own resolution that a child it starts for the user must not see. */
export const PRIVATE_VARS = [GUARD, 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];

export async function resolveCredentials(opts: CredentialOptions, env: Env): Promise<Resolved> {
  const { set } = readProfiles(env, { keepCache: true });
  const profile = findProfile(set, opts.profile);
  const chain = profileChain(set, opts.profile);
  const ctx: ErrorContext = { profile: opts.profile, chain, known: new Map(set.profiles.map((p) => [p.name, p])) };

  // The SDK reads process.env itself; credential_process children inherit it (and the guard).
  process.env[GUARD] = enterGuard(process.env, opts.profile);
  // `credential_source = Environment` asks for exactly these keys; every other source must not see them.
  if (!chain.some((p) => p.options.get('credential_source') === 'Environment')) {
    for (const n of AMBIENT_KEYS) delete process.env[n];
  }
  // The SDK warns on every run under Node 20 that later releases will need Node 22: not the user's concern here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

  const attempt = () =>
    resolveOnce(opts, profile).catch((e: unknown) => {
      throw explain(e, ctx);
    });
  try {
    return await attempt();
  } catch (e) {
    if (!(e instanceof SsoLoginNeeded) || !opts.login) throw e;
    await runLogin(e.loginArgs, env);
    return attempt();
  }
}

const mfaPrompt = (profile: string) => (serial: string) =>
  Promise.resolve(askTerminal(`awsp: MFA code for ${serial}: `, `profile ${show(profile)} needs an MFA code for ${serial}`));

/** The SDK (dist/sdk.cjs), with the code cache for what this profile will run (src/load.ts). */
const sdk = (profile: Profile, opts: CredentialOptions): typeof Sdk =>
  loadBundle('sdk', profileKind(profile) !== 'static' ? 'role' : opts.noSession ? 'static' : 'session') as typeof Sdk;

async function resolveOnce(opts: CredentialOptions, profile: Profile): Promise<Resolved> {
  const { fromIni } = sdk(profile, opts);
  const c = await fromIni({
    profile: opts.profile,
    mfaCodeProvider: mfaPrompt(opts.profile),
    // Nested clients (STS, SSO) read endpoint settings from this profile, as the CLI's do.
    clientConfig: { profile: opts.profile },
    ignoreCache: true,
  })();
  let credentials: Credentials = {
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    sessionToken: c.sessionToken,
    expiration: c.expiration,
  };
  const region = profile.options.get('region') || undefined;
  if (credentials.sessionToken === undefined) {
    if (opts.noSession) {
      warn(`exporting the long-term keys of ${show(opts.profile)} as they are (--no-session); without it they become a ${opts.duration} s session`);
      return { credentials, region, longTerm: true };
    }
    credentials = await sessionFor(credentials, profile, opts);
  } else if (credentials.expiration === undefined && profile.options.has('aws_credential_expiration')) {
    // Keys written by --write-credentials (or the CLI) carry their expiration beside them.
    const t = new Date(profile.options.get('aws_credential_expiration')!);
    if (!Number.isNaN(t.getTime())) credentials.expiration = t;
  }
  return { credentials, region, longTerm: false };
}

/** Long-term keys become a session: GetSessionToken, with the profile's MFA device when it has one. */
async function sessionFor(keys: Credentials, profile: Profile, opts: CredentialOptions): Promise<Credentials> {
  const { STSClient, GetSessionTokenCommand } = await sdk(profile, opts).loadSts();
  const serial = profile.options.get('mfa_serial');
  const code = serial ? await mfaPrompt(opts.profile)(serial) : undefined;
  const client = new STSClient({
    region: profile.options.get('region') || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1',
    credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey },
    profile: opts.profile,
  });
  try {
    const out = await client.send(new GetSessionTokenCommand({ DurationSeconds: opts.duration, SerialNumber: serial, TokenCode: code }));
    const k = out.Credentials;
    if (!k?.AccessKeyId || !k.SecretAccessKey || !k.SessionToken) throw new UserError('STS GetSessionToken answered without credentials');
    return { accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey, sessionToken: k.SessionToken, expiration: k.Expiration };
  } catch (e) {
    const name = (e as Error).name;
    const message = (e as Error).message ?? '';
    // MFA and network problems have their own messages; anything else STS says is about these keys.
    if (e instanceof UserError || /MultiFactorAuthentication|MFA|\bE[A-Z]{4,}\b|socket hang up/.test(message) || name === 'TimeoutError') throw e;
    throw new UserError(
      `STS would not turn the keys of ${show(opts.profile)} into a session (${name}: ${message.split('\n')[0]}); --no-session exports them as they are`,
    );
  } finally {
    client.destroy();
  }
}

/** --login: awsp's own SSO login (the one the error named), on stderr and the terminal, then a retry. */
async function runLogin(args: string[], env: Env): Promise<void> {
  await (await import('../commands/login.js')).loginFromArgs(args, env);
}
