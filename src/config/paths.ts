import { userInfo } from 'node:os';
// Where the AWS files are, as botocore finds them. (The names cache's key, which the shells
// compute too, is src/cache.ts's.)

export interface AwsPaths {
  /** The variables as set (the default spelled with $HOME), before expansion. */
  rawConfig: string;
  rawCredentials: string;
  /** After botocore's expandvars and expanduser: the files actually read. */
  config: string;
  credentials: string;
}

type Env = Record<string, string | undefined>;

export function awsPaths(env: Env): AwsPaths {
  const rawConfig = env.AWS_CONFIG_FILE ?? `${env.HOME ?? ''}/.aws/config`;
  const rawCredentials = env.AWS_SHARED_CREDENTIALS_FILE ?? `${env.HOME ?? ''}/.aws/credentials`;
  // botocore expands `~/.aws/config`; Python's expanduser falls back to the passwd entry when HOME is unset.
  const home = env.HOME ?? passwdHome();
  const resolve = (raw: string | undefined, dflt: string) => expandUser(raw === undefined ? dflt : expandVars(raw, env), home);
  return {
    rawConfig,
    rawCredentials,
    config: resolve(env.AWS_CONFIG_FILE, '~/.aws/config'),
    credentials: resolve(env.AWS_SHARED_CREDENTIALS_FILE, '~/.aws/credentials'),
  };
}

function passwdHome(): string {
  try {
    return userInfo().homedir;
  } catch {
    return '';
  }
}

/** Python's os.path.expandvars: `$NAME` and `${NAME}` when set, anything else left as it is. */
export function expandVars(path: string, env: Env): string {
  return path.replace(/\$(\w+)|\$\{([^}]*)\}/g, (m, a: string | undefined, b: string | undefined) => {
    const v = env[(a ?? b)!];
    return v === undefined ? m : v;
  });
}

/** Python's os.path.expanduser for `~` and `~/…` (other users' homes are left alone). */
export function expandUser(path: string, home: string): string {
  if (path === '~' || path.startsWith('~/')) return home.replace(/\/+$/, '') + path.slice(1) || '/';
  return path;
}

/**
 * The names cache: one file per pair of (raw) AWS file paths, where the shell looks for it.
 * None without a cache directory of the user's own (HOME and XDG_CACHE_HOME unset or empty):
 * `/.cache` is nobody's to write; the shell then asks Node each time.
 */
export function cacheFile(env: Env, paths: AwsPaths): string | null {
  const dir = env.XDG_CACHE_HOME || (env.HOME ? `${env.HOME}/.cache` : null);
  if (dir === null) return null;
  return `${dir}/awsp/names-${cacheKey(paths.rawConfig)}%%${cacheKey(paths.rawCredentials)}`;
}

// `%` first, then `/`: the result never holds `%%`, so the separator above is unambiguous.
const cacheKey = (p: string): string => p.replace(/%/g, '%25').replace(/\//g, '%2F');
