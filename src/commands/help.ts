// `awsp --help`, `awsp help CMD` and `awsp CMD --help`, written from the command table.
import { show } from '../context.js';
import { UserError } from '../errors.js';
import { out } from '../output.js';
import { type Parsed, usageLine } from './parse.js';
import { COMMANDS, type CommandSpec, findCommand, type OptionSpec, TOP_OPTIONS } from './table.js';

const optionLine = (o: OptionSpec): string => `${o.short ? `-${o.short}, ` : '    '}--${o.long}${o.value ? ` ${o.meta ?? 'VALUE'}` : ''}`;

function columns(rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}\n`).join('');
}

export function generalHelp(): string {
  const visible = COMMANDS.filter((c) => !c.hidden);
  return (
    'awsp: switch AWS profiles in this shell\n\n' +
    columns([
      ['awsp PROFILE [--region R]', 'set AWS_PROFILE (clears keys that would override it)'],
      ['awsp --region R', 'change only the region (AWS_REGION, AWS_DEFAULT_REGION)'],
      ['awsp -u | --unset', 'remove AWS_PROFILE entirely'],
      ['awsp', 'the same as awsp status'],
      ...visible.map((c): [string, string] => [usageLine(c, { named: true, options: false }), c.summary]),
    ]) +
    '\nOptions:\n' +
    columns(TOP_OPTIONS.map((o) => [optionLine(o), o.summary])) +
    '\nawsp help COMMAND (or awsp COMMAND --help) says more about one command.\n' +
    'TAB completes commands, profiles and option values; awsp_prompt shows the profile in a prompt.\n' +
    'Load the integration in your shell\'s rc file (./install.sh does it, without starting Node):\n' +
    '  bash: eval "$(awsp init bash)"   zsh: eval "$(awsp init zsh)"   fish: awsp init fish | source\n'
  );
}

export function commandHelp(spec: CommandSpec): string {
  return (
    `usage: ${usageLine(spec)}\n\n${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.\n` +
    (spec.options.length > 0 ? `\nOptions:\n${columns(spec.options.map((o) => [optionLine(o), o.summary]))}` : '') +
    `\nExample${spec.examples.length > 1 ? 's' : ''}:\n${spec.examples.map((e) => `  ${e}\n`).join('')}`
  );
}

/** `awsp help [COMMAND]`. */
export function helpCommand(a: Parsed): Promise<number> {
  const name = a.args[0];
  if (name === undefined) {
    out(generalHelp());
    return Promise.resolve(0);
  }
  const spec = findCommand(name);
  if (!spec || spec.hidden) {
    const names = COMMANDS.filter((c) => !c.hidden).map((c) => c.name);
    throw new UserError(`no command ${show(name)}; the commands are ${names.join(', ')}`, 2);
  }
  out(commandHelp(spec));
  return Promise.resolve(0);
}
