// Opening a URL in the user's browser: $BROWSER first (a `:`-separated list of commands, `%s`
// standing for the URL, else the URL appended, as xdg-utils and git read it), else the
// platform's opener. The browser is started detached with no stdio of ours: it may outlive
// awsp, and nothing it prints may end up in a stdout that a shell evaluates.
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Env } from '../context.js';

/** A program on PATH (or a path), as a shell would find it; null when there is none. */
export function findProgram(file: string, path: string): string | null {
  const candidates = file.includes('/') ? [file] : path.split(delimiter).map((d) => join(d || '.', file));
  for (const c of candidates) {
    try {
      if (!statSync(c).isFile()) continue;
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not here
    }
  }
  return null;
}

const isWsl = (env: Env): boolean => {
  if (env.WSL_DISTRO_NAME) return true;
  try {
    return /microsoft/i.test(readFileSync('/proc/sys/kernel/osrelease', 'utf8'));
  } catch {
    return false;
  }
};

/** The command (without the URL) that would open a URL here, or null when no browser can be opened. */
export function findBrowser(env: Env): { argv: string[]; url: 'append' | 'replace' } | null {
  const path = env.PATH ?? '/usr/bin:/bin';
  if (env.BROWSER) {
    for (const entry of env.BROWSER.split(':')) {
      const argv = entry.trim().split(/\s+/).filter(Boolean);
      if (argv.length === 0) continue;
      const program = findProgram(argv[0]!, path);
      if (program) return { argv: [program, ...argv.slice(1)], url: argv.some((a) => a.includes('%s')) ? 'replace' : 'append' };
    }
    return null;
  }
  const openers =
    process.platform === 'darwin'
      ? ['open']
      : isWsl(env)
        ? ['wslview']
        : // Without a display, xdg-open falls back to a text browser that would fight us for the terminal.
          env.DISPLAY || env.WAYLAND_DISPLAY
          ? ['xdg-open']
          : [];
  for (const o of openers) {
    const program = findProgram(o, path);
    if (program) return { argv: [program], url: 'append' };
  }
  return null;
}

/** Starts the browser on URL, detached. Returns false when it could not even start. */
export function openBrowser(browser: { argv: string[]; url: 'append' | 'replace' }, url: string): Promise<boolean> {
  const argv = browser.url === 'replace' ? browser.argv.map((a) => a.replace(/%s/g, url)) : [...browser.argv, url];
  return new Promise((resolve) => {
    try {
      const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: 'ignore' });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}
