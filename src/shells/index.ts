import { readFileSync } from 'node:fs';
import { ROOT } from '../root.js';
import { bash } from './bash.js';
import { fish } from './fish.js';
import type { EnvChange, Shell, ShellName } from './types.js';
import { zsh } from './zsh.js';

export type { EnvChange, Shell, ShellName } from './types.js';

const SHELLS: Record<ShellName, Shell> = { bash, zsh, fish };

export const SHELL_NAMES = Object.keys(SHELLS) as ShellName[];

export function isShellName(name: string): name is ShellName {
  return Object.hasOwn(SHELLS, name);
}

export function getShell(name: ShellName): Shell {
  return SHELLS[name];
}

/** The shell awsp talks to: the one the integration declared, else $SHELL, else bash. */
export function currentShell(env: NodeJS.ProcessEnv): Shell {
  const declared = env.AWSP_SHELL;
  if (declared && isShellName(declared)) return SHELLS[declared];
  const base = (env.SHELL ?? '').split('/').pop() ?? '';
  return isShellName(base) ? SHELLS[base] : bash;
}

/** The lines of dist/awsp.SHELL around the stub that reads dist/awsp-lazy.SHELL at first use. */
const LAZY = ['# @AWSP_LAZY_BEGIN@', '# @AWSP_LAZY_END@'] as const;

/**
 * The integration as one script for `eval` (which has no file to find the rest beside):
 * dist/awsp.SHELL with its lazy-loading stub replaced by dist/awsp-lazy.SHELL.
 */
export function initScript(shell: Shell): string {
  const read = (name: string) => readFileSync(new URL(`dist/${name}.${shell.name}`, ROOT), 'utf8');
  return spliceLazy(read('awsp'), read('awsp-lazy'));
}

export function spliceLazy(main: string, lazy: string): string {
  const begin = main.indexOf(`${LAZY[0]}\n`);
  const end = main.indexOf(`${LAZY[1]}\n`);
  if (begin < 0 || end < begin) throw new Error('the shell integration has no lazy-loading stub to replace; run npm run build');
  return main.slice(0, begin) + lazy.replace(/\n*$/, '\n') + main.slice(end + LAZY[1].length + 1);
}

export function renderEnv(shell: Shell, change: EnvChange): string {
  return change.map(([n, v]) => (v === null ? shell.unset(n) : shell.set(n, v))).join('\n') + '\n';
}
