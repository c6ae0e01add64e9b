import { readFileSync } from 'node:fs';
import { notLoaded } from './commands/switch.js';
import { commandHelp, generalHelp } from './commands/help.js';
import { parse, wantsHelp } from './commands/parse.js';
import { findCommand, SWITCH } from './commands/table.js';
import { type Env, warn } from './context.js';
import { UserError } from './errors.js';
import { err, out } from './output.js';
import { ROOT } from './root.js';

async function main(argv: string[], env: Env): Promise<number> {
  const [first, ...rest] = argv;
  switch (first) {
    case undefined:
      return findCommand('status')!.run(parse(findCommand('status')!, []), env);
    case '-h':
    case '--help':
      out(generalHelp());
      return 0;
    case '-V':
    case '--version':
      out(`${(JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { version: string }).version}\n`);
      return 0;
    case '-u':
    case '--unset':
      throw notLoaded(env);
  }
  const named = findCommand(first);
  // `awsp PROFILE …` is the switch; a profile named like a command is reached with `awsp use NAME`.
  // `__switch` gets the switch's words as the shell function got them: `NAME …` or `use NAME …`.
  const switching = !named || named.name === '__switch';
  const spec = switching ? SWITCH : named;
  const args = !named ? argv : named.name === '__switch' && rest[0] === 'use' ? rest.slice(1) : rest;
  if (wantsHelp(args)) {
    const text = switching ? generalHelp() : commandHelp(spec);
    // What `__switch` and commands whose route is eval print is evaluated by the shell: help goes to stderr there.
    if (named?.name === '__switch' || spec.route === 'eval') err(text);
    else out(text);
    return 0;
  }
  return (named ?? spec).run(parse(spec, args), env);
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
      if (process.env.AWSP_DEBUG) err(`${e instanceof Error ? e.stack : ''}\n`);
      process.exitCode = 70;
    }
  },
);
