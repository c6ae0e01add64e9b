// The parts of IAM Identity Center used with a token in hand: the portal's ListAccounts,
// ListAccountRoles and Logout (@aws-sdk/client-sso), and the refresh-token grant (client-sso-oidc)
// that renews an expired access token as the SDKs do.
import { type Env } from '../context.js';
import { UserError } from '../errors.js';
import { type SsoTarget, loginCommand, targetName } from './config.js';
import { asProfile, idcError, quietSdk, sdk } from './login.js';
import type { Assignment } from './populate.js';
import { cacheTime, readToken, sessionState, ssoCacheDir, type TokenFile, tokenKey, tokenText, writeCacheFile } from './tokens.js';

/** Portals with hundreds of accounts answer 429 when listed quickly: the SDK retries those with backoff, this many times. */
const PORTAL_ATTEMPTS = 10;
/** ListAccountRoles calls in flight at once. */
const PARALLEL = 4;

async function portalClient(t: SsoTarget, maxAttempts: number) {
  quietSdk();
  const sso = await sdk().loadSso();
  return { sso, client: new sso.SSOClient({ region: t.region, maxAttempts, ...(t.profile !== null ? { profile: t.profile } : {}) }) };
}

/**
 * A token the portal will take: the cached one while it lasts, else one renewed with the refresh
 * token (written back to the cache, as the SDKs do); a UserError naming the login otherwise.
 */
export async function usableToken(t: SsoTarget, env: Env): Promise<string> {
  const dir = ssoCacheDir(env);
  const state = sessionState(dir, t);
  const tok = readToken(dir, t);
  if (state.state === 'signed-in' && tok) return tok.accessToken;
  if (state.state === 'renewable' && tok) {
    const renewed = await asProfile(t, () => renew(t, tok)).catch(() => null);
    if (renewed) {
      writeCacheFile(dir, tokenKey(t), tokenText(renewed));
      return renewed.accessToken;
    }
  }
  const why = state.state === 'signed-out' ? 'not signed in to' : 'the sign-in has expired for';
  throw new UserError(`${why} ${targetName(t)}; run: ${loginCommand(t)}`);
}

async function renew(t: SsoTarget, tok: TokenFile): Promise<TokenFile | null> {
  quietSdk();
  const oidc = await sdk().loadSsoOidc();
  const client = new oidc.SSOOIDCClient({ region: t.region, ...(t.profile !== null ? { profile: t.profile } : {}) });
  try {
    const out = await client.send(new oidc.CreateTokenCommand({ clientId: tok.clientId!, clientSecret: tok.clientSecret!, grantType: 'refresh_token', refreshToken: tok.refreshToken! }));
    if (!out.accessToken || out.expiresIn === undefined) return null;
    return {
      ...tok,
      startUrl: t.startUrl,
      region: t.region,
      accessToken: out.accessToken,
      expiresAt: cacheTime(new Date(Math.floor(Date.now() / 1000) * 1000 + out.expiresIn * 1000)),
      refreshToken: out.refreshToken ?? tok.refreshToken,
    };
  } finally {
    client.destroy();
  }
}

/** Every account and role the token may use, listed page by page. */
export function listAssignments(t: SsoTarget, accessToken: string): Promise<Assignment[]> {
  return asProfile(t, () => list(t, accessToken));
}

async function list(t: SsoTarget, accessToken: string): Promise<Assignment[]> {
  const { sso, client } = await portalClient(t, PORTAL_ATTEMPTS);
  try {
    const accounts: Array<{ accountId: string; accountName: string }> = [];
    let next: string | undefined;
    do {
      const out = await client.send(new sso.ListAccountsCommand({ accessToken, maxResults: 100, nextToken: next })).catch((e: unknown) => {
        throw portalError(e, t, 'listing the accounts');
      });
      for (const a of out.accountList ?? []) if (a.accountId) accounts.push({ accountId: a.accountId, accountName: a.accountName ?? a.accountId });
      next = out.nextToken || undefined;
    } while (next);

    const result: Assignment[] = [];
    let i = 0;
    const worker = async () => {
      while (i < accounts.length) {
        const a = accounts[i++]!;
        let token: string | undefined;
        do {
          const out = await client.send(new sso.ListAccountRolesCommand({ accessToken, accountId: a.accountId, maxResults: 100, nextToken: token })).catch((e: unknown) => {
            throw portalError(e, t, `listing the roles of account ${a.accountId}`);
          });
          for (const r of out.roleList ?? []) if (r.roleName) result.push({ accountId: a.accountId, accountName: a.accountName, roleName: r.roleName });
          token = out.nextToken || undefined;
        } while (token);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, accounts.length) }, worker));
    return result;
  } finally {
    client.destroy();
  }
}

function portalError(e: unknown, t: SsoTarget, doing: string): UserError {
  if ((e as Error).name === 'UnauthorizedException') return new UserError(`IAM Identity Center no longer accepts the sign-in of ${targetName(t)}; run: ${loginCommand(t)}`);
  if ((e as Error).name === 'TooManyRequestsException') return new UserError(`IAM Identity Center kept refusing ${doing} as too many requests (after ${PORTAL_ATTEMPTS} tries); wait a minute and run again`);
  return idcError(e, t, doing);
}

/** The portal's Logout: the token stops working everywhere. Failures are reported, not thrown: the local files go anyway. */
export function portalLogout(t: SsoTarget, accessToken: string): Promise<string | null> {
  return asProfile(t, () => logout(t, accessToken));
}

async function logout(t: SsoTarget, accessToken: string): Promise<string | null> {
  // The SDK's usual three tries: a logout does not wait long for a portal that is away.
  const { sso, client } = await portalClient(t, 3);
  try {
    await client.send(new sso.LogoutCommand({ accessToken }));
    return null;
  } catch (e) {
    // A token the portal no longer knows is as logged out as it gets.
    if ((e as Error).name === 'UnauthorizedException') return null;
    return idcError(e, t, 'the logout').message;
  } finally {
    client.destroy();
  }
}
