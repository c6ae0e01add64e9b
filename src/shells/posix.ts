import type { Shell, ShellName } from './types.js';

/** bash and zsh share POSIX quoting: single quotes, with `'` written as `'\''`. */
export function posixQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function posixShell(name: ShellName, rcFile: string): Shell {
  return {
    name,
    quote: posixQuote,
    set: (n, v) => `\\builtin export ${n}=${posixQuote(v)}`,
    unset: (n) => `\\builtin unset ${n}`,
    call: (fn, args) => [fn, ...args.map(posixQuote)].join(' '),
    rcFile,
    initLine: `eval "$(awsp init ${name})"`,
  };
}
