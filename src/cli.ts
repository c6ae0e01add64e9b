import { readFileSync } from 'node:fs';
import { initCommand } from './commands/init.js';
import { listCommand } from './commands/list.js';
import { statusCommand } from './commands/status.js';
import { notLoaded, resolveSwitch, switchCommand } from './commands/switch.js';
import { type Env, readProfiles, warn } from './context.js';
import { UserError } from './errors.js';
import { err, out as write, stdoutIsTerminal } from './output.js';
import { ROOT } from './root.js';

const HELP = `awsp: switch AWS profiles in this shell

  awsp PROFILE [--region R]     set AWS_PROFILE (clears keys that would override it)
  awsp use PROFILE [--region R] the same, for a profile named like a subcommand
  awsp -u | --unset             remove AWS_PROFILE entirely
  awsp                          show the active profile and what overrides it
  awsp list [--json]            list profiles
  awsp exports [PROFILE]        print credential exports: eval "$(awsp exports)"
  awsp exec [PROFILE] -- CMD    run CMD with credentials in its environment only
  awsp init bash|zsh|fish       print the shell integration

Load the integration in your shell's rc file:
  bash: eval "$(awsp init bash)"   zsh: eval "$(awsp init zsh)"   fish: awsp init fish | source
`;

async function main(argv: string[], env: Env): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case undefined:
    case 'status':
      if (rest.length > 0) throw new UserError(`status takes no arguments`, 2);
      write(statusCommand(env));
      return 0;
    case 'init':
      write(initCommand(rest));
      return 0;
    case 'list':
      write(listCommand(rest, env, stdoutIsTerminal()));
      return 0;
    case 'exports':
      return (await import('./commands/exports.js')).exportsCommand(rest, env);
    case 'exec':
      return (await import('./commands/exec.js')).execCommand(rest, env);
    case 'help':
    case '-h':
    case '--help':
      write(HELP);
      return 0;
    case '-V':
    case '--version':
      write(`${(JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { version: string }).version}\n`);
      return 0;
    // Internal commands of the shell integration.
    case '__cache':
      // Silent even on errors: it runs during TAB completion, and the shell falls back to
      // `awsp __switch`, which explains. Exit non-zero so the shell does not trust the output.
      try {
        write(readProfiles(env, { quiet: true }).cache);
        return 0;
      } catch (e) {
        if (e instanceof UserError) return e.exitCode;
        throw e;
      }
    case '__switch':
      write(switchCommand(rest, env));
      return 0;
    case '-u':
    case '--unset':
      throw notLoaded(env);
    default:
      if (cmd.startsWith('-')) throw new UserError(`unknown option '${cmd}'; see awsp --help`, 2);
      // `awsp dev` run as a program: a bad name is still worth its own message first.
      resolveSwitch(argv, env);
      throw notLoaded(env);
  }
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UserError) {
      warn(e.message);
      process.exitCode = e.exitCode;
    } else {
      warn(`internal error: ${e instanceof Error ? e.message : String(e)} (set AWSP_DEBUG=1 for details)`);
      if (env('AWSP_DEBUG')) err(`${e instanceof Error ? e.stack : ''}\n`);
      process.exitCode = 70;
    }
  },
);

function env(name: string): string | undefined {
  return process.env[name];
}
