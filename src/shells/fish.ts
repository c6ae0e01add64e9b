import type { Shell } from './types.js';

/** fish single quotes: only `\\` and `\'` are escapes inside them (POSIX quoting breaks here). */
export function fishQuote(value: string): string {
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

export const fish: Shell = {
  name: 'fish',
  quote: fishQuote,
  set: (n, v) => `set -gx ${n} ${fishQuote(v)}`,
  unset: (n) => `set -e -g ${n}`,
  call: (fn, args) => [fn, ...args.map(fishQuote)].join(' '),
  rcFile: '~/.config/fish/conf.d/awsp.fish',
  initLine: 'awsp init fish | source',
};
