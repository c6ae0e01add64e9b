// The parts of the AWS SDK that awsp uses. The build bundles this file on its own (dist/sdk.cjs),
// which only the commands that resolve credentials or sign in load (src/load.ts). Inside the bundle, what
// import() reaches is neither compiled nor run until called: static keys never start an STS client.
export { fromContainerMetadata, fromInstanceMetadata, fromSSO } from '@aws-sdk/credential-providers';
// Lets awsp hand the SDK's SSO token provider the sso-session as awsp read it (src/credentials/resolve.ts).
export { externalDataInterceptor } from '@smithy/core/config';
export const loadSts = () => import('@aws-sdk/client-sts');
// IAM Identity Center: sign-in (OIDC) and the portal, for login, logout and sso populate only.
export const loadSsoOidc = () => import('@aws-sdk/client-sso-oidc');
export const loadSso = () => import('@aws-sdk/client-sso');
