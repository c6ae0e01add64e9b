// AWS config for credential tests: one profile per credential source the SDK supports, all
// pointing at the fake endpoints, plus the SSO token cache files the AWS CLI would write.
import { createHash } from 'node:crypto';
import { type FakeAws, type FakeAwsOptions, startFakeAws } from './fakeaws.js';
import { sandbox, type Sandbox } from './sandbox.js';

export const ACCOUNT = '123456789012';
export const roleArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${name}`;

/** A secret that breaks careless quoting in every shell awsp emits code for. */
export const NASTY = `it's \\ a $HOME \`id\` "q" \\' \\\\ $(x) !! %s\nsecond line\ttab ‘pwsh’ end\\`;

/** The sandbox-relative token file of an SSO session or start URL KEY: ~/.aws/sso/cache/<sha1(key)>.json. */
export const ssoTokenFile = (key: string): string => `home/.aws/sso/cache/${createHash('sha1').update(key).digest('hex')}.json`;

/** Writes an SSO token cache entry as `aws sso login` does. */
export function writeSsoToken(sb: Sandbox, key: string, token: string, expiresAt: Date, extra: Record<string, string> = {}): string {
  const file = ssoTokenFile(key);
  return sb.write(file, JSON.stringify({ accessToken: token, expiresAt: expiresAt.toISOString().replace(/\.\d+Z$/, 'Z'), ...extra }));
}

/** A credential_process command printing the given credentials (from a file, so any bytes survive). */
export function processCommand(sb: Sandbox, name: string, creds: Record<string, unknown>): string {
  const file = sb.write(`process/${name}.json`, JSON.stringify({ Version: 1, ...creds }));
  return `cat ${file}`;
}

export interface SourcesSetup {
  webTokenFile: string;
}

/** Every source: static, session keys, role chains, credential_source, process, SSO (legacy and sso-session), web identity. */
export function writeAllSources(sb: Sandbox): SourcesSetup {
  const webTokenFile = sb.write('web-token', 'eyJ.fake.jwt');
  const future = new Date(Date.now() + 3600_000);
  writeSsoToken(sb, 'https://legacy.example/start', 'tok-legacy', future, { region: 'us-east-1', startUrl: 'https://legacy.example/start' });
  writeSsoToken(sb, 'corp', 'tok-corp', future, { region: 'eu-west-1', startUrl: 'https://corp.example/start' });
  sb.writeConfig(
    [
      '[profile role]',
      `role_arn = ${roleArn('r')}`,
      'source_profile = base',
      'region = eu-west-1',
      '[profile role2]',
      `role_arn = ${roleArn('r2')}`,
      'source_profile = role',
      'region = eu-west-1',
      '[profile envrole]',
      `role_arn = ${roleArn('env')}`,
      'credential_source = Environment',
      'region = eu-west-1',
      '[profile proc]',
      `credential_process = ${processCommand(sb, 'proc', { AccessKeyId: 'ASIAPROC', SecretAccessKey: NASTY, SessionToken: 'tok-proc', Expiration: '2099-01-02T03:04:05Z' })}`,
      'region = ap-south-1',
      '[profile sso-legacy]',
      'sso_start_url = https://legacy.example/start',
      'sso_region = us-east-1',
      `sso_account_id = ${ACCOUNT}`,
      'sso_role_name = Admin',
      '[profile sso-new]',
      'sso_session = corp',
      `sso_account_id = ${ACCOUNT}`,
      'sso_role_name = Dev',
      '[sso-session corp]',
      'sso_start_url = https://corp.example/start',
      'sso_region = eu-west-1',
      'sso_registration_scopes = sso:account:access',
      '[profile webid]',
      `role_arn = ${roleArn('web')}`,
      `web_identity_token_file = ${webTokenFile}`,
      'region = eu-west-1',
      '[profile sso-role]',
      `role_arn = ${roleArn('from-sso')}`,
      'source_profile = sso-new',
      'region = eu-west-1',
      '',
    ].join('\n'),
  );
  sb.writeCredentials(
    [
      '[base]',
      'aws_access_key_id = AKIABASE',
      'aws_secret_access_key = base/secret',
      '[temp]',
      'aws_access_key_id = ASIATEMP',
      'aws_secret_access_key = temp/secret',
      'aws_session_token = temp-token=',
      'aws_credential_expiration = 2099-05-06T07:08:09Z',
      '',
    ].join('\n'),
  );
  return { webTokenFile };
}

/** A closed port: where the SDK's endpoints point unless a test gives it the fake server. */
export const NOWHERE = 'http://127.0.0.1:9';

/** A sandbox whose AWS endpoints can only be local: real AWS is never reached from a test. */
export function awsSandbox(endpoint = NOWHERE, extra: Record<string, string> = {}): Sandbox {
  // SSO OIDC too: a login (--login) or a token refresh must not leave the machine either.
  return sandbox({ AWS_ENDPOINT_URL_STS: endpoint, AWS_ENDPOINT_URL_SSO: endpoint, AWS_ENDPOINT_URL_SSO_OIDC: endpoint, AWS_EC2_METADATA_DISABLED: 'true', ...extra });
}

/** A fake STS/SSO server and a sandbox pointing at it, with every source written; close() ends both. */
export async function fakeAwsSandbox(options: FakeAwsOptions = {}): Promise<{ fake: FakeAws; sb: Sandbox; close(): Promise<void> }> {
  const fake = await startFakeAws(options);
  const sb = awsSandbox(fake.url);
  writeAllSources(sb);
  return {
    fake,
    sb,
    close: async () => {
      sb.cleanup();
      await fake.close();
    },
  };
}
