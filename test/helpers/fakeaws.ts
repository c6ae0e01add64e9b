// A fake STS and SSO portal on 127.0.0.1 that speaks the real wire protocols, so the real
// AWS SDK (and the AWS CLI) can be pointed at it with AWS_ENDPOINT_URL_STS / _SSO:
// STS is the query protocol (form-encoded POST, XML answers and XML errors), the SSO portal
// is GetRoleCredentials (GET /federation/credentials, bearer token header, JSON).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  service: 'sts' | 'sso';
  action: string;
  params: Record<string, string>;
  /** The access key id that signed the request (from the SigV4 Authorization header), if any. */
  signedBy: string | null;
  /** The region in the SigV4 credential scope, if any. */
  region: string | null;
}

export interface FakeAwsOptions {
  /** Role ARNs whose AssumeRole answers AccessDenied. */
  denyRoles?: string[];
  /** The one MFA code STS accepts (for any serial). */
  mfaCode?: string;
  /** SSO bearer tokens the portal accepts. */
  ssoTokens?: string[];
  /** The SecretAccessKey handed out (default: derived from the action). */
  secret?: string;
  /** Seconds until the credentials handed out expire. */
  lifetime?: number;
}

export interface FakeAws {
  url: string;
  requests: FakeRequest[];
  options: FakeAwsOptions;
  close(): Promise<void>;
}

const xml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export async function startFakeAws(options: FakeAwsOptions = {}): Promise<FakeAws> {
  const requests: FakeRequest[] = [];
  let counter = 0;
  const creds = (kind: string) => {
    counter++;
    const expiration = new Date(Math.floor(Date.now() / 1000) * 1000 + (options.lifetime ?? 3600) * 1000);
    return {
      accessKeyId: `ASIA${kind.toUpperCase()}${String(counter).padStart(4, '0')}`,
      secretAccessKey: options.secret ?? `secret-${kind}-${counter}`,
      sessionToken: `token-${kind}-${counter}`,
      expiration,
    };
  };

  const stsError = (res: ServerResponse, status: number, code: string, message: string) => {
    res.writeHead(status, { 'content-type': 'text/xml' });
    res.end(
      `<ErrorResponse xmlns="${NS}">\n  <Error>\n    <Type>Sender</Type>\n    <Code>${code}</Code>\n` +
        `    <Message>${xml(message)}</Message>\n  </Error>\n  <RequestId>00000000-0000-0000-0000-00000000000${counter % 10}</RequestId>\n</ErrorResponse>\n`,
    );
  };

  const sts = (req: FakeRequest, res: ServerResponse) => {
    const p = req.params;
    const who = `arn:aws:iam::123456789012:user/${req.signedBy ?? 'anonymous'}`;
    if (p.TokenCode !== undefined || p.SerialNumber !== undefined) {
      if (p.TokenCode !== options.mfaCode) {
        return stsError(res, 403, 'AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code. ');
      }
    }
    let result: string;
    let c;
    switch (p.Action) {
      case 'AssumeRole':
      case 'AssumeRoleWithWebIdentity': {
        const arn = p.RoleArn ?? '';
        if (options.denyRoles?.includes(arn)) {
          return stsError(res, 403, 'AccessDenied', `User: ${who} is not authorized to perform: sts:${p.Action} on resource: ${arn}`);
        }
        if (p.Action === 'AssumeRoleWithWebIdentity' && !p.WebIdentityToken) {
          return stsError(res, 400, 'InvalidIdentityToken', 'No web identity token');
        }
        c = creds(p.Action === 'AssumeRole' ? 'role' : 'webid');
        const role = arn.split('/').pop();
        result =
          `<AssumedRoleUser><AssumedRoleId>AROAFAKE:${xml(p.RoleSessionName ?? '')}</AssumedRoleId>` +
          `<Arn>arn:aws:sts::123456789012:assumed-role/${xml(role ?? '')}/${xml(p.RoleSessionName ?? '')}</Arn></AssumedRoleUser>`;
        break;
      }
      case 'GetSessionToken':
        c = creds('session');
        result = '';
        break;
      default:
        return stsError(res, 400, 'InvalidAction', `Could not find operation ${p.Action} for version 2011-06-15`);
    }
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(
      `<${p.Action}Response xmlns="${NS}">\n  <${p.Action}Result>\n    <Credentials>\n` +
        `      <AccessKeyId>${xml(c.accessKeyId)}</AccessKeyId>\n      <SecretAccessKey>${xml(c.secretAccessKey)}</SecretAccessKey>\n` +
        `      <SessionToken>${xml(c.sessionToken)}</SessionToken>\n      <Expiration>${c.expiration.toISOString()}</Expiration>\n` +
        `    </Credentials>\n    ${result}\n  </${p.Action}Result>\n  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000001</RequestId></ResponseMetadata>\n</${p.Action}Response>\n`,
    );
  };

  const sso = (req: FakeRequest, headers: IncomingMessage['headers'], res: ServerResponse) => {
    const token = headers['x-amz-sso_bearer_token'];
    if (typeof token !== 'string' || !(options.ssoTokens ?? []).includes(token)) {
      res.writeHead(401, { 'content-type': 'application/json', 'x-amzn-errortype': 'UnauthorizedException' });
      res.end(JSON.stringify({ message: 'Session token not found or invalid' }));
      return;
    }
    const c = creds('sso');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        roleCredentials: {
          accessKeyId: c.accessKeyId,
          secretAccessKey: c.secretAccessKey,
          sessionToken: c.sessionToken,
          expiration: c.expiration.getTime(),
        },
      }),
    );
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const auth = String(req.headers.authorization ?? '');
      const m = /Credential=([^/]+)\/\d+\/([^/]+)\//.exec(auth);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'GET' && url.pathname === '/federation/credentials') {
        const r: FakeRequest = {
          service: 'sso',
          action: 'GetRoleCredentials',
          params: Object.fromEntries(url.searchParams),
          signedBy: null,
          region: null,
        };
        requests.push(r);
        return sso(r, req.headers, res);
      }
      if (req.method === 'POST') {
        const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
        const r: FakeRequest = { service: 'sts', action: params.Action ?? '', params, signedBy: m ? m[1]! : null, region: m ? m[2]! : null };
        requests.push(r);
        return sts(r, res);
      }
      res.writeHead(404);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    options,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
