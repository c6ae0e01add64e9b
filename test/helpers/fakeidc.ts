// A fake IAM Identity Center on 127.0.0.1 that speaks the real wire protocols, so the real SDKs
// (awsp's, botocore's) and awsp's own browser leg can be pointed at it with
// AWS_ENDPOINT_URL_SSO_OIDC and AWS_ENDPOINT_URL_SSO (both may name this one server):
//   SSO OIDC (REST-JSON, unsigned): POST /client/register, /device_authorization, /token
//     (grant types device_code, authorization_code with PKCE S256, refresh_token); errors as
//     the service sends them: `x-amzn-errortype` and {"error": "authorization_pending", …}.
//   The browser leg: GET /authorize answers 302 to the loopback redirect_uri with code and state
//     (or error=access_denied); GET /device?user_code=… approves a device code, as a user would.
//   The portal (REST-JSON, bearer token in x-amz-sso_bearer_token): GET /assignment/accounts,
//     /assignment/roles (paginated by max_result/next_token), /federation/credentials, POST /logout;
//     throttling answers 429 TooManyRequestsException.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sandbox } from './sandbox.js';

export interface FakeAccount {
  accountId: string;
  accountName: string;
  emailAddress?: string;
  roles: string[];
}

export interface FakeIdcOptions {
  accounts?: FakeAccount[];
  /** Items per page of ListAccounts and ListAccountRoles, whatever max_result asks (default 2). */
  pageSize?: number;
  /** Seconds an access token lives (expiresIn; default 8 hours). */
  tokenLifetime?: number;
  /** Seconds a client registration lives (default 90 days). */
  registrationLifetime?: number;
  /** Hand out refresh tokens (default true). */
  refreshTokens?: boolean;
  /**
   * How a device authorization ends: `browser` (approved when its verificationUriComplete is
   * fetched), `polls` (approved after approveAfterPolls pending answers), `deny`, `expire`.
   */
  device?: 'browser' | 'polls' | 'deny' | 'expire';
  approveAfterPolls?: number;
  /** The polling interval StartDeviceAuthorization announces (seconds; default 1). */
  interval?: number;
  /** Answer slow_down to this many device-code polls first. */
  slowDown?: number;
  /** What the browser leg answers: a code, or error=access_denied. */
  authorize?: 'approve' | 'deny';
  /** Answer this many portal calls (ListAccounts, ListAccountRoles) with 429 first. */
  throttle?: number;
  /** Milliseconds to wait before answering a portal call (a slow portal). */
  delay?: number;
}

export interface IdcRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown>;
  bearer: string | null;
  at: number;
}

export interface FakeIdc {
  url: string;
  options: FakeIdcOptions;
  requests: IdcRequest[];
  /** Requests to PATH, e.g. '/token'. */
  calls(path: string): IdcRequest[];
  /** A valid access token for a registered-in-passing client, as if someone had signed in (lifetime in seconds). */
  issueToken(lifetime?: number): string;
  /** A registered client with a refresh token, as a sign-in leaves them (for a token file written by a test). */
  issueSession(): { clientId: string; clientSecret: string; refreshToken: string; registrationExpiresAt: string };
  /** Whether the portal accepts this access token now. */
  accepts(token: string): boolean;
  close(): Promise<void>;
}

const ERRORS: Record<string, [status: number, error: string]> = {
  AuthorizationPendingException: [400, 'authorization_pending'],
  SlowDownException: [400, 'slow_down'],
  AccessDeniedException: [400, 'access_denied'],
  ExpiredTokenException: [400, 'expired_token'],
  InvalidGrantException: [400, 'invalid_grant'],
  InvalidClientException: [401, 'invalid_client'],
  InvalidRequestException: [400, 'invalid_request'],
  UnsupportedGrantTypeException: [400, 'unsupported_grant_type'],
  InvalidRedirectUriException: [400, 'invalid_redirect_uri'],
};

const b64url = (b: Buffer): string => b.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const id = (prefix: string): string => `${prefix}${randomBytes(12).toString('hex')}`;

export async function startFakeIdc(options: FakeIdcOptions = {}): Promise<FakeIdc> {
  const requests: IdcRequest[] = [];
  const clients = new Map<string, { secret: string; grantTypes: string[]; redirectUris: string[]; scopes: string[]; expiresAt: number }>();
  const devices = new Map<string, { clientId: string; userCode: string; state: 'pending' | 'approved' | 'denied' | 'used'; polls: number; expiresAt: number; startUrl: string }>();
  const codes = new Map<string, { clientId: string; challenge: string; redirectUri: string; used: boolean }>();
  const access = new Map<string, { expiresAt: number; clientId: string; refresh: string | null }>();
  const refresh = new Map<string, string>(); // refresh token -> client id
  let slowDowns = 0;
  let throttled = 0;
  let counter = 0;
  let url = '';

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(status === 200 && body === null ? '' : JSON.stringify(body));
  };
  const oidcError = (res: ServerResponse, name: string, description: string) => {
    const [status, error] = ERRORS[name]!;
    json(res, status, { error, error_description: description }, { 'x-amzn-errortype': `${name}:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/` });
  };
  const portalError = (res: ServerResponse, status: number, name: string, message: string) =>
    json(res, status, { message }, { 'x-amzn-errortype': name });

  const newToken = (clientId: string, withRefresh: boolean) => {
    const token = id('aoa');
    const lifetime = options.tokenLifetime ?? 8 * 3600;
    const rt = withRefresh && options.refreshTokens !== false ? id('aor') : null;
    access.set(token, { expiresAt: Date.now() + lifetime * 1000, clientId, refresh: rt });
    if (rt) refresh.set(rt, clientId);
    return { accessToken: token, tokenType: 'Bearer', expiresIn: lifetime, ...(rt ? { refreshToken: rt } : {}) };
  };
  const accepts = (token: string | null): boolean => token !== null && (access.get(token)?.expiresAt ?? 0) > Date.now();

  const register = (body: Record<string, unknown>, res: ServerResponse) => {
    if (body.clientType !== 'public' || typeof body.clientName !== 'string') return oidcError(res, 'InvalidRequestException', 'clientName and clientType public are required');
    const grantTypes = (body.grantTypes as string[] | undefined) ?? [];
    const redirectUris = (body.redirectUris as string[] | undefined) ?? [];
    if (grantTypes.includes('authorization_code') && (redirectUris.length === 0 || typeof body.issuerUrl !== 'string')) {
      return oidcError(res, 'InvalidRequestException', 'redirectUris and issuerUrl are required for authorization_code');
    }
    const clientId = id('client-');
    const now = Math.floor(Date.now() / 1000);
    const expiresAt = now + (options.registrationLifetime ?? 90 * 86400);
    clients.set(clientId, { secret: id('secret-'), grantTypes, redirectUris, scopes: (body.scopes as string[] | undefined) ?? [], expiresAt: expiresAt * 1000 });
    json(res, 200, { clientId, clientSecret: clients.get(clientId)!.secret, clientIdIssuedAt: now, clientSecretExpiresAt: expiresAt });
  };

  const client = (body: Record<string, unknown>) => {
    const c = clients.get(String(body.clientId));
    return c && c.secret === body.clientSecret && c.expiresAt > Date.now() ? c : null;
  };

  const deviceAuthorization = (body: Record<string, unknown>, res: ServerResponse) => {
    if (!client(body)) return oidcError(res, 'InvalidClientException', 'Invalid client');
    const deviceCode = id('device-');
    const userCode = `${randomBytes(2).toString('hex').toUpperCase()}-${randomBytes(2).toString('hex').toUpperCase()}`;
    devices.set(deviceCode, { clientId: String(body.clientId), userCode, state: 'pending', polls: 0, expiresAt: Date.now() + 600_000, startUrl: String(body.startUrl) });
    json(res, 200, {
      deviceCode,
      userCode,
      verificationUri: `${url}/device`,
      verificationUriComplete: `${url}/device?user_code=${userCode}`,
      expiresIn: 600,
      interval: options.interval ?? 1,
    });
  };

  const token = (body: Record<string, unknown>, res: ServerResponse) => {
    const c = client(body);
    if (!c) return oidcError(res, 'InvalidClientException', 'Invalid client');
    switch (body.grantType) {
      case 'urn:ietf:params:oauth:grant-type:device_code': {
        const d = devices.get(String(body.deviceCode));
        if (!d || d.clientId !== body.clientId || d.state === 'used') return oidcError(res, 'InvalidGrantException', 'Invalid device code provided');
        if (slowDowns < (options.slowDown ?? 0)) {
          slowDowns++;
          return oidcError(res, 'SlowDownException', 'Client is polling too quickly');
        }
        const mode = options.device ?? 'browser';
        if (mode === 'expire' || d.expiresAt < Date.now()) return oidcError(res, 'ExpiredTokenException', 'Device code has expired');
        if (mode === 'deny' || d.state === 'denied') return oidcError(res, 'AccessDeniedException', 'User denied the authorization request');
        if (mode === 'polls' && d.polls >= (options.approveAfterPolls ?? 0)) d.state = 'approved';
        if (d.state !== 'approved') {
          d.polls++;
          return oidcError(res, 'AuthorizationPendingException', 'Authorization is still pending');
        }
        d.state = 'used';
        return json(res, 200, newToken(String(body.clientId), c.scopes.length > 0));
      }
      case 'authorization_code': {
        const k = codes.get(String(body.code));
        if (!k || k.used || k.clientId !== body.clientId) return oidcError(res, 'InvalidGrantException', 'Invalid authorization code');
        if (k.redirectUri !== body.redirectUri) return oidcError(res, 'InvalidGrantException', 'redirect_uri does not match');
        const challenge = b64url(createHash('sha256').update(String(body.codeVerifier ?? '')).digest());
        if (challenge !== k.challenge) return oidcError(res, 'InvalidGrantException', 'Code verifier does not match the challenge');
        k.used = true;
        return json(res, 200, newToken(String(body.clientId), true));
      }
      case 'refresh_token': {
        const owner = refresh.get(String(body.refreshToken));
        if (owner === undefined || owner !== body.clientId) return oidcError(res, 'InvalidGrantException', 'Invalid refresh token provided');
        // Rotated, as the service does.
        refresh.delete(String(body.refreshToken));
        return json(res, 200, newToken(owner, true));
      }
      default:
        return oidcError(res, 'UnsupportedGrantTypeException', `Unsupported grant type ${String(body.grantType)}`);
    }
  };

  const authorize = (q: Record<string, string>, res: ServerResponse) => {
    const c = clients.get(q.client_id ?? '');
    const redirect = q.redirect_uri ?? '';
    const r = /^http:\/\/127\.0\.0\.1:(\d+)(\/oauth\/callback)$/.exec(redirect);
    // The registered redirect URI has no port: any loopback port matches it (RFC 8252).
    if (!c || !c.grantTypes.includes('authorization_code') || !r || !c.redirectUris.includes(`http://127.0.0.1${r[2]}`)) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      return res.end('bad authorization request');
    }
    if (q.response_type !== 'code' || q.code_challenge_method !== 'S256' || !q.code_challenge || !q.state || !q.scopes) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      return res.end('bad authorization request parameters');
    }
    const to = new URL(redirect);
    to.searchParams.set('state', q.state);
    if ((options.authorize ?? 'approve') === 'deny') {
      to.searchParams.set('error', 'access_denied');
      to.searchParams.set('error_description', 'The user denied the request');
    } else {
      const code = id('code-');
      codes.set(code, { clientId: q.client_id!, challenge: q.code_challenge, redirectUri: redirect, used: false });
      to.searchParams.set('code', code);
    }
    res.writeHead(302, { location: to.toString() });
    res.end();
  };

  const portal = (path: string, q: Record<string, string>, bearer: string | null, res: ServerResponse) => {
    if (!accepts(bearer)) return portalError(res, 401, 'UnauthorizedException', 'Session token not found or invalid');
    const accounts = options.accounts ?? [];
    const size = options.pageSize ?? 2;
    const page = <T>(items: T[]) => {
      const from = q.next_token ? Number(Buffer.from(q.next_token, 'base64url').toString().replace('page:', '')) : 0;
      const next = from + size < items.length ? Buffer.from(`page:${from + size}`).toString('base64url') : undefined;
      return { items: items.slice(from, from + size), nextToken: next };
    };
    if ((path === '/assignment/accounts' || path === '/assignment/roles') && throttled < (options.throttle ?? 0)) {
      throttled++;
      return portalError(res, 429, 'TooManyRequestsException', 'Too many requests');
    }
    if (path === '/assignment/accounts') {
      const p = page(accounts.map((a) => ({ accountId: a.accountId, accountName: a.accountName, emailAddress: a.emailAddress ?? `${a.accountId}@example.com` })));
      return json(res, 200, { accountList: p.items, ...(p.nextToken ? { nextToken: p.nextToken } : {}) });
    }
    if (path === '/assignment/roles') {
      const a = accounts.find((x) => x.accountId === q.account_id);
      if (!a) return portalError(res, 404, 'ResourceNotFoundException', 'No account');
      const p = page(a.roles.map((roleName) => ({ roleName, accountId: a.accountId })));
      return json(res, 200, { roleList: p.items, ...(p.nextToken ? { nextToken: p.nextToken } : {}) });
    }
    if (path === '/federation/credentials') {
      const a = accounts.find((x) => x.accountId === q.account_id);
      if (!a || !a.roles.includes(q.role_name ?? '')) return portalError(res, 404, 'ResourceNotFoundException', 'No access');
      counter++;
      return json(res, 200, {
        roleCredentials: {
          accessKeyId: `ASIAIDC${String(counter).padStart(8, '0')}`,
          secretAccessKey: `idc-secret-${counter}`,
          sessionToken: `idc-session-${counter}`,
          expiration: Date.now() + 3600_000,
        },
      });
    }
    if (path === '/logout') {
      const t = access.get(bearer!);
      access.delete(bearer!);
      if (t?.refresh) refresh.delete(t.refresh);
      return json(res, 200, null);
    }
    res.writeHead(404);
    res.end();
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        body = {};
      }
      const bearer = typeof req.headers['x-amz-sso_bearer_token'] === 'string' ? req.headers['x-amz-sso_bearer_token'] : null;
      const query = Object.fromEntries(u.searchParams);
      requests.push({ method: req.method ?? '', path: u.pathname, query, body, bearer, at: Date.now() });
      const route = `${req.method} ${u.pathname}`;
      switch (route) {
        case 'POST /client/register':
          return register(body, res);
        case 'POST /device_authorization':
          return deviceAuthorization(body, res);
        case 'POST /token':
          return token(body, res);
        case 'GET /authorize':
          return authorize(query, res);
        case 'GET /device': {
          const d = [...devices.values()].find((x) => x.userCode === query.user_code);
          if (d && d.state === 'pending' && (options.device ?? 'browser') === 'browser') d.state = 'approved';
          res.writeHead(d ? 200 : 404, { 'content-type': 'text/plain' });
          return res.end(d ? 'approved\n' : 'no such code\n');
        }
        case 'GET /assignment/accounts':
        case 'GET /assignment/roles':
        case 'GET /federation/credentials':
        case 'POST /logout':
          if (options.delay) return void setTimeout(() => portal(u.pathname, query, bearer, res), options.delay);
          return portal(u.pathname, query, bearer, res);
      }
      res.writeHead(404);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    options,
    requests,
    calls: (path) => requests.filter((r) => r.path === path),
    issueToken: (lifetime = 3600) => {
      const t = id('aoa');
      access.set(t, { expiresAt: Date.now() + lifetime * 1000, clientId: 'seeded', refresh: null });
      return t;
    },
    issueSession: () => {
      const clientId = id('client-');
      const expiresAt = Date.now() + 90 * 86400_000;
      clients.set(clientId, { secret: id('secret-'), grantTypes: ['authorization_code', 'refresh_token'], redirectUris: ['http://127.0.0.1/oauth/callback'], scopes: ['sso:account:access'], expiresAt });
      const refreshToken = id('aor');
      refresh.set(refreshToken, clientId);
      return { clientId, clientSecret: clients.get(clientId)!.secret, refreshToken, registrationExpiresAt: new Date(expiresAt).toISOString().replace(/\.\d+Z$/, 'Z') };
    },
    accepts: (t) => accepts(t),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A stand-in browser for $BROWSER: logs the URL it was given, then follows it with curl in the
 * background (detached, as a real browser is), redirects included, so the fake's 302 reaches
 * awsp's loopback listener. Returns the script's path and its log.
 */
export function testBrowser(sb: Sandbox, name = 'browser'): { path: string; log: string } {
  const log = `${sb.dir}/${name}.log`;
  const path = sb.write(
    `bin/${name}`,
    `#!/bin/sh\nprintf '%s\\n' "$1" >> '${log}'\n( curl -s -L --max-time 20 -o /dev/null "$1" >/dev/null 2>&1 & )\nexit 0\n`,
    0o755,
  );
  return { path, log };
}
