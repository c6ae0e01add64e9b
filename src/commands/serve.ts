// `awsp serve [PROFILE]`: the credentials endpoint of `exec --server` in the foreground, for other
// terminals and for containers. It prints the two variables that point a client at it (and the
// region), then serves until Ctrl-C or SIGTERM.
import { lstatSync, readFileSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeAtomic, WriteFailed } from '../config/write.js';
import { serveOptions } from '../credentials/args.js';
import { createResolver } from '../credentials/resolve.js';
import { type Env, readProfiles, show, warn } from '../context.js';
import { UserError } from '../errors.js';
import { type Format, isoTime, renderChange } from '../formats.js';
import { out, stdoutIsTerminal } from '../output.js';
import { defaultProfileShadows } from '../server/child.js';
import { endpointEnv, startEndpoint } from '../server/endpoint.js';
import { currentShell, type EnvChange } from '../shells/index.js';
import type { Parsed } from './parse.js';

/** Writes TEXT to FILE as a new 0600 file put in place with a rename (a symlink there is replaced, not followed). */
function writePrivate(file: string, text: string): void {
  const st = lstatSync(file, { throwIfNoEntry: false });
  if (st && !st.isFile() && !st.isSymbolicLink()) throw new UserError(`--env-file ${show(file)} is not a regular file`);
  try {
    writeAtomic(file, join(dirname(file), `.${basename(file)}.awsp-${process.pid}.tmp`), Buffer.from(text, 'utf8'));
  } catch (e) {
    throw e instanceof WriteFailed ? new UserError(`cannot write --env-file ${show(file)}: ${e.message}`) : e;
  }
}

export async function serveCommand(a: Parsed, env: Env): Promise<number> {
  const opts = serveOptions(a, env);
  const format = (opts.format ?? (opts.envFile !== null ? 'env' : currentShell(env).name)) as Exclude<Format, 'process'>;
  // The token is as good as the keys while the server runs: the terminal rule of `awsp exports`.
  if (opts.envFile === null && stdoutIsTerminal() && !opts.reveal) {
    throw new UserError('not printing the endpoint token onto the terminal; write it to a file with --env-file FILE (0600), or add --reveal');
  }
  const resolver = createResolver(opts, env);
  const first = await resolver.resolve();
  const shadow = defaultProfileShadows(readProfiles(env, { quiet: true }).set);
  if (shadow) warn(`${shadow}: a client that can read this config must set AWS_PROFILE to a profile without them`);

  const served = (r: typeof first) => (r.accountId !== undefined ? { credentials: r.credentials, accountId: r.accountId } : { credentials: r.credentials });
  const endpoint = await startEndpoint(async () => served(await resolver.resolve()), served(first), {
    port: opts.port,
    onError: (m) => warn(`cannot refresh the credentials of ${show(opts.profile)}: ${m}`),
    onRefresh: (s) => warn(`refreshed the credentials of ${show(opts.profile)}${s.credentials.expiration ? `, valid until ${isoTime(s.credentials.expiration)}` : ''}`),
  });
  const region: Array<[string, string]> = first.region ? [['AWS_REGION', first.region], ['AWS_DEFAULT_REGION', first.region]] : [];
  const change: EnvChange = [...endpointEnv(endpoint), ...region];
  const text = renderChange(format, change);
  try {
    if (opts.envFile !== null) writePrivate(opts.envFile, text);
    else out(text);
  } catch (e) {
    // Nobody can use the endpoint then: it must not keep awsp running.
    await endpoint.close();
    throw e;
  }
  warn(`serving the credentials of ${show(opts.profile)} on ${endpoint.url} until Ctrl-C${opts.envFile !== null ? `; the variables are in ${opts.envFile}` : ''}`);

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(s, () => resolve(s));
  });
  await endpoint.close();
  // The token dies with the server; the file that held it goes too, unless someone replaced it.
  if (opts.envFile !== null) {
    try {
      if (readFileSync(opts.envFile, 'utf8') === text) unlinkSync(opts.envFile);
    } catch {
      /* already gone */
    }
  }
  warn(`stopped (${signal})`);
  return 0;
}
