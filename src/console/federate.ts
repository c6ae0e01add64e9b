// Credentials to a console sign-in URL: an IAM user's own keys become a federation session
// (the sign-in endpoint takes only temporary credentials, and not those of GetSessionToken),
// then the federation endpoint trades them for a sign-in token.
import { endpointConfig } from '../config/endpoints.js';
import { show } from '../context.js';
import { UserError } from '../errors.js';
import type { Credentials } from '../formats.js';
import { loadBundle } from '../load.js';
import { escapeText } from '../text.js';
import type * as Sdk from '../credentials/sdk.js';

/**
 * A federated user's permissions are the intersection of the IAM user's and this policy's, so
 * allowing everything here grants exactly what the user has, never more.
 */
export const FEDERATION_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
});

/** GetFederationToken's Name: 2 to 32 of [\w+=,.@-]. */
export const federatedName = (profile: string): string => `awsp-${profile}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 32);

export async function federationToken(keys: Credentials, profile: string, region: string, seconds: number, endpoint: string | undefined): Promise<Credentials> {
  // The SDK bundle is loaded already: the credentials were resolved through it.
  const { STSClient, GetFederationTokenCommand } = await (loadBundle('sdk') as typeof Sdk).loadSts();
  const client = new STSClient({ region, credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey }, ...endpointConfig(endpoint), profile });
  try {
    const out = await client.send(new GetFederationTokenCommand({ Name: federatedName(profile), Policy: FEDERATION_POLICY, DurationSeconds: seconds }));
    const k = out.Credentials;
    if (!k?.AccessKeyId || !k.SecretAccessKey || !k.SessionToken) throw new UserError('STS GetFederationToken answered without credentials');
    return { accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey, sessionToken: k.SessionToken, expiration: k.Expiration };
  } catch (e) {
    if (e instanceof UserError) throw e;
    const name = (e as Error).name;
    const message = escapeText(((e as Error).message ?? '').split('\n')[0]!);
    if (/\bE[A-Z]{4,}\b|socket hang up/.test(message) || name === 'TimeoutError') throw new UserError(`cannot reach AWS STS (${message})`);
    throw new UserError(`profile ${show(profile)} cannot sign in to the console: its keys are an IAM user's, and STS refused to turn them into a federation session (${name}: ${message})`);
  } finally {
    client.destroy();
  }
}

/** The federation endpoint: AWSP_FEDERATION_ENDPOINT when set (tests, proxies), else the partition's. */
export function federationEndpoint(env: Record<string, string | undefined>, partitionEndpoint: string): string {
  const set = env.AWSP_FEDERATION_ENDPOINT;
  if (set === undefined || set === '') return partitionEndpoint;
  let url: URL;
  try {
    url = new URL(set);
  } catch {
    throw new UserError(`AWSP_FEDERATION_ENDPOINT must be an http(s) URL, not ${show(set)}`, 2);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '') {
    throw new UserError(`AWSP_FEDERATION_ENDPOINT must be an http(s) URL without a query, not ${show(set)}`, 2);
  }
  return url.href;
}

/** Trades temporary credentials for a sign-in token (valid 15 minutes). */
export async function signinToken(endpoint: string, c: Credentials, sessionDuration: number | undefined): Promise<string> {
  const session = JSON.stringify({ sessionId: c.accessKeyId, sessionKey: c.secretAccessKey, sessionToken: c.sessionToken });
  const params = new URLSearchParams({ Action: 'getSigninToken' });
  if (sessionDuration !== undefined) params.set('SessionDuration', String(sessionDuration));
  params.set('Session', session);
  const where = new URL(endpoint).host;
  let res: Response;
  try {
    res = await fetch(`${endpoint}?${params.toString()}`, { signal: AbortSignal.timeout(30_000), redirect: 'error' });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new UserError(`cannot reach the federation endpoint ${where} (${escapeText(cause?.code ?? cause?.message ?? (e as Error).message)})`);
  }
  const body = await res.text();
  if (res.status !== 200) {
    // Its own words, on one line and without markup.
    const said = escapeText(body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim()).slice(0, 300);
    throw new UserError(`the federation endpoint ${where} refused the credentials (HTTP ${res.status}${said ? `: ${said}` : ''})`);
  }
  let token: unknown;
  try {
    token = (JSON.parse(body) as { SigninToken?: unknown }).SigninToken;
  } catch {
    token = undefined;
  }
  if (typeof token !== 'string' || token === '') throw new UserError(`the federation endpoint ${where} answered without a SigninToken`);
  return token;
}

/** The URL that signs the browser in and lands on `destination`. */
export function loginUrl(endpoint: string, token: string, destination: string): string {
  const params = new URLSearchParams({ Action: 'login', Issuer: '', Destination: destination, SigninToken: token });
  return `${endpoint}?${params.toString()}`;
}
