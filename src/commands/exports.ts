import { awsPaths } from '../config/paths.js';
import { exportsOptions } from '../credentials/args.js';
import { configProfileName, loadIni } from '../config/profiles.js';
import { MANAGED_KEY, readAwsFile, rewriteAwsFile, sectionNameProblem, setSection, type SectionValues } from '../config/write.js';
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
    if (region) writeConfigRegion(awsPaths(env).config, name, region, opts.force);
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


/**
 * `--write-credentials NAME` also gives NAME the profile's region in the config file, so that
 * `aws --profile NAME` needs no other setting (a region is not a credential: the credentials
 * file is the wrong place for it). Written with the same writer and mark as the credentials:
 * into a section awsp made (or a new one); a [profile NAME] of the user's keeps its region
 * unless --force.
 */
export function writeConfigRegion(configFile: string, name: string, region: string, force: boolean): void {
  const section = loadIni(configFile, []).ini.sections.find((s) => configProfileName(s.name) === name);
  const mine = section === undefined || section.options.get(MANAGED_KEY)?.trim() === 'true';
  if (section?.options.get('region')?.trim() === region) return;
  if (!mine && !force) {
    warn(`${show(name)} in ${configFile} is not awsp's: its region is left as it is (--force sets it to ${show(region)})`);
    return;
  }
  const path = rewriteAwsFile(configFile, (text) =>
    setSection(text, name === 'default' ? 'default' : `profile ${name}`, [['region', region], [MANAGED_KEY, 'true']], {
      matches: (h) => configProfileName(h) === name,
      file: 'the config file',
    }),
  );
  warn(`wrote region ${show(region)} for ${show(name)} to ${path}`);
}
