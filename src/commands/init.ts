import { UserError } from '../errors.js';
import { getShell, initScript, isShellName, SHELL_NAMES } from '../shells/index.js';

export function initCommand(args: string[]): string {
  const [name, ...rest] = args;
  if (name === undefined) throw new UserError(`init needs a shell: ${SHELL_NAMES.join(', ')} (e.g. eval "$(awsp init bash)")`, 2);
  if (!isShellName(name)) throw new UserError(`cannot init '${name}': awsp supports ${SHELL_NAMES.join(', ')}`, 2);
  if (rest.length > 0) throw new UserError(`init takes one shell name, got: ${args.join(' ')}`, 2);
  return initScript(getShell(name));
}
