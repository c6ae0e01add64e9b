// Resolution of a profile's credentials. The plan (plan.ts) decides the source as the AWS CLI
// would; this file obtains each step, through the AWS SDK's own clients wherever AWS is called
// (loaded here, on this path only), and keeps what expires in the session cache
// (src/sessions/cache.ts) so the next run makes no call and asks for no MFA code.
//
// A role whose mfa_serial guards long-term keys is reached as AWS recommends: GetSessionToken with
// the MFA code once (kept for --mfa-duration, never handed out), then AssumeRole from that session,
// which carries MultiFactorAuthPresent. AWS allows such chained roles at most one hour.
import { readFileSync } from 'node:fs';
import { configuredEndpoint, endpointConfig } from '../config/endpoints.js';
import type { Profile } from '../config/profiles.js';
import { type Env, readProfiles, show, warn } from '../context.js';
import { UserError } from '../errors.js';
import type { Credentials } from '../formats.js';
import { loadBundle } from '../load.js';
import { type Cached, SessionCache } from '../sessions/cache.js';
import type { CredentialOptions } from './args.js';
import { enterGuard, findProfile, GUARD } from './chain.js';
import { type ErrorContext, explain, SsoLoginNeeded } from './errors.js';
import { planProfile, type Step, stepProfiles } from './plan.js';
import { runCredentialProcess } from './process.js';
import type * as Sdk from './sdk.js';
import { askTerminal } from './tty.js';

export interface Resolved {
  credentials: Credentials;
  /** The profile's own region, for `exec`. */
  region: string | undefined;
  /** Whether these are an IAM user's long-term keys (only with --no-session). */
  longTerm: boolean;
  /** The account the credentials belong to, when awsp knows it without asking AWS. */
  accountId?: string;
}

/** Keys in awsp's own environment: stale exports must never be resolved and re-exported. */
export const AMBIENT_KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_CREDENTIAL_EXPIRATION'];

/** Variables awsp sets for its own resolution that a child it starts for the user must not see. */
export const PRIVATE_VARS = [GUARD, 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];

/** AWS's limit for a role assumed with temporary credentials (role chaining), in seconds. */
export const CHAINED_ROLE_LIMIT = 3600;

const DEFAULT_DURATION = 3600;

type AmbientKeys = Record<string, string | undefined>;
let ambient: AmbientKeys | null = null;

/**
 * The one place awsp changes its own environment, once per process, before anything runs:
 * the loop guard for credential_process children; the keys in the environment taken out (kept
 * aside for `credential_source = Environment`, the only source that may use them) so neither the
 * SDK nor a child sees stale exports; and the SDK's Node 20 warning, which is not the user's concern.
 */
function prepareProcessEnv(profile: string): AmbientKeys {
  if (ambient !== null) return ambient;
  const guard = enterGuard(process.env, profile);
  const kept: AmbientKeys = {};
  for (const n of AMBIENT_KEYS) kept[n] = process.env[n];
  process.env[GUARD] = guard;
  for (const n of AMBIENT_KEYS) delete process.env[n];
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  ambient = kept;
  return kept;
}

export interface Resolver {
  readonly profile: string;
  /** False while a child owns the terminal: a needed MFA code is then an error instead of a prompt. */
  interactive: boolean;
  /** Reads the files again and resolves: a server calls it for every refresh. */
  resolve(): Promise<Resolved>;
}

export function createResolver(opts: CredentialOptions, env: Env): Resolver {
  const keys = prepareProcessEnv(opts.profile);
  const warned = new Set<string>();
  let first = true;
  const resolver: Resolver = {
    profile: opts.profile,
    interactive: true,
    async resolve() {
      // The files' warnings once, not again at every refresh of a server.
      const { set } = readProfiles(env, { quiet: !first });
      first = false;
      const profile = findProfile(set, opts.profile);
      const plan = planProfile(set, opts.profile);
      const known = new Map(set.profiles.map((p) => [p.name, p]));
      const ctx: ErrorContext = { profile: opts.profile, chain: stepProfiles(plan).map((n) => known.get(n)!), known };
      // Asked only when a client is made: as in botocore, a missing services section fails the calls, not the keys.
      const endpoint = (service: string) => configuredEndpoint(set, opts.profile, env, service);
      const run = new Run(opts, env, profile, plan, keys, resolver.interactive, warned, endpoint);
      const attempt = () =>
        run.top().catch((e: unknown) => {
          throw explain(e, ctx);
        });
      try {
        return await attempt();
      } catch (e) {
        if (!(e instanceof SsoLoginNeeded) || !opts.login || !resolver.interactive) throw e;
        await runLogin(e.loginArgs, env);
        return attempt();
      }
    },
  };
  return resolver;
}

export async function resolveCredentials(opts: CredentialOptions, env: Env): Promise<Resolved> {
  return createResolver(opts, env).resolve();
}

/** The account in an ARN (`arn:aws:iam::123456789012:role/x`). */
const accountOf = (arn: string): string | undefined => /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1];

/** The long-lived parts of a step, without secrets: what its cache key is made of. */
function describe(step: Step, keys: AmbientKeys, env: Env): unknown {
  switch (step.kind) {
    case 'static':
      return { static: step.accessKeyId };
    case 'process':
      return { process: step.command };
    case 'sso':
      return { sso: [step.startUrl, step.region, step.accountId, step.roleName, step.session ?? null] };
    case 'web-identity':
      return { webIdentity: [step.roleArn, step.tokenFile, step.sessionName ?? null] };
    case 'source':
      return {
        source: step.source,
        from:
          step.source === 'Environment'
            ? (keys.AWS_ACCESS_KEY_ID ?? null)
            : step.source === 'EcsContainer'
              ? (env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ?? null)
              : null,
      };
    case 'role':
      return { role: [step.roleArn, step.externalId ?? null, step.sessionName ?? null, step.mfaSerial ?? null], from: describe(step.source, keys, env) };
  }
}

const asCredentials = (k: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } | undefined, what: string): Credentials => {
  if (!k?.AccessKeyId || !k.SecretAccessKey || !k.SessionToken) throw new UserError(`STS ${what} answered without credentials`);
  return { accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey, sessionToken: k.SessionToken, expiration: k.Expiration };
};

/** One resolution of one profile. */
class Run {
  private readonly cache: SessionCache;

  constructor(
    private readonly opts: CredentialOptions,
    private readonly env: Env,
    private readonly profile: Profile,
    private readonly plan: Step,
    private readonly keys: AmbientKeys,
    private readonly interactive: boolean,
    private readonly warned: Set<string>,
    private readonly endpoint: (service: string) => string | undefined,
  ) {
    this.cache = SessionCache.open(env, !opts.noCache);
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    warn(message);
  }

  /** The SDK (dist/sdk.cjs), with the code cache for what this profile runs (src/load.ts). */
  private sdk(): typeof Sdk {
    return loadBundle('sdk', this.plan.kind === 'static' ? 'session' : 'role') as typeof Sdk;
  }

  async top(): Promise<Resolved> {
    const region = this.profile.options.get('region') || undefined;
    let got = await this.obtain(this.plan, true);
    if (got.credentials.sessionToken === undefined) {
      if (this.opts.noSession) {
        if (!this.opts.keysStayInside) warn(`exporting the long-term keys of ${show(this.opts.profile)} as they are (--no-session); without it they become a ${this.opts.duration ?? DEFAULT_DURATION} s session`);
        return { credentials: got.credentials, region, longTerm: true, ...(got.accountId !== undefined && { accountId: got.accountId }) };
      }
      got = await this.session(got);
    }
    return { credentials: got.credentials, region, longTerm: false, ...(got.accountId !== undefined && { accountId: got.accountId }) };
  }

  private async cached(key: unknown, kind: string, profiles: string[], fetch: () => Promise<Cached>): Promise<Cached> {
    // Where the calls go decides what they return (a local STS's keys are not AWS's): the
    // environment's endpoints are in the cache's context, the profile's are added here.
    const full = { ...(key as object), endpoints: this.endpoints() };
    const hit = this.cache.get(full, profiles);
    if (hit) return hit;
    const got = await fetch();
    this.cache.put(full, kind, profiles, got);
    return got;
  }

  private endpoints(): unknown {
    try {
      return [this.endpoint('sts') ?? null, this.endpoint('sso') ?? null];
    } catch {
      // A services section that is not there: the call fails when it is made, not the lookup.
      return 'unresolved';
    }
  }

  private describe(step: Step): unknown {
    return describe(step, this.keys, this.env);
  }

  private async obtain(step: Step, top: boolean): Promise<Cached> {
    switch (step.kind) {
      case 'static': {
        const credentials: Credentials = { accessKeyId: step.accessKeyId, secretAccessKey: step.secretAccessKey, sessionToken: step.sessionToken, expiration: step.expiration };
        return step.accountId ? { credentials, accountId: step.accountId } : { credentials };
      }
      case 'source':
        return this.fromSource(step);
      case 'process':
        return this.cached(this.describe(step), 'process', stepProfiles(step), () => runCredentialProcess(step.profile, step.command));
      case 'sso':
        return this.cached(this.describe(step), 'sso', stepProfiles(step), () => this.sso(step));
      case 'web-identity': {
        const duration = top ? this.opts.duration : undefined;
        return this.cached({ ...(this.describe(step) as object), duration }, 'web-identity', stepProfiles(step), () => this.webIdentity(step, duration));
      }
      case 'role': {
        const requested = (top ? this.opts.duration : undefined) ?? step.durationSeconds ?? DEFAULT_DURATION;
        const viaSession = this.mfaViaSession(step);
        return this.cached({ ...(this.describe(step) as object), duration: requested, mfa: viaSession ? 'session' : 'code' }, 'role', stepProfiles(step), () =>
          this.assumeRole(step, top, requested, viaSession),
        );
      }
    }
  }

  /** The MFA session applies to long-term keys only: STS gives no session for temporary ones. */
  private mfaViaSession(step: Step & { kind: 'role' }): boolean {
    return step.mfaSerial !== undefined && !this.opts.noSession && step.source.kind === 'static' && step.source.sessionToken === undefined;
  }

  private askMfa(serial: string, profile: string): string {
    if (!this.interactive) {
      throw new UserError(`profile ${show(profile)} needs a new MFA code for ${serial}, which awsp cannot ask for while the command has the terminal; run awsp again`);
    }
    return askTerminal(`awsp: MFA code for ${serial}: `, `profile ${show(profile)} needs an MFA code for ${serial}`);
  }

  private async sts(region: string | undefined, credentials?: Credentials) {
    const { STSClient } = await this.sdk().loadSts();
    return new STSClient({
      region: region || this.profile.options.get('region') || this.env.AWS_REGION || this.env.AWS_DEFAULT_REGION || 'us-east-1',
      ...(credentials && { credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken } }),
      // Endpoint settings come from the profile asked for, as the CLI's do; the SDK alone would read AWS_PROFILE's.
      ...endpointConfig(this.endpoint('sts')),
      profile: this.opts.profile,
    });
  }

  private async assumeRole(step: Step & { kind: 'role' }, top: boolean, requested: number, viaSession: boolean): Promise<Cached> {
    let source = await this.obtain(step.source, false);
    let serial: string | undefined;
    let code: string | undefined;
    if (viaSession) {
      source = await this.mfaSession(step, source);
    } else if (step.mfaSerial !== undefined) {
      serial = step.mfaSerial;
      code = this.askMfa(serial, step.profile);
    }
    let duration = requested;
    if (source.credentials.sessionToken !== undefined && requested > CHAINED_ROLE_LIMIT) {
      duration = CHAINED_ROLE_LIMIT;
      const asked = top && this.opts.duration !== undefined ? '--duration' : `duration_seconds of ${show(step.profile)}`;
      this.warnOnce(`${show(step.profile)} is assumed with temporary credentials (role chaining), which AWS allows 1 hour at most: asking for 3600 s, not the ${requested} s of ${asked}`);
    }
    const { AssumeRoleCommand } = await this.sdk().loadSts();
    const client = await this.sts(step.region, source.credentials);
    try {
      const out = await client.send(
        new AssumeRoleCommand({
          RoleArn: step.roleArn,
          RoleSessionName: step.sessionName ?? `awsp-${Date.now()}`,
          ExternalId: step.externalId,
          DurationSeconds: duration,
          SerialNumber: serial,
          TokenCode: code,
        }),
      );
      const account = accountOf(step.roleArn);
      const credentials = asCredentials(out.Credentials, 'AssumeRole');
      return account ? { credentials, accountId: account } : { credentials };
    } finally {
      client.destroy();
    }
  }

  /** GetSessionToken with the MFA code, kept for --mfa-duration and shared by every role with this source and serial. */
  private mfaSession(step: Step & { kind: 'role' }, source: Cached): Promise<Cached> {
    const serial = step.mfaSerial!;
    const key = { mfaSession: serial, from: this.describe(step.source), duration: this.opts.mfaDuration };
    return this.cached(key, 'mfa-session', stepProfiles(step), async () => {
      const code = this.askMfa(serial, step.profile);
      return { credentials: await this.getSessionToken(source.credentials, this.opts.mfaDuration, serial, code, step.region, step.source.profile) };
    });
  }

  /** Long-term keys handed out as a session of --duration: GetSessionToken, with the profile's MFA device when it has one. */
  private session(got: Cached): Promise<Cached> {
    const serial = this.profile.options.get('mfa_serial') || undefined;
    const duration = this.opts.duration ?? DEFAULT_DURATION;
    const key = { session: this.describe(this.plan), serial: serial ?? null, duration };
    return this.cached(key, 'session', stepProfiles(this.plan), async () => {
      const code = serial ? this.askMfa(serial, this.opts.profile) : undefined;
      const credentials = await this.getSessionToken(got.credentials, duration, serial, code, undefined, this.opts.profile);
      return got.accountId ? { credentials, accountId: got.accountId } : { credentials };
    });
  }

  private async getSessionToken(keys: Credentials, duration: number, serial: string | undefined, code: string | undefined, region: string | undefined, owner: string): Promise<Credentials> {
    const { GetSessionTokenCommand } = await this.sdk().loadSts();
    const client = await this.sts(region, { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey });
    try {
      const out = await client.send(new GetSessionTokenCommand({ DurationSeconds: duration, SerialNumber: serial, TokenCode: code }));
      return asCredentials(out.Credentials, 'GetSessionToken');
    } catch (e) {
      const name = (e as Error).name;
      const message = (e as Error).message ?? '';
      // MFA and network problems have their own messages; anything else STS says is about these keys.
      if (e instanceof UserError || /MultiFactorAuthentication|MFA|\bE[A-Z]{4,}\b|socket hang up/.test(message) || name === 'TimeoutError') throw e;
      throw new UserError(
        `STS would not turn the keys of ${show(owner)} into a session (${name}: ${message.split('\n')[0]}); --no-session exports them as they are`,
      );
    } finally {
      client.destroy();
    }
  }

  private async webIdentity(step: Step & { kind: 'web-identity' }, duration: number | undefined): Promise<Cached> {
    let token: string;
    try {
      token = readFileSync(step.tokenFile, 'utf8');
    } catch (e) {
      throw new UserError(`profile ${show(step.profile)} cannot read its web_identity_token_file ${step.tokenFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    const { AssumeRoleWithWebIdentityCommand } = await this.sdk().loadSts();
    const client = await this.sts(step.region);
    try {
      const out = await client.send(
        new AssumeRoleWithWebIdentityCommand({ RoleArn: step.roleArn, RoleSessionName: step.sessionName ?? `awsp-${Date.now()}`, WebIdentityToken: token, DurationSeconds: duration }),
      );
      const credentials = asCredentials(out.Credentials, 'AssumeRoleWithWebIdentity');
      const account = accountOf(step.roleArn);
      return account ? { credentials, accountId: account } : { credentials };
    } finally {
      client.destroy();
    }
  }

  private async sso(step: Step & { kind: 'sso' }): Promise<Cached> {
    const sdk = this.sdk();
    const init: Record<string, unknown> = {
      ssoStartUrl: step.startUrl,
      ssoAccountId: step.accountId,
      ssoRegion: step.region,
      ssoRoleName: step.roleName,
      clientConfig: { region: step.region, ...endpointConfig(this.endpoint('sso')) },
    };
    if (step.session !== undefined) {
      // The SDK's token provider looks the sso-session up in the files by profile name, with its own
      // parser (no spaces in names, no upper-case keys). It gets a file that holds just what awsp read.
      if (!/^[\w\-@+.%:/]+$/.test(step.session)) {
        throw new UserError(`the sso-session name ${show(step.session)} has characters the AWS SDK for JavaScript cannot read; rename it to letters, digits and -_@+.%:/`);
      }
      const config = `/awsp-virtual/${process.pid}/config`;
      const credentials = `/awsp-virtual/${process.pid}/credentials`;
      sdk.externalDataInterceptor.interceptFile(
        config,
        `[profile awsp]\nsso_session = ${step.session}\n[sso-session ${step.session}]\nsso_start_url = ${step.startUrl}\nsso_region = ${step.region}\n`,
      );
      sdk.externalDataInterceptor.interceptFile(credentials, '');
      Object.assign(init, { ssoSession: step.session, profile: 'awsp', configFilepath: config, filepath: credentials });
    }
    const c = await sdk.fromSSO(init)();
    return { credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: c.expiration }, accountId: step.accountId };
  }

  private async fromSource(step: Step & { kind: 'source' }): Promise<Cached> {
    if (step.source === 'Environment') {
      const id = this.keys.AWS_ACCESS_KEY_ID;
      const secret = this.keys.AWS_SECRET_ACCESS_KEY;
      if (!id || !secret) {
        throw new UserError(
          `profile ${show(step.profile)} takes its source credentials from the environment (credential_source = Environment), but ${!id ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY'} is not set`,
        );
      }
      const credentials: Credentials = { accessKeyId: id, secretAccessKey: secret, sessionToken: this.keys.AWS_SESSION_TOKEN || this.keys.AWS_SECURITY_TOKEN || undefined };
      const expires = this.keys.AWS_CREDENTIAL_EXPIRATION;
      if (credentials.sessionToken && expires && !Number.isNaN(new Date(expires).getTime())) credentials.expiration = new Date(expires);
      return { credentials };
    }
    const sdk = this.sdk();
    const c = await (step.source === 'EcsContainer' ? sdk.fromContainerMetadata() : sdk.fromInstanceMetadata())();
    return { credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: c.expiration } };
  }
}

/** --login: awsp's own SSO login (the one the error named), on stderr and the terminal, then a retry. */
async function runLogin(args: string[], env: Env): Promise<void> {
  await (await import('../commands/login.js')).loginFromArgs(args, env);
}
