// Signing in to IAM Identity Center without the AWS CLI, the way the CLI v2 does it:
//   PKCE (the default for an sso-session): RegisterClient for the authorization_code and
//     refresh_token grants, a listener on 127.0.0.1 only, the /authorize URL opened in a browser
//     and printed on stderr, `state` checked, CreateToken with the code and its verifier;
//   device code (--use-device-code, --no-browser, no browser here, or a legacy profile):
//     StartDeviceAuthorization, the URL and code on stderr, CreateToken polled at the interval
//     given (+5 s for each slow_down).
// The registration and the token land in the CLI's cache (./tokens.ts), so every AWS tool on the
// machine uses this sign-in. A signal ends the login at once but never in the middle of a write
// (./signals.ts).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as Sdk from '../credentials/sdk.js';
import { type Env, show, warn } from '../context.js';
import { UserError } from '../errors.js';
import { loadBundle } from '../load.js';
import { err } from '../output.js';
import { findBrowser, openBrowser } from './browser.js';
import { interruptible } from './signals.js';
import { escapeText } from '../text.js';
import { type SsoTarget, targetName } from './config.js';
import {
  cacheTime,
  prepareCacheDir,
  readCacheFile,
  type Registration,
  registrationKey,
  registrationText,
  ssoCacheDir,
  type TokenFile,
  tokenKey,
  tokenText,
  writeCacheFile,
} from './tokens.js';

export interface LoginOptions {
  /** --use-device-code */
  deviceCode: boolean;
  /** --no-browser: print the URL only (implies the device code flow, which works from another device). */
  noBrowser: boolean;
}

type Oidc = Awaited<ReturnType<typeof Sdk.loadSsoOidc>>;
type OidcClient = InstanceType<Oidc['SSOOIDCClient']>;

/** The SDK bundle; `login` has a code cache of its own (scripts/build.mjs). */
export const sdk = (): typeof Sdk => loadBundle('sdk', 'login') as typeof Sdk;

/** Set before any SDK client exists: the SDK warns on every run under Node 20, which is not the user's concern. */
export function quietSdk(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
}

/**
 * Runs FN with AWS_PROFILE naming the profile the session was reached through, as
 * `aws --profile PROFILE sso login` has it: the SDK takes endpoint settings (the profile's
 * `services` section) from the AWS_PROFILE profile only, whatever profile its client is given.
 */
export async function asProfile<T>(t: SsoTarget, fn: () => Promise<T>): Promise<T> {
  if (t.profile === null) return fn();
  const before = process.env.AWS_PROFILE;
  process.env.AWS_PROFILE = t.profile;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.AWS_PROFILE;
    else process.env.AWS_PROFILE = before;
  }
}

const PKCE_GRANTS = ['authorization_code', 'refresh_token'];
const DEFAULT_SCOPE = 'sso:account:access';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** botocore treats a registration (or token) with less than this left as expired. */
const EXPIRY_WINDOW_MS = 15 * 60_000;
/** How long the browser leg may take, as the CLI allows. */
const CALLBACK_TIMEOUT_MS = 10 * 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const b64url = (b: Buffer): string => b.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
/** Python's quote(s, safe='-_.~'), as the CLI encodes the /authorize query. */
const pct = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const NETWORK = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|ENETUNREACH|EHOSTUNREACH|ENETDOWN|socket hang up)\b/;

/** One line for what the SDK threw while talking to IAM Identity Center. */
export function idcError(e: unknown, t: SsoTarget, doing: string): UserError {
  if (e instanceof UserError) return e;
  const err = e as { name?: string; message?: string; code?: string; error_description?: string; cause?: { code?: string } };
  const name = err.name ?? '';
  // The service's own words, shown on a terminal: one line, controls made visible.
  const message = escapeText((err.error_description ?? err.message ?? String(e)).split('\n')[0]!.slice(0, 300));
  if (NETWORK.test(`${message} ${err.code ?? ''} ${err.cause?.code ?? ''}`) || name === 'TimeoutError') {
    return new UserError(`cannot reach IAM Identity Center in ${t.region} while ${doing} (${message}); check the network, proxy or endpoint settings`);
  }
  return new UserError(`IAM Identity Center refused ${doing} for ${targetName(t)} (${escapeText(name)}${message ? `: ${message}` : ''})`);
}

/** A cached registration that fits this flow and has more than the CLI's window left. */
function cachedRegistration(dir: string, t: SsoTarget, pkce: boolean): Registration | null {
  const r = readCacheFile(dir, registrationKey(t));
  if (!r || typeof r.clientId !== 'string' || typeof r.clientSecret !== 'string' || typeof r.expiresAt !== 'string') return null;
  if (!(Date.parse(r.expiresAt) - Date.now() > EXPIRY_WINDOW_MS)) return null;
  const forCode = Array.isArray(r.grantTypes) && r.grantTypes.includes('authorization_code');
  return forCode === pkce ? (r as unknown as Registration) : null;
}

async function register(client: OidcClient, oidc: Oidc, dir: string, t: SsoTarget, pkce: boolean, issuer: string): Promise<Registration> {
  const cached = cachedRegistration(dir, t, pkce);
  if (cached) return cached;
  const scopes = pkce ? (t.scopes ?? [DEFAULT_SCOPE]) : t.scopes;
  const clientName = `awsp-client-${t.session ?? Math.floor(Date.now() / 1000)}`;
  let out;
  try {
    out = await client.send(
      new oidc.RegisterClientCommand({
        clientName,
        clientType: 'public',
        ...(scopes && scopes.length > 0 ? { scopes } : {}),
        ...(pkce ? { grantTypes: PKCE_GRANTS, redirectUris: ['http://127.0.0.1/oauth/callback'], issuerUrl: issuer } : {}),
      }),
    );
  } catch (e) {
    throw idcError(e, t, 'registering this client');
  }
  if (!out.clientId || !out.clientSecret || out.clientSecretExpiresAt === undefined) throw new UserError('IAM Identity Center answered RegisterClient without a client');
  const reg: Registration = {
    clientId: out.clientId,
    clientSecret: out.clientSecret,
    expiresAt: cacheTime(new Date(out.clientSecretExpiresAt * 1000)),
    ...(pkce ? { scopes: scopes!, grantTypes: PKCE_GRANTS } : scopes && scopes.length > 0 ? { scopes } : {}),
  };
  writeCacheFile(dir, registrationKey(t), registrationText(reg));
  return reg;
}

/**
 * The scheme, host and port (and base path) the OIDC client sends requests to, for the /authorize
 * URL, which the SDK does not model: a RegisterClient is built, read, and stopped before it is sent.
 */
async function oidcBase(client: OidcClient, oidc: Oidc): Promise<string> {
  const stop = new Error('awsp: endpoint captured');
  let base = '';
  client.middlewareStack.add(
    (() => async (args: { request: unknown }) => {
      const r = args.request as { protocol: string; hostname: string; port?: number; path: string };
      base = `${r.protocol}//${r.hostname}${r.port ? `:${r.port}` : ''}${r.path.replace(/\/client\/register$/, '')}`;
      throw stop;
    }) as never,
    { step: 'build', name: 'awspEndpointCapture' },
  );
  try {
    await client.send(new oidc.RegisterClientCommand({ clientName: 'awsp', clientType: 'public' }));
  } catch (e) {
    if (e !== stop) throw e;
  } finally {
    client.middlewareStack.remove('awspEndpointCapture');
  }
  return base.replace(/\/+$/, '');
}

const PAGE = (title: string, text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>awsp: ${title}</title></head><body style="font-family:sans-serif;margin:3em"><h1>${title}</h1><p>${text}</p></body></html>`;

/** The loopback listener of the PKCE flow: 127.0.0.1 only, a random port, one callback. */
async function loopback(expectedState: string): Promise<{ port: number; result: Promise<string>; close(): void }> {
  let settle!: { ok: (code: string) => void; fail: (e: UserError) => void };
  const result = new Promise<string>((ok, fail) => (settle = { ok, fail }));
  let port = 0;
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    // Another host name that resolves here (DNS rebinding) is not the browser coming back to us.
    if (req.headers.host !== `127.0.0.1:${port}` || u.pathname !== '/oauth/callback' || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const q = u.searchParams;
    const reply = (status: number, title: string, text: string) =>
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(PAGE(title, text));
    if (q.get('state') !== expectedState) {
      reply(400, 'Sign-in failed', 'The answer did not belong to this sign-in. Return to the terminal.');
      settle.fail(new UserError('the browser came back with another sign-in\'s state; nothing was saved; run the login again'));
    } else if (q.has('error')) {
      reply(200, 'Sign-in failed', 'Return to the terminal.');
      const d = q.get('error_description');
      settle.fail(new UserError(`the sign-in was refused (${escapeText(`${q.get('error')}${d ? `: ${d}` : ''}`.slice(0, 200))}); nothing was saved`));
    } else if (q.get('code')) {
      reply(200, 'Signed in', 'awsp has what it needs. You can close this tab and return to the terminal.');
      settle.ok(q.get('code')!);
    } else {
      reply(400, 'Sign-in failed', 'No authorization code. Return to the terminal.');
      settle.fail(new UserError('the browser came back without an authorization code; run the login again'));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new UserError(`cannot listen on 127.0.0.1 for the browser's answer: ${(e as Error).message}`)));
    server.listen(0, '127.0.0.1', resolve);
  });
  port = (server.address() as AddressInfo).port;
  const timer = setTimeout(() => settle.fail(new UserError(`no answer from the browser within ${CALLBACK_TIMEOUT_MS / 60_000} minutes; run the login again (or add --use-device-code)`)), CALLBACK_TIMEOUT_MS);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    server.closeAllConnections();
    server.close();
  };
  const settled = result.finally(close);
  // Nobody may be waiting yet when the browser answers (or never, after an error): not an unhandled rejection.
  settled.catch(() => {});
  return { port, result: settled, close };
}

interface Grant {
  accessToken: string;
  expiresIn: number;
  refreshToken?: string | undefined;
}

async function pkceFlow(
  client: OidcClient,
  oidc: Oidc,
  t: SsoTarget,
  reg: Registration,
  browser: NonNullable<ReturnType<typeof findBrowser>>,
  onInterrupt: (c: () => void) => void,
): Promise<Grant> {
  const verifier = b64url(randomBytes(48)); // 64 characters from the unreserved set
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  const state = randomUUID();
  const listener = await loopback(state);
  onInterrupt(listener.close);
  // Closed on every way out: an open listener (and its timer) would keep awsp waiting.
  try {
    const redirectUri = `http://127.0.0.1:${listener.port}/oauth/callback`;
    const base = await oidcBase(client, oidc);
    const query: Array<[string, string]> = [
      ['response_type', 'code'],
      ['client_id', reg.clientId],
      ['redirect_uri', redirectUri],
      ['state', state],
      ['code_challenge', challenge],
      ['code_challenge_method', 'S256'],
      ['scopes', (reg.scopes ?? [DEFAULT_SCOPE]).join(' ')],
    ];
    const url = `${base}/authorize?${query.map(([k, v]) => `${k}=${pct(v)}`).join('&')}`;
    warn(`signing in to ${targetName(t)} (${escapeText(show(t.startUrl))}) in your browser; if it does not open, open this URL on this machine (or run again with --use-device-code):`);
    err(`\n  ${escapeText(url)}\n\n`);
    if (!(await openBrowser(browser, url))) warn(`could not start the browser ${show(browser.argv[0]!)}; open the URL above`);
    const code = await listener.result;
    try {
      const out = await client.send(
        new oidc.CreateTokenCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: 'authorization_code', code, redirectUri, codeVerifier: verifier }),
      );
      return grant(out, t);
    } catch (e) {
      throw idcError(e, t, 'the sign-in');
    }
  } finally {
    listener.close();
  }
}

function grant(out: { accessToken?: string | undefined; expiresIn?: number | undefined; refreshToken?: string | undefined }, t: SsoTarget): Grant {
  if (!out.accessToken || out.expiresIn === undefined) throw new UserError(`IAM Identity Center answered CreateToken for ${targetName(t)} without a token`);
  return { accessToken: out.accessToken, expiresIn: out.expiresIn, refreshToken: out.refreshToken };
}

async function deviceFlow(client: OidcClient, oidc: Oidc, t: SsoTarget, reg: Registration, browser: ReturnType<typeof findBrowser>): Promise<Grant> {
  let auth;
  try {
    auth = await client.send(new oidc.StartDeviceAuthorizationCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: t.startUrl }));
  } catch (e) {
    throw idcError(e, t, 'starting the sign-in');
  }
  if (!auth.deviceCode || !auth.verificationUri) throw new UserError('IAM Identity Center answered StartDeviceAuthorization without a device code');
  const complete = auth.verificationUriComplete ?? auth.verificationUri;
  warn(`to sign in to ${targetName(t)} (${escapeText(show(t.startUrl))}), open this URL on any device and approve the code ${escapeText(auth.userCode ?? '')}:`);
  err(`\n  ${escapeText(complete)}\n\n`);
  if (browser && !(await openBrowser(browser, complete))) warn(`could not start the browser ${show(browser.argv[0]!)}; open the URL above`);

  let interval = (auth.interval ?? 5) * 1000;
  const deadline = Date.now() + (auth.expiresIn ?? 600) * 1000;
  for (;;) {
    try {
      const out = await client.send(new oidc.CreateTokenCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: DEVICE_GRANT, deviceCode: auth.deviceCode }));
      return grant(out, t);
    } catch (e) {
      const name = (e as Error).name;
      if (name === 'SlowDownException') interval += 5000;
      else if (name === 'AccessDeniedException') throw new UserError(`the sign-in to ${targetName(t)} was denied (access_denied); nothing was saved`);
      else if (name === 'ExpiredTokenException') throw new UserError(`the code expired before it was approved; nothing was saved; run the login again`);
      else if (name !== 'AuthorizationPendingException') throw idcError(e, t, 'the sign-in');
    }
    if (Date.now() + interval > deadline) throw new UserError('the code expired before it was approved; nothing was saved; run the login again');
    await sleep(interval);
  }
}

/** Signs in to T and writes the token where the AWS CLI keeps it. Returns the token's expiry. */
export async function login(t: SsoTarget, opts: LoginOptions, env: Env): Promise<Date> {
  const dir = ssoCacheDir(env);
  if (prepareCacheDir(dir).tightened) warn(`made ${dir} private (0700): it holds sign-in tokens`);
  // The CLI signs legacy profiles (no sso-session) in with a device code only; so does awsp.
  const browser = opts.noBrowser ? null : findBrowser(env);
  let pkce = t.session !== null && !opts.deviceCode && !opts.noBrowser;
  if (pkce && !browser) {
    warn(`no browser to open here${env.BROWSER ? ` (none of $BROWSER is on PATH)` : ' (set BROWSER to name one)'}; signing in with a device code instead`);
    pkce = false;
  }
  quietSdk();
  const oidc = await sdk().loadSsoOidc();
  const client = new oidc.SSOOIDCClient({ region: t.region, ...(t.profile !== null ? { profile: t.profile } : {}) });
  try {
    return await asProfile(t, () => interruptible(async (onInterrupt) => {
      const reg = await register(client, oidc, dir, t, pkce, t.startUrl);
      const g = pkce ? await pkceFlow(client, oidc, t, reg, browser!, onInterrupt) : await deviceFlow(client, oidc, t, reg, browser);
      const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + g.expiresIn * 1000);
      const token: TokenFile = {
        startUrl: t.startUrl,
        region: t.region,
        accessToken: g.accessToken,
        expiresAt: cacheTime(expiresAt),
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        registrationExpiresAt: reg.expiresAt,
        ...(g.refreshToken ? { refreshToken: g.refreshToken } : {}),
      };
      writeCacheFile(dir, tokenKey(t), tokenText(token));
      return expiresAt;
    }));
  } finally {
    client.destroy();
  }
}
