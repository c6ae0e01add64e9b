import { awsPaths } from '../config/paths.js';
import { exportsOptions } from '../credentials/args.js';
import { readAwsFile, rewriteAwsFile, sectionNameProblem, setSection, type SectionValues } from '../config/write.js';
import { resolveCredentials } from '../credentials/resolve.js';
import { type Env, show, warn } from '../context.js';
import { UserError } from '../errors.js';
import { type Format, isoTime, powershellQuote, regionToExport, render } from '../formats.js';
import { out, stdoutIsTerminal } from '../output.js';
import { currentShell, getShell } from '../shells/index.js';
import { escapeText } from '../text.js';
import type { Parsed } from './parse.js';

/** `awsp exports [PROFILE]`: credential exports for tools that cannot read the AWS config. */
export async function exportsCommand(a: Parsed, env: Env): Promise<number> {
  const opts = exportsOptions(a, env);
  const format = opts.format ?? currentShell(env).name;
  // Every format holds the secret key. Checked before resolving: no MFA prompt or STS call for
  // output that would be refused.
  const onTerminal = opts.writeCredentials === null && stdoutIsTerminal();
  if (onTerminal && !opts.reveal) {
    throw new UserError(`not printing secret keys onto the terminal; ${howToLoad(format, profileArgFor(format, opts.profile, env))} (or add --reveal to print them)`);
  }
  const credentialsFile = awsPaths(env).credentials;
  const section = (values: SectionValues) => (text: string) => setSection(text, opts.writeCredentials!, values, { force: opts.force, file: 'the credentials file' });
  if (opts.writeCredentials !== null) {
    // Everything that would refuse the write, refused now: no MFA prompt or STS call is wasted.
    const why = sectionNameProblem(opts.writeCredentials);
    if (why) throw new UserError(`cannot write a section named ${show(opts.writeCredentials)}: ${why}`, 2);
    section([['aws_access_key_id', 'x']])(readAwsFile(credentialsFile));
  }
  const { credentials, region } = await resolveCredentials(opts, env);

  if (opts.writeCredentials !== null) {
    const name = opts.writeCredentials;
    const path = rewriteAwsFile(
      credentialsFile,
      section([
        ['aws_access_key_id', credentials.accessKeyId],
        ['aws_secret_access_key', credentials.secretAccessKey],
        ['aws_session_token', credentials.sessionToken ?? null],
        ['aws_credential_expiration', credentials.expiration ? isoTime(credentials.expiration) : null],
        ['awsp_managed', 'true'],
      ]),
    );
    const until = credentials.expiration ? `, valid until ${isoTime(credentials.expiration)}` : '';
    warn(`wrote [${name}] to ${path}${until}; use it as the profile ${show(name)}`);
    return 0;
  }
  const text = render(format, credentials, { profile: opts.profile, region: regionToExport(format, region, env) });
  // --reveal on a terminal: for reading, so whatever a credential_process handed over cannot drive it.
  out(onTerminal ? text.split('\n').map(escapeText).join('\n') : text);
  return 0;
}

/** How the output of FORMAT is meant to be used, as a command to copy. */
function howToLoad(format: Format, arg: string): string {
  switch (format) {
    case 'fish':
      return `load them with: awsp exports${arg} | source`;
    case 'powershell':
      return `load them with: awsp exports${arg} --format powershell | Invoke-Expression`;
    case 'env':
      return `hand them to a program, e.g.: docker run --env-file <(awsp exports${arg} --format env) …`;
    case 'dotenv':
      return `write them where they are read, e.g.: awsp exports${arg} --format dotenv > .env`;
    case 'json':
      return `pipe them to a program, e.g.: awsp exports${arg} --format json | jq .`;
    case 'process':
      return `use it in a profile: credential_process = awsp exports${arg} --format process`;
    default:
      return `load them with: eval "$(awsp exports${arg})"`;
  }
}

/** The profile argument, quoted for where the suggested command is typed (or run, for process). */
const profileArgFor = (format: Format, profile: string, env: Env): string =>
  // A credential_process always names its source profile: AWS_PROFILE there is the profile that runs it.
  profileArg(profile, format === 'process' ? { AWS_PROFILE: '\0' } : env, format === 'powershell' ? powershellQuote : getShell(format === 'fish' ? 'fish' : 'bash').quote);

/** The profile as an argument of the suggested command, quoted for the shell it is typed into. */
const profileArg = (profile: string, env: Env, quote: (value: string) => string): string =>
  profile === (env.AWS_PROFILE || 'default') ? '' : ` ${/^[\w@%+=:,./-]+$/.test(profile) ? profile : quote(profile)}`;

