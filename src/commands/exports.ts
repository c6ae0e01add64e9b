import { awsPaths } from '../config/paths.js';
import { exportsOptions } from '../credentials/args.js';
import { checkWritable, writeCredentialsSection } from '../credentials/file.js';
import { resolveCredentials } from '../credentials/resolve.js';
import { type Env, show, warn } from '../context.js';
import { UserError } from '../errors.js';
import { isoTime, isShellFormat, powershellQuote, render } from '../formats.js';
import { out, stdoutIsTerminal } from '../output.js';
import { currentShell, getShell } from '../shells/index.js';
import type { Parsed } from './parse.js';

/** `awsp exports [PROFILE]`: credential exports for tools that cannot read the AWS config. */
export async function exportsCommand(a: Parsed, env: Env): Promise<number> {
  const opts = exportsOptions(a, env);
  const format = opts.format ?? currentShell(env).name;
  // Checked before resolving: no MFA prompt or STS call for output that would be refused.
  if (opts.writeCredentials === null && isShellFormat(format) && stdoutIsTerminal() && !opts.reveal) {
    const arg = profileArg(opts.profile, env, format === 'powershell' ? powershellQuote : getShell(format === 'fish' ? 'fish' : 'bash').quote);
    const use = format === 'fish' ? `awsp exports${arg} | source` : format === 'powershell' ? `awsp exports${arg} --format powershell | Invoke-Expression` : `eval "$(awsp exports${arg})"`;
    throw new UserError(`not printing secret keys onto the terminal; load them with: ${use} (or add --reveal to print them)`);
  }
  const credentialsFile = awsPaths(env).credentials;
  if (opts.writeCredentials !== null) checkWritable(credentialsFile, opts.writeCredentials, opts.force);
  const { credentials } = await resolveCredentials(opts, env);

  if (opts.writeCredentials !== null) {
    const name = opts.writeCredentials;
    const path = writeCredentialsSection(
      credentialsFile,
      name,
      [
        ['aws_access_key_id', credentials.accessKeyId],
        ['aws_secret_access_key', credentials.secretAccessKey],
        ['aws_session_token', credentials.sessionToken ?? null],
        ['aws_credential_expiration', credentials.expiration ? isoTime(credentials.expiration) : null],
        ['awsp_managed', 'true'],
      ],
      opts.force,
    );
    const until = credentials.expiration ? `, valid until ${isoTime(credentials.expiration)}` : '';
    warn(`wrote [${name}] to ${path}${until}; use it as the profile ${show(name)}`);
    return 0;
  }
  out(render(format, credentials));
  return 0;
}

/** The profile as an argument of the suggested command, quoted for the shell it is typed into. */
const profileArg = (profile: string, env: Env, quote: (value: string) => string): string =>
  profile === (env.AWS_PROFILE || 'default') ? '' : ` ${/^[\w@%+=:,./-]+$/.test(profile) ? profile : quote(profile)}`;

