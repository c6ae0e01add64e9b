// Renders the shell integration: shell/awsp.{bash,zsh,fish} (what a new shell runs) and
// shell/awsp-lazy.* (what it reads at first use: TAB completion, and in bash the switch too)
// are templates with two placeholder lines, each in one of the pair: the arms of the `case` that
// routes a first word, and small functions answering, from the command table, what TAB needs
// (each command's arguments and options with the kind of value each takes, and the fixed lists
// of values: formats, regions...). The build writes the results to dist/; install.sh sources
// dist/awsp.*, and `awsp init SHELL` prints both in one (initScript in ./index.ts).
import { COMMANDS, type CommandSpec, type OptionSpec, TOP_OPTIONS, VALUES, type ValueKind } from '../commands/table.js';
import type { Region } from '../regions.js';
import { fishQuote } from './fish.js';
import { posixQuote } from './posix.js';
import type { ShellName } from './types.js';

/** The template lines that the rendered code replaces: each is in one file of the pair, once. */
export const PLACEHOLDERS = { routes: '# @AWSP_ROUTES@', table: '# @AWSP_COMMAND_TABLE@' } as const;

/** The shells' own words for the routes: unset (-u), run, eval, switch. */
type Route = 'unset' | 'run' | 'eval' | 'switch';

interface Kinded {
  /** As typed: `--format`, `-f`. */
  readonly words: readonly string[];
  /** The kind of value, '' for a flag. */
  readonly kind: string;
  readonly summary: string;
}

interface Model {
  routes: Array<[patterns: string[], route: Route]>;
  /** Per command shown to users: its options, the kinds of its arguments, whether it runs a command after --. */
  commands: Array<{ name: string; summary: string; options: Kinded[]; args: string[]; rest: boolean }>;
  /** Fixed lists: kind -> [value, description]. `options` is awsp's own options, `subcommand` its commands. */
  values: Map<string, Array<[string, string]>>;
}

// What a generated word may hold: it goes into the shells' code unquoted (case patterns, arrays).
const WORD = /^[A-Za-z0-9_.@%+=,/:-]+$/;
function word(w: string): string {
  if (!WORD.test(w) || w.startsWith('#')) throw new Error(`render: ${JSON.stringify(w)} cannot be a word of the shell integration`);
  return w;
}

/** What a command is called on the command line: its name and its aliases (`pick`, `-i`). */
const names = (c: CommandSpec): string[] => [c.name, ...(c.aliases ?? [])];

const optionWords = (o: OptionSpec): string[] => [`--${o.long}`, ...(o.short ? [`-${o.short}`] : [])];

export function model(regions: readonly Region[], commands: readonly CommandSpec[] = COMMANDS): Model {
  const visible = commands.filter((c) => !c.hidden);
  const values = new Map<string, Array<[string, string]>>();
  for (const [kind, list] of Object.entries(VALUES)) values.set(kind, list.map((v) => [v, '']));
  values.set('region', regions.map((r) => [r.code, r.description]));
  values.set('subcommand', visible.map((c) => [c.name, c.summary]));
  values.set('options', TOP_OPTIONS.map((o) => [`--${o.long}`, o.summary]));
  // An option or argument with its own choices gets a kind of its own.
  const kindOf = (spec: CommandSpec, what: string, kind: ValueKind, choices: readonly string[] | undefined): string => {
    if (!choices) return kind;
    const k = `${spec.name}-${what}`.replace(/[^A-Za-z0-9_-]/g, '_');
    values.set(k, choices.map((c) => [c, '']));
    return k;
  };
  const switchSpec = commands.find((c) => c.route === 'switch')!;
  const switchWords = new Set(switchSpec.options.flatMap(optionWords));
  const routes: Model['routes'] = [
    [TOP_OPTIONS.filter((o) => o.long === 'unset').flatMap(optionWords), 'unset'],
    [[...TOP_OPTIONS.filter((o) => o.long !== 'unset' && !optionWords(o).some((w) => switchWords.has(w))).flatMap(optionWords), ...commands.filter((c) => c.route === 'run').flatMap(names)], 'run'],
    [commands.filter((c) => c.route === 'eval').flatMap(names), 'eval'],
  ];
  return {
    routes: routes.filter(([p]) => p.length > 0),
    commands: visible.map((c) => ({
      name: c.name,
      summary: c.summary,
      options: c.options.map((o) => ({ words: optionWords(o), kind: o.value ? kindOf(c, o.long, o.value, o.choices) : '', summary: o.summary })),
      args: c.args.map((a, i) => kindOf(c, `arg${i}`, a.kind, a.choices)),
      rest: c.command !== undefined,
    })),
    values,
  };
}

/** The pair of templates with each placeholder line replaced by its code. */
function fill(shell: ShellName, templates: Rendered, code: Record<keyof typeof PLACEHOLDERS, string[]>): Rendered {
  const out = { main: templates.main.split('\n'), lazy: templates.lazy.split('\n') };
  for (const [key, line] of Object.entries(PLACEHOLDERS) as Array<[keyof typeof PLACEHOLDERS, string]>) {
    const at = (['main', 'lazy'] as const).flatMap((f) => out[f].flatMap((l, i) => (l.trim() === line ? [[f, i] as const] : [])));
    if (at.length !== 1) throw new Error(`render: the templates awsp.${shell} and awsp-lazy.${shell} need the line ${line} once between them`);
    const [f, i] = at[0]!;
    out[f] = [...out[f].slice(0, i), ...code[key], ...out[f].slice(i + 1)];
  }
  return { main: out.main.join('\n'), lazy: out.lazy.join('\n') };
}

export interface Rendered {
  /** dist/awsp.SHELL: what a new shell runs, with a stub that reads `lazy` at first use. */
  main: string;
  /** dist/awsp-lazy.SHELL: TAB completion (and in bash, the switch and the folder check). */
  lazy: string;
}

/** The two templates of `shell` with the command table rendered in (tests may pass another table). */
export function renderIntegration(shell: ShellName, templates: Rendered, regions: readonly Region[], commands?: readonly CommandSpec[]): Rendered {
  const m = model(regions, commands);
  return fill(shell, templates, { routes: routeArms(shell, m), table: shell === 'fish' ? fish(m) : posix(m, shell === 'zsh') });
}

/**
 * The arms of the `case` (fish: `switch`) in the function `awsp` that send each first word
 * where the table says; the template's last arm is the switch. Inlined there rather than a
 * function to call: the switch runs on every `awsp NAME`.
 */
function routeArms(shell: ShellName, m: Model): string[] {
  const body: Record<Exclude<Route, 'switch'>, string> =
    shell === 'fish'
      ? { unset: '__awsp_unset $argv', run: 'AWSP_SHELL=fish command awsp $argv', eval: '__awsp_eval $argv' }
      : { unset: '__awsp_unset "$@"', run: `AWSP_SHELL=${shell} \\command awsp "$@"`, eval: '__awsp_eval "$@"' };
  const arms = m.routes.filter((r): r is [string[], Exclude<Route, 'switch'>] => r[1] !== 'switch');
  if (shell === 'fish') {
    return ['        # (rendered from the command table)', ...arms.flatMap(([p, r]) => [`        case ${p.map((w) => fishQuote(word(w))).join(' ')}`, `            ${body[r]}`])];
  }
  const open = shell === 'zsh' ? '(' : '';
  return ['        # (rendered from the command table)', ...arms.map(([p, r]) => `        ${open}${p.map(word).join(' | ')}) ${body[r]} ;;`)];
}

const HEADER = '# ---- Rendered from the command table (src/commands/table.ts) by the build: edit the table, not this. ----';

/** bash and zsh: the functions set the caller's local variables (route, kind, vals, descs). */
function posix(m: Model, zsh: boolean): string[] {
  const ret = '\\builtin return 1';
  const opts = zsh ? ['\\builtin emulate -L zsh'] : [];
  const pat = (ws: readonly string[]) => ws.map(word).join(' | ');
  const fn = (comment: string, name: string, cases: string[][], fallback: string) => [
    '',
    `# ${comment}`,
    `${name}() {`,
    ...opts.map((o) => `    ${o}`),
    `    case ${name === '__awsp_option' || name === '__awsp_arg' ? '$1:$2' : '$1'} in`,
    ...cases.map(([p, body]) => `        ${p}) ${body} ;;`),
    `        *) ${fallback} ;;`,
    '    esac',
    '}',
  ];
  // zsh's case needs each alternative list in parentheses only when it starts one: `(a | b)`.
  const c = (p: string) => (zsh ? `(${p}` : p);
  // _describe's specs: `name:description`, a colon in the name escaped.
  const spec = (v: string, d: string) => posixQuote(`${v.replace(/:/g, '\\:')}:${d}`);
  const list = (vs: ReadonlyArray<[string, string]>): string => {
    const words = `vals=(${vs.map(([v]) => word(v)).join(' ')})`;
    if (!zsh) return words;
    return vs.some(([, d]) => d) ? `${words} descs=(${vs.map(([v, d]) => spec(v, d)).join(' ')})` : `${words} descs=()`;
  };
  return [
    HEADER,
    ...fn(
      'How `awsp` handles a first word (as the arms in awsp.* do): sets `route` to unset, run (the program), eval (its output) or switch.',
      '__awsp_route',
      m.routes.map(([p, r]) => [c(pat(p)), `route='${r}'`]),
      "route='switch'",
    ),
    ...fn(
      'The kind of value argument $2 (from 0) of command $1 takes, in `kind`; status 1 when it takes no such argument.',
      '__awsp_arg',
      m.commands.flatMap((cmd) => cmd.args.map((k, i) => [c(`${word(cmd.name)}:${i}`), `kind='${word(k)}'`])),
      ret,
    ),
    ...fn(
      "The kind of value option $2 of command $1 takes, in `kind` ('' for a flag); status 1 for an unknown option.",
      '__awsp_option',
      m.commands.flatMap((cmd) => cmd.options.map((o) => [c(pat(o.words.map((w) => `${cmd.name}:${w}`))), o.kind ? `kind='${word(o.kind)}'` : "kind=''"])),
      ret,
    ),
    ...fn(
      `The long options of command $1, in \`vals\`${zsh ? ' (`descs`: with their summaries)' : ''}; status 1 when it has none.`,
      '__awsp_options',
      m.commands.filter((cmd) => cmd.options.length > 0).map((cmd) => [c(word(cmd.name)), list(cmd.options.map((o) => [o.words[0]!, o.summary]))]),
      ret,
    ),
    ...fn(
      'Whether command $1 runs a command given after --.',
      '__awsp_rest',
      m.commands.filter((cmd) => cmd.rest).map((cmd) => [c(word(cmd.name)), '\\builtin return 0']),
      ret,
    ),
    ...fn(
      `The fixed values of kind $1, in \`vals\`${zsh ? ' (`descs`: described, for _describe)' : ''}; none for other kinds.`,
      '__awsp_values',
      [...m.values].map(([k, vs]) => [c(word(k)), list(vs)]),
      zsh ? 'vals=() descs=()' : 'vals=()',
    ),
  ];
}

/** fish: no dynamic scope, so the functions print their answers, one per line. */
function fish(m: Model): string[] {
  const out = (vs: readonly string[]) => `builtin printf '%s\\n' ${vs.map(fishQuote).join(' ')}`;
  const fn = (comment: string, name: string, on: string, cases: Array<[string[], string]>, fallback: string) => [
    '',
    `# ${comment}`,
    `function ${name}`,
    `    switch "${on}"`,
    ...cases.flatMap(([p, body]) => [`        case ${p.map((w) => fishQuote(word(w))).join(' ')}`, `            ${body}`]),
    `        case '*'`,
    `            ${fallback}`,
    '    end',
    'end',
  ];
  const described = (vs: ReadonlyArray<[string, string]>) => out(vs.map(([v, d]) => (d ? `${word(v)}\t${d}` : word(v))));
  return [
    HEADER,
    ...fn('How `awsp` handles a first word (as the cases in awsp.fish do): unset, run (the program), eval (its output) or switch.', '__awsp_route', '$argv[1]', m.routes.map(([p, r]) => [p, out([r])]), out(['switch'])),
    ...fn(
      'The kind of value argument argv[2] (from 0) of command argv[1] takes; status 1 when it takes no such argument.',
      '__awsp_arg',
      '$argv[1]:$argv[2]',
      m.commands.flatMap((cmd) => cmd.args.map((k, i): [string[], string] => [[`${cmd.name}:${i}`], out([k])])),
      'return 1',
    ),
    ...fn(
      'The kind of value option argv[2] of command argv[1] takes (nothing for a flag); status 1 for an unknown option.',
      '__awsp_option',
      '$argv[1]:$argv[2]',
      m.commands.flatMap((cmd) => cmd.options.map((o): [string[], string] => [o.words.map((w) => `${cmd.name}:${w}`), o.kind ? out([o.kind]) : 'return 0'])),
      'return 1',
    ),
    ...fn(
      'The options of command argv[1], with their summaries; status 1 when it has none.',
      '__awsp_options',
      '$argv[1]',
      m.commands.filter((cmd) => cmd.options.length > 0).map((cmd): [string[], string] => [[cmd.name], out(cmd.options.flatMap((o) => o.words.map((w) => `${word(w)}\t${o.summary}`)))]),
      'return 1',
    ),
    ...fn('Whether command argv[1] runs a command given after --.', '__awsp_rest', '$argv[1]', m.commands.filter((cmd) => cmd.rest).map((cmd): [string[], string] => [[cmd.name], 'return 0']), 'return 1'),
    ...fn(
      'The fixed values of kind argv[1], with descriptions where they have one.',
      '__awsp_values',
      '$argv[1]',
      [...m.values].map(([k, vs]): [string[], string] => [[k], k === 'options' ? out(TOP_OPTIONS.flatMap((o) => optionWords(o).map((w) => `${word(w)}\t${o.summary}`))) : described(vs)]),
      'return 0',
    ),
  ];
}
