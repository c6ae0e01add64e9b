// The one list of awsp's commands: names, arguments, options with the kind of value each takes,
// summaries, usage and examples. The router (cli.ts), `awsp --help`, per-command help, parse
// errors and the shell integration's routing and completion (rendered into dist/awsp.* by the
// build) all come from here. A new command is an entry here plus its implementation.
import type { Env } from '../context.js';
import { FORMATS } from '../formats.js';
import { SHELL_NAMES } from '../shells/index.js';
import type { Parsed } from './parse.js';

/** What a value is, for validation and for TAB completion in every shell. */
export type ValueKind =
  | 'profile' // a profile name (the names cache)
  | 'format' // one of FORMATS
  | 'region' // a region code (the SDK's partition data)
  | 'duration' // 900, 15m, 1h, 36h
  | 'shell' // bash, zsh, fish
  | 'sso-session' // an [sso-session NAME] of the config
  | 'command' // a program on PATH
  | 'file' // a path
  | 'service' // a console service name or URL
  | 'subcommand' // one of awsp's commands
  | 'text'; // anything: no completion

export interface OptionSpec {
  /** The long name, without `--`. */
  readonly long: string;
  /** One letter, without `-`. */
  readonly short?: string;
  /** The kind of value it takes; none for a flag. */
  readonly value?: ValueKind;
  /** The value's name in help (`--format FORMAT`). */
  readonly meta?: string;
  readonly summary: string;
  /** The only values it takes, when not every one of its kind (VALUES): for validation and for TAB. */
  readonly choices?: readonly string[];
}

export interface ArgSpec {
  /** As shown in usage: PROFILE, SHELL… */
  readonly name: string;
  readonly kind: ValueKind;
  readonly optional?: boolean;
  /** The only words it may be (a sub-action: `awsp sso populate`), for validation and completion. */
  readonly choices?: readonly string[];
}

/**
 * How the shell function treats the command (rendered into its `case` at build time):
 *   run     runs the awsp program (output to the terminal)
 *   eval    evaluates what the program prints on stdout, only when it succeeds: the command
 *           changes this shell (its messages go to stderr, its help too)
 *   switch  the switch itself, which the shell function does without Node when it can
 */
export type ShellRoute = 'run' | 'eval' | 'switch';

export interface CommandSpec {
  readonly name: string;
  /** Other words that run it (`awsp -i` is `awsp pick`). */
  readonly aliases?: readonly string[];
  readonly summary: string;
  readonly args: readonly ArgSpec[];
  readonly options: readonly OptionSpec[];
  /** Takes `-- COMMAND [ARGS…]`: required, or optional (then something else runs without it). */
  readonly command?: 'required' | 'optional';
  readonly route: ShellRoute;
  /** At least one line a user can copy. */
  readonly examples: readonly string[];
  /** Internal commands of the shell integration: neither in help nor in completion. */
  readonly hidden?: boolean;
  run(a: Parsed, env: Env): Promise<number>;
}

const REGION: OptionSpec = { long: 'region', short: 'r', value: 'region', meta: 'REGION', summary: 'also set AWS_REGION and AWS_DEFAULT_REGION' };
const DURATION: OptionSpec = { long: 'duration', short: 'd', value: 'duration', meta: 'DURATION', summary: 'session length: 900 (seconds), 15m, 1h, 36h (default 1h)' };
const NO_SESSION: OptionSpec = { long: 'no-session', summary: "an IAM user's long-term keys as they are, not a session" };
const LOGIN: OptionSpec = { long: 'login', summary: 'sign in to SSO first when the session is missing or expired' };
const NO_CACHE: OptionSpec = { long: 'no-cache', summary: 'neither use nor keep cached sessions (see awsp forget)' };
const MFA_DURATION: OptionSpec = {
  long: 'mfa-duration',
  value: 'duration',
  meta: 'DURATION',
  summary: 'how long the MFA session behind a role lasts before the code is asked again (default 8h, up to 36h)',
};
const PROFILE_ARG: ArgSpec = { name: 'PROFILE', kind: 'profile', optional: true };
const SSO_SESSION: OptionSpec = { long: 'sso-session', value: 'sso-session', meta: 'NAME', summary: 'the [sso-session NAME] of the config (default: the active profile\'s)' };

/**
 * What TAB offers for the kinds that have a fixed list (the shell integration holds them, so
 * no Node starts at TAB). Regions come from the SDK at build time (src/regions.ts); profiles,
 * SSO sessions, commands and files from the system at TAB.
 */
export const VALUES: Partial<Record<ValueKind, readonly string[]>> = {
  format: FORMATS,
  shell: SHELL_NAMES,
  duration: ['900', '15m', '1h', '8h', '12h', '36h'],
};

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'use',
    summary: 'set AWS_PROFILE in this shell, as `awsp PROFILE` does (--region alone: only the region)',
    // Optional: `awsp --region R` changes the region of the profile in use (switch.ts checks that one is there).
    args: [PROFILE_ARG],
    options: [REGION],
    route: 'switch',
    examples: ['awsp use prod --region eu-west-1', 'awsp --region us-east-1', 'awsp use -- -odd-name'],
    run: async (a, env) => (await import('./switch.js')).notLoadedSwitch(a, env),
  },
  {
    name: 'status',
    summary: 'the active profile, and what would override it (also `awsp` alone)',
    args: [],
    options: [],
    route: 'run',
    examples: ['awsp status'],
    run: async (_a, env) => (await import('./status.js')).statusMain(env),
  },
  {
    name: 'list',
    summary: 'the profiles, or those whose name contains FILTER: a table, or names in a pipe',
    args: [{ name: 'FILTER', kind: 'text', optional: true }],
    options: [{ long: 'json', summary: 'machine-readable output (the same fields)' }],
    route: 'run',
    examples: ['awsp list', 'awsp list prod', 'awsp list --json'],
    run: async (a, env) => (await import('./list.js')).listMain(a, env),
  },
  {
    name: 'exports',
    summary: 'print the credentials for tools that cannot read the AWS config',
    args: [PROFILE_ARG],
    options: [
      { long: 'format', short: 'f', value: 'format', meta: 'FORMAT', summary: `output format: ${FORMATS.join(', ')} (default: this shell)` },
      DURATION,
      NO_SESSION,
      { long: 'reveal', summary: 'print secrets onto a terminal too' },
      { long: 'write-credentials', value: 'text', meta: 'NAME', summary: 'write them as profile NAME into the shared credentials file instead' },
      { long: 'force', summary: 'with --write-credentials: replace a section awsp did not write' },
      LOGIN,
      NO_CACHE,
      MFA_DURATION,
    ],
    route: 'run',
    examples: ['eval "$(awsp exports prod)"', 'awsp exports prod --format json'],
    run: async (a, env) => (await import('./exports.js')).exportsCommand(a, env),
  },
  {
    name: 'exec',
    summary: 'run a command (default: $SHELL) with the credentials in its environment only',
    args: [PROFILE_ARG],
    options: [
      { long: 'server', short: 's', summary: 'give the command a credentials endpoint that refreshes them, instead of keys' },
      DURATION,
      NO_SESSION,
      LOGIN,
      NO_CACHE,
      MFA_DURATION,
    ],
    command: 'optional',
    route: 'run',
    examples: ['awsp exec prod -- terraform plan', 'awsp exec --server prod -- terraform apply', 'awsp exec prod'],
    run: async (a, env) => (await import('./exec.js')).execCommand(a, env),
  },
  {
    name: 'login',
    summary: "sign in to IAM Identity Center (SSO), for every AWS tool (the CLI's token cache)",
    args: [{ name: 'PROFILE', kind: 'profile', optional: true }],
    options: [
      SSO_SESSION,
      { long: 'use-device-code', summary: 'sign in with a code on any device instead of a browser here' },
      { long: 'no-browser', summary: 'open no browser: print the URL and code only (a device code sign-in)' },
    ],
    route: 'run',
    examples: ['awsp login', 'awsp login --sso-session corp', 'awsp login prod --use-device-code --no-browser'],
    run: async (a, env) => (await import('./login.js')).loginCommand(a, env),
  },
  {
    name: 'logout',
    summary: 'sign out of an SSO session: its token revoked and removed',
    args: [{ name: 'PROFILE', kind: 'profile', optional: true }],
    options: [SSO_SESSION],
    route: 'run',
    examples: ['awsp logout', 'awsp logout --sso-session corp'],
    run: async (a, env) => (await import('./login.js')).logoutCommand(a, env),
  },
  {
    name: 'sso',
    summary: 'populate: a profile per account and role of an SSO session; add: an [sso-session]',
    args: [
      { name: 'ACTION', kind: 'text', choices: ['populate', 'add'] },
      { name: 'NAME', kind: 'text', optional: true },
    ],
    options: [
      SSO_SESSION,
      { long: 'template', value: 'text', meta: 'TEMPLATE', summary: 'populate: profile names, from {account_name} {account_id} {role_name} {sso_session} (default {account_name}.{role_name})' },
      { long: 'region', short: 'r', value: 'region', meta: 'REGION', summary: "populate: the profiles' region (default the session's); add: the session's region" },
      { long: 'dry-run', summary: 'populate: print the change to the config file, write nothing' },
      { long: 'start-url', value: 'text', meta: 'URL', summary: "add: the AWS access portal's URL" },
    ],
    route: 'run',
    examples: [
      'awsp sso add corp --start-url https://corp.awsapps.com/start --region eu-west-1',
      'awsp sso populate --sso-session corp --dry-run',
      "awsp sso populate --template '{account_name}-{role_name}'",
    ],
    run: async (a, env) => (await import('./sso.js')).ssoCommand(a, env),
  },
  {
    name: 'serve',
    summary: 'serve the credentials on 127.0.0.1 for other terminals and containers, until Ctrl-C',
    args: [PROFILE_ARG],
    options: [
      { long: 'port', short: 'p', value: 'text', meta: 'PORT', summary: 'the port to listen on (default: any free one)' },
      { long: 'format', short: 'f', value: 'format', meta: 'FORMAT', choices: FORMATS.filter((f) => f !== 'process'), summary: `how to print the variables: ${FORMATS.filter((f) => f !== 'process').join(', ')} (default: this shell)` },
      { long: 'env-file', value: 'file', meta: 'FILE', summary: 'write the variables to FILE (0600; env format unless --format) instead of printing them' },
      { long: 'reveal', summary: 'print the variables onto a terminal too (the token is a secret)' },
      DURATION,
      LOGIN,
      NO_CACHE,
      MFA_DURATION,
    ],
    route: 'run',
    examples: ['awsp serve prod --env-file ~/.cache/prod.env', 'docker run --network host --env-file ~/.cache/prod.env amazon/aws-cli sts get-caller-identity'],
    run: async (a, env) => (await import('./serve.js')).serveCommand(a, env),
  },
  {
    name: 'forget',
    summary: 'remove cached sessions: every one, or those PROFILE took part in',
    args: [PROFILE_ARG],
    options: [],
    route: 'run',
    examples: ['awsp forget', 'awsp forget prod'],
    run: async (a, env) => (await import('./forget.js')).forgetCommand(a, env),
  },
  {
    name: 'pick',
    aliases: ['-i'],
    summary: 'choose a profile from a list on the terminal and switch to it (also: awsp -i)',
    args: [{ name: 'QUERY', kind: 'text', optional: true }],
    options: [REGION, { long: 'no-color', summary: 'no colors (also when NO_COLOR is set)' }],
    route: 'eval',
    examples: ['awsp pick', 'awsp pick prod', 'AWSP_PICKER=fzf awsp -i'],
    run: async (a, env) => (await import('./pick.js')).pickCommand(a, env),
  },
  {
    name: 'console',
    summary: 'open the AWS console in the browser, signed in as the profile',
    args: [PROFILE_ARG],
    options: [
      { long: 'service', short: 's', value: 'service', meta: 'SERVICE', summary: 'the page to open: a service (s3, ec2, iam...) or a console URL' },
      { long: 'region', short: 'r', value: 'region', meta: 'REGION', summary: "the console's region (default: the profile's)" },
      { long: 'url', summary: 'print the sign-in URL instead of opening it (it signs in for 15 minutes)' },
      { long: 'reveal', summary: 'with --url: print it onto a terminal too' },
      { long: 'duration', short: 'd', value: 'duration', meta: 'DURATION', summary: 'console session length: 900 (seconds), 15m, 1h, 12h (default 1h)' },
      LOGIN,
      NO_CACHE,
      MFA_DURATION,
    ],
    route: 'run',
    examples: ['awsp console prod --service s3', 'awsp console prod --url | xclip -selection clipboard'],
    run: async (a, env) => (await import('./console.js')).consoleCommand(a, env),
  },
  {
    name: 'allow',
    summary: "let the shell obey a folder's .awsprofile (NAME or NAME@REGION) when AWSP_FOLDERS=1",
    args: [{ name: 'PATH', kind: 'file', optional: true }],
    options: [],
    // Evaluated: what it prints makes the shell look at its folder again, so it applies at once.
    route: 'eval',
    examples: ['echo prod@eu-west-1 > .awsprofile && awsp allow', 'awsp allow ~/work/acme'],
    run: async (a, env) => (await import('./allow.js')).allowCommand(a, env),
  },
  {
    name: 'deny',
    summary: 'stop obeying a .awsprofile (default: the nearest one from here upward)',
    args: [{ name: 'PATH', kind: 'file', optional: true }],
    options: [],
    route: 'eval',
    examples: ['awsp deny', 'awsp deny ~/work/acme/.awsprofile'],
    run: async (a, env) => (await import('./allow.js')).denyCommand(a, env),
  },
  {
    name: 'init',
    summary: 'print the shell integration',
    args: [{ name: 'SHELL', kind: 'shell' }],
    options: [],
    route: 'run',
    examples: ['eval "$(awsp init bash)"', 'awsp init fish | source'],
    run: async (a) => (await import('./init.js')).initCommand(a),
  },
  {
    name: 'help',
    summary: 'help on awsp or on one command',
    args: [{ name: 'COMMAND', kind: 'subcommand', optional: true }],
    options: [],
    route: 'run',
    examples: ['awsp help exports'],
    run: async (a) => (await import('./help.js')).helpCommand(a),
  },
  {
    name: '__cache',
    summary: 'print the names cache, rebuilt (for the shell integration)',
    args: [],
    options: [],
    route: 'run',
    hidden: true,
    examples: [],
    run: async (_a, env) => (await import('./switch.js')).cacheCommand(env),
  },
  {
    // Takes the switch's words as typed (`NAME ...` or `use NAME ...`), read against `use` (cli.ts).
    name: '__switch',
    summary: 'validate a switch and print the code that does it (for the shell integration)',
    args: [PROFILE_ARG],
    options: [REGION],
    route: 'run',
    hidden: true,
    examples: [],
    run: async (a, env) => (await import('./switch.js')).switchCommand(a, env),
  },
];

/** Options of awsp itself, before any command. */
export const TOP_OPTIONS: readonly OptionSpec[] = [
  { long: 'unset', short: 'u', summary: 'remove AWS_PROFILE (and what awsp set) from this shell' },
  REGION,
  { long: 'help', short: 'h', summary: 'show help' },
  { long: 'version', short: 'V', summary: 'show the version' },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name || c.aliases?.includes(name) === true);
}

/** The command that `awsp PROFILE …` means. */
export const SWITCH = findCommand('use')!;
