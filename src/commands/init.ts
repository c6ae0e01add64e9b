import { getShell, initScript, type ShellName } from '../shells/index.js';
import { out } from '../output.js';
import type { Parsed } from './parse.js';

export function initCommand(a: Parsed): Promise<number> {
  // The table checked the name.
  out(initScript(getShell(a.args[0] as ShellName)));
  return Promise.resolve(0);
}
