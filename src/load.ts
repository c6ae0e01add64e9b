// dist/load.cjs: runs awsp's CommonJS bundles through V8's code cache.
//   cli.cjs    awsp itself, started by bin/awsp.cjs
//   sdk.cjs    the AWS SDK pieces (src/credentials/sdk.ts), for exports, exec, login, logout and sso only
//   execa.cjs  execa, for exec only
// The build writes each bundle's cache after a warm-up run, so it holds the functions that run
// compiled too: with it V8 neither parses nor compiles them again. For the SDK that is most of
// the time `awsp exports` takes beyond Node's own start. Reading a cache costs in proportion to
// its size, so the SDK has one per kind of resolution (a flavor), each with what that kind runs.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { err } from './output.js';

/** Set by scripts/build.mjs for a warm-up run: the caches it writes, as `NAME` or `NAME.FLAVOR`, comma-separated. */
const WRITE_CACHE = 'AWSP_BUILD_CODE_CACHE';

const loaded = new Map<string, unknown>();

const debug = (message: string): void => {
  if (process.env.AWSP_DEBUG) err(`awsp: debug: ${message}\n`);
};

/**
 * Runs NAME.cjs from this file's folder as a CommonJS module, with the cache NAME[.FLAVOR].v8cache,
 * and returns its exports. A bundle runs once per process; a later call gets the same exports.
 */
export function loadBundle(name: string, flavor?: string): unknown {
  if (loaded.has(name)) return loaded.get(name);
  const file = fileURLToPath(new URL(`${name}.cjs`, import.meta.url));
  const cache = flavor === undefined ? name : `${name}.${flavor}`;
  const cacheFile = fileURLToPath(new URL(`${cache}.v8cache`, import.meta.url));
  // The build writes ASCII only (esbuild escapes the rest), and latin1 is the cheapest way to read it.
  const source = readFileSync(file, 'latin1');
  const writing = process.env[WRITE_CACHE]?.split(',').includes(cache) === true;
  let cachedData: Buffer | undefined;
  try {
    if (!writing) cachedData = readFileSync(cacheFile);
  } catch {
    // No cache: V8 compiles as usual. Only slower, so only AWSP_DEBUG says so.
    debug(`no code cache ${cache}.v8cache`);
  }
  // The file holds the function Node would wrap a CommonJS module in (scripts/build.mjs).
  // V8 checks the cache against this source, its own version and its flags, and ignores a cache
  // that does not fit (after a Node upgrade, say; `./install.sh` builds a fitting one).
  const script = new Script(source, { filename: file, cachedData });
  if (script.cachedDataRejected === true) debug(`V8 rejected the code cache ${cache}.v8cache`);
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...a: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
  if (writing) {
    // At exit, so the cache also holds the functions the warm-up compiled.
    process.once('exit', () => {
      writeFileSync(`${cacheFile}.tmp`, script.createCachedData());
      renameSync(`${cacheFile}.tmp`, cacheFile);
    });
  }
  loaded.set(name, module.exports);
  return module.exports;
}
