// A fake STS and SSO portal on 127.0.0.1 that speaks the real wire protocols, so the real
// AWS SDK (and the AWS CLI) can be pointed at it with AWS_ENDPOINT_URL_STS / _SSO:
// STS is the query protocol (form-encoded POST, XML answers and XML errors), the SSO portal
// is GetRoleCredentials (GET /federation/credentials, bearer token header, JSON).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

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
  /** Seconds until the credentials handed out expire (default: the DurationSeconds asked for, else 3600). */
  lifetime?: number;
}

/** What the fake handed out, by access key id: requests signed with an expired one are refused, as AWS does. */
export interface Issued {
  kind: string;
  expiration: Date;
  /** The principal the keys act as. */
  arn: string;
}

export interface FakeAws {
  url: string;
  requests: FakeRequest[];
  issued: Map<string, Issued>;
  /** The STS calls of one action (or all) since index FROM of requests. */
  count(action?: string, from?: number): number;
  options: FakeAwsOptions;
  close(): Promise<void>;
}

const xml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export async function startFakeAws(options: FakeAwsOptions = {}): Promise<FakeAws> {
  const requests: FakeRequest[] = [];
  const issued = new Map<string, Issued>();
  let counter = 0;
  const creds = (kind: string, asked: number | undefined, arn: string) => {
    counter++;
    const expiration = new Date(Math.floor(Date.now() / 1000) * 1000 + (options.lifetime ?? asked ?? 3600) * 1000);
    issued.set(`ASIA${kind.toUpperCase()}${String(counter).padStart(4, '0')}`, { kind, expiration, arn });
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
    const signer = req.signedBy === null ? undefined : issued.get(req.signedBy);
    if (signer && signer.expiration.getTime() <= Date.now()) {
      return stsError(res, 403, 'ExpiredToken', 'The security token included in the request is expired');
    }
    const who = signer?.arn ?? `arn:aws:iam::123456789012:user/${req.signedBy ?? 'anonymous'}`;
    const asked = p.DurationSeconds === undefined ? undefined : Number(p.DurationSeconds);
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
        // Role chaining: a role assumed with temporary credentials gets an hour at most.
        if (p.Action === 'AssumeRole' && signer && (asked ?? 3600) > 3600) {
          return stsError(res, 400, 'ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
        }
        const role = arn.split('/').pop();
        c = creds(p.Action === 'AssumeRole' ? 'role' : 'webid', asked, `arn:aws:sts::123456789012:assumed-role/${role ?? ''}/${p.RoleSessionName ?? ''}`);
        result =
          `<AssumedRoleUser><AssumedRoleId>AROAFAKE:${xml(p.RoleSessionName ?? '')}</AssumedRoleId>` +
          `<Arn>arn:aws:sts::123456789012:assumed-role/${xml(role ?? '')}/${xml(p.RoleSessionName ?? '')}</Arn></AssumedRoleUser>`;
        break;
      }
      case 'GetSessionToken':
        // STS makes sessions from an IAM user's long-term keys only.
        if (signer) return stsError(res, 403, 'AccessDenied', 'Cannot call GetSessionToken with session credentials');
        c = creds('session', asked, who);
        result = '';
        break;
      case 'GetCallerIdentity':
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          `<GetCallerIdentityResponse xmlns="${NS}">\n  <GetCallerIdentityResult>\n    <Arn>${xml(who)}</Arn>\n    <UserId>${xml(req.signedBy ?? '')}</UserId>\n` +
            `    <Account>123456789012</Account>\n  </GetCallerIdentityResult>\n  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000002</RequestId></ResponseMetadata>\n</GetCallerIdentityResponse>\n`,
        );
        return;
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
    const c = creds('sso', undefined, `arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_${req.params.role_name ?? ''}/sso`);
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
    issued,
    count: (action, from = 0) => requests.slice(from).filter((r) => action === undefined || r.action === action).length,
    options,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * An AWS_DATA_PATH for the AWS CLI v2 at /usr/bin/aws (2.9, older than AWS_ENDPOINT_URL_*): endpoint
 * rulesets that send every STS and SSO call to URL, with the parameters of the CLI's own. Null
 * when the CLI's data is not where Debian puts it.
 */
export function cliDataPath(root: string, url: string): string | null {
  const data = '/usr/lib/python3/dist-packages/awscli/botocore/data';
  const dir = join(root, 'aws-data');
  for (const [service, version] of [
    ['sts', '2011-06-15'],
    ['sso', '2019-06-10'],
  ] as const) {
    const original = join(data, service, version, 'endpoint-rule-set-1.json');
    if (!existsSync(original)) return null;
    const rules = JSON.parse(readFileSync(original, 'utf8')) as { rules: unknown[] };
    rules.rules = [{ conditions: [], endpoint: { url, properties: {}, headers: {} }, type: 'endpoint' }];
    mkdirSync(join(dir, service, version), { recursive: true });
    writeFileSync(join(dir, service, version, 'endpoint-rule-set-1.json'), JSON.stringify(rules));
  }
  return dir;
}
