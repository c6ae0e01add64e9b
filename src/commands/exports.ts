import type { Env } from '../context.js';
import { UserError } from '../errors.js';

/** `awsp exports [PROFILE]`: credential exports for tools that cannot read the AWS config. */
export async function exportsCommand(_args: string[], _env: Env): Promise<number> {
  throw new UserError('exports is not built yet');
}
