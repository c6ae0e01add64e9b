import type { Env } from '../context.js';
import { UserError } from '../errors.js';

/** `awsp exec [PROFILE] -- CMD…`: credentials in one child's environment only. */
export async function execCommand(_args: string[], _env: Env): Promise<number> {
  throw new UserError('exec is not built yet');
}
