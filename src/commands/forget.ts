import { type Env, show, warn } from '../context.js';
import { forgetSessions } from '../sessions/cache.js';
import type { Parsed } from './parse.js';

/** `awsp forget [PROFILE]`: cached sessions gone, so the next run asks AWS (and for an MFA code) again. */
export function forgetCommand(a: Parsed, env: Env): Promise<number> {
  const profile = a.args[0];
  const n = forgetSessions(env, profile);
  const what = `${n === 0 ? 'no' : n} cached session${n === 1 ? '' : 's'}`;
  warn(profile === undefined ? `removed ${what}` : `removed ${what} that ${show(profile)} took part in`);
  return Promise.resolve(0);
}
