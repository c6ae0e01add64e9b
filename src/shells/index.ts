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

/** The integration script, shipped in shell/ beside dist/. */
export function initScript(shell: Shell): string {
  return readFileSync(new URL(`shell/awsp.${shell.name}`, ROOT), 'utf8');
}

export function renderEnv(shell: Shell, change: EnvChange): string {
  return change.map(([n, v]) => (v === null ? shell.unset(n) : shell.set(n, v))).join('\n') + '\n';
}
