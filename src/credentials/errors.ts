// Turns what the SDK throws while calling AWS into one actionable line. Messages are matched
// loosely and the profile chain from the plan fills in what the SDK does not say (which profile,
// which role). Mistakes in the files are found before any call, by the plan (plan.ts).
import type { Profile } from '../config/profiles.js';
import { signsIn } from './chain.js';
import { show } from '../context.js';
import { UserError } from '../errors.js';
import { posixQuote } from '../shells/posix.js';
import { oneLine } from './process.js';

export interface ErrorContext {
  profile: string;
  /** The profile, then its source_profile links. */
  chain: Profile[];
  /** Every profile our parser knows, by name. */
  known: Map<string, Profile>;
}

/** An SSO problem that `awsp login` fixes: the command is kept for --login. */
export class SsoLoginNeeded extends UserError {
  constructor(
    message: string,
    readonly loginArgs: string[],
  ) {
    super(message);
  }
}


const NETWORK = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|ENETUNREACH|EHOSTUNREACH|ENETDOWN|socket hang up)\b/;

/** A word for a shell command line in a message: quoted only when it has to be. */
const word = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : posixQuote(s));

export function ssoLoginArgs(chain: Profile[], profile: string): string[] {
  const sso = chain.find(signsIn);
  const session = sso?.options.get('sso_session');
  const name = sso?.name ?? profile;
  return session !== undefined ? ['login', '--sso-session', session] : name.startsWith('-') ? ['login', '--', name] : ['login', name];
}

function errorCode(e: unknown): string {
  const err = e as { code?: unknown; name?: unknown; cause?: { code?: unknown } };
  return String(err.code ?? err.cause?.code ?? err.name ?? '');
}

export function explain(e: unknown, ctx: ErrorContext): UserError {
  if (e instanceof UserError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const name = e instanceof Error ? e.name : '';
  const code = errorCode(e);
  const p = show(ctx.profile);

  if (NETWORK.test(message) || NETWORK.test(code) || name === 'TimeoutError') {
    return new UserError(`cannot reach AWS while resolving ${p} (${oneLine(message)}); check the network, proxy or endpoint settings`);
  }

  if (/MultiFactorAuthentication|MFA|TokenCode/.test(message) && (code === 'AccessDenied' || name === 'AccessDenied' || code === 'ValidationError')) {
    const serial = ctx.chain.find((q) => q.options.has('mfa_serial'))?.options.get('mfa_serial');
    return new UserError(`the MFA code${serial ? ` for ${serial}` : ''} was refused; run again with a fresh code`);
  }

  if (name === 'AccessDenied' || code === 'AccessDenied') {
    const resource = /on resource: (arn:\S+)/.exec(message)?.[1];
    const role = ctx.chain.find((q) => q.options.get('role_arn') === resource) ?? ctx.chain.find((q) => q.options.has('role_arn'));
    if (role) {
      const arn = resource ?? role.options.get('role_arn')!;
      const source = role.options.get('source_profile');
      const from = source !== undefined ? `source profile ${show(source)}` : `credential_source ${role.options.get('credential_source') ?? '?'}`;
      return new UserError(
        `access denied assuming ${arn} with the credentials of ${from}: check the role's trust policy and that the source may call sts:AssumeRole`,
      );
    }
    return new UserError(`access denied while resolving ${p}: ${oneLine(message)}`);
  }

  const ssoProfile = ctx.chain.find(signsIn);
  if (ssoProfile && (/SSO|sso|[Tt]oken/.test(message) || name === 'UnauthorizedException' || name === 'TokenProviderError')) {
    const args = ssoLoginArgs(ctx.chain, ctx.profile);
    return new SsoLoginNeeded(
      `the SSO session for ${show(ssoProfile.name)} is missing or expired; run: awsp ${args.map(word).join(' ')} (or add --login)`,
      args,
    );
  }

  return new UserError(`cannot get credentials for ${p}: ${oneLine(message)}`);
}
