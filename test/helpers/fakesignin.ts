// A fake AWS federation endpoint on 127.0.0.1, for `awsp console`: getSigninToken checks the
// Session JSON against the credentials it knows and answers a SigninToken; login is recorded.
// It also answers STS GetFederationToken (the query protocol, as the real SDK sends it), which
// the shared fake STS does not, so an IAM user's keys can be federated end to end.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SigninRequest {
  action: string;
  params: Record<string, string>;
  /** getSigninToken: the parsed Session. */
  session?: Record<string, unknown>;
  /** STS: the access key id that signed the request. */
  signedBy?: string | null;
}

export interface FakeSignin {
  /** The federation endpoint, for AWSP_FEDERATION_ENDPOINT. */
  endpoint: string;
  /** The STS endpoint, for AWS_ENDPOINT_URL_STS. */
  sts: string;
  requests: SigninRequest[];
  /** Credentials the endpoint accepts (sessionId to secret and token); federation tokens are added as issued. */
  known: Map<string, { secret: string; token: string; federated: boolean }>;
  /** Other credentials it accepts (those another fake issued). */
  lookup: (sessionId: string) => { secret: string; token: string } | undefined;
  /** When set, getSigninToken answers 400 with this text. */
  refuse: string | null;
  /** When set, GetFederationToken answers AccessDenied with this message. */
  denyFederation: string | null;
  close(): Promise<void>;
}

const xml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startFakeSignin(): Promise<FakeSignin> {
  let n = 0;
  const fake: Omit<FakeSignin, 'endpoint' | 'sts' | 'close'> = { requests: [], known: new Map(), lookup: () => undefined, refuse: null, denyFederation: null };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'POST') {
        const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
        const signedBy = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? null;
        fake.requests.push({ action: params.Action ?? '', params, signedBy });
        if (params.Action !== 'GetFederationToken') {
          res.writeHead(400, { 'content-type': 'text/xml' }).end(`<ErrorResponse><Error><Code>InvalidAction</Code><Message>not here</Message></Error></ErrorResponse>`);
          return;
        }
        if (fake.denyFederation !== null) {
          res
            .writeHead(403, { 'content-type': 'text/xml' })
            .end(`<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>${xml(fake.denyFederation)}</Message></Error><RequestId>1</RequestId></ErrorResponse>`);
          return;
        }
        n++;
        const c = { id: `ASIAFED${String(n).padStart(4, '0')}`, secret: `fed-secret-${n}`, token: `fed-token-${n}` };
        fake.known.set(c.id, { secret: c.secret, token: c.token, federated: true });
        const exp = new Date(Date.now() + Number(params.DurationSeconds ?? 43200) * 1000).toISOString();
        res.writeHead(200, { 'content-type': 'text/xml' }).end(
          `<GetFederationTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetFederationTokenResult>` +
            `<Credentials><AccessKeyId>${c.id}</AccessKeyId><SecretAccessKey>${c.secret}</SecretAccessKey><SessionToken>${c.token}</SessionToken><Expiration>${exp}</Expiration></Credentials>` +
            `<FederatedUser><FederatedUserId>123456789012:${xml(params.Name ?? '')}</FederatedUserId><Arn>arn:aws:sts::123456789012:federated-user/${xml(params.Name ?? '')}</Arn></FederatedUser>` +
            `<PackedPolicySize>6</PackedPolicySize></GetFederationTokenResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetFederationTokenResponse>`,
        );
        return;
      }
      const params = Object.fromEntries(url.searchParams);
      if (req.method !== 'GET' || url.pathname !== '/federation') {
        res.writeHead(404).end();
        return;
      }
      const r: SigninRequest = { action: params.Action ?? '', params };
      fake.requests.push(r);
      if (params.Action === 'login') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('signed in\n');
        return;
      }
      if (params.Action !== 'getSigninToken') {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('Unsupported action\n');
        return;
      }
      // The real endpoint's rules: temporary credentials it knows, and no SessionDuration for federation tokens.
      try {
        r.session = JSON.parse(params.Session ?? '') as Record<string, unknown>;
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('Session is not JSON\n');
        return;
      }
      const s = r.session;
      const id = String(s.sessionId);
      const other = fake.lookup(id);
      const k = fake.known.get(id) ?? (other ? { ...other, federated: false } : undefined);
      if (fake.refuse !== null) {
        res.writeHead(400, { 'content-type': 'text/html' }).end(`<html><body><h1>${fake.refuse}</h1></body></html>\n`);
      } else if (!k || k.secret !== s.sessionKey || k.token !== s.sessionToken || Object.keys(s).length !== 3) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('The credentials in the Session are not valid temporary credentials\n');
      } else if (k.federated && params.SessionDuration !== undefined) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('SessionDuration is not allowed with GetFederationToken credentials\n');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ SigninToken: `signin-token-${String(s.sessionId)}-${params.SessionDuration ?? 'none'}` }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    endpoint: `http://127.0.0.1:${port}/federation`,
    sts: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
