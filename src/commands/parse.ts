// Reads a command line against its entry in the command table. Every error is one line in
// awsp's words naming the option and what it wanted, with where to read more.
import { show } from '../context.js';
import { UserError } from '../errors.js';
import { SHELL_NAMES } from '../shells/index.js';
import { FORMATS } from '../formats.js';
import { type CommandSpec, findCommand, type OptionSpec, type ValueKind } from './table.js';

export interface Parsed {
  readonly spec: CommandSpec;
  /** Positional arguments, in the order of spec.args (fewer when optional ones are left out). */
  readonly args: readonly string[];
  /** What follows `--`, for commands that run one; null when there was none. */
  readonly command: readonly string[] | null;
  flag(long: string): boolean;
  value(long: string): string | undefined;
  /** A duration option in seconds. */
  seconds(long: string): number | undefined;
}

/** `awsp CMD` as the user types it, for usage lines. */
export const invocation = (spec: CommandSpec): string => (spec.name === 'use' ? 'awsp' : `awsp ${spec.name}`);

/** The command as the subject of a message. */
const subject = (spec: CommandSpec): string => (spec.name === 'use' ? 'a switch' : spec.name);

const seeHelp = (spec: CommandSpec): string => `see ${spec.name === 'use' ? 'awsp --help' : `awsp ${spec.name} --help`}`;

export function usageError(spec: CommandSpec, message: string): UserError {
  return new UserError(`${message}; ${seeHelp(spec)}`, 2);
}

/** Whether the command line asks for help (before any `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** 900, 15m, 1h, 1h30m, 36h: seconds; null when it is none of those. */
export function parseDuration(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!m || text === '') return null;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

const REGION = /^[a-z]{2,}(-[a-z0-9]+)+$/;

/** Checks a value against its kind; returns the error text, or null when it is fine. */
function checkValue(kind: ValueKind, name: string, v: string): string | null {
  switch (kind) {
    case 'format':
      return (FORMATS as readonly string[]).includes(v) ? null : `unknown format ${show(v)}; one of ${FORMATS.join(', ')}`;
    case 'duration': {
      const s = parseDuration(v);
      // The widest limits AWS has (GetSessionToken: 15 minutes to 36 hours); commands narrow them.
      return s !== null && s >= 900 && s <= 129600 ? null : `${name} takes seconds (900) or a length like 15m, 1h, 36h, between 15 minutes and 36 hours, not ${show(v)}`;
    }
    case 'region':
      return REGION.test(v) ? null : `${show(v)} is not a region name (e.g. eu-west-1)`;
    case 'shell':
      return (SHELL_NAMES as readonly string[]).includes(v) ? null : `unknown shell ${show(v)}; awsp supports ${SHELL_NAMES.join(', ')}`;
    default:
      return v === '' ? `${name} needs a value, not an empty string` : null;
  }
}

/** `a, b or c`. */
const list = (words: readonly string[]): string => (words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)!}` : words.join(''));

const describe = (o: OptionSpec): string => `--${o.long}${o.short ? ` (-${o.short})` : ''}`;

export function parse(spec: CommandSpec, argv: readonly string[]): Parsed {
  const values = new Map<string, string | true>();
  const args: string[] = [];
  let command: string[] | null = null;
  const byLong = new Map(spec.options.map((o) => [o.long, o]));
  const byShort = new Map(spec.options.filter((o) => o.short).map((o) => [o.short!, o]));

  const take = (o: OptionSpec, inline: string | undefined, next: () => string | undefined) => {
    if (!o.value) {
      if (inline !== undefined) throw usageError(spec, `${describe(o)} takes no value`);
      values.set(o.long, true);
      return;
    }
    const v = inline ?? next();
    if (v === undefined) throw usageError(spec, `${describe(o)} needs a value (${o.meta ?? 'a value'})`);
    const why = o.choices && !o.choices.includes(v) ? `--${o.long} takes ${list(o.choices)}, not ${show(v)}` : checkValue(o.value, `--${o.long}`, v);
    if (why) throw usageError(spec, why);
    values.set(o.long, v);
  };

  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    // A value never starts with `-` unless given as --name=value: `--region --json` is a missing value.
    const next = () => (i + 1 < argv.length && !argv[i + 1]!.startsWith('-') ? argv[++i] : undefined);
    if (a === '--') {
      const rest = argv.slice(i + 1);
      if (spec.command) command = rest;
      else args.push(...rest);
      break;
    }
    // An alias is a name of its command even when it looks like an option (`awsp help -i`).
    if (a.startsWith('-') && spec.args[args.length]?.kind === 'subcommand' && !byShort.has(a.slice(1)) && !byLong.has(a.slice(2)) && findCommand(a)) {
      args.push(a);
      continue;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const long = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const o = byLong.get(long);
      if (!o) throw usageError(spec, `unknown option ${show(eq < 0 ? a : a.slice(0, eq))}${spec.name === 'use' ? "; for a profile whose name begins with '-', write: awsp use -- NAME" : ''}`);
      take(o, eq < 0 ? undefined : a.slice(eq + 1), next);
    } else if (a.startsWith('-') && a.length > 1) {
      const o = byShort.get(a[1]!);
      if (!o || (a.length > 2 && !o.value)) {
        throw usageError(spec, `unknown option ${show(a)}${spec.name === 'use' ? "; for a profile whose name begins with '-', write: awsp use -- NAME" : ''}`);
      }
      take(o, a.length > 2 ? a.slice(2) : undefined, next);
    } else {
      args.push(a);
    }
  }

  // Wrong arguments: what was wrong, the usage line, and where to read more.
  const wrong = (what: string) => usageError(spec, `${what} (usage: ${usageLine(spec)})`);
  if (spec.command === 'required' && (command === null || command.length === 0)) {
    throw wrong(`${subject(spec)} needs a command after --`);
  }
  if (command !== null && command.length === 0) command = null;
  if (args.length > spec.args.length) {
    const what =
      spec.args.length === 0 ? 'takes no arguments' : spec.args.length === 1 ? `takes one ${spec.args[0]!.name.toLowerCase()} at most` : `takes at most ${spec.args.length} arguments`;
    throw wrong(`${subject(spec)} ${what}, not ${args.map(show).join(' ')}`);
  }
  const missing = spec.args.slice(args.length).find((s) => !s.optional);
  if (missing) throw wrong(`${subject(spec)} needs a ${missing.name.toLowerCase()}`);
  for (const [i, v] of args.entries()) {
    const arg = spec.args[i]!;
    const why = arg.choices && !arg.choices.includes(v) ? `unknown ${arg.name.toLowerCase()} ${show(v)}; one of ${arg.choices.join(', ')}` : checkValue(arg.kind, arg.name, v);
    if (why) throw usageError(spec, why);
  }

  return {
    spec,
    args,
    command,
    flag: (long) => values.get(long) === true,
    value: (long) => {
      const v = values.get(long);
      return typeof v === 'string' ? v : undefined;
    },
    seconds: (long) => {
      const v = values.get(long);
      return typeof v === 'string' ? (parseDuration(v) ?? undefined) : undefined;
    },
  };
}

/** `awsp exports [PROFILE] [options]`, as in help and in usage errors. */
export function usageLine(spec: CommandSpec, opts: { named?: boolean; options?: boolean } = {}): string {
  const parts = [opts.named ? `awsp ${spec.name}` : invocation(spec)];
  for (const a of spec.args) {
    const name = a.choices ? a.choices.join('|') : a.name;
    parts.push(a.optional ? `[${name}]` : name);
  }
  if (spec.options.length > 0 && opts.options !== false) parts.push('[options]');
  if (spec.command === 'required') parts.push('-- COMMAND [ARGS...]');
  if (spec.command === 'optional') parts.push('[-- COMMAND [ARGS...]]');
  return parts.join(' ');
}
