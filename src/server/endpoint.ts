// A container credentials endpoint (what ECS gives a task), for `awsp exec --server` and
// `awsp serve`: the AWS SDKs and the CLI read it through AWS_CONTAINER_CREDENTIALS_FULL_URI and
// AWS_CONTAINER_AUTHORIZATION_TOKEN, and come back for new credentials before theirs expire, so a
// long `terraform apply` outlives a one-hour role.
//
// HTTP on 127.0.0.1 only (the SDKs accept plain HTTP only from a loopback address), on a random
// port unless told; every request must carry the token (256 random bits, compared in constant
// time), else 401 (none) or 403 (wrong) and no secret. The credentials are kept while more than
// 15 minutes remain and resolved again from the profile after that (through the session cache).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserError } from '../errors.js';
import { type Credentials, isoTime } from '../formats.js';
import { FRESH_FOR_MS, isFresh } from '../sessions/cache.js';

/** setTimeout's longest wait: a longer one (keys that last past 24 days) fires at once, with a warning on stderr. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface Served {
  credentials: Credentials;
  accountId?: string;
}

export interface EndpointOptions {
  /** 0 or none: a free port. */
  port?: number;
  /** A refresh failed (one line, no secret). */
  onError(message: string): void;
  /** New credentials were resolved. */
  onRefresh?(served: Served): void;
}

export interface Endpoint {
  /** The value for AWS_CONTAINER_CREDENTIALS_FULL_URI. */
  url: string;
  /** The value for AWS_CONTAINER_AUTHORIZATION_TOKEN. */
  token: string;
  port: number;
  close(): Promise<void>;
}

/** Clients that cannot be told when credentials end are told one hour, so they come back and see a rotated file. */
const UNKNOWN_LIFETIME_MS = 3600_000;

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

export async function startEndpoint(refresh: () => Promise<Served>, first: Served, opts: EndpointOptions): Promise<Endpoint> {
  const token = randomBytes(32).toString('base64url');
  const tokenDigest = digest(token);
  let current = first;
  let pending: Promise<Served> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  /** Fresh credentials: the ones held while fresh, else resolved again (one resolution at a time). */
  const fresh = (): Promise<Served> => {
    if (isFresh(current.credentials)) return Promise.resolve(current);
    pending ??= refresh()
      .then((s) => {
        current = s;
        opts.onRefresh?.(s);
        schedule();
        return s;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  };

  // Resolved again ahead of time, so an MFA prompt or an SSO problem shows while clients still
  // hold valid credentials rather than while one of them waits on its 2-second timeout.
  const schedule = (): void => {
    clearTimeout(timer);
    const left = current.credentials.expiration ? current.credentials.expiration.getTime() - Date.now() : 0;
    if (closed || left <= FRESH_FOR_MS) return;
    timer = setTimeout(() => {
      // Woken early by the cap below: wait again.
      if (isFresh(current.credentials)) return schedule();
      fresh().catch((e: unknown) => opts.onError(e instanceof Error ? e.message : String(e)));
    }, Math.min(left - FRESH_FOR_MS + 1000, MAX_TIMER_MS));
    timer.unref();
  };

  const reply = (res: ServerResponse, status: number, body: object): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  let port = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const given = req.headers.authorization;
    if (given === undefined || given === '') return reply(res, 401, { code: 'Unauthorized', message: 'this endpoint needs AWS_CONTAINER_AUTHORIZATION_TOKEN' });
    if (!timingSafeEqual(digest(given), tokenDigest)) return reply(res, 403, { code: 'Forbidden', message: 'wrong authorization token' });
    // A page in a browser that got a name to resolve to 127.0.0.1 would send its own Host.
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return reply(res, 403, { code: 'Forbidden', message: 'wrong host' });
    if (req.method !== 'GET') return reply(res, 405, { code: 'MethodNotAllowed', message: 'GET only' });
    if ((req.url ?? '/') !== '/') return reply(res, 404, { code: 'NotFound', message: 'the credentials are at /' });
    let s: Served;
    try {
      s = await fresh();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      opts.onError(message);
      // Credentials that are still valid beat none: the client retries before they end.
      if (current.credentials.expiration && current.credentials.expiration.getTime() > Date.now() + 60_000) s = current;
      else return reply(res, 500, { code: 'CredentialsUnavailable', message });
    }
    const c = s.credentials;
    reply(res, 200, {
      AccessKeyId: c.accessKeyId,
      SecretAccessKey: c.secretAccessKey,
      Token: c.sessionToken ?? '',
      Expiration: isoTime(c.expiration ?? new Date(Date.now() + UNKNOWN_LIFETIME_MS)),
      ...(s.accountId !== undefined && { AccountId: s.accountId }),
    });
  };

  const server = createServer((req, res) => {
    // The body is never read; a client that sends one is drained so the connection stays usable.
    req.resume();
    handle(req, res).catch(() => {
      if (!res.headersSent) reply(res, 500, { code: 'InternalError', message: 'internal error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const where = opts.port ? `port ${opts.port}` : 'a port';
      if (e.code === 'EADDRINUSE') reject(new UserError(`${where} on 127.0.0.1 is in use; choose another with --port, or leave it out`));
      else if (e.code === 'EACCES') reject(new UserError(`cannot listen on ${where} of 127.0.0.1: permission denied`));
      else reject(new UserError(`cannot listen on 127.0.0.1: ${e.message}`));
    });
    server.listen({ host: '127.0.0.1', port: opts.port ?? 0, exclusive: true }, resolve);
  });
  port = (server.address() as AddressInfo).port;
  schedule();
  return {
    url: `http://127.0.0.1:${port}/`,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The variables that point a client at the endpoint. */
export function endpointEnv(e: Endpoint): Array<[string, string]> {
  return [
    ['AWS_CONTAINER_CREDENTIALS_FULL_URI', e.url],
    ['AWS_CONTAINER_AUTHORIZATION_TOKEN', e.token],
  ];
}

/** Variables that would make a client read its credentials from somewhere before the endpoint. */
export const SHADOWING_VARS = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
];
