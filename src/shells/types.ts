/** What awsp needs from a shell: how to quote, set, unset, call, and its init script. */
export interface Shell {
  readonly name: ShellName;
  /** A literal word for this shell: nothing inside it expands. */
  quote(value: string): string;
  /** Set and export a variable. */
  set(name: string, value: string): string;
  /** Remove a variable entirely (never assign an empty string). */
  unset(name: string): string;
  /** A call of one of awsp's shell functions with literal arguments. */
  call(fn: string, args: readonly string[]): string;
  /** The rc file and the line that loads the integration, for messages and install.sh. */
  readonly rcFile: string;
  readonly initLine: string;
}

export type ShellName = 'bash' | 'zsh' | 'fish';

/** A change to the environment: name to value, null meaning unset. Emitted in this order. */
export type EnvChange = ReadonlyArray<readonly [name: string, value: string | null]>;
